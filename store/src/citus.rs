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
        self.check_schema()?;
        if !self.on_citus()? {
            return Err(StoreError::NotDistributed);
        }
        // Once distributed, the layout stays: only tables not yet distributed are.
        if self.is_distributed("fengqiao.journals")? {
            return self.distribute_as(Layout::PartitionsByCounty);
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
        self.check_schema()?;
        if !self.on_citus()? {
            return Err(StoreError::NotDistributed);
        }
        self.prepare_session()?;
        if layout == Layout::ByCounty {
            self.unpartition()?;
        }
        let mut done = 0;
        for (i, table) in DISTRIBUTED.iter().enumerate() {
            let name = format!("fengqiao.{table}");
            if self.is_distributed(&name)? {
                continue;
            }
            if i == 0 {
                self.client.execute(
                    "SELECT create_distributed_table($1::text::regclass, 'county')",
                    &[&name],
                )?;
            } else {
                self.client.execute(
                    "SELECT create_distributed_table($1::text::regclass, 'county', colocate_with => 'fengqiao.journals')",
                    &[&name],
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

    /// Recreates the partitioned tables as plain ones (same columns, keys, checks,
    /// defaults and append-only triggers) in one transaction, and makes
    /// `fengqiao.add_county` check the code only: Citus then shards each table by county
    /// once, instead of sharding every county's partition again. Refused once counties
    /// exist; a no-op once done.
    fn unpartition(&mut self) -> Result<(), StoreError> {
        if self.is_distributed("fengqiao.journals")? {
            return Ok(());
        }
        let mut tx = self.client.transaction()?;
        let counties: i64 = tx
            .query_one("SELECT count(*) FROM fengqiao.journals", &[])?
            .get(0);
        for table in &DISTRIBUTED[1..] {
            let partitioned: bool = tx
                .query_one(
                    "SELECT relkind = 'p' FROM pg_class WHERE oid = $1::text::regclass",
                    &[&format!("fengqiao.{table}")],
                )?
                .get(0);
            if !partitioned {
                continue;
            }
            if counties > 0 {
                return Err(StoreError::County {
                    message: format!(
                        "{counties} counties are stored in per-county partitions: distribute them as they are (Layout::PartitionsByCounty)"
                    ),
                });
            }
            let guarded = *table != "heads";
            let mut sql = format!(
                "CREATE TABLE fengqiao.{table}_flat (LIKE fengqiao.{table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES);
                 DROP TABLE fengqiao.{table};
                 ALTER TABLE fengqiao.{table}_flat RENAME TO {table};
                 REVOKE ALL ON fengqiao.{table} FROM PUBLIC;"
            );
            if guarded {
                sql.push_str(&format!(
                    "CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON fengqiao.{table}
                         FOR EACH ROW EXECUTE FUNCTION fengqiao.refuse_change();
                     CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON fengqiao.{table}
                         FOR EACH STATEMENT EXECUTE FUNCTION fengqiao.refuse_change();"
                ));
            }
            tx.batch_execute(&sql)?;
        }
        tx.batch_execute(
            "CREATE OR REPLACE FUNCTION fengqiao.add_county(c text) RETURNS void LANGUAGE plpgsql AS $$
             BEGIN
                 IF c !~ '^[0-9]{6}$' THEN
                     RAISE EXCEPTION 'fengqiao: county code %: six digits expected', c USING ERRCODE = '22023';
                 END IF;
             END
             $$;",
        )?;
        tx.commit()?;
        Ok(())
    }
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
