//! Durable state: every accepted change is in the journal, and an engine restored from the
//! world document and the journal (or from a snapshot and the entries after it) is
//! indistinguishable from the one that wrote it. A tampered, missing, duplicated, reordered
//! or foreign entry refuses the whole restore, naming the entry.

mod common;

use common::*;
use fengqiao::engine::{EngineError, WorldData};
use fengqiao::journal::{self, Change, JournalEntry, JournalProblem};
use fengqiao::prelude::*;
use fengqiao::stats::Query;
use fengqiao_synth::{world_data, Spec};
use proptest::prelude::*;
use serde_json::json;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(16)
}

fn small() -> (WorldData, World) {
    let (data, places) = world_data(&Spec::small()).unwrap();
    let engine = Engine::from_world(data.clone()).unwrap();
    (data, World { engine, places })
}

/// Everything a host can read of an engine, as one JSON value.
fn reads(e: &Engine, w: &World) -> serde_json::Value {
    let end = at(2025, 12, 31);
    let mut probe = e.clone();
    let next_code = probe
        .register(
            &w.grid_worker(0),
            w.dispute(Category::Neighbour, &["p0-0"], end),
            end,
        )
        .map(|c| c.to_string())
        .map_err(|e| e.to_string());
    let query = Query {
        by_category: true,
        ..Query::default()
    };
    json!({
        "snapshot": e.snapshot(),
        "loads": e.all_staff().iter().map(|s| (s.id.clone(), s.active_cases, s.available)).collect::<Vec<_>>(),
        "stats": e.reader(&Actor::System, end).and_then(|r| r.statistics(&query)).unwrap(),
        "deadlines": e.deadlines(end).unwrap(),
        "next_code": format!("{next_code:?}"),
        "rules": e.router().rule_set().label(),
        "heads": e.cases().map(|c| c.head().to_string()).collect::<Vec<_>>(),
        "digest": e.journal_digest().to_string(),
        "seq": e.journal_seq(),
        "people": e.residents_trusted(w.places.households[0]).len(),
    })
}

/// One random step of a host's day: every kind of change, refused and denied attempts too.
fn step(w: &mut World, kind: u8, a: usize, b: usize, day: u32, version: &mut u32) {
    let now = at(2025, 5, 1) + chrono::Duration::hours(day as i64 * 6);
    let codes: Vec<CaseCode> = w.engine.cases().map(|c| c.dispute.code.clone()).collect();
    let pick = |i: usize| codes.get(i % codes.len().max(1)).cloned();
    match kind % 20 {
        0..=3 => {
            let person = w.places.persons[a % w.places.persons.len()].clone();
            let d = w.dispute(Category::ALL[b % Category::ALL.len()], &[&person], now);
            let gw = w.grid_worker(a % w.places.grids.len());
            if let Ok(code) = w.engine.register(&gw, d, now) {
                if b % 3 != 0 {
                    let _ = w.engine.route(&Actor::System, &code, now);
                }
            }
        }
        4..=10 => {
            if let Some(code) = pick(a) {
                let actors = actors(w);
                let op = op(b as u8, 2 + day / 4, w);
                let _ = w.engine.apply(&actors[b % actors.len()], &code, op, now);
            }
        }
        11 => {
            if let Some(code) = pick(a) {
                // An outsider's read: denied, and the denial is journaled.
                let _ = w
                    .engine
                    .reader(&w.grid_worker(3), now)
                    .and_then(|r| r.case(&code));
            }
        }
        12 => {
            let household = w.places.households[a % w.places.households.len()];
            let _ = w.engine.add_person(fengqiao::people::Person {
                id: format!("new-{day}-{a}"),
                name: "新居民".into(),
                id_number: None,
                phone: None,
                household,
                key_person: None,
            });
        }
        13 => {
            let staff = w.engine.all_staff()[a % w.engine.all_staff().len()].clone();
            let _ = w.engine.set_available(&staff.id, !staff.available);
        }
        14 => {
            *version += 1;
            let mut set = w.engine.router().rule_set().clone();
            set.version = format!("v{version}");
            set.windows.mediation = fengqiao::period::Period::Days(20 + (b as u32 % 20));
            let _ = w.engine.load_rules(set);
        }
        15 => {
            let gw = w.grid_worker(a % w.places.grids.len());
            let date = chrono::NaiveDate::from_ymd_opt(2025, 5, 1 + day % 28).unwrap();
            let _ = w.engine.file_report(
                &gw,
                fengqiao::cadence::ZeroReport {
                    date,
                    disputes: pick(b).into_iter().collect(),
                    note: String::new(),
                },
            );
        }
        16 => {
            let community = w.places.communities[a % w.places.communities.len()];
            let grid: fengqiao::hierarchy::DivisionCode =
                format!("{community}{:03}", 100 + day).parse().unwrap();
            let _ = w.engine.add_unit(fengqiao::hierarchy::Unit {
                code: grid,
                kind: fengqiao::hierarchy::UnitKind::Grid,
                name: "新网格".into(),
                retired: false,
            });
            if b % 2 == 0 {
                let other = w.places.communities[(a + 1) % w.places.communities.len()];
                let moved = format!("{other}{:03}", 200 + day).parse().unwrap();
                let _ = w.engine.move_unit(grid, other, moved);
            }
        }
        17 => {
            let mut p = fengqiao::access::Privacy::default();
            if b % 2 == 0 {
                p.roles.clear();
            }
            w.engine.set_privacy(p);
        }
        18 => {
            let _ = w.engine.sweep(now);
        }
        _ => {
            if let Some(code) = pick(a) {
                // A stale expected version: a conflict, nothing changes.
                let seq = w.engine.case(&code).unwrap().events.len() as u64;
                let r = w.engine.apply_expecting(
                    &Actor::System,
                    &code,
                    Operation::Expedite {
                        note: String::new(),
                    },
                    now,
                    seq.saturating_sub(1),
                );
                assert!(matches!(r, Err(EngineError::Conflict { .. })));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    /// Restoring from the journal at every prefix, and from a snapshot plus the tail at a
    /// random cut, gives an engine whose every read equals the original's at that point.
    #[test]
    fn restore_gives_the_same_engine(
        steps in proptest::collection::vec((0u8..20, 0usize..64, 0usize..64), 1..45),
        cut in 0usize..1000,
    ) {
        let (data, mut w) = small();
        let mut version = 0;
        let mut seen = vec![(0u64, reads(&w.engine, &w), w.engine.snapshot())];
        for (i, (k, a, b)) in steps.into_iter().enumerate() {
            step(&mut w, k, a, b, i as u32, &mut version);
            seen.push((w.engine.journal_seq(), reads(&w.engine, &w), w.engine.snapshot()));
        }
        let entries = w.engine.journal(0, usize::MAX).unwrap();
        prop_assert_eq!(entries.len() as u64, w.engine.journal_seq());
        for (i, e) in entries.iter().enumerate() {
            prop_assert_eq!(e.seq, i as u64 + 1, "gap-free");
        }
        for (seq, expected, _) in &seen {
            let restored = Engine::restore(data.clone(), entries[..*seq as usize].to_vec()).unwrap();
            prop_assert_eq!(&reads(&restored, &w), expected, "prefix {}", seq);
        }
        // Snapshot at a random point, then the tail.
        let (seq, _, snapshot) = &seen[cut % seen.len()];
        let tail = entries[*seq as usize..].iter().cloned();
        let restored = Engine::restore_snapshot(snapshot.clone(), tail.clone()).unwrap();
        prop_assert_eq!(&reads(&restored, &w), &seen.last().unwrap().1, "snapshot at {}", seq);
        // The same snapshot in parts restores the same engine.
        let parts = snapshot.clone().into_parts();
        let restored = Engine::restore_snapshot_parts(&parts, tail).unwrap();
        prop_assert_eq!(&reads(&restored, &w), &seen.last().unwrap().1, "parts at {}", seq);
        prop_assert_eq!(restored.journal_digest(), w.engine.journal_digest());
        // The JSON Lines round trip is lossless.
        let text = journal::to_jsonl(&entries);
        let again = Engine::restore_read(data.clone(), journal::from_jsonl(&text), |r| r).unwrap();
        prop_assert_eq!(again.journal_digest(), w.engine.journal_digest());
    }
}

/// A small life with an agreement, a rule reload and a world change.
fn story() -> (WorldData, World, CaseCode, Vec<JournalEntry>) {
    let (data, mut w) = small();
    let md = w.mediator(0);
    let code = w
        .engine
        .register(
            &w.grid_worker(0),
            w.dispute(Category::Neighbour, &["p0-0", "p1-0"], at(2025, 5, 5)),
            at(2025, 5, 5),
        )
        .unwrap();
    w.engine
        .route(&Actor::System, &code, at(2025, 5, 5))
        .unwrap();
    w.engine
        .apply(
            &md,
            &code,
            Operation::Accept {
                note: String::new(),
            },
            at(2025, 5, 6),
        )
        .unwrap();
    w.engine
        .set_available(&ids::grid_worker(w.places.grids[1]), false)
        .unwrap();
    w.engine
        .apply(&md, &code, session(Method::FaceToFace), at(2025, 5, 7))
        .unwrap();
    w.engine
        .apply(
            &md,
            &code,
            Operation::Resolve {
                agreement: written_agreement("2025-05-07", 800),
            },
            at(2025, 5, 7),
        )
        .unwrap();
    let entries = w.engine.journal(0, usize::MAX).unwrap();
    (data, w, code, entries)
}

fn refused_at(result: Result<Engine, EngineError>) -> fengqiao::journal::JournalError {
    match result {
        Err(EngineError::Journal(e)) => e,
        Err(other) => panic!("expected a journal error, got {other}"),
        Ok(_) => panic!("a bad journal was restored"),
    }
}

#[test]
fn a_changed_event_is_refused_at_its_entry() {
    let (data, _, code, mut entries) = story();
    let i = entries
        .iter()
        .position(|e| matches!(&e.change, Change::Event(ev) if ev.op.kind() == fengqiao::lifecycle::OperationKind::Resolve))
        .unwrap();
    let Change::Event(ev) = &mut entries[i].change else {
        unreachable!()
    };
    let Operation::Resolve { agreement } = &mut ev.op else {
        unreachable!()
    };
    agreement.amount_yuan = 1;
    let err = refused_at(Engine::restore(data, entries.clone()));
    assert_eq!(err.seq, entries[i].seq);
    assert_eq!(err.case.as_ref(), Some(&code));
    assert_eq!(err.case_seq, Some(5));
    assert_eq!(err.problem, JournalProblem::Event);
}

#[test]
fn missing_duplicated_reordered_and_foreign_entries_are_refused() {
    let (data, _, _, entries) = story();
    // Missing: the entry after the gap is named.
    let mut missing = entries.clone();
    missing.remove(2);
    let err = refused_at(Engine::restore(data.clone(), missing));
    assert_eq!((err.seq, err.problem), (4, JournalProblem::Sequence));
    // Duplicated.
    let mut dup = entries.clone();
    dup.insert(3, entries[2].clone());
    let err = refused_at(Engine::restore(data.clone(), dup));
    assert_eq!((err.seq, err.problem), (3, JournalProblem::Sequence));
    // Reordered (sequence numbers rewritten to hide it: the digest chain still breaks).
    let mut reordered = entries.clone();
    reordered.swap(1, 2);
    reordered[1].seq = 2;
    reordered[2].seq = 3;
    let err = refused_at(Engine::restore(data.clone(), reordered));
    assert_eq!((err.seq, err.problem), (2, JournalProblem::Digest));
    // From another world: a world with one more resident has another origin.
    let mut other = data.clone();
    other.people.pop();
    let err = refused_at(Engine::restore(other, entries.clone()));
    assert_eq!((err.seq, err.problem), (1, JournalProblem::Digest));
    // Another format.
    let mut future = entries.clone();
    future[0].v = 2;
    let err = refused_at(Engine::restore(data.clone(), future));
    assert_eq!((err.seq, err.problem), (1, JournalProblem::Format));
    // An unreadable line names its line.
    let mut text = journal::to_jsonl(&entries);
    text.push_str("{not json\n");
    let err = refused_at(Engine::restore_read(
        data,
        journal::from_jsonl(&text),
        |r| r,
    ));
    assert_eq!(err.problem, JournalProblem::Unreadable);
    assert!(err.message.contains(&format!("line {}", entries.len() + 1)));
}

/// A forger who rewrites an agreement and re-chains every later event and every later
/// journal digest produces a journal that restores, but whose digest and case head differ
/// from the ones the host kept apart.
#[test]
fn a_rechained_forgery_is_found_by_the_heads_kept_apart() {
    let (data, w, code, mut entries) = story();
    let kept_digest = w.engine.journal_digest();
    let kept_head = w.engine.head(&code).unwrap();
    let mut prev_event: Option<fengqiao::trace::Event> = None;
    let mut digest = w.engine.journal_origin();
    for e in &mut entries {
        if let Change::Event(ev) = &mut e.change {
            if let Operation::Resolve { agreement } = &mut ev.op {
                agreement.amount_yuan = 1;
            }
            if let Some(p) = &prev_event {
                if p.case == ev.case {
                    ev.prev = p.hash;
                }
            }
            ev.hash = ev.compute_hash();
            prev_event = Some(ev.clone());
        }
        digest = journal::chain(&digest, &e.change);
        e.digest = digest;
    }
    let forged = Engine::restore(data, entries).expect("a consistent forgery restores");
    assert_ne!(forged.journal_digest(), kept_digest);
    let events = &forged.case(&code).unwrap().events;
    assert!(fengqiao::trace::verify(events).is_ok());
    assert!(matches!(
        fengqiao::trace::verify_head(events, kept_head),
        Err(fengqiao::trace::TraceError::Head { .. })
    ));
}

#[test]
fn entries_are_read_after_a_position_in_pages() {
    let (_, w, _, entries) = story();
    let page = w.engine.journal(2, 3).unwrap();
    assert_eq!(page, entries[2..5].to_vec());
    assert!(w
        .engine
        .journal(entries.len() as u64, 10)
        .unwrap()
        .is_empty());
    // After a snapshot restore, entries before it are not held and say so.
    let snap = w.engine.snapshot();
    let restored = Engine::restore_snapshot(snap, std::iter::empty()).unwrap();
    let err = restored.journal(0, 10).unwrap_err();
    assert!(matches!(err, EngineError::Journal(ref e) if e.problem == JournalProblem::Unavailable));
    assert_eq!(restored.journal(entries.len() as u64, 10).unwrap(), vec![]);
}

#[test]
fn released_entries_are_forgotten_and_the_chain_goes_on() {
    let (data, mut w, code, entries) = story();
    let stored = w.engine.journal(0, usize::MAX).unwrap();
    w.engine.release_journal(3);
    assert!(w.engine.journal(0, 10).is_err());
    assert_eq!(w.engine.journal(3, 100).unwrap(), entries[3..].to_vec());
    w.engine
        .apply(
            &w.mediator(0),
            &code,
            Operation::Verify {
                satisfied: true,
                note: String::new(),
            },
            at(2025, 5, 8),
        )
        .unwrap();
    let mut all = stored;
    all.extend(w.engine.journal(entries.len() as u64, 100).unwrap());
    let restored = Engine::restore(data, all).unwrap();
    assert_eq!(restored.journal_digest(), w.engine.journal_digest());
}

#[test]
fn a_snapshot_whose_case_was_changed_is_refused() {
    let (_, w, code, _) = story();
    let mut snap = w.engine.snapshot();
    let events = snap
        .cases
        .iter_mut()
        .find(|evs| evs[0].case == code)
        .unwrap();
    events.pop();
    events[1].at = at(2025, 5, 30);
    let err = refused_at(Engine::restore_snapshot(snap, std::iter::empty()));
    assert_eq!(err.case.as_ref(), Some(&code));
    assert_eq!(err.problem, JournalProblem::Event);
}

#[test]
fn a_snapshot_in_parts_is_refused_changed_cut_short_or_unreadable_naming_the_line() {
    let (_, w, code, _) = story();
    let parts = w.engine.snapshot().into_parts();
    let lines: Vec<&str> = parts.lines().collect();
    let at_line =
        |text: String| refused_at(Engine::restore_snapshot_parts(&text, std::iter::empty()));
    // A case's line changed (an event's time rewritten): its chain refuses it, by case.
    let mut changed = lines.clone();
    let line = lines[2].replacen("2025-05-06T01:00:00Z", "2025-05-05T23:00:00Z", 1);
    assert_ne!(line, lines[2]);
    changed[2] = &line;
    let err = at_line(changed.join("\n"));
    assert_eq!(
        (err.problem, err.case.as_ref()),
        (JournalProblem::Event, Some(&code))
    );
    // Cut short by its last case: the head announced one more.
    let err = at_line(lines[..lines.len() - 1].join("\n"));
    assert_eq!(err.problem, JournalProblem::Unreadable);
    assert!(err.message.contains("cut short"), "{}", err.message);
    // A line that is not a trace: named.
    let mut bad = lines.clone();
    bad[2] = "[{\"case\": 1}]";
    let err = at_line(bad.join("\n"));
    assert_eq!(err.problem, JournalProblem::Unreadable);
    assert!(err.message.contains("line 3"), "{}", err.message);
    // Another form.
    let err = at_line(parts.replacen(journal::PARTS_FORMAT, "fengqiao-snapshot-parts/9", 1));
    assert_eq!(err.problem, JournalProblem::Format);
    assert!(err.message.contains("parts/9"), "{}", err.message);
    assert!(fengqiao::journal::is_parts(&parts));
    assert!(!fengqiao::journal::is_parts(
        &serde_json::to_string(&w.engine.snapshot()).unwrap()
    ));
}

/// A case line of format 2 writes only what its events say (no case, sequence number,
/// `prev` or `hash` an event: the chain derives them) and its head; what the chain derives
/// is checked against the head and the registration, by case.
#[test]
fn a_snapshot_case_line_holds_its_head_not_what_the_chain_derives() {
    let (_, w, code, _) = story();
    let parts = w.engine.snapshot().into_parts();
    assert!(parts.starts_with(r#"{"format":"fengqiao-snapshot-parts/2","cases":1}"#));
    let lines: Vec<&str> = parts.lines().collect();
    let line: serde_json::Value = serde_json::from_str(lines[2]).unwrap();
    let events = &w.engine.case(&code).unwrap().events;
    assert_eq!(line["case"], code.as_str());
    assert_eq!(line["head"], json!(events.last().unwrap().hash));
    let written = line["events"].as_array().unwrap();
    assert_eq!(written.len(), events.len());
    for (w, e) in written.iter().zip(events) {
        let keys: Vec<&str> = w.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["actor", "at", "op"]); // (serde_json's map is sorted)
        assert_eq!(w["op"], serde_json::to_value(&e.op).unwrap());
    }
    let refused = |line: String| {
        let mut changed = lines.clone();
        changed[2] = &line;
        refused_at(Engine::restore_snapshot_parts(
            &changed.join("\n"),
            std::iter::empty(),
        ))
    };
    // Another head: the events do not give it.
    let other = json!(fengqiao::trace::Hash::sm3(b"another head")).to_string();
    let head = json!(events.last().unwrap().hash).to_string();
    let err = refused(lines[2].replacen(&head, &other, 1));
    assert_eq!(
        (err.problem, err.case.as_ref()),
        (JournalProblem::Event, Some(&code))
    );
    assert!(
        err.message.contains("rewritten or truncated"),
        "{}",
        err.message
    );
    // The last event dropped: the head is no longer reached.
    let mut cut = line.clone();
    cut["events"].as_array_mut().unwrap().pop();
    let err = refused(cut.to_string());
    assert_eq!(
        (err.problem, err.case.as_ref()),
        (JournalProblem::Event, Some(&code))
    );
    // The line names another case than its registration does.
    let mut moved = line.clone();
    let elsewhere = code.as_str().replacen("-0001", "-0002", 1);
    moved["case"] = json!(elsewhere);
    let err = refused(moved.to_string());
    assert_eq!(err.problem, JournalProblem::Event);
    assert_eq!(
        err.case.as_ref().map(|c| c.as_str()),
        Some(elsewhere.as_str())
    );
    // What the chain derives may not be written beside it.
    let mut extra = line.clone();
    extra["events"][0]["hash"] = json!(events[0].hash);
    let err = refused(extra.to_string());
    assert_eq!(err.problem, JournalProblem::Unreadable);
    assert!(
        err.message.contains("unknown field `hash`"),
        "{}",
        err.message
    );
}

/// A snapshot in parts of format 1 (each case line a whole trace, hashes included) is still
/// read, and still refused when changed.
#[test]
fn a_snapshot_in_parts_of_format_1_is_still_read() {
    let (_, w, code, _) = story();
    let snapshot = w.engine.snapshot();
    let mut without = snapshot.clone();
    let cases = std::mem::take(&mut without.cases);
    let mut text = format!(
        "{{\"format\":\"fengqiao-snapshot-parts/1\",\"cases\":{}}}\n{}\n",
        cases.len(),
        serde_json::to_string(&without).unwrap()
    );
    for events in &cases {
        text.push_str(&serde_json::to_string(events).unwrap());
        text.push('\n');
    }
    let restored = Engine::restore_snapshot_parts(&text, std::iter::empty()).unwrap();
    assert_eq!(restored.journal_digest(), w.engine.journal_digest());
    assert_eq!(
        restored.case(&code).unwrap().events,
        w.engine.case(&code).unwrap().events
    );
    let changed = text.replacen("2025-05-06T01:00:00Z", "2025-05-05T23:00:00Z", 1);
    assert_ne!(changed, text);
    let err = refused_at(Engine::restore_snapshot_parts(&changed, std::iter::empty()));
    assert_eq!(
        (err.problem, err.case.as_ref()),
        (JournalProblem::Event, Some(&code))
    );
}

#[test]
fn a_snapshot_in_parts_of_many_cases_is_read_on_every_core_in_order() {
    // Past the batch below which everything stays on one thread.
    let (_, mut w) = small();
    let gw = w.grid_worker(0);
    for i in 0..600u32 {
        let when = at(2025, 3, 1) + chrono::Duration::minutes(i64::from(i));
        let input = w.dispute(Category::Neighbour, &["p0-0", "p1-0"], when);
        let code = w.engine.register(&gw, input, when).unwrap();
        w.engine.route(&Actor::System, &code, when).unwrap();
    }
    let parts = w.engine.snapshot().into_parts();
    let restored = Engine::restore_snapshot_parts(&parts, std::iter::empty()).unwrap();
    assert_eq!(restored.journal_digest(), w.engine.journal_digest());
    assert_eq!(restored.cases().count(), 600);
    let codes = |e: &Engine| {
        e.cases()
            .map(|c| c.dispute.code.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(codes(&restored), codes(&w.engine));
    // The next registration there numbers on, as in the engine that wrote it.
    let when = at(2025, 3, 2);
    let mut again = restored;
    let next = again
        .register(
            &gw,
            w.dispute(Category::Labour, &["p0-0", "p1-0"], when),
            when,
        )
        .unwrap();
    assert!(next.as_str().ends_with("-0001"), "{next}");
}

#[test]
fn an_expected_version_that_is_stale_is_a_conflict_and_changes_nothing() {
    let (_, mut w, code, _) = story();
    let seq = w.engine.journal_seq();
    let events = w.engine.case(&code).unwrap().events.len() as u64;
    let err = w
        .engine
        .apply_expecting(
            &w.mediator(0),
            &code,
            Operation::Verify {
                satisfied: true,
                note: String::new(),
            },
            at(2025, 5, 8),
            events - 1,
        )
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert_eq!(err.details()["actual"], events);
    assert_eq!(w.engine.journal_seq(), seq);
    w.engine
        .apply_expecting(
            &w.mediator(0),
            &code,
            Operation::Verify {
                satisfied: true,
                note: String::new(),
            },
            at(2025, 5, 8),
            events,
        )
        .unwrap();
    assert_eq!(w.engine.journal_seq(), seq + 1);
}

#[test]
fn the_world_export_carries_no_staff_loads() {
    let (_, mut w, _, _) = story();
    let open = w
        .engine
        .register(
            &w.grid_worker(0),
            w.dispute(Category::Neighbour, &["p0-0"], at(2025, 5, 9)),
            at(2025, 5, 9),
        )
        .unwrap();
    w.engine
        .route(&Actor::System, &open, at(2025, 5, 9))
        .unwrap();
    assert!(w.engine.all_staff().iter().any(|s| s.active_cases > 0));
    assert!(w
        .engine
        .to_world()
        .staff
        .iter()
        .all(|s| s.active_cases == 0));
    // A world document's loads are ignored: loads come from the cases.
    let mut doc = w.engine.to_world();
    doc.staff[0].active_cases = 99;
    assert_eq!(
        Engine::from_world(doc).unwrap().all_staff()[0].active_cases,
        0
    );
}

/// A calendar replaced by one without some shipped years restores as that calendar, not as
/// the shipped one.
#[test]
fn a_replaced_calendar_restores_as_it_was_set() {
    let (data, mut w, _, _) = story();
    w.engine.set_calendar(fengqiao::calendar::Calendar::empty());
    let restored = Engine::restore(data, w.engine.journal(0, usize::MAX).unwrap()).unwrap();
    assert_eq!(restored.calendar().years().count(), 0);
    assert_eq!(restored.journal_digest(), w.engine.journal_digest());
}

/// A county journal of several thousand entries: long enough that a restore reads and
/// checks it on a second thread, batch by batch, while applying the batches before.
fn long_journal() -> (WorldData, Engine, Vec<JournalEntry>) {
    let (data, places) = world_data(&Spec::small()).unwrap();
    let mut engine = Engine::from_world(data.clone()).unwrap();
    let t0 = at(2024, 3, 4);
    let mut rng = fengqiao_synth::Rng::new(5);
    fengqiao_synth::county::caseload(&mut engine, &places, &mut rng, t0, 600).unwrap();
    let entries = engine.journal(0, usize::MAX).unwrap();
    assert!(entries.len() > 2_000, "{} entries", entries.len());
    (data, engine, entries)
}

/// Restored on two threads, a long journal gives the engine that wrote it; a change, an
/// unreadable line or a gap deep inside it is refused at its own entry, never later, and
/// catching up keeps exactly the entries before the refused one.
#[test]
fn a_long_journal_restores_on_two_threads_and_is_refused_at_the_right_entry() {
    let (data, engine, entries) = long_journal();
    let text = journal::to_jsonl(&entries);
    let again = Engine::restore_read(
        data.clone(),
        journal::jsonl_lines(&text),
        journal::read_line,
    )
    .unwrap();
    assert_eq!(again.journal_digest(), engine.journal_digest());
    assert_eq!(
        serde_json::to_value(again.snapshot()).unwrap(),
        serde_json::to_value(engine.snapshot()).unwrap()
    );

    // A changed event in a late batch: named by its entry, case and seq.
    let late = (entries.len() * 3 / 4..entries.len())
        .find(|&i| matches!(&entries[i].change, Change::Event(ev) if ev.seq > 1))
        .unwrap();
    let mut changed = entries.clone();
    let Change::Event(ev) = &mut changed[late].change else {
        unreachable!()
    };
    ev.at += chrono::Duration::seconds(1);
    let (case, case_seq) = (ev.case.clone(), ev.seq);
    let err = refused_at(Engine::restore(data.clone(), changed.clone()));
    assert_eq!(err.seq, late as u64 + 1);
    assert_eq!((err.case, err.case_seq), (Some(case), Some(case_seq)));
    assert_eq!(err.problem, JournalProblem::Event);
    // Catching up stops at the entry before it, with everything before it applied.
    let mut behind = Engine::from_world(data.clone()).unwrap();
    assert!(behind.catch_up(changed.into_iter().map(Ok)).is_err());
    assert_eq!(behind.journal_seq(), late as u64);
    assert_eq!(
        behind.journal_digest(),
        entries[late - 1].digest,
        "every entry before the refused one is applied"
    );

    // An unreadable line in the middle: the entry at that position is named.
    let middle = entries.len() / 2;
    let mut lines: Vec<&str> = text.lines().collect();
    lines[middle] = "{not json";
    let broken = lines.join("\n");
    let err = refused_at(Engine::restore_read(
        data.clone(),
        journal::jsonl_lines(&broken),
        journal::read_line,
    ));
    assert_eq!(
        (err.seq, err.problem),
        (middle as u64 + 1, JournalProblem::Unreadable)
    );
    assert!(
        err.message.contains(&format!("line {}", middle + 1)),
        "{}",
        err.message
    );

    // A gap in the second batch.
    let mut gap = entries.clone();
    gap.remove(700);
    let err = refused_at(Engine::restore(data.clone(), gap));
    assert_eq!((err.seq, err.problem), (702, JournalProblem::Sequence));

    // From a snapshot, whose traces are verified on every core, and the tail.
    let cut = entries.len() / 3;
    let early = Engine::restore(data.clone(), entries[..cut].to_vec()).unwrap();
    let tail = entries[cut..].iter().cloned();
    let resumed = Engine::restore_snapshot(early.snapshot(), tail).unwrap();
    assert_eq!(resumed.journal_digest(), engine.journal_digest());
    let mut snapshot = engine.snapshot();
    let victim = snapshot.cases.len() - 3;
    snapshot.cases[victim][0].at += chrono::Duration::seconds(1);
    let case = snapshot.cases[victim][0].case.clone();
    let err = refused_at(Engine::restore_snapshot(snapshot, std::iter::empty()));
    assert_eq!((err.case, err.problem), (Some(case), JournalProblem::Event));
}

/// What the statistics and the deadlines read, at the end of 2025 (every case's entry).
fn standing(e: &Engine) -> serde_json::Value {
    let end = at(2025, 12, 31);
    let query = Query {
        by_category: true,
        ..Query::default()
    };
    json!({
        "stats": e.reader(&Actor::System, end).and_then(|r| r.statistics(&query)).unwrap(),
        "deadlines": e.deadlines(end).unwrap(),
    })
}

/// A restore works out a case's statistics entry once, for the cases its entries touched:
/// caught up in steps, or restored from a snapshot with or without entries after it, an
/// engine reads the statistics and deadlines of the engine that wrote the journal (which
/// kept each case's entry as it went).
#[test]
fn caught_up_in_steps_or_from_a_snapshot_the_statistics_are_the_writers() {
    let (data, engine, entries) = long_journal();
    let written = standing(&engine);
    let mut behind = Engine::from_world(data.clone()).unwrap();
    let third = entries.len() / 3;
    behind
        .catch_up(entries[..third].iter().cloned().map(Ok))
        .unwrap();
    let parts = behind.snapshot().into_parts();
    for chunk in entries[third..].chunks(third / 2) {
        behind.catch_up(chunk.iter().cloned().map(Ok)).unwrap();
    }
    assert_eq!(behind.journal_digest(), engine.journal_digest());
    assert_eq!(standing(&behind), written);
    // From the snapshot a third of the way, and the entries after it.
    let again = Engine::restore_snapshot_parts(&parts, entries[third..].to_vec()).unwrap();
    assert_eq!(standing(&again), written);
    // From a snapshot at the end, nothing after it.
    let whole = Engine::restore_snapshot_parts(&engine.snapshot().into_parts(), std::iter::empty())
        .unwrap();
    assert_eq!(standing(&whole), written);
}
