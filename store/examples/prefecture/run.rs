//! A prefecture of engines in separate OS processes over one PostgreSQL (issue 35): one
//! process per county and one for the prefecture's centre, cases escalated and their
//! results returned through the store's outbox and inbox, monthly returns consolidated —
//! while processes are killed with SIGKILL and restarted and the database crashes and
//! restarts. Shared by the example (`cargo run -p fengqiao-store --example prefecture`) and
//! the CI test (`store/tests/prefecture.rs`): both re-execute their own binary for each role.
//!
//! Every role is a loop of passes that restore the engine from the store and carry on from
//! what the store holds, so a process killed anywhere and started again loses nothing and
//! repeats nothing: a county's day is one append (entries and documents together), an
//! intake one receive (entries and inbox rows together).

use std::collections::BTreeMap;
use std::process::{Child, Command, ExitStatus};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use fengqiao::lifecycle::{OperationKind, State};
use fengqiao::signing::{Sm2Signer, Sm2Verifier};
use fengqiao_store::cluster::Cluster;
use fengqiao_store::{Store, StoreError};
use fengqiao_synth::prefecture::{self, county_centre, prefecture_centre, QIANXINAN};
use fengqiao_synth::Rng;

type Error = Box<dyn std::error::Error>;

/// One key for every engine of the example (a deployment has one per system, each
/// receiver trusting the senders' public keys).
const SECRET: &str = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8";
const KEY_ID: &str = "qxn-2026";
/// The prefecture's journal.
pub const PREFECTURE: &str = "522300";

fn keys() -> (Sm2Signer, Sm2Verifier) {
    let signer = Sm2Signer::from_secret_hex(KEY_ID, SECRET).expect("a valid key");
    let mut v = Sm2Verifier::default();
    v.add_key(KEY_ID, &signer.public_key_hex())
        .expect("its public key");
    (signer, v)
}

/// What a run does: which counties, how many days of June 2025, how many disputes a day in
/// each county, how many of them escalated to the prefecture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The counties' six-digit codes (of [`prefecture::COUNTIES`]).
    pub counties: Vec<String>,
    /// Days of the month, from June 1st.
    pub days: u32,
    /// Disputes registered a day in each county.
    pub per_day: usize,
    /// Of those, escalated to the prefecture.
    pub escalated: usize,
}

impl Plan {
    /// The plan as one argument for a child process.
    fn arg(&self) -> String {
        format!(
            "{}/{}/{}/{}",
            self.counties.join(","),
            self.days,
            self.per_day,
            self.escalated
        )
    }

    fn parse(s: &str) -> Option<Plan> {
        let mut it = s.split('/');
        Some(Plan {
            counties: it.next()?.split(',').map(str::to_string).collect(),
            days: it.next()?.parse().ok()?,
            per_day: it.next()?.parse().ok()?,
            escalated: it.next()?.parse().ok()?,
        })
    }

    fn month(&self) -> (NaiveDate, NaiveDate) {
        let from = NaiveDate::from_ymd_opt(2025, 6, 1).expect("a date");
        (from, NaiveDate::from_ymd_opt(2025, 6, 30).expect("a date"))
    }
}

/// 09:00 China time on June `day` (1-based), 2025.
fn june(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, day, 1, 0, 0).unwrap()
}

/// When the prefecture takes in and settles (after the month: every document it takes
/// in was sent before), when the counties take their results back, and when they report.
fn settled_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 7, 1, 2, 0, 0).unwrap()
}
fn returned_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 7, 2, 2, 0, 0).unwrap()
}
fn reported_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 7, 3, 2, 0, 0).unwrap()
}

/// Kills this process with SIGKILL at `point` when `FQ_CRASH` names it (`point:n`: the
/// n-th time it is reached): a crash at an exact place, as a power cut would make it.
fn crash_point(point: &str, count: &mut BTreeMap<String, u32>) {
    let Ok(spec) = std::env::var("FQ_CRASH") else {
        return;
    };
    let Some((at, n)) = spec.split_once(':') else {
        return;
    };
    let seen = count.entry(point.to_string()).or_insert(0);
    *seen += 1;
    if at == point && n.parse() == Ok(*seen) {
        eprintln!("[{}] kill -9 at {point} ({n})", std::process::id());
        let _ = Command::new("kill")
            .args(["-9", &std::process::id().to_string()])
            .status();
        std::thread::sleep(Duration::from_secs(60));
    }
}

/// A child's role, from its arguments: `county CODE DB PLAN`, `prefecture DB PLAN`, or
/// `restore CODE DB` (prints the restore's time and memory). `None` when the arguments
/// name no role (the coordinator).
pub fn child_main(args: &[String]) -> Option<Result<(), Error>> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    Some(match args.as_slice() {
        ["county", code, db, plan] => {
            let plan = Plan::parse(plan)?;
            passes(|crashes| county_pass(db, &plan, code, crashes))
        }
        ["prefecture", db, plan] => {
            let plan = Plan::parse(plan)?;
            passes(|crashes| prefecture_pass(db, &plan, crashes))
        }
        ["restore", code, db] => restore_once(db, code),
        _ => return None,
    })
}

/// [`child_main`] as a process's exit: `None` for the coordinator.
pub fn as_child(args: &[String]) -> Option<std::process::ExitCode> {
    Some(match child_main(args)? {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            std::process::ExitCode::FAILURE
        }
    })
}

/// Runs `pass` until it says the role is done; an error (the database restarting, a
/// conflict) starts a new pass from what the store holds.
fn passes(
    mut pass: impl FnMut(&mut BTreeMap<String, u32>) -> Result<bool, Error>,
) -> Result<(), Error> {
    let mut crashes = BTreeMap::new();
    let started = Instant::now();
    loop {
        match pass(&mut crashes) {
            Ok(true) => return Ok(()),
            Ok(false) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => {
                // The database going away, another writer first: a new pass. An engine's
                // refusal would come again: stop.
                let transient = matches!(
                    e.downcast_ref::<StoreError>(),
                    Some(StoreError::Database(_) | StoreError::Conflict { .. })
                );
                if !transient || started.elapsed() > Duration::from_secs(600) {
                    return Err(e);
                }
                eprintln!("[{}] pass failed, again: {e}", std::process::id());
                std::thread::sleep(Duration::from_millis(200));
            }
        }
    }
}

/// One pass of a county's process: the days not yet stored, then its escalated cases back
/// and closed, then its monthly return. `Ok(true)` when all is done.
fn county_pass(
    db: &str,
    plan: &Plan,
    code: &str,
    crashes: &mut BTreeMap<String, u32>,
) -> Result<bool, Error> {
    let (signer, verifier) = keys();
    let (_, places) = prefecture::county(code)?;
    let mut store = Store::connect(db)?;
    store.sign_transfers(Box::new(keys().0));
    store.wait(code, Duration::ZERO)?; // subscribed before the first receive
    let mut engine = store.restore(code)?;
    // A day is one append: the days stored are the cases held over the cases a day.
    let done = (engine.cases().count() / plan.per_day) as u32;
    for day in done + 1..=plan.days {
        let mut rng = Rng::new(u64::from(day) * 1_000_003 + code.parse::<u64>()?);
        let t = june(day);
        // Registered within the day (China time), so the month's return counts every
        // case: in runs of 60 ten minutes apart (09:00–19:00), a run a minute after the
        // last; the escalations from 17:00, a minute apart.
        let mut left = plan.per_day - plan.escalated;
        let mut run = 0;
        while left > 0 {
            let n = left.min(60);
            let start = t + chrono::Duration::minutes(run);
            fengqiao_synth::county::caseload(&mut engine, &places, &mut rng, start, n)?;
            (left, run) = (left - n, run + 1);
        }
        for i in 0..plan.escalated {
            let at = t + chrono::Duration::hours(8) + chrono::Duration::minutes(i as i64);
            prefecture::escalate(&mut engine, code, &places, &mut rng, at)?;
        }
        crash_point("before_append", crashes);
        store.append(&engine)?;
        crash_point("after_append", crashes);
    }
    // The results: taken in, then each returned case verified and closed (a case taken
    // back before a crash and not yet closed is closed now), until none is out.
    loop {
        store.receive(
            &mut engine,
            &county_centre(code),
            Some(&verifier),
            returned_at(),
        )?;
        crash_point("after_receive", crashes);
        let back: Vec<_> = engine
            .cases()
            .filter(|c| {
                c.dispute.state == State::Resolved
                    && c.events.last().map(|e| e.op.kind()) == Some(OperationKind::TransferIn)
            })
            .map(|c| c.dispute.code.clone())
            .collect();
        for c in &back {
            prefecture::close_returned(&mut engine, code, c, returned_at())?;
        }
        store.append(&engine)?;
        if !engine
            .cases()
            .any(|c| c.dispute.state == State::TransferredOut)
        {
            break;
        }
        store.wait(code, Duration::from_millis(500))?;
    }
    // The monthly return, once.
    let sent: i64 = store
        .client()
        .query_one(
            "SELECT count(*) FROM fengqiao.outbox WHERE county = $1 AND kind = 'return'",
            &[&code],
        )?
        .get(0);
    if sent == 0 {
        let (from, to) = plan.month();
        let unit = format!("{code}000000").parse()?;
        let r = engine
            .reader(&county_centre(code), reported_at())?
            .statistical_return(unit, from, to, Some(&signer))?;
        store.send_return(code, QIANXINAN.parse()?, &r)?;
    }
    Ok(true)
}

/// One pass of the prefecture's process: what waits taken in, each case settled and its
/// result sent back; done when every county's return has arrived.
fn prefecture_pass(
    db: &str,
    plan: &Plan,
    crashes: &mut BTreeMap<String, u32>,
) -> Result<bool, Error> {
    let (signer, verifier) = keys();
    let mut store = Store::connect(db)?;
    store.sign_transfers(Box::new(signer));
    store.wait(PREFECTURE, Duration::ZERO)?; // subscribed before the first receive
    let mut engine = store.restore(PREFECTURE)?;
    loop {
        let receipt = store.receive(
            &mut engine,
            &prefecture_centre(),
            Some(&verifier),
            settled_at(),
        )?;
        crash_point("after_receive", crashes);
        // Everything held here is settled and sent back (a case taken in before a crash
        // and not yet settled too).
        let held: Vec<_> = engine
            .cases()
            .filter(|c| c.dispute.state != State::TransferredOut)
            .map(|c| c.dispute.code.clone())
            .collect();
        for code in &held {
            prefecture::settle(&mut engine, code, settled_at())?;
        }
        crash_point("before_append", crashes);
        store.append(&engine)?;
        crash_point("after_append", crashes);
        if receipt.is_empty() {
            if store.received_returns(PREFECTURE)?.len() >= plan.counties.len() {
                return Ok(true);
            }
            store.wait(PREFECTURE, Duration::from_millis(500))?;
        }
    }
}

/// Restores one journal and prints the time it took and the memory it holds (a process
/// of its own, so the peak is the engine's).
fn restore_once(db: &str, code: &str) -> Result<(), Error> {
    let before = peak_rss_kib();
    let started = Instant::now();
    let mut store = Store::connect(db)?;
    let engine = store.restore(code)?;
    let took = started.elapsed();
    println!(
        "restored {code} {} {} {} {}",
        engine.cases().count(),
        engine.journal_seq(),
        took.as_micros(),
        peak_rss_kib().saturating_sub(before)
    );
    Ok(())
}

/// The process's peak resident set (VmHWM), in KiB.
pub fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// How the coordinator disturbs a run.
#[derive(Debug, Clone, Default)]
pub struct Disturb {
    /// Crash points for a county's process (`FQ_CRASH`), by county: its first run dies
    /// there with SIGKILL and is started again without it.
    pub county_crash: Vec<(String, String)>,
    /// The prefecture's process's crash point.
    pub prefecture_crash: Option<String>,
    /// SIGKILL the prefecture's process from outside once it has taken this many
    /// documents in, and start it again.
    pub kill_prefecture_after: Option<i64>,
    /// Crash and restart the database once this many documents were received.
    pub restart_database_after: Option<i64>,
    /// A forged document for the prefecture from a sender that is not a journal: it must
    /// be parked and block nothing.
    pub poison: bool,
}

impl Disturb {
    /// Every disturbance once: the first county killed right after it committed a day with
    /// its documents (before anyone took them in), the second before it committed one (its
    /// day done again), the prefecture's process killed before it committed what it took
    /// in and settled, then from outside a quarter of the way, and the database crashed
    /// half way; a poison document waiting from the start.
    pub fn typical(plan: &Plan) -> Disturb {
        let transfers =
            plan.counties.len() as i64 * i64::from(plan.days) * plan.escalated as i64 * 2;
        Disturb {
            county_crash: plan
                .counties
                .iter()
                .zip(["after_append:3", "before_append:2"])
                .map(|(c, p)| (c.clone(), p.to_string()))
                .collect(),
            prefecture_crash: Some("before_append:2".into()),
            kill_prefecture_after: Some(transfers / 4),
            restart_database_after: Some(transfers / 2),
            poison: true,
        }
    }
}

/// What a run measured and found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Cases registered over all counties.
    pub cases: u64,
    /// Cases escalated to the prefecture and returned.
    pub escalated: u64,
    /// Processes started again after a kill.
    pub restarts: u32,
    /// Whether the database crashed and restarted.
    pub database_restarted: bool,
    /// The documents parked at the prefecture, with their codes.
    pub parked: Vec<String>,
    /// The wall time of the run, from the first child to the last exit.
    pub run: Duration,
    /// Transfers (escalations and results) delivered a second over the run.
    pub transfers_per_second: f64,
    /// Sender's commit to receiver's receipt, median and 95th percentile, in ms.
    pub latency_ms: (f64, f64),
    /// All journals restored at once, one process each: the wall time.
    pub restart: Duration,
    /// Each journal's restore: (code, cases, entries, µs, KiB).
    pub restores: Vec<(String, u64, u64, u64, u64)>,
    /// The prefecture's consolidated return: cases counted.
    pub consolidated: u64,
}

fn spawn(exe: &std::path::Path, lead: &[String], args: &[String], crash: Option<&str>) -> Child {
    let mut c = Command::new(exe);
    c.args(lead).args(args);
    match crash {
        Some(point) => c.env("FQ_CRASH", point),
        None => c.env_remove("FQ_CRASH"),
    };
    c.spawn().expect("a child process")
}

/// A child and how to start it again.
struct Proc {
    name: String,
    args: Vec<String>,
    child: Child,
    done: Option<ExitStatus>,
}

impl Drop for Proc {
    /// A run that stops early (an error, the time limit) leaves no process behind.
    fn drop(&mut self) {
        if self.done.is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Runs the prefecture: a server, the journals, a process per county and one for the
/// prefecture, the disturbances, then every check. `exe` and `lead` start a child (the
/// binary, and arguments before the role's).
///
/// With `database` (a host's PostgreSQL or Citus coordinator, reached as a superuser) the
/// run uses it instead of a server of its own: its `fengqiao` schema is dropped and made
/// again (distributed on Citus), and the database is not crashed.
pub fn run(
    exe: &std::path::Path,
    lead: &[String],
    plan: &Plan,
    disturb: &Disturb,
    database: Option<&str>,
) -> Result<Report, Error> {
    let mut pg = match database {
        Some(_) => None,
        None => Some(Cluster::start(&[
            ("fsync", "off"),
            ("max_wal_size", "1GB"),
        ])?),
    };
    let db = match (database, &pg) {
        (Some(db), _) => db.to_string(),
        (_, Some(pg)) => pg.params(),
        (None, None) => return Err("no database".into()),
    };
    let mut store = Store::connect(&db)?;
    if database.is_some() {
        store
            .client()
            .batch_execute("DROP SCHEMA IF EXISTS fengqiao CASCADE")?;
    }
    store.migrate()?;
    if store.on_citus()? {
        store.distribute()?;
    }
    let codes: Vec<&str> = plan.counties.iter().map(String::as_str).collect();
    for code in &codes {
        store.create(&prefecture::county(code)?.0)?;
    }
    store.create(&prefecture::prefecture(&codes)?)?;
    if disturb.poison {
        poison(&mut store)?;
    }
    drop(store);

    let mut report = Report::default();
    let started = Instant::now();
    let mut procs: Vec<Proc> = Vec::new();
    for code in &plan.counties {
        let args = vec!["county".into(), code.clone(), db.clone(), plan.arg()];
        let crash = disturb
            .county_crash
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, p)| p.as_str());
        procs.push(Proc {
            name: code.clone(),
            child: spawn(exe, lead, &args, crash),
            args,
            done: None,
        });
    }
    let args = vec!["prefecture".into(), db.clone(), plan.arg()];
    procs.push(Proc {
        name: PREFECTURE.into(),
        child: spawn(exe, lead, &args, disturb.prefecture_crash.as_deref()),
        args,
        done: None,
    });

    let (mut killed, mut restarted) = (false, false);
    let mut watch = Store::connect(&db).ok();
    while procs.iter().any(|p| p.done.is_none()) {
        if started.elapsed() > Duration::from_secs(900) {
            return Err("the prefecture did not finish in 15 minutes".into());
        }
        std::thread::sleep(Duration::from_millis(20));
        let received = watch
            .as_mut()
            .and_then(|s| {
                s.client()
                    .query_one("SELECT count(*) FROM fengqiao.inbox", &[])
                    .ok()
            })
            .map_or(-1, |r| r.get::<_, i64>(0));
        if received < 0 {
            watch = Store::connect(&db).ok();
        }
        if let Some(n) = disturb.kill_prefecture_after {
            if !killed && received >= n {
                killed = true;
                let p = procs.iter_mut().find(|p| p.name == PREFECTURE).expect("it");
                if p.done.is_none() {
                    let _ = p.child.kill();
                }
            }
        }
        if let (Some(n), Some(pg)) = (disturb.restart_database_after, pg.as_mut()) {
            if !restarted && received >= n {
                restarted = true;
                watch = None;
                pg.crash_and_restart()?;
                report.database_restarted = true;
            }
        }
        for p in &mut procs {
            if p.done.is_some() {
                continue;
            }
            if let Some(status) = p.child.try_wait()? {
                if status.success() {
                    p.done = Some(status);
                } else if status.code().is_none() {
                    // Killed (SIGKILL): started again, without its crash point.
                    report.restarts += 1;
                    p.child = spawn(exe, lead, &p.args, None);
                } else {
                    return Err(format!("process {} failed: {status}", p.name).into());
                }
            }
        }
    }
    report.run = started.elapsed();

    check(&db, plan, &mut report)?;
    measure(&db, exe, lead, plan, &mut report)?;
    Ok(report)
}

/// A forged escalation for the prefecture, from a sender that keeps no journal.
fn poison(store: &mut Store) -> Result<(), Error> {
    let body = r#"{"format":"fengqiao-transfer/1","case":"forged"}"#;
    let digest = fengqiao::trace::Hash::sm3(body.as_bytes());
    store
        .client()
        .execute("SELECT fengqiao.add_county('522399')", &[])?;
    store.client().execute(
        "INSERT INTO fengqiao.outbox (county, seq, kind, to_county, sm3, body)
         VALUES ('522399', 1, 'transfer', $1, $2, $3)",
        &[&PREFECTURE, &digest.0.as_slice(), &body],
    )?;
    Ok(())
}

/// Everything the run must have left: each county's cases all there and closed at home,
/// every trace verifying across the engines, each document received once, the returns
/// consolidating to every case once.
fn check(db: &str, plan: &Plan, report: &mut Report) -> Result<(), Error> {
    let (_, verifier) = keys();
    let mut store = Store::connect(db)?;
    let mut escalated = 0;
    for code in &plan.counties {
        let engine = store.restore(code)?;
        let n = engine.cases().count() as u64;
        if n != u64::from(plan.days) * plan.per_day as u64 {
            return Err(format!("county {code} holds {n} cases").into());
        }
        report.cases += n;
        for case in engine.cases() {
            fengqiao::trace::verify(&case.events)?;
            if case
                .events
                .iter()
                .any(|e| e.op.kind() == OperationKind::TransferOut)
            {
                escalated += 1;
                let kinds: Vec<&str> = case.events.iter().map(|e| e.op.kind().as_str()).collect();
                if kinds != prefecture::ESCALATED_TRACE || case.dispute.state != State::Closed {
                    return Err(format!("case {} went {kinds:?}", case.dispute.code).into());
                }
            }
        }
        store.verify(code, &verifier)?;
    }
    if escalated != report.cases / plan.per_day as u64 * plan.escalated as u64 {
        return Err(format!("{escalated} cases escalated and back").into());
    }
    report.escalated = escalated;
    let pref = store.restore(PREFECTURE)?;
    if pref.cases().count() as u64 != escalated
        || pref
            .cases()
            .any(|c| c.dispute.state != State::TransferredOut)
    {
        return Err(
            "the prefecture holds other cases than those escalated, or still holds some".into(),
        );
    }
    // Once each: every document sent to an engine received, none twice (the key says so).
    let (sent, received): (i64, i64) = {
        let r = store.client().query_one(
            "SELECT (SELECT count(*) FROM fengqiao.outbox WHERE to_body IS NULL),
                    (SELECT count(*) FROM fengqiao.inbox)",
            &[],
        )?;
        (r.get(0), r.get(1))
    };
    if sent != received {
        return Err(format!("{sent} documents sent, {received} received").into());
    }
    report.parked = store
        .parked(PREFECTURE)?
        .into_iter()
        .map(|p| p.code)
        .collect();
    let returns = store.received_returns(PREFECTURE)?;
    let (from, to) = plan.month();
    let c = pref
        .reader(&prefecture_centre(), reported_at())?
        .consolidate(QIANXINAN.parse()?, from, to, &returns, Some(&verifier))?;
    if c.cases != report.cases || c.counts.screened != report.cases {
        return Err(format!(
            "the consolidation counts {} cases of {}",
            c.cases, report.cases
        )
        .into());
    }
    report.consolidated = c.cases;
    Ok(())
}

/// Latency and throughput of the transfers, and every journal restored at once.
fn measure(
    db: &str,
    exe: &std::path::Path,
    lead: &[String],
    plan: &Plan,
    report: &mut Report,
) -> Result<(), Error> {
    let mut store = Store::connect(db)?;
    // Two reads joined here, not in SQL: the outbox lies by sender, the inbox by receiver
    // (on Citus a join of the two needs repartitioning).
    type At = std::time::SystemTime;
    let sent: BTreeMap<(String, i64), At> = store
        .client()
        .query(
            "SELECT county, seq, stored_at FROM fengqiao.outbox WHERE kind = 'transfer'",
            &[],
        )?
        .iter()
        .map(|r| ((r.get(0), r.get(1)), r.get(2)))
        .collect();
    let mut lat: Vec<f64> = Vec::new();
    let (mut first, mut last) = (None::<At>, None::<At>);
    for r in store.client().query(
        "SELECT from_county, from_seq, received_at FROM fengqiao.inbox WHERE outcome = 'taken'",
        &[],
    )? {
        let Some(&s) = sent.get(&(r.get(0), r.get(1))) else {
            continue;
        };
        let e: At = r.get(2);
        lat.push(e.duration_since(s).unwrap_or_default().as_secs_f64() * 1e3);
        first = Some(first.map_or(s, |f| f.min(s)));
        last = Some(last.map_or(e, |l| l.max(e)));
    }
    lat.sort_by(f64::total_cmp);
    if !lat.is_empty() {
        report.latency_ms = (lat[lat.len() / 2], lat[lat.len() * 95 / 100]);
        let span = last
            .unwrap()
            .duration_since(first.unwrap())
            .unwrap_or_default();
        report.transfers_per_second = lat.len() as f64 / span.as_secs_f64().max(1e-3);
    }
    // The whole prefecture restarting: every journal restored at once, a process each.
    let started = Instant::now();
    let mut journals: Vec<String> = plan.counties.clone();
    journals.push(PREFECTURE.into());
    let children: Vec<_> = journals
        .iter()
        .map(|code| {
            Command::new(exe)
                .args(lead)
                .args(["restore", code, db])
                .stdout(std::process::Stdio::piped())
                .spawn()
        })
        .collect::<Result<_, _>>()?;
    for child in children {
        let out = child.wait_with_output()?;
        let line = String::from_utf8_lossy(&out.stdout);
        let f: Vec<&str> = line.split_whitespace().collect();
        if let ["restored", code, cases, entries, us, kib] = f.as_slice() {
            report.restores.push((
                code.to_string(),
                cases.parse()?,
                entries.parse()?,
                us.parse()?,
                kib.parse()?,
            ));
        } else {
            return Err(format!("a restore said {line:?}").into());
        }
    }
    report.restart = started.elapsed();
    Ok(())
}
