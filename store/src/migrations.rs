//! The schema, as versioned SQL applied in order, each in its own transaction, each
//! recorded in `fengqiao.migrations` with the SM3 of its text (a migration changed after
//! it was applied is refused, by name).

use fengqiao::trace::Hash;
use postgres::Client;

use crate::StoreError;

/// The migrations this library ships, oldest first: (version, name, SQL).
pub const MIGRATIONS: &[(i32, &str, &str)] = &[
    (1, "journal", include_str!("../migrations/0001_journal.sql")),
    (
        2,
        "seal_audit",
        include_str!("../migrations/0002_seal_audit.sql"),
    ),
    (
        3,
        "exchange",
        include_str!("../migrations/0003_exchange.sql"),
    ),
];

/// The schema version this library reads and writes.
pub const VERSION: i32 = MIGRATIONS[MIGRATIONS.len() - 1].0;

/// Applies the migrations the database lacks, up to `up_to`; returns the version it is at.
/// On a distributed Citus database each runs as [`crate::citus::apply_migration`] says.
pub(crate) fn migrate(client: &mut Client, up_to: i32) -> Result<i32, StoreError> {
    client.batch_execute(
        "CREATE SCHEMA IF NOT EXISTS fengqiao;
         CREATE TABLE IF NOT EXISTS fengqiao.migrations (
             version    integer     PRIMARY KEY,
             name       text        NOT NULL,
             sm3        bytea       NOT NULL,
             applied_at timestamptz NOT NULL DEFAULT now())",
    )?;
    let found = version(client)?;
    if found > VERSION {
        return Err(StoreError::NewerSchema {
            found,
            known: VERSION,
        });
    }
    let distributed = crate::citus::layout_of(client)?;
    for (version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 <= up_to) {
        let digest = Hash::sm3(sql.as_bytes());
        let mut tx = client.transaction()?;
        // One migrator at a time (two hosts starting together).
        tx.execute("LOCK TABLE fengqiao.migrations IN EXCLUSIVE MODE", &[])?;
        let applied = tx.query_opt(
            "SELECT sm3 FROM fengqiao.migrations WHERE version = $1",
            &[version],
        )?;
        match applied {
            Some(row) => {
                let stored: Vec<u8> = row.get(0);
                if stored != digest.0 {
                    return Err(StoreError::Tampered {
                        county: "*".into(),
                        message: format!(
                            "migration {version} ({name}) was applied from another text than this library's"
                        ),
                    });
                }
            }
            None => {
                match distributed {
                    Some(layout) => crate::citus::apply_migration(&mut tx, sql, layout)?,
                    None => tx.batch_execute(sql)?,
                }
                tx.execute(
                    "INSERT INTO fengqiao.migrations (version, name, sm3) VALUES ($1, $2, $3)",
                    &[version, name, &digest.0.as_slice()],
                )?;
            }
        }
        tx.commit()?;
    }
    version(client)
}

/// The version the database is at (0 before any migration).
pub(crate) fn version(client: &mut Client) -> Result<i32, StoreError> {
    let exists: bool = client
        .query_one("SELECT to_regclass('fengqiao.migrations') IS NOT NULL", &[])?
        .get(0);
    if !exists {
        return Ok(0);
    }
    Ok(client
        .query_one(
            "SELECT coalesce(max(version), 0) FROM fengqiao.migrations",
            &[],
        )?
        .get(0))
}
