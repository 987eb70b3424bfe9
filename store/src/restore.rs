//! Restoring an engine from a county's journal (snapshot and tail), and taking snapshots.

use std::io::{self, BufRead, Read, Write};

use fengqiao::engine::{Engine, WorldData};
use fengqiao::journal::Snapshot;
use postgres::fallible_iterator::FallibleIterator;

use crate::{hash, Store, StoreError};

/// A snapshot is stored in parts of this many bytes (one row each).
const PART: usize = 4 << 20;

impl Store {
    /// Rebuilds a county's engine: its latest snapshot (if any) and the entries after it,
    /// streamed, every entry verified as [`Engine::restore`] verifies it. Then checked
    /// against what the store keeps apart: the journal's head (a journal cut short is
    /// refused) and every case's head row.
    ///
    /// Everything is read in one read-only `REPEATABLE READ` transaction: an append that
    /// commits meanwhile is either wholly seen or not at all.
    pub fn restore(&mut self, county: &str) -> Result<Engine, StoreError> {
        self.check_schema()?;
        self.in_one_snapshot(|store| store.restore_now(county))
    }

    fn restore_now(&mut self, county: &str) -> Result<Engine, StoreError> {
        let row = self
            .client
            .query_opt(
                "SELECT origin, world, seq, digest FROM fengqiao.journals WHERE county = $1",
                &[&county],
            )?
            .ok_or_else(|| StoreError::NoJournal {
                county: county.to_string(),
            })?;
        let tampered = |message: String| StoreError::Tampered {
            county: county.to_string(),
            message,
        };
        let origin = hash(row.get(0));
        let (head_seq, head) = (row.get::<_, i64>(2) as u64, hash(row.get(3)));
        let snapshot_at: Option<i64> = self
            .client
            .query_one(
                "SELECT max(seq) FROM fengqiao.snapshots WHERE county = $1 AND part = 0 AND seq <= $2",
                &[&county, &(head_seq as i64)],
            )?
            .get(0);
        let mut engine = match snapshot_at {
            Some(at) => {
                let engine = self.restore_snapshot(county, at)?;
                if engine.journal_origin() != origin || engine.journal_seq() != at as u64 {
                    return Err(tampered(format!(
                        "the snapshot at entry {at} is not this journal's"
                    )));
                }
                if self.digest_at(county, at as u64)? != engine.journal_digest() {
                    return Err(tampered(format!(
                        "the snapshot at entry {at} does not match the journal's digest there"
                    )));
                }
                engine
            }
            None => {
                let world: WorldData = serde_json::from_str(row.get(1))
                    .map_err(|e| tampered(format!("its world document cannot be read: {e}")))?;
                if fengqiao::journal::origin(&world) != origin {
                    return Err(tampered(
                        "its world document is not the one the journal started from".into(),
                    ));
                }
                Engine::from_world(world)?
            }
        };
        let from = engine.journal_seq();
        self.replay_tail(county, &mut engine, from)?;
        if engine.journal_seq() != head_seq || engine.journal_digest() != head {
            return Err(tampered(format!(
                "the journal holds entries up to {} but its head says {head_seq} (digest {}…)",
                engine.journal_seq(),
                &head.to_string()[..16]
            )));
        }
        self.check_heads(county, &engine)?;
        self.check_audit_rows(county, &engine)?;
        self.counties.insert(origin, county.to_string());
        Ok(engine)
    }

    /// The audit and denial rows against the restored audit record: as many as it holds
    /// (a deleted row is found here; `Store::verify` compares every row with its entry).
    fn check_audit_rows(&mut self, county: &str, engine: &Engine) -> Result<(), StoreError> {
        let rows: i64 = self
            .client
            .query_one(
                "SELECT (SELECT count(*) FROM fengqiao.audit WHERE county = $1)
                      + (SELECT count(*) FROM fengqiao.denials WHERE county = $1)",
                &[&county],
            )?
            .get(0);
        let held = engine.audit_record().len();
        if rows as usize != held {
            return Err(StoreError::Tampered {
                county: county.to_string(),
                message: format!(
                    "{rows} audit and denial rows for the {held} entries of the journal's audit record"
                ),
            });
        }
        Ok(())
    }

    /// Every case head row against the restored traces.
    fn check_heads(&mut self, county: &str, engine: &Engine) -> Result<(), StoreError> {
        let mut rows = self.client.query_raw(
            "SELECT case_code, seq, head FROM fengqiao.heads WHERE county = $1",
            [&county],
        )?;
        let mut n = 0usize;
        while let Some(row) = rows.next()? {
            n += 1;
            let code: &str = row.get(0);
            let (seq, head) = (row.get::<_, i64>(1) as u64, hash(row.get(2)));
            let found = code
                .parse()
                .ok()
                .and_then(|c| engine.case(&c).ok())
                .map(|c| (c.events.len() as u64, c.head()));
            if found != Some((seq, head)) {
                return Err(StoreError::Tampered {
                    county: county.to_string(),
                    message: format!(
                        "case {code}'s head row (seq {seq}, {}…) differs from its trace",
                        &head.to_string()[..16]
                    ),
                });
            }
        }
        if n != engine.case_count() {
            return Err(StoreError::Tampered {
                county: county.to_string(),
                message: format!("{n} case head rows for {} cases", engine.case_count()),
            });
        }
        Ok(())
    }

    /// Stores a snapshot of `engine` (all of it stored: append first) in its parts form
    /// ([`Snapshot::into_parts`]: a restore parses and verifies its case lines on every
    /// core), in rows of 4 MiB; restores start from the latest. Returns the entry it was
    /// taken at.
    pub fn snapshot(&mut self, engine: &Engine) -> Result<u64, StoreError> {
        let (county, _) = self.stored_position_of(engine, "a snapshot")?;
        let mine = engine.journal_seq();
        let snapshot = engine.snapshot();
        let digest = snapshot.digest;
        let mut tx = self.client.transaction()?;
        let exists = tx
            .query_opt(
                "SELECT 1 FROM fengqiao.snapshots WHERE county = $1 AND seq = $2 AND part = 0",
                &[&county, &(mine as i64)],
            )?
            .is_some();
        if exists {
            return Ok(mine);
        }
        let mut parts = Parts {
            tx: &mut tx,
            county: &county,
            seq: mine as i64,
            digest: digest.0,
            part: 0,
            buf: Vec::with_capacity(PART),
            failed: None,
        };
        let written = parts
            .write_all(snapshot.into_parts().as_bytes())
            .and_then(|()| parts.flush());
        if let Some(e) = parts.failed.take() {
            return Err(e.into());
        }
        written.map_err(|e| StoreError::Tampered {
            county: county.clone(),
            message: format!("the snapshot could not be written: {e}"),
        })?;
        tx.commit()?;
        Ok(mine)
    }

    /// Restores the snapshot stored at `seq`: in parts (what [`Store::snapshot`] writes),
    /// its text read whole and its case lines parsed and verified on every core; one JSON
    /// document (what stores before format 2 of the parts wrote), parsed as it streams from
    /// the rows. Not yet checked against the journal: the caller does.
    fn restore_snapshot(&mut self, county: &str, seq: i64) -> Result<Engine, StoreError> {
        let rows = self.client.query_raw(
            "SELECT part, bytes FROM fengqiao.snapshots WHERE county = $1 AND seq = $2 ORDER BY part",
            [&county as &dyn postgres::types::ToSql, &seq],
        )?;
        let mut reader = PartReader {
            rows,
            buf: Vec::new(),
            pos: 0,
            next_part: 0,
            failed: None,
        };
        let unreadable = |e: String| StoreError::Tampered {
            county: county.to_string(),
            message: format!("the snapshot at entry {seq} cannot be read: {e}"),
        };
        let mut stream = io::BufReader::with_capacity(1 << 16, &mut reader);
        let in_parts = stream
            .fill_buf()
            .map(|start| fengqiao::journal::is_parts(&String::from_utf8_lossy(start)));
        let restored = match in_parts {
            Ok(true) => {
                let mut text = String::new();
                match stream.read_to_string(&mut text) {
                    Ok(_) => Ok(Engine::restore_snapshot_parts(&text, std::iter::empty())),
                    Err(e) => Err(e.to_string()),
                }
            }
            Ok(false) => serde_json::from_reader::<_, Snapshot>(stream)
                .map(|s| Engine::restore_snapshot(s, std::iter::empty()))
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        if let Some(e) = reader.failed.take() {
            return Err(e.into());
        }
        restored.map_err(unreadable)?.map_err(StoreError::from)
    }
}

/// Writes a snapshot's text as rows of [`PART`] bytes.
struct Parts<'a, 't> {
    tx: &'a mut postgres::Transaction<'t>,
    county: &'a str,
    seq: i64,
    digest: [u8; 32],
    part: i32,
    buf: Vec<u8>,
    failed: Option<postgres::Error>,
}

impl Parts<'_, '_> {
    fn store(&mut self) -> io::Result<()> {
        if self.buf.is_empty() && self.part > 0 {
            return Ok(());
        }
        self.tx
            .execute(
                "INSERT INTO fengqiao.snapshots (county, seq, part, digest, bytes) VALUES ($1, $2, $3, $4, $5)",
                &[&self.county, &self.seq, &self.part, &self.digest.as_slice(), &self.buf],
            )
            .map_err(|e| {
                let message = e.to_string();
                self.failed = Some(e);
                io::Error::other(message)
            })?;
        self.part += 1;
        self.buf.clear();
        Ok(())
    }
}

impl Write for Parts<'_, '_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= PART {
            self.store()?;
        }
        Ok(bytes.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.store()
    }
}

/// Reads a snapshot's rows back as one byte stream, checking the parts are consecutive.
struct PartReader<'a> {
    rows: postgres::RowIter<'a>,
    buf: Vec<u8>,
    pos: usize,
    next_part: i32,
    failed: Option<postgres::Error>,
}

impl Read for PartReader<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.buf.len() {
            match self.rows.next() {
                Ok(Some(row)) => {
                    let part: i32 = row.get(0);
                    if part != self.next_part {
                        return Err(io::Error::other(format!("part {} missing", self.next_part)));
                    }
                    self.next_part += 1;
                    self.buf = row.get(1);
                    self.pos = 0;
                }
                Ok(None) => return Ok(0),
                Err(e) => {
                    let message = e.to_string();
                    self.failed = Some(e);
                    return Err(io::Error::other(message));
                }
            }
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}
