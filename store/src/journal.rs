//! Appending an engine's new entries, and catching an engine up with entries others
//! appended.

use std::collections::{BTreeMap, HashSet};

use fengqiao::dispute::CaseCode;
use fengqiao::engine::{Engine, EngineError};
use fengqiao::journal::{Change, JournalEntry, JournalError, JournalProblem};
use fengqiao::lifecycle::OperationKind;
use fengqiao::trace::Hash;
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::error::SqlState;
use postgres::types::Type;
use postgres::Transaction;

use crate::{hash, Store, StoreError};

/// What an append stored: entries `from + 1 ..= to` (none when `from == to`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Appended {
    /// The store's last entry before.
    pub from: u64,
    /// The store's last entry now (the engine's).
    pub to: u64,
}

impl Appended {
    /// How many entries were stored.
    pub fn count(&self) -> u64 {
        self.to - self.from
    }
}

/// What the serialising thread hands the writer.
enum Batch {
    /// Entries and their JSON.
    Entries(Vec<JournalEntry>, Vec<String>),
    /// The first entry does not follow the store's last.
    Diverged,
    /// The engine refused to give its entries (released before they were stored).
    Failed(EngineError),
}

/// The origin (the world document's digest) a county's journal started from.
fn journal_origin(
    client: &mut impl postgres::GenericClient,
    county: &str,
) -> Result<Hash, StoreError> {
    let row = client.query_one(
        "SELECT origin FROM fengqiao.journals WHERE county = $1",
        &[&county],
    )?;
    Ok(hash(row.get(0)))
}

/// Why an engine's journal does not follow the store's: another world document (a
/// different origin), or `otherwise`.
fn diverged(origin: Hash, engine: &Engine, otherwise: &str) -> String {
    if origin == engine.journal_origin() {
        otherwise.to_string()
    } else {
        format!(
            "the engine was built from another world document than the one this county's journal started from (origin {}…, the engine's {}…): restore the engine from the store instead of building it anew",
            &origin.to_string()[..16],
            &engine.journal_origin().to_string()[..16]
        )
    }
}

/// What runs in an append's transaction before it commits, given the journal's new last
/// entry: the inbox rows of a receipt.
pub(crate) type AlsoInTransaction<'a> =
    dyn FnMut(&mut Transaction<'_>, u64) -> Result<(), StoreError> + 'a;

/// A case's first and last event in one append.
struct HeadMove {
    expected: i64,
    seq: i64,
    head: Hash,
}

impl Store {
    /// Stores, in one transaction, every entry the engine holds after the store's last
    /// one: the entries, the projections (rule sets, zero reports, denials), each touched
    /// case's head and the county journal's head. Nothing to store is not an error.
    ///
    /// A [`StoreError::Conflict`] means another engine appended first (the store is ahead
    /// of this engine, or at the same position with other entries): nothing was written;
    /// restore the engine (it holds a change the store will never take) and redo the work.
    /// Entries the engine released ([`Engine::release_journal`]) before storing them are
    /// refused by the engine, by number.
    ///
    /// A transfer among the entries (a `transfer_out` event) has its document written to
    /// the outbox in the same transaction, signed by the store's signer when one is set
    /// ([`Store::sign_transfers`]): the receiving engine takes it from there
    /// ([`Store::receive`]), so a transfer is never stored without its document, nor sent
    /// without being stored.
    pub fn append(&mut self, engine: &Engine) -> Result<Appended, StoreError> {
        self.append_with(engine, None, &HashSet::new())
    }

    /// [`Store::append`], running `also` in the same transaction before it commits (the
    /// inbox rows of what the entries took in). `received` are the transfer events (case,
    /// event seq) that came in with documents: another engine's transfers, not posted again.
    pub(crate) fn append_with(
        &mut self,
        engine: &Engine,
        mut also: Option<&mut AlsoInTransaction<'_>>,
        received: &HashSet<(CaseCode, u64)>,
    ) -> Result<Appended, StoreError> {
        let county = self.county(engine)?;
        let (stored, stored_digest) = self.position(&county)?;
        let mine = engine.journal_seq();
        let conflict = |message: String| StoreError::Conflict {
            county: county.clone(),
            stored,
            engine: mine,
            case: None,
            message,
        };
        if stored > mine {
            return Err(conflict(
                "the store holds entries this engine does not (another engine appended)".into(),
            ));
        }
        if stored == mine {
            return if stored_digest == engine.journal_digest() {
                if let Some(also) = also {
                    let mut tx = self.client.transaction()?;
                    // The journal's row lock, as an append takes it: one writer at a time.
                    let at = tx.execute(
                        "SELECT 1 FROM fengqiao.journals WHERE county = $1 AND seq = $2 FOR UPDATE",
                        &[&county, &(stored as i64)],
                    )?;
                    if at != 1 {
                        return Err(conflict("another engine appended meanwhile".into()));
                    }
                    also(&mut tx, stored)?;
                    tx.commit()?;
                }
                Ok(Appended {
                    from: stored,
                    to: stored,
                })
            } else {
                let origin = journal_origin(&mut self.client, &county)?;
                Err(conflict(diverged(
                    origin,
                    engine,
                    "the store's last entry differs from this engine's",
                )))
            };
        }
        let batch = self.batch;
        let mut tx = self.client.transaction()?;
        // The expected-version check, first: it takes the journal's row lock, so a second
        // writer waits here and then finds the head moved.
        let moved = tx.execute(
            "UPDATE fengqiao.journals SET seq = $3, digest = $4, updated_at = now()
             WHERE county = $1 AND seq = $2",
            &[
                &county,
                &(stored as i64),
                &(mine as i64),
                &engine.journal_digest().0.as_slice(),
            ],
        )?;
        if moved != 1 {
            return Err(conflict("another engine appended meanwhile".into()));
        }
        // The entries are read from the engine and serialised on a second thread while
        // this one writes the previous batch: the database and the serialiser overlap.
        let mut heads: BTreeMap<String, HeadMove> = BTreeMap::new();
        let mut transfers: Vec<(CaseCode, u64, u64)> = Vec::new();
        let written = std::thread::scope(|scope| -> Result<(), StoreError> {
            let (send, batches) = std::sync::mpsc::sync_channel::<Batch>(2);
            scope.spawn(move || {
                let mut at = stored;
                while at < mine {
                    let batch = match engine.journal(at, batch) {
                        Ok(entries) if entries.is_empty() => break,
                        Ok(entries) => {
                            let follows = at != stored
                                || fengqiao::journal::chain(&stored_digest, &entries[0].change)
                                    == entries[0].digest;
                            at = entries.last().map_or(mine, |e| e.seq);
                            if follows {
                                let bodies = entries
                                    .iter()
                                    .map(|e| {
                                        serde_json::to_string(&e.change).expect("changes serialise")
                                    })
                                    .collect();
                                Batch::Entries(entries, bodies)
                            } else {
                                Batch::Diverged
                            }
                        }
                        Err(e) => Batch::Failed(e),
                    };
                    let last = !matches!(batch, Batch::Entries(..));
                    if send.send(batch).is_err() || last {
                        break;
                    }
                }
            });
            for batch in batches {
                match batch {
                    Batch::Entries(entries, bodies) => {
                        transfers.extend(entries.iter().filter_map(|e| match &e.change {
                            Change::Event(ev)
                                if ev.op.kind() == OperationKind::TransferOut
                                    && !received.contains(&(ev.case.clone(), ev.seq)) =>
                            {
                                Some((ev.case.clone(), ev.seq, e.seq))
                            }
                            _ => None,
                        }));
                        insert(&mut tx, &county, &entries, &bodies, &mut heads)
                            .map_err(|e| unique(e, &conflict))?
                    }
                    Batch::Diverged => {
                        let origin = journal_origin(&mut tx, &county)?;
                        return Err(conflict(diverged(
                            origin,
                            engine,
                            "the engine's entries do not follow the store's last entry (it holds changes made beside another engine's)",
                        )));
                    }
                    Batch::Failed(e) => return Err(e.into()),
                }
            }
            Ok(())
        });
        written?;
        move_heads(&mut tx, &county, &heads).map_err(|e| match e {
            StoreError::Conflict { case, message, .. } => StoreError::Conflict {
                county: county.clone(),
                stored,
                engine: mine,
                case,
                message,
            },
            other => other,
        })?;
        if !transfers.is_empty() {
            crate::exchange::post_transfers(
                &mut tx,
                &county,
                engine,
                &transfers,
                self.signer.as_deref(),
            )?;
        }
        if let Some(also) = also.as_mut() {
            also(&mut tx, mine)?;
        }
        tx.commit()?;
        Ok(Appended {
            from: stored,
            to: mine,
        })
    }

    /// Applies to `engine` the entries other engines stored after its last one (see
    /// [`Engine::catch_up`]); returns how many. An engine holding entries the store does
    /// not is refused ([`StoreError::Unstored`]: append them) or, if another engine stored
    /// other entries at the same positions, gets a [`StoreError::Conflict`] (restore it).
    pub fn catch_up(&mut self, engine: &mut Engine) -> Result<u64, StoreError> {
        self.in_one_snapshot(|store| {
            let (county, stored) = store.stored_position_of(engine, "catching up")?;
            let mine = engine.journal_seq();
            if mine == stored {
                return Ok(0);
            }
            store.replay_tail(&county, engine, mine)?;
            Ok(engine.journal_seq() - mine)
        })
    }

    /// Runs `read` in one read-only `REPEATABLE READ` transaction, so that all it reads is
    /// one moment of the store (an append committed meanwhile is not half seen), however
    /// many pages the tail is read in.
    pub(crate) fn in_one_snapshot<R>(
        &mut self,
        read: impl FnOnce(&mut Store) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        self.client
            .batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?;
        let result = read(self);
        let end = self
            .client
            .batch_execute(if result.is_ok() { "COMMIT" } else { "ROLLBACK" });
        let value = result?;
        end?;
        Ok(value)
    }

    /// The engine's county and the store's last entry, if the engine is at a position the
    /// store holds (nothing unstored, nothing diverged); `action` names what needs it.
    pub(crate) fn stored_position_of(
        &mut self,
        engine: &Engine,
        action: &'static str,
    ) -> Result<(String, u64), StoreError> {
        let county = self.county(engine)?;
        let (stored, _) = self.position(&county)?;
        let mine = engine.journal_seq();
        if mine > stored {
            return Err(StoreError::Unstored {
                county,
                stored,
                engine: mine,
                action,
            });
        }
        if self.digest_at(&county, mine)? != engine.journal_digest() {
            return Err(StoreError::Conflict {
                county,
                stored,
                engine: mine,
                case: None,
                message: "the engine's last entry differs from the store's at the same position"
                    .into(),
            });
        }
        Ok((county, stored))
    }

    /// The digest at entry `seq` of a county's journal (its origin at 0).
    pub(crate) fn digest_at(&mut self, county: &str, seq: u64) -> Result<Hash, StoreError> {
        let row = if seq == 0 {
            self.client.query_opt(
                "SELECT origin FROM fengqiao.journals WHERE county = $1",
                &[&county],
            )?
        } else {
            self.client.query_opt(
                "SELECT digest FROM fengqiao.journal WHERE county = $1 AND seq = $2",
                &[&county, &(seq as i64)],
            )?
        };
        row.map(|r| hash(r.get(0)))
            .ok_or_else(|| StoreError::Tampered {
                county: county.to_string(),
                message: format!("entry {seq} is missing"),
            })
    }

    /// Feeds the county's entries after `after` to the engine, a range of sequence numbers
    /// a page (in the caller's transaction, see [`Store::in_one_snapshot`]): this thread
    /// fetches the rows, the engine's reader threads parse and check them.
    pub(crate) fn replay_tail(
        &mut self,
        county: &str,
        engine: &mut Engine,
        after: u64,
    ) -> Result<(), StoreError> {
        // Page by sequence ranges (`seq > lo AND seq <= lo + PAGE`), not through one cursor:
        // each page is a bounded, index-ordered read of one county — on Citus a router
        // query to one shard that the coordinator need not buffer whole (a cursor over a
        // distributed table is materialised on the coordinator first: 35 MB of temporary
        // files and 196 ms to the first row for a 28k-entry county, issue 34). The pages are
        // read in the caller's one REPEATABLE READ transaction, so they are one moment of
        // the store. Paging goes on past the journal's head until a page is empty, so rows
        // stored beyond the head are still read and refused by the restore's checks.
        let page_query = self.client.prepare(TAIL_PAGE_QUERY)?;
        let mut failure: Option<postgres::Error> = None;
        let client = &mut self.client;
        let mut lo = after;
        let (mut page, mut done) = (Vec::new().into_iter(), false);
        let rows = std::iter::from_fn(|| loop {
            if let Some(row) = page.next() {
                return Some(row);
            }
            if done {
                return None;
            }
            let hi = lo.saturating_add(TAIL_PAGE as u64);
            match client.query(&page_query, &[&county, &(lo as i64), &(hi as i64)]) {
                Ok(rows) => {
                    // An empty range ends the tail; a short one (rows missing inside it)
                    // does not, so a gap reaches the engine's sequence check.
                    done = rows.is_empty() && !below_max(client, county, hi, &mut failure);
                    lo = hi;
                    page = rows.iter().map(Stored::of).collect::<Vec<_>>().into_iter();
                }
                Err(e) => {
                    failure = Some(e);
                    done = true;
                }
            }
        });
        let result = engine.catch_up_read(rows, Stored::read);
        if let Some(e) = failure {
            return Err(e.into());
        }
        result.map_err(StoreError::from)
    }
}

/// Whether the county holds entries after `seq` (an empty page inside a gap is not the end).
fn below_max(
    client: &mut postgres::Client,
    county: &str,
    seq: u64,
    failure: &mut Option<postgres::Error>,
) -> bool {
    match client.query_one(
        "SELECT EXISTS (SELECT 1 FROM fengqiao.journal WHERE county = $1 AND seq > $2)",
        &[&county, &(seq as i64)],
    ) {
        Ok(row) => row.get(0),
        Err(e) => {
            *failure = Some(e);
            false
        }
    }
}

/// One page of the tail: the entries of a county in a range of sequence numbers, oldest
/// first (one partition, one index range; one shard on Citus).
const TAIL_PAGE_QUERY: &str =
    "SELECT seq, v, digest, body, kind, case_code, case_seq FROM fengqiao.journal
     WHERE county = $1 AND seq > $2 AND seq <= $3 ORDER BY seq";

/// Entries a page of the tail spans (sequence numbers).
const TAIL_PAGE: usize = 4_096;

/// The tail of a county's journal, oldest first: the restore query (one partition).
pub const TAIL: &str =
    "SELECT seq, v, digest, body, kind, case_code, case_seq FROM fengqiao.journal
     WHERE county = $1 AND seq > $2 ORDER BY seq";

/// A stored row, taken off the connection's buffers on the thread that fetched it (the
/// engine's reader threads parse it).
pub(crate) struct Stored {
    seq: u64,
    v: u32,
    digest: Hash,
    body: String,
    /// The row's index columns, checked against the body when it is read.
    kind: String,
    case_code: Option<String>,
    case_seq: Option<i64>,
}

impl Stored {
    pub(crate) fn of(row: &postgres::Row) -> Stored {
        Stored {
            seq: row.get::<_, i64>(0) as u64,
            v: row.get::<_, i32>(1) as u32,
            digest: hash(row.get(2)),
            body: row.get(3),
            kind: row.get(4),
            case_code: row.get(5),
            case_seq: row.get(6),
        }
    }

    /// The row as a journal entry; a body that does not parse is an unreadable entry.
    pub(crate) fn read(self) -> Result<JournalEntry, JournalError> {
        let change: Change = serde_json::from_str(&self.body).map_err(|e| JournalError {
            seq: self.seq,
            case: None,
            case_seq: None,
            problem: JournalProblem::Unreadable,
            message: format!("stored entry {} cannot be read: {e}", self.seq),
        })?;
        // The index columns are the store's own copy of what the body says; a row whose
        // columns were changed beside an untouched body would misdirect every query by
        // kind or case (the body's digest cannot see it).
        let (code, case_seq) = match &change {
            Change::Event(ev) => (Some(ev.case.to_string()), Some(ev.seq as i64)),
            _ => (None, None),
        };
        if self.kind != change.kind() || self.case_code != code || self.case_seq != case_seq {
            return Err(JournalError {
                seq: self.seq,
                case: None,
                case_seq: None,
                problem: JournalProblem::Unreadable,
                message: format!(
                    "stored entry {}'s columns (kind {}, case {:?}, case_seq {:?}) differ from its body (kind {}, case {code:?}, case_seq {case_seq:?}): the row was changed",
                    self.seq,
                    self.kind,
                    self.case_code,
                    self.case_seq,
                    change.kind()
                ),
            });
        }
        Ok(JournalEntry {
            v: self.v,
            seq: self.seq,
            digest: self.digest,
            change,
        })
    }
}

/// Inserts a batch of entries and their projections (one statement per table and batch);
/// notes the case heads they move.
fn insert(
    tx: &mut Transaction<'_>,
    county: &str,
    entries: &[JournalEntry],
    bodies: &[String],
    heads: &mut BTreeMap<String, HeadMove>,
) -> Result<(), StoreError> {
    let n = entries.len();
    let (mut seq, mut v, mut kind, mut case, mut case_seq, mut digest) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let mut reports = Projection::<3>::new();
    let mut denials = Projection::<4>::new();
    let mut audit = Projection::<6>::new();
    for e in entries {
        let s = e.seq as i64;
        seq.push(s);
        v.push(e.v as i32);
        kind.push(e.change.kind());
        digest.push(e.digest.0.as_slice());
        match &e.change {
            Change::Event(ev) => {
                let code = ev.case.to_string();
                heads
                    .entry(code.clone())
                    .and_modify(|h| {
                        h.seq = ev.seq as i64;
                        h.head = ev.hash;
                    })
                    .or_insert(HeadMove {
                        expected: ev.seq as i64 - 1,
                        seq: ev.seq as i64,
                        head: ev.hash,
                    });
                case.push(Some(code));
                case_seq.push(Some(ev.seq as i64));
                continue;
            }
            Change::ReportFiled { staff, report } => reports.push(
                s,
                [
                    staff.clone(),
                    report.date.to_string(),
                    report.disputes.len().to_string(),
                ],
            ),
            Change::Denied(d) => denials.push(
                s,
                [
                    d.at.to_rfc3339(),
                    d.actor.to_string(),
                    d.action.clone(),
                    d.target.clone(),
                ],
            ),
            Change::Audit(a) => audit.push(
                s,
                [
                    a.at.to_rfc3339(),
                    a.actor.to_string(),
                    a.action.clone(),
                    crate::signing::outcome_word(a.outcome).to_string(),
                    a.target.clone(),
                    serde_json::to_string(a).expect("audit entries serialise"),
                ],
            ),
            Change::RulesLoaded(r) => {
                tx.execute(
                    "INSERT INTO fengqiao.rule_sets (county, seq, label, body, body_sm3, loaded_by, loaded_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7::text::timestamptz)",
                    &[
                        &county,
                        &s,
                        &r.rules.label(),
                        &serde_json::to_string(&r.rules).expect("rule sets serialise"),
                        &r.body_sm3.0.as_slice(),
                        &r.by.to_string(),
                        &r.at.map(|t| t.to_rfc3339()),
                    ],
                )?;
            }
            _ => {}
        }
        case.push(None);
        case_seq.push(None);
    }
    // Binary COPY: the journal's rows are most of the bytes, and COPY is PostgreSQL's
    // fastest way in (a unique violation still aborts it: a conflict).
    let sink = tx.copy_in(
        "COPY fengqiao.journal (county, seq, v, kind, case_code, case_seq, digest, body) FROM STDIN BINARY",
    )?;
    let types = [
        Type::TEXT,
        Type::INT8,
        Type::INT4,
        Type::TEXT,
        Type::TEXT,
        Type::INT8,
        Type::BYTEA,
        Type::TEXT,
    ];
    let mut rows = BinaryCopyInWriter::new(sink, &types);
    for i in 0..n {
        rows.write(&[
            &county,
            &seq[i],
            &v[i],
            &kind[i],
            &case[i],
            &case_seq[i],
            &digest[i],
            &bodies[i],
        ])?;
    }
    rows.finish()?;
    if !reports.seq.is_empty() {
        tx.execute(
            "INSERT INTO fengqiao.zero_reports (county, seq, staff, day, disputes)
             SELECT $1, s, a, b::date, c::integer FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[]) AS u(s, a, b, c)",
            &[&county, &reports.seq, &reports.cols[0], &reports.cols[1], &reports.cols[2]],
        )?;
    }
    if !denials.seq.is_empty() {
        tx.execute(
            "INSERT INTO fengqiao.denials (county, seq, at, actor, action, target)
             SELECT $1, s, a::timestamptz, b, c, d FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[]) AS u(s, a, b, c, d)",
            &[&county, &denials.seq, &denials.cols[0], &denials.cols[1], &denials.cols[2], &denials.cols[3]],
        )?;
    }
    if !audit.seq.is_empty() {
        tx.execute(
            "INSERT INTO fengqiao.audit (county, seq, at, actor, action, outcome, target, body)
             SELECT $1, s, a::timestamptz, b, c, d, e, f
             FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
                  AS u(s, a, b, c, d, e, f)",
            &[&county, &audit.seq, &audit.cols[0], &audit.cols[1], &audit.cols[2], &audit.cols[3], &audit.cols[4], &audit.cols[5]],
        )?;
    }
    Ok(())
}

/// The rows of one projection table in a batch, column by column (as text, cast by the
/// statement).
struct Projection<const N: usize> {
    seq: Vec<i64>,
    cols: [Vec<String>; N],
}

impl<const N: usize> Projection<N> {
    fn new() -> Self {
        Projection {
            seq: Vec::new(),
            cols: std::array::from_fn(|_| Vec::new()),
        }
    }

    fn push(&mut self, seq: i64, values: [String; N]) {
        self.seq.push(seq);
        for (col, value) in self.cols.iter_mut().zip(values) {
            col.push(value);
        }
    }
}

/// Moves the heads of the cases an append touched, each from the seq it was at.
fn move_heads(
    tx: &mut Transaction<'_>,
    county: &str,
    heads: &BTreeMap<String, HeadMove>,
) -> Result<(), StoreError> {
    let (mut new_c, mut new_s, mut new_h) = (vec![], vec![], vec![]);
    let (mut old_c, mut old_e, mut old_s, mut old_h) = (vec![], vec![], vec![], vec![]);
    for (code, m) in heads {
        if m.expected == 0 {
            new_c.push(code.as_str());
            new_s.push(m.seq);
            new_h.push(m.head.0.as_slice());
        } else {
            old_c.push(code.as_str());
            old_e.push(m.expected);
            old_s.push(m.seq);
            old_h.push(m.head.0.as_slice());
        }
    }
    if !new_c.is_empty() {
        tx.execute(
            "INSERT INTO fengqiao.heads (county, case_code, seq, head)
             SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::bytea[])",
            &[&county, &new_c, &new_s, &new_h],
        )
        .map_err(|e| {
            unique(e, &|message| StoreError::Conflict {
                county: county.into(),
                stored: 0,
                engine: 0,
                case: None,
                message,
            })
        })?;
    }
    if !old_c.is_empty() {
        let moved = tx.execute(
            "UPDATE fengqiao.heads h SET seq = u.seq, head = u.head
             FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::bytea[]) AS u(case_code, expected, seq, head)
             WHERE h.county = $1 AND h.case_code = u.case_code AND h.seq = u.expected",
            &[&county, &old_c, &old_e, &old_s, &old_h],
        )?;
        if moved as usize != old_c.len() {
            let stale = tx.query_opt(
                "SELECT u.case_code FROM unnest($2::text[], $3::bigint[]) AS u(case_code, expected)
                 LEFT JOIN fengqiao.heads h ON h.county = $1 AND h.case_code = u.case_code
                 WHERE h.seq IS DISTINCT FROM u.expected LIMIT 1",
                &[&county, &old_c, &old_e],
            )?;
            let case: Option<String> = stale.map(|r| r.get(0));
            return Err(StoreError::Conflict {
                county: county.into(),
                stored: 0,
                engine: 0,
                message: format!(
                    "case {}'s head moved (another engine appended to it)",
                    case.as_deref().unwrap_or("?")
                ),
                case,
            });
        }
    }
    Ok(())
}

/// A unique violation (another writer's rows at the same keys) is a conflict.
fn unique(e: impl Into<StoreError>, conflict: &dyn Fn(String) -> StoreError) -> StoreError {
    let e = e.into();
    match &e {
        StoreError::Database(db) if db.code() == Some(&SqlState::UNIQUE_VIOLATION) => {
            conflict(format!(
                "another engine stored the same entries: {}",
                db.as_db_error().map(|d| d.message()).unwrap_or("")
            ))
        }
        _ => e,
    }
}

impl From<JournalError> for StoreError {
    fn from(e: JournalError) -> StoreError {
        StoreError::Engine(EngineError::Journal(e))
    }
}
