//! A reference store for fengqiao's journal on PostgreSQL, and on the servers that speak
//! its protocol (openGauss, KingbaseES, Vastbase: see `docs/persistence.md` for what was
//! and was not tried).
//!
//! The engine never does I/O: every change it accepts is a journal entry with a gap-free
//! sequence number and a digest chaining it to the world it started from. This crate keeps
//! those entries in PostgreSQL, **one journal per county**, partitioned by the county code
//! so a province is many partitions and a distributed PostgreSQL (Citus) shards it without
//! a schema change; it restores an engine from them (snapshot and tail), verifying every
//! entry on the way.
//!
//! Guarantees, each tested against a real server:
//! - **nothing half-written**: an append is one transaction (entries, case heads, the
//!   journal's head, the projections), committed whole or not at all;
//! - **no duplicate, no gap**: the journal's head moves only from the position the writer
//!   read (an expected-version check), so of two engines appending at once one wins and
//!   the other gets [`StoreError::Conflict`];
//! - **tampering found**: rows are append-only (a trigger refuses UPDATE, DELETE and
//!   TRUNCATE; [`Store::grant_writer`] grants INSERT and SELECT only), and a row changed
//!   anyway (a superuser disabling the trigger) is refused at restore, naming its case and
//!   seq.
//!
//! # The host loop
//!
//! ```no_run
//! use fengqiao::engine::{Engine, WorldData};
//! use fengqiao_store::{Store, StoreError};
//! # fn work(engine: &mut Engine) -> Result<(), fengqiao::engine::EngineError> { Ok(()) }
//! # fn main() -> Result<(), StoreError> {
//! let mut store = Store::connect("host=127.0.0.1 user=fengqiao dbname=governance")?;
//! let mut engine = store.restore("522301")?;
//! loop {
//!     store.catch_up(&mut engine)?;      // what other engines stored since
//!     work(&mut engine)?;                // register, route, apply … (in memory)
//!     match store.append(&engine) {      // one transaction; then commit your own data
//!         Ok(_) => break,
//!         Err(e) if e.is_conflict() => engine = store.restore("522301")?, // and retry
//!         Err(e) => return Err(e),
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! Why the synchronous `postgres` crate (rust-postgres) and not sqlx or diesel: the engine
//! is synchronous and embedded in hosts that are mostly not Rust; a store that forced an
//! async runtime on them (sqlx) or an ORM's schema model (diesel) would be the larger part
//! of their dependency tree for a dozen statements. rust-postgres speaks the protocol
//! directly (arrays and bytea as parameters, streamed rows), and its openGauss/GaussDB forks
//! (`opengauss`, `gaussdb`) keep its API.

#![deny(missing_docs)]

mod citus;
pub mod cluster;
mod error;
mod exchange;
mod journal;
pub mod migrations;
mod restore;
mod signing;

use std::collections::HashMap;

use fengqiao::engine::{Engine, WorldData};
use fengqiao::trace::Hash;
use postgres::{Client, NoTls};

pub use citus::Layout;
pub use error::StoreError;
pub use exchange::{journal_of, Message, MessageKind, Parked, Receipt};
pub use journal::{Appended, TAIL};

/// A connection to a database holding fengqiao journals. One per thread (as a
/// `postgres::Client`); open as many as the host has writers.
pub struct Store {
    client: Client,
    /// County of each engine seen, by journal origin (finding it walks the hierarchy).
    counties: HashMap<Hash, String>,
    /// Entries per INSERT statement.
    batch: usize,
    /// Signs the transfer documents an append writes to the outbox.
    signer: Option<Box<dyn fengqiao::signing::Signer>>,
    /// This connection listens for documents committed ([`Store::wait`]).
    listening: bool,
    /// The schema was found at this library's version (checked once per connection, not
    /// on every append).
    schema_ok: bool,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("counties", &self.counties.values().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Connects (`host=… port=… user=… dbname=…`, libpq's key-value form, or a
    /// `postgresql://` URL). The schema must be migrated ([`Store::migrate`]) before reads
    /// and writes; they say so otherwise.
    pub fn connect(params: &str) -> Result<Store, StoreError> {
        let mut store = Store::from_client(Client::connect(params, NoTls)?);
        store.prepare_session()?;
        Ok(store)
    }

    /// A store over a client the host configured itself (TLS, application name). On Citus,
    /// the session needs `SET citus.enable_unsafe_triggers = on` before a county is created
    /// ([`Store::connect`] sets it).
    pub fn from_client(client: Client) -> Store {
        Store {
            client,
            counties: HashMap::new(),
            batch: 2_000,
            signer: None,
            listening: false,
            schema_ok: false,
        }
    }

    /// The underlying client, for the host's own statements in its own transactions.
    pub fn client(&mut self) -> &mut Client {
        &mut self.client
    }

    /// Applies the schema migrations the database lacks (as a role that may create
    /// tables); returns the schema version. Safe to call at every start.
    /// On a distributed Citus database the tables a migration adds are distributed in the
    /// database's layout as it runs (see [`Store::distribute`]).
    pub fn migrate(&mut self) -> Result<i32, StoreError> {
        self.migrate_to(migrations::VERSION)
    }

    /// [`Store::migrate`] up to `version` only: a staged upgrade, where hosts of the older
    /// library still run against the database until the last step. Reads and writes need
    /// the latest version ([`StoreError::Schema`] until then).
    pub fn migrate_to(&mut self, version: i32) -> Result<i32, StoreError> {
        let at = migrations::migrate(&mut self.client, version)?;
        self.schema_ok = at == migrations::VERSION;
        if let Some(layout) = citus::layout_of(&mut self.client)? {
            self.distribute_tables(layout)?;
        }
        Ok(at)
    }

    /// Grants `role` what an application needs and no more: SELECT and INSERT on the
    /// append-only tables, UPDATE on the two head tables (moved with every append), EXECUTE
    /// nothing. UPDATE, DELETE and TRUNCATE stay revoked (and the trigger refuses them even
    /// to the owner).
    pub fn grant_writer(&mut self, role: &str) -> Result<(), StoreError> {
        let quoted: String = self
            .client
            .query_one("SELECT quote_ident($1)", &[&role])?
            .get(0);
        self.client.batch_execute(&format!(
            "GRANT USAGE ON SCHEMA fengqiao TO {quoted};
             GRANT SELECT ON fengqiao.migrations TO {quoted};
             GRANT SELECT, INSERT ON fengqiao.journal, fengqiao.rule_sets, fengqiao.zero_reports,
                   fengqiao.denials, fengqiao.snapshots, fengqiao.signed_heads, fengqiao.audit,
                   fengqiao.outbox, fengqiao.inbox
                   TO {quoted};
             GRANT SELECT, INSERT, UPDATE ON fengqiao.journals, fengqiao.heads TO {quoted};"
        ))?;
        Ok(())
    }

    /// Creates the journal of the county `world` covers (its partitions, its head at the
    /// origin), from the world document the engine was built from; returns the county
    /// code. Creating it again with the same world is harmless; with another world it is
    /// refused (a county has one journal).
    pub fn create(&mut self, world: &WorldData) -> Result<String, StoreError> {
        self.check_schema()?;
        let engine = Engine::from_world(world.clone())?;
        let county = county_of(&engine)?;
        let origin = fengqiao::journal::origin(world);
        let body = serde_json::to_string(world).expect("worlds serialise");
        let mut tx = self.client.transaction()?;
        tx.execute("SELECT fengqiao.add_county($1)", &[&county])?;
        let inserted = tx.execute(
            "INSERT INTO fengqiao.journals (county, origin, world, seq, digest)
             VALUES ($1, $2, $3, 0, $2) ON CONFLICT (county) DO NOTHING",
            &[&county, &origin.0.as_slice(), &body],
        )?;
        if inserted == 0 {
            let row = tx.query_one(
                "SELECT origin FROM fengqiao.journals WHERE county = $1",
                &[&county],
            )?;
            let stored: Vec<u8> = row.get(0);
            if stored != origin.0 {
                return Err(StoreError::County {
                    message: format!(
                        "county {county} already has a journal, started from another world document (origin {}…)",
                        &hex(&stored)[..16]
                    ),
                });
            }
        }
        tx.commit()?;
        self.counties.insert(origin, county.clone());
        Ok(county)
    }

    /// The store's position for a county: its last entry's sequence number and digest
    /// (the origin at 0).
    pub fn position(&mut self, county: &str) -> Result<(u64, Hash), StoreError> {
        self.check_schema()?;
        let row = self
            .client
            .query_opt(
                "SELECT seq, digest FROM fengqiao.journals WHERE county = $1",
                &[&county],
            )?
            .ok_or_else(|| StoreError::NoJournal {
                county: county.to_string(),
            })?;
        Ok((row.get::<_, i64>(0) as u64, hash(row.get(1))))
    }

    /// The county an engine's journal is kept under.
    pub fn county(&mut self, engine: &Engine) -> Result<String, StoreError> {
        let origin = engine.journal_origin();
        if let Some(c) = self.counties.get(&origin) {
            return Ok(c.clone());
        }
        let county = county_of(engine)?;
        self.counties.insert(origin, county.clone());
        Ok(county)
    }

    fn check_schema(&mut self) -> Result<(), StoreError> {
        if self.schema_ok {
            return Ok(());
        }
        let found = migrations::version(&mut self.client)?;
        if found > migrations::VERSION {
            return Err(StoreError::NewerSchema {
                found,
                known: migrations::VERSION,
            });
        }
        if found != migrations::VERSION {
            return Err(StoreError::Schema {
                found,
                needed: migrations::VERSION,
            });
        }
        self.schema_ok = true;
        Ok(())
    }
}

/// The journal an engine's entries are kept under: the six-digit county part of its
/// hierarchy's roots. A county is the unit of a journal because a case lives in its county,
/// so every append and restore touches one partition. An engine of the level above (a
/// prefecture's, holding what is escalated to it: docs/deployment.md) has one root, the
/// prefecture, and keeps its journal under the prefecture's six digits (`522300`).
pub fn county_of(engine: &Engine) -> Result<String, StoreError> {
    let roots: Vec<String> = engine
        .hierarchy()
        .roots()
        .into_iter()
        .map(|r| r.to_string())
        .collect();
    if let [only] = roots.as_slice() {
        let six = only.get(..6).unwrap_or_default();
        let prefecture = six.len() == 6 && &six[2..4] != "00" && six.ends_with("00");
        if prefecture && only[6..].bytes().all(|b| b == b'0') {
            return Ok(six.to_string());
        }
    }
    let mut county: Option<String> = None;
    for code in &roots {
        let c = code.get(..6).unwrap_or_default().to_string();
        if c.len() != 6 || c.ends_with("00") {
            return Err(StoreError::County {
                message: format!(
                    "its hierarchy starts at {code}, above a county and not at one prefecture: the store keeps one journal per county, and one for a prefecture's own engine (run an engine per county)"
                ),
            });
        }
        match &county {
            Some(other) if *other != c => {
                return Err(StoreError::County {
                    message: format!(
                        "its hierarchy spans counties {other} and {c}: the store keeps one journal per county (run an engine per county)"
                    ),
                })
            }
            _ => county = Some(c),
        }
    }
    county.ok_or_else(|| StoreError::County {
        message: "its hierarchy is empty".into(),
    })
}

fn hash(bytes: Vec<u8>) -> Hash {
    let mut h = [0u8; 32];
    if bytes.len() == 32 {
        h.copy_from_slice(&bytes);
    }
    Hash(h)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
