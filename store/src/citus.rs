//! The store on Citus (distributed PostgreSQL): the store finds the extension and lays its
//! tables out itself, distributed by county and co-located, so a county's append is one
//! worker's transaction and its restore reads one shard (docs/persistence.md).
//!
//! What Citus needs that plain PostgreSQL does not: the append-only triggers are accepted on
//! distributed tables only with `citus.enable_unsafe_triggers` on — in the session that
//! distributes and in every session that creates a county's partitions (they carry a
//! TRUNCATE trigger), which [`Store::connect`] sets when it finds Citus. The triggers run on
//! the shards (row triggers refuse UPDATE and DELETE there too); the grants
//! ([`Store::grant_writer`]) are propagated by Citus and refuse them first.

use crate::{Store, StoreError};

/// Every table of every migration, the one all others are co-located with first.
pub const DISTRIBUTED: &[&str] = &[
    "journals",
    "journal",
    "heads",
    "rule_sets",
    "zero_reports",
    "denials",
    "snapshots",
    "signed_heads",
    "audit",
    "outbox",
    "inbox",
];

impl Store {
    /// Whether the database has the Citus extension (then [`Store::distribute`] applies).
    pub fn on_citus(&mut self) -> Result<bool, StoreError> {
        Ok(self
            .client
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')",
                &[],
            )?
            .get(0))
    }

    /// The session settings the store needs on Citus (a no-op elsewhere): the append-only
    /// triggers of a new county's partitions are created on distributed tables.
    pub(crate) fn prepare_session(&mut self) -> Result<(), StoreError> {
        if self.on_citus()? {
            self.client
                .batch_execute("SET citus.enable_unsafe_triggers = on")?;
        }
        Ok(())
    }

    /// Distributes every table of the schema by `county`, co-located with
    /// `fengqiao.journals`, in the layout measured best ([`Layout::ByCounty`]: see
    /// docs/persistence.md); returns how many tables it distributed. A database that already
    /// holds counties keeps its per-county partitions ([`Layout::PartitionsByCounty`]).
    /// Call it on the coordinator after [`Store::migrate`]; tables already distributed are
    /// left as they are, so calling it again is harmless. Citus's own refusals are
    /// [`StoreError::Database`]; without Citus it distributes nothing and says so
    /// ([`StoreError::NotDistributed`]).
    pub fn distribute(&mut self) -> Result<usize, StoreError> {
        self.check_distributable()?;
        // Once distributed, the layout stays: only tables not yet distributed are.
        if let Some(layout) = layout_of(&mut self.client)? {
            return self.distribute_as(layout);
        }
        let counties: i64 = self
            .client
            .query_one("SELECT count(*) FROM fengqiao.journals", &[])?
            .get(0);
        let layout = if counties == 0 {
            Layout::ByCounty
        } else {
            Layout::PartitionsByCounty
        };
        self.distribute_as(layout)
    }

    /// [`Store::distribute`] in the layout given. [`Layout::ByCounty`] needs a database
    /// without counties yet (its tables are recreated without partitions).
    pub fn distribute_as(&mut self, layout: Layout) -> Result<usize, StoreError> {
        self.check_distributable()?;
        self.distribute_tables(layout)
    }

    /// A schema of any version this library knows (a database distributed before its last
    /// migration is distributed at the version it has), on Citus.
    fn check_distributable(&mut self) -> Result<(), StoreError> {
        let v = crate::migrations::version(&mut self.client)?;
        if v == 0 || v > crate::migrations::VERSION {
            self.check_schema()?;
        }
        if !self.on_citus()? {
            return Err(StoreError::NotDistributed);
        }
        Ok(())
    }

    /// Distributes the tables not yet distributed, at whatever schema version (a migration
    /// on a distributed database calls it for the tables it added).
    pub(crate) fn distribute_tables(&mut self, layout: Layout) -> Result<usize, StoreError> {
        self.prepare_session()?;
        if layout == Layout::ByCounty {
            self.unpartition()?;
        }
        let mut done = 0;
        for (i, table) in DISTRIBUTED.iter().enumerate() {
            let name = format!("fengqiao.{table}");
            let exists: bool = self
                .client
                .query_one("SELECT to_regclass($1) IS NOT NULL", &[&name])?
                .get(0);
            if !exists || self.is_distributed(&name)? {
                continue;
            }
            // The outbox lies by its receiver: what waits for a journal is read from one
            // shard, co-located with the receiver's journal; a sender's append writes to
            // the receiver's shard in the same (two-phase) transaction.
            let column = if *table == "outbox" {
                "to_county"
            } else {
                "county"
            };
            if i == 0 {
                self.client.execute(
                    "SELECT create_distributed_table($1::text::regclass, $2)",
                    &[&name, &column],
                )?;
            } else {
                self.client.execute(
                    "SELECT create_distributed_table($1::text::regclass, $2, colocate_with => 'fengqiao.journals')",
                    &[&name, &column],
                )?;
            }
            done += 1;
        }
        Ok(done)
    }

    /// Whether `table` is distributed already.
    fn is_distributed(&mut self, table: &str) -> Result<bool, StoreError> {
        Ok(self
            .client
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = $1::text::regclass)",
                &[&table],
            )?
            .get(0))
    }

    /// Recreates the partitioned tables not yet distributed as plain ones (same columns,
    /// keys, checks, defaults and append-only triggers), in one transaction, and makes
    /// `fengqiao.add_county` check the code only: Citus then shards each table by county
    /// once, instead of sharding every county's partition again. A table that already has
    /// partitions (counties stored in it) is refused: distribute it as it is.
    pub(crate) fn unpartition(&mut self) -> Result<(), StoreError> {
        // Nothing to do (every start of a distributed store's host comes here): no DDL, so
        // hosts starting together do not contend for the catalog.
        let pending: bool = self
            .client
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname = 'fengqiao' AND c.relkind = 'p' AND NOT c.relispartition
                     AND NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = c.oid))",
                &[],
            )?
            .get(0);
        if !pending {
            return Ok(());
        }
        let mut tx = self.client.transaction()?;
        for table in &DISTRIBUTED[1..] {
            let name = format!("fengqiao.{table}");
            if tx
                .query_one("SELECT to_regclass($1) IS NULL", &[&name])?
                .get::<_, bool>(0)
            {
                continue;
            }
            let row = tx.query_one(
                "SELECT c.relkind = 'p',
                        EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = c.oid),
                        (SELECT count(*) FROM pg_inherits WHERE inhparent = c.oid)
                   FROM pg_class c WHERE c.oid = $1::text::regclass",
                &[&name],
            )?;
            let (partitioned, distributed, partitions): (bool, bool, i64) =
                (row.get(0), row.get(1), row.get(2));
            if !partitioned || distributed {
                continue;
            }
            if partitions > 0 {
                return Err(StoreError::County {
                    message: format!(
                        "{name} holds {partitions} counties' partitions: distribute them as they are (Layout::PartitionsByCounty)"
                    ),
                });
            }
            let mut sql = format!(
                "CREATE TABLE fengqiao.{table}_flat (LIKE fengqiao.{table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES);
                 DROP TABLE fengqiao.{table};
                 ALTER TABLE fengqiao.{table}_flat RENAME TO {table};
                 REVOKE ALL ON fengqiao.{table} FROM PUBLIC;"
            );
            if *table != "heads" {
                sql.push_str(&format!(
                    "CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON fengqiao.{table}
                         FOR EACH ROW EXECUTE FUNCTION fengqiao.refuse_change();
                     CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON fengqiao.{table}
                         FOR EACH STATEMENT EXECUTE FUNCTION fengqiao.refuse_change();"
                ));
            }
            tx.batch_execute(&sql)?;
        }
        tx.batch_execute(CHECK_ONLY_ADD_COUNTY)?;
        tx.commit()?;
        Ok(())
    }
}

/// `fengqiao.add_county` in the `ByCounty` layout: no partitions to make, the code checked.
const CHECK_ONLY_ADD_COUNTY: &str =
    "CREATE OR REPLACE FUNCTION fengqiao.add_county(c text) RETURNS void LANGUAGE plpgsql AS $$
     BEGIN
         IF c !~ '^[0-9]{6}$' THEN
             RAISE EXCEPTION 'fengqiao: county code %: six digits expected', c USING ERRCODE = '22023';
         END IF;
     END
     $$;";

/// The statement a migration ends with to give the counties stored so far their new
/// partitions. On Citus it would run on a worker (where `fengqiao.journals` is a shard):
/// [`apply_migration`] runs it from the coordinator, county by county, instead.
const COUNTY_LOOP: &str = "SELECT fengqiao.add_county(county) FROM fengqiao.journals;";

/// The layout of a database already distributed (`None`: not on Citus, or not distributed).
pub(crate) fn layout_of(client: &mut postgres::Client) -> Result<Option<Layout>, StoreError> {
    let row = client.query_one(
        "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')",
        &[],
    )?;
    if !row.get::<_, bool>(0) {
        return Ok(None);
    }
    let row = client.query_one(
        "SELECT to_regclass('fengqiao.journals') IS NOT NULL
            AND EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = to_regclass('fengqiao.journals')),
                (SELECT relkind = 'p' FROM pg_class WHERE oid = to_regclass('fengqiao.journal'))",
        &[],
    )?;
    Ok(
        match (row.get::<_, bool>(0), row.get::<_, Option<bool>>(1)) {
            (true, Some(true)) => Some(Layout::PartitionsByCounty),
            (true, _) => Some(Layout::ByCounty),
            _ => None,
        },
    )
}

/// A migration's SQL on a distributed database: its county loop run from the coordinator
/// (per county for partitions; nothing to make in the `ByCounty` layout).
pub(crate) fn apply_migration(
    tx: &mut postgres::Transaction<'_>,
    sql: &str,
    layout: Layout,
) -> Result<(), StoreError> {
    // A migration changes distributed tables and functions in one transaction: Citus
    // then needs one connection per worker throughout (migration 3 adds a column to
    // fengqiao.journals, then replaces a function).
    tx.batch_execute("SET LOCAL citus.multi_shard_modify_mode TO 'sequential'")?;
    let Some((before, after)) = sql.split_once(COUNTY_LOOP) else {
        tx.batch_execute(sql)?;
        return Ok(());
    };
    tx.batch_execute(before)?;
    if layout == Layout::PartitionsByCounty {
        let counties: Vec<String> = tx
            .query("SELECT county FROM fengqiao.journals ORDER BY county", &[])?
            .iter()
            .map(|r| r.get(0))
            .collect();
        for c in counties {
            tx.execute("SELECT fengqiao.add_county($1)", &[&c])?;
        }
    }
    tx.batch_execute(after)?;
    Ok(())
}

/// How the store's tables lie on a Citus cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Each table distributed by county without partitions: a county's rows are in one
    /// shard of each table, the shards (32 a table by Citus's default) spread over the
    /// workers. Chosen by measurement (docs/persistence.md): the fewest shards, the same
    /// single-shard appends and restores.
    ByCounty,
    /// The per-county LIST partitions of plain PostgreSQL, each distributed by county too:
    /// what a database holding counties before it was distributed keeps. Every county's
    /// partition is sharded again (all but one shard of each empty).
    PartitionsByCounty,
}
