//! The outbox and the inbox (migration 3; docs/deployment.md): engines in separate
//! processes — one per county, one per prefecture for what is escalated to it — exchange
//! transfer documents and statistical returns through the database, exactly once.
//!
//! - **Sent with the entries.** [`Store::append`] writes the document of every
//!   `transfer_out` it stores to `fengqiao.outbox` in the same transaction (a transfer is
//!   never stored without its document, nor its document without the transfer), numbered
//!   gap-free per sending journal under the journal's row lock.
//! - **Taken in with the receipt.** [`Store::receive`] reads what waits for an engine's
//!   journal in each sender's order, takes it in ([`Engine::intake`]) and stores the
//!   engine's new entries together with one `fengqiao.inbox` row per document, in one
//!   transaction. A crash before that commit leaves the documents waiting (the restored
//!   engine takes them in again); after it, they are received and never offered again.
//! - **Poison parked.** A document intake refuses is received as `parked` with the error's
//!   code and message (the refusal's audit entry in the journal beside it) and never blocks
//!   those behind it; [`Store::parked`] lists them.
//!
//! A document addressed to a body (`to.body`: a court's, the police's platform) waits for
//! the host's bridge to that platform ([`Store::pending`] with the body).

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use fengqiao::dispute::CaseCode;
use fengqiao::engine::{Engine, EngineError};
use fengqiao::hierarchy::DivisionCode;
use fengqiao::returns::StatisticalReturn;
use fengqiao::signing::{Signer, Verifier};
use fengqiao::trace::{Actor, Hash};
use fengqiao::transfer::TransferDocument;
use postgres::fallible_iterator::FallibleIterator;
use postgres::Transaction;

use crate::{hash, Store, StoreError};

/// The channel a document's commit is announced on, its payload the receiving journal.
const NOTIFY_CHANNEL: &str = "fengqiao_outbox";

/// How many documents one [`Store::receive`] takes in (one transaction).
const RECEIVE_BATCH: i64 = 512;

/// What a message in the outbox carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    /// A transfer document (`fengqiao-transfer/1`): a case, its trace and signed head.
    Transfer,
    /// A statistical return (月报) for the level above to consolidate.
    Return,
}

impl MessageKind {
    fn word(self) -> &'static str {
        match self {
            MessageKind::Transfer => "transfer",
            MessageKind::Return => "return",
        }
    }

    fn of(word: &str) -> MessageKind {
        if word == "return" {
            MessageKind::Return
        } else {
            MessageKind::Transfer
        }
    }
}

/// A document in the outbox, as a receiver or a bridge reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The sending journal (a county's six digits, or a prefecture's).
    pub from: String,
    /// Its number among what that journal sent (gap-free: the order it is taken in).
    pub seq: u64,
    /// What it carries.
    pub kind: MessageKind,
    /// The receiving journal.
    pub to: String,
    /// The body there (`court`, `police` …) when it is for a platform's bridge.
    pub to_body: Option<String>,
    /// The case a transfer carries.
    pub case: Option<String>,
    /// The SM3 of `body`, as stored with it.
    pub sm3: Hash,
    /// The document's JSON, as the sender wrote it.
    pub body: String,
}

/// A document received and refused: what intake said, kept beside the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parked {
    /// The sending journal.
    pub from: String,
    /// Its number there.
    pub seq: u64,
    /// The error code intake refused it with (`trace`, `signature`, `transfer` …).
    pub code: String,
    /// The error's message.
    pub message: String,
    /// The receiver's journal position after the refusal (its audit entry is there).
    pub entry: u64,
}

/// What one [`Store::receive`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Receipt {
    /// Transfer documents taken in, with the cases they carried, in the order taken.
    pub cases: Vec<CaseCode>,
    /// Statistical returns received (read them with [`Store::received_returns`]).
    pub returns: u64,
    /// Documents refused and parked.
    pub parked: u64,
    /// Why the documents after those taken were left waiting, when the receiver could not
    /// take the next one in for a reason of its own (its clock behind the document's, an
    /// actor unknown or not permitted to take transfers in): nothing of the document's
    /// fault, so it is neither parked nor skipped. When nothing was taken at all,
    /// [`Store::receive`] returns that error instead.
    pub held: Option<String>,
}

impl Receipt {
    /// Whether nothing was waiting.
    pub fn is_empty(&self) -> bool {
        self.cases.is_empty() && self.returns == 0 && self.parked == 0
    }
}

/// The journal a unit's documents go to: its county's six digits, or the six of the
/// prefecture (`522300`) or province it is, for an engine of that level. A code shorter
/// than six digits (a province's `52`) is padded with zeros as the national code is.
///
/// ```
/// use fengqiao_store::journal_of;
/// assert_eq!(journal_of("522301001001".parse()?), "522301");
/// assert_eq!(journal_of("522300000000".parse()?), "522300");
/// assert_eq!(journal_of("52".parse()?), "520000");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn journal_of(unit: DivisionCode) -> String {
    let code = unit.to_string();
    format!("{:0<6}", &code[..code.len().min(6)])
}

/// Writes the documents of `transfers` (case, event seq, journal entry, time) to the outbox
/// in the appending transaction.
pub(crate) fn post_transfers(
    tx: &mut Transaction<'_>,
    county: &str,
    engine: &Engine,
    transfers: &[(CaseCode, u64, u64)],
    signer: Option<&dyn Signer>,
) -> Result<(), StoreError> {
    let first = next_seqs(tx, county, transfers.len())?;
    for (seq, (code, event, entry)) in (first..).zip(transfers) {
        // The event's own time (a missing event is refused by transfer_document_at).
        let at = engine
            .case(code)?
            .events
            .iter()
            .find(|e| e.seq == *event)
            .map_or(DateTime::<Utc>::MIN_UTC, |e| e.at);
        let doc = engine.transfer_document_at(code, *event, at, signer)?;
        let body = serde_json::to_string(&doc).expect("documents serialise");
        insert(
            tx,
            county,
            seq,
            Some(*entry),
            MessageKind::Transfer,
            &doc.to.unit,
            doc.to.body.as_deref(),
            Some(code.as_str()),
            &body,
        )?;
    }
    Ok(())
}

/// Takes `n` message numbers of the sending journal (its count moved under its row lock,
/// in the sender's transaction); returns the first. `NoJournal` for an unknown sender.
fn next_seqs(tx: &mut Transaction<'_>, county: &str, n: usize) -> Result<i64, StoreError> {
    let row = tx
        .query_opt(
            "UPDATE fengqiao.journals SET sent = sent + $2 WHERE county = $1 RETURNING sent",
            &[&county, &(n as i64)],
        )?
        .ok_or_else(|| StoreError::NoJournal {
            county: county.to_string(),
        })?;
    Ok(row.get::<_, i64>(0) - n as i64 + 1)
}

#[allow(clippy::too_many_arguments)]
fn insert(
    tx: &mut Transaction<'_>,
    county: &str,
    seq: i64,
    entry: Option<u64>,
    kind: MessageKind,
    to: &DivisionCode,
    to_body: Option<&str>,
    case: Option<&str>,
    body: &str,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO fengqiao.outbox
             (county, seq, entry, kind, to_county, to_body, case_code, sm3, body)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        &[
            &county,
            &seq,
            &entry.map(|e| e as i64),
            &kind.word(),
            &journal_of(*to),
            &to_body,
            &case,
            &Hash::sm3(body.as_bytes()).0.as_slice(),
            &body,
        ],
    )?;
    // Wakes a receiver waiting in Store::wait; delivered at commit, not before (and not at
    // all on a rollback), so a woken receiver finds the document committed.
    tx.execute(
        "SELECT pg_notify($1, $2)",
        &[&NOTIFY_CHANNEL, &journal_of(*to)],
    )?;
    Ok(())
}

/// One document's outcome at the receiver, for its inbox row.
struct Outcome {
    from: String,
    seq: u64,
    sm3: Hash,
    refused: Option<(String, String)>,
}

impl Store {
    /// Signs the transfer documents [`Store::append`] writes to the outbox with `signer`
    /// (the host's SM2 key: the receiver checks the head against the keys it trusts).
    /// Without one the documents go unsigned, which a receiver given keys refuses.
    pub fn sign_transfers(&mut self, signer: Box<dyn Signer>) {
        self.signer = Some(signer);
    }

    /// Sends a statistical return (月报) from `county`'s journal to the engine of the unit
    /// above (`to`), which receives it with [`Store::receive`] and reads it with
    /// [`Store::received_returns`]; returns its message number. Sending the same return
    /// again sends it again (the consolidation refuses a unit's second return unless it
    /// supersedes the first).
    pub fn send_return(
        &mut self,
        county: &str,
        to: DivisionCode,
        r: &StatisticalReturn,
    ) -> Result<u64, StoreError> {
        self.check_schema()?;
        let body = serde_json::to_string(r).expect("returns serialise");
        let mut tx = self.client.transaction()?;
        let seq = next_seqs(&mut tx, county, 1)?;
        insert(
            &mut tx,
            county,
            seq,
            None,
            MessageKind::Return,
            &to,
            None,
            None,
            &body,
        )?;
        tx.commit()?;
        Ok(seq as u64)
    }

    /// What waits for `county`'s journal (or, with `body`, for that body's bridge there):
    /// the documents not yet received, in each sender's order, at most 512.
    pub fn pending(
        &mut self,
        county: &str,
        body: Option<&str>,
    ) -> Result<Vec<Message>, StoreError> {
        self.check_schema()?;
        // Where each sender's documents were received up to by this reader (the engine, or
        // one body's bridge: each takes its own in order, so one number per sender says
        // what is left for it).
        let (senders, upto): (Vec<String>, Vec<i64>) = self
            .client
            .query(
                "SELECT from_county, max(from_seq) FROM fengqiao.inbox
                  WHERE county = $1 AND body IS NOT DISTINCT FROM $2
                  GROUP BY from_county",
                &[&county, &body],
            )?
            .iter()
            .map(|r| (r.get::<_, String>(0), r.get::<_, i64>(1)))
            .unzip();
        // One statement without a join, by the receiver: on Citus the outbox is distributed
        // by it, so this reads one shard.
        let rows = self.client.query(
            "SELECT county, seq, kind, to_county, to_body, case_code, sm3, body
               FROM fengqiao.outbox
              WHERE to_county = $1 AND to_body IS NOT DISTINCT FROM $2
                AND seq > coalesce(($4::bigint[])[array_position($3::text[], county)], 0)
              ORDER BY county, seq LIMIT $5",
            &[&county, &body, &senders, &upto, &RECEIVE_BATCH],
        )?;
        Ok(rows
            .iter()
            .map(|r| Message {
                from: r.get(0),
                seq: r.get::<_, i64>(1) as u64,
                kind: MessageKind::of(r.get(2)),
                to: r.get(3),
                to_body: r.get(4),
                case: r.get(5),
                sm3: hash(r.get(6)),
                body: r.get(7),
            })
            .collect())
    }

    /// Takes in what waits for the engine's journal ([`Store::pending`]), as `actor` (its
    /// centre) at `now`, checking signed heads against `verifier` when given, and stores
    /// the engine's new entries with one inbox row per document in one transaction. A
    /// document intake refuses is parked (the receipt counts it; [`Store::parked`] says
    /// why). A document the receiver cannot take in for a reason of its own — its clock
    /// behind the document's, an actor unknown or not permitted to take transfers in — is
    /// neither parked nor skipped: it and the documents after it wait
    /// ([`Receipt::held`] says why; with nothing taken, that error is returned). Call it
    /// until the receipt is empty.
    ///
    /// Errors are the store's: a [`StoreError::Conflict`] (another engine appended this
    /// journal) leaves the engine holding intakes the store does not: restore it and
    /// receive again — the documents are still waiting.
    pub fn receive(
        &mut self,
        engine: &mut Engine,
        actor: &Actor,
        verifier: Option<&dyn Verifier>,
        now: DateTime<Utc>,
    ) -> Result<Receipt, StoreError> {
        let county = self.county(engine)?;
        let messages = self.pending(&county, None)?;
        let mut receipt = Receipt::default();
        let mut outcomes = Vec::with_capacity(messages.len());
        let mut received = HashSet::new();
        let mut held = None;
        for m in messages {
            let refused = match take(
                engine,
                actor,
                verifier,
                now,
                &m,
                &mut receipt,
                &mut received,
            ) {
                Taken::Received => None,
                Taken::Refused(code, message) => {
                    receipt.parked += 1;
                    Some((code, message))
                }
                // The receiver's side, not the document's: left waiting, with every
                // document after it (each sender's order kept).
                Taken::Held(e) => {
                    held = Some(e);
                    break;
                }
            };
            outcomes.push(Outcome {
                from: m.from,
                seq: m.seq,
                sm3: m.sm3,
                refused,
            });
        }
        if outcomes.is_empty() {
            return match held {
                Some(e) => Err(StoreError::Engine(e)),
                None => Ok(receipt),
            };
        }
        receipt.held = held.map(|e| e.to_string());
        let mut rows = |tx: &mut Transaction<'_>, entry: u64| -> Result<(), StoreError> {
            for o in &outcomes {
                let refused = o.refused.as_ref().map(|(c, m)| (c.as_str(), m.as_str()));
                record_receipt(tx, &county, None, &o.from, o.seq, o.sm3, refused, entry)?;
            }
            Ok(())
        };
        self.append_with(engine, Some(&mut rows), &received)?;
        Ok(receipt)
    }

    /// Records that the bridge of the body a document was addressed to (`m.to_body`: a
    /// court's, the police's platform) delivered it there — or, with `refused` (a code and
    /// a message), that the platform refused it, which parks it — so [`Store::pending`] for
    /// that body reads on past it. Recording it again is refused as a
    /// [`StoreError::Conflict`] (it was received once). A document for an engine is
    /// received by [`Store::receive`] instead ([`StoreError::ForTheEngine`] here).
    pub fn acknowledge(
        &mut self,
        m: &Message,
        refused: Option<(&str, &str)>,
    ) -> Result<(), StoreError> {
        self.check_schema()?;
        let Some(body) = m.to_body.as_deref() else {
            return Err(StoreError::ForTheEngine {
                from: m.from.clone(),
                seq: m.seq,
                to: m.to.clone(),
            });
        };
        let (entry, _) = self.position(&m.to)?;
        record_receipt(
            &mut self.client,
            &m.to,
            Some(body),
            &m.from,
            m.seq,
            m.sm3,
            refused,
            entry,
        )
    }

    /// Waits up to `timeout` for a document for `county`'s journal to be committed (any
    /// sender's append or return wakes it, the moment it commits), instead of polling:
    /// `true` when one was, `false` on the timeout. The first call subscribes this
    /// connection (`LISTEN`); documents committed before that are not announced, so a
    /// receiver calls [`Store::receive`] once before it first waits. A spurious `true` is
    /// harmless: `receive` then takes nothing.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), fengqiao_store::StoreError> {
    /// # let mut store = fengqiao_store::Store::connect("")?;
    /// # let mut engine = store.restore("522300")?;
    /// # let (centre, now) = (fengqiao::trace::Actor::System, "2025-07-01T00:00:00Z".parse().unwrap());
    /// loop {
    ///     store.receive(&mut engine, &centre, None, now)?;
    ///     store.wait("522300", std::time::Duration::from_secs(5))?;
    /// }
    /// # }
    /// ```
    pub fn wait(&mut self, county: &str, timeout: std::time::Duration) -> Result<bool, StoreError> {
        if !self.listening {
            self.client
                .batch_execute(&format!("LISTEN {NOTIFY_CHANNEL}"))?;
            self.listening = true;
        }
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return Ok(false);
            }
            let next = {
                let mut notifications = self.client.notifications();
                let mut it = notifications.timeout_iter(left);
                it.next()?.map(|n| n.payload() == county)
            };
            match next {
                Some(true) => return Ok(true),
                Some(false) => continue,
                None => return Ok(false),
            }
        }
    }

    /// The documents `county`'s journal received and refused, oldest first.
    pub fn parked(&mut self, county: &str) -> Result<Vec<Parked>, StoreError> {
        self.check_schema()?;
        Ok(self
            .client
            .query(
                "SELECT from_county, from_seq, code, message, entry FROM fengqiao.inbox
                  WHERE county = $1 AND outcome = 'parked' ORDER BY entry, from_county, from_seq",
                &[&county],
            )?
            .iter()
            .map(|r| Parked {
                from: r.get(0),
                seq: r.get::<_, i64>(1) as u64,
                code: r.get(2),
                message: r.get(3),
                entry: r.get::<_, i64>(4) as u64,
            })
            .collect())
    }

    /// The statistical returns `county`'s journal received, in the order received: what
    /// its engine consolidates ([`fengqiao::engine::Reader::consolidate`] checks them).
    pub fn received_returns(&mut self, county: &str) -> Result<Vec<StatisticalReturn>, StoreError> {
        self.check_schema()?;
        let taken: Vec<(String, i64)> = self
            .client
            .query(
                "SELECT from_county, from_seq FROM fengqiao.inbox
                  WHERE county = $1 AND outcome = 'taken' ORDER BY entry, from_county, from_seq",
                &[&county],
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        // Two statements, not a join: the inbox and the outbox lie by different columns
        // (on Citus the receiver's returns are one shard of each).
        let mut bodies: std::collections::HashMap<(String, i64), String> = self
            .client
            .query(
                "SELECT county, seq, body FROM fengqiao.outbox
                  WHERE to_county = $1 AND kind = 'return'",
                &[&county],
            )?
            .iter()
            .map(|r| ((r.get(0), r.get(1)), r.get(2)))
            .collect();
        let mut returns = Vec::new();
        for (from, seq) in taken {
            if let Some(body) = bodies.remove(&(from.clone(), seq)) {
                returns.push(
                    serde_json::from_str(&body).map_err(|e| StoreError::Tampered {
                        county: from.clone(),
                        message: format!("return {seq} in the outbox no longer parses: {e}"),
                    })?,
                );
            }
        }
        Ok(returns)
    }
}

/// One inbox row: document `seq` of `from` received by `county`'s engine (or `body`'s
/// bridge there), taken or, with `refused` (code, message), parked; `entry` is the
/// receiver's journal position. A second row for it is a [`StoreError::Conflict`].
#[allow(clippy::too_many_arguments)]
fn record_receipt(
    client: &mut impl postgres::GenericClient,
    county: &str,
    body: Option<&str>,
    from: &str,
    seq: u64,
    sm3: Hash,
    refused: Option<(&str, &str)>,
    entry: u64,
) -> Result<(), StoreError> {
    let (outcome, code, message) = match refused {
        None => ("taken", None, None),
        Some((c, m)) => ("parked", Some(c), Some(m)),
    };
    client
        .execute(
            "INSERT INTO fengqiao.inbox
                 (county, body, from_county, from_seq, sm3, outcome, entry, code, message)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            &[
                &county,
                &body,
                &from,
                &(seq as i64),
                &sm3.0.as_slice(),
                &outcome,
                &(entry as i64),
                &code,
                &message,
            ],
        )
        .map_err(|e| received_twice(e, county, entry, from, seq))?;
    Ok(())
}

/// A unique violation on the inbox: the document was received already (by another engine
/// of this journal, or acknowledged twice).
fn received_twice(
    e: postgres::Error,
    county: &str,
    entry: u64,
    from: &str,
    seq: u64,
) -> StoreError {
    if e.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION) {
        StoreError::Conflict {
            county: county.to_string(),
            stored: entry,
            engine: entry,
            case: None,
            message: format!(
                "document {seq} of {from} was received already (by another engine of this journal, or acknowledged before)"
            ),
        }
    } else {
        e.into()
    }
}

/// What became of one document at the receiver.
enum Taken {
    Received,
    /// Refused for what it is: parked with the code and message.
    Refused(String, String),
    /// Not taken in for a reason of the receiver's own: left waiting.
    Held(EngineError),
}

/// Whether intake refused for the receiver's reasons, not the document's: a clock behind
/// the document's last event, an actor unknown here or not one that takes transfers in.
fn receivers_own(e: &EngineError) -> bool {
    match e {
        EngineError::TimeGoesBack { .. }
        | EngineError::UnknownStaff(_)
        | EngineError::UnknownAgency(_) => true,
        EngineError::Lifecycle(l) => {
            l.refusal == fengqiao::lifecycle::Refusal::NotPermitted
                && l.operation == fengqiao::lifecycle::OperationKind::TransferIn
        }
        _ => false,
    }
}

/// Takes one document in.
fn take(
    engine: &mut Engine,
    actor: &Actor,
    verifier: Option<&dyn Verifier>,
    now: DateTime<Utc>,
    m: &Message,
    receipt: &mut Receipt,
    received: &mut HashSet<(CaseCode, u64)>,
) -> Taken {
    if Hash::sm3(m.body.as_bytes()) != m.sm3 {
        return Taken::Refused(
            fengqiao::error::ErrorCode::Trace.as_str().to_string(),
            format!(
                "document {} of {}: its body does not match the SM3 stored with it",
                m.seq, m.from
            ),
        );
    }
    match m.kind {
        MessageKind::Transfer => {
            let doc: TransferDocument = match serde_json::from_str(&m.body) {
                Ok(d) => d,
                Err(e) => {
                    return Taken::Refused(
                        fengqiao::error::ErrorCode::Transfer.as_str().to_string(),
                        format!("not a transfer document: {e}"),
                    )
                }
            };
            // Every transfer the document carries is another engine's: its own outbox
            // sent it (the last, to here) or an earlier hop's did.
            let carried: Vec<(CaseCode, u64)> = doc
                .events
                .iter()
                .filter(|e| e.op.kind() == fengqiao::lifecycle::OperationKind::TransferOut)
                .map(|e| (doc.case.clone(), e.seq))
                .collect();
            match engine.intake(actor, doc, verifier, now) {
                Ok(i) => {
                    receipt.cases.push(i.case);
                    received.extend(carried);
                    Taken::Received
                }
                Err(e) if receivers_own(&e) => Taken::Held(e),
                Err(e) => Taken::Refused(e.code().as_str().to_string(), e.to_string()),
            }
        }
        MessageKind::Return => match serde_json::from_str::<StatisticalReturn>(&m.body) {
            Ok(_) => {
                receipt.returns += 1;
                Taken::Received
            }
            Err(e) => Taken::Refused(
                fengqiao::error::ErrorCode::StatisticalReturn
                    .as_str()
                    .to_string(),
                format!("not a statistical return: {e}"),
            ),
        },
    }
}
