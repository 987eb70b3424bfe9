//! What the store refuses, and why.

use fengqiao::engine::EngineError;

/// Why a store call failed. Nothing is half-written on any of them: every write is one
/// transaction, rolled back on the error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// Another engine appended first (optimistic concurrency): reload and retry. `stored`
    /// is the store's position, `engine` this engine's; `case` is set when a case's head
    /// had moved.
    #[error("conflict on county {county}: {message} (store at entry {stored}, engine at entry {engine}); catch up or restore the engine and retry")]
    Conflict {
        /// The county journal.
        county: String,
        /// The store's last entry.
        stored: u64,
        /// The engine's last entry.
        engine: u64,
        /// The case whose head had moved, if one did.
        case: Option<String>,
        /// What happened.
        message: String,
    },
    /// The county's journal was never created ([`crate::Store::create`]).
    #[error("county {county} has no journal in this store: create it with the world document the engine was built from")]
    NoJournal {
        /// The county code asked for.
        county: String,
    },
    /// The engine's world is not one county (the store keeps one journal per county).
    #[error("argument `world`: {message}")]
    County {
        /// What is wrong.
        message: String,
    },
    /// The engine holds entries the store does not: append them first.
    #[error("county {county}: the engine holds entries up to {engine}, the store up to {stored}: append before {action}")]
    Unstored {
        /// The county journal.
        county: String,
        /// The store's last entry.
        stored: u64,
        /// The engine's last entry.
        engine: u64,
        /// What was asked (`a snapshot`, `catching up`).
        action: &'static str,
    },
    /// What the store holds does not add up: a journal shorter than its head says, a case
    /// head that differs from the case's trace, a world whose digest is not the origin, a
    /// snapshot that does not parse. Someone changed the tables.
    #[error("county {county}: the store does not add up: {message}")]
    Tampered {
        /// The county journal.
        county: String,
        /// What differs, naming the case or entry.
        message: String,
    },
    /// The engine refused: what the store holds, on a restore (which verifies every entry;
    /// the error names the entry, the case and its seq), or what was asked of it on an
    /// append or a verification. The message is the engine's own, naming what failed.
    #[error("{0}")]
    Engine(#[from] EngineError),
    /// The schema is older or newer than this library's migrations.
    #[error("schema version {found} in the database; this library needs {needed}: run Store::migrate (as a role that may create tables)")]
    Schema {
        /// The version found (0: none).
        found: i32,
        /// The version this library writes.
        needed: i32,
    },
    /// The database's schema is newer than this library's migrations: another, newer
    /// library migrated it. This library neither reads nor writes it (its rows may mean
    /// what this version cannot check); upgrade the library.
    #[error("schema version {found} in the database is newer than this library's ({known}): upgrade the library; nothing was read or written")]
    NewerSchema {
        /// The version found.
        found: i32,
        /// The newest version this library knows.
        known: i32,
    },
    /// `Store::acknowledge` given a document addressed to the journal's engine, not to a
    /// body's platform: `Store::receive` takes those in (and records them), nothing else.
    #[error("document {seq} of {from} is for journal {to}'s engine, not a body's bridge: Store::receive takes it in")]
    ForTheEngine {
        /// The sending journal.
        from: String,
        /// Its number there.
        seq: u64,
        /// The receiving journal.
        to: String,
    },
    /// `Store::distribute` on a database without the Citus extension: nothing distributed.
    #[error("the database has no Citus extension (CREATE EXTENSION citus on the coordinator, then add the workers): nothing was distributed")]
    NotDistributed,
    /// The database failed (connection, permission, constraint).
    #[error("database: {0}")]
    Database(#[from] postgres::Error),
}

impl StoreError {
    /// Whether reloading the engine and retrying may succeed (a conflict).
    pub fn is_conflict(&self) -> bool {
        matches!(self, StoreError::Conflict { .. })
    }
}
