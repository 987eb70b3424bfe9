//! Time limits as the vendors' systems run them (issue 20): local calendars, suspensions,
//! extensions, the early warning, limit standards as data, and the assessment — each
//! against the calendar, never against a hard-coded day where the calendar can say it.

mod common;

use common::*;
use fengqiao::assessment::AssessmentQuery;
use fengqiao::calendar::{CalendarError, LocalCalendar, LocalDay};
use fengqiao::deadline::{Phase, Standing};
use fengqiao::engine::EngineError;
use fengqiao::hierarchy::Level;
use fengqiao::lifecycle::{PauseReason, Refusal};
use fengqiao::prelude::*;
use fengqiao::routing::{Grade, LimitStandard};

/// A neighbour dispute registered, routed and accepted at `when`.
fn accepted(w: &mut World, when: chrono::DateTime<chrono::Utc>) -> CaseCode {
    let code = registered(w, Category::Neighbour, when);
    let md = w.handler(&code);
    w.engine
        .apply(
            &md,
            &code,
            Operation::Accept {
                note: String::new(),
            },
            when,
        )
        .unwrap();
    code
}

fn county(w: &World) -> DivisionCode {
    w.places.county.unwrap()
}

fn day_off(date: &str) -> LocalDay {
    LocalDay {
        date: date.parse().unwrap(),
        name: "三月三".into(),
    }
}

fn refusal(r: Result<&fengqiao::lifecycle::Dispute, EngineError>) -> (Refusal, String) {
    match r {
        Err(EngineError::Lifecycle(e)) => (e.refusal, e.message),
        other => panic!("expected a lifecycle refusal, got {other:?}"),
    }
}

#[test]
fn a_local_day_off_moves_the_red_day_and_no_legal_window() {
    let mut w = World::small();
    // Registered on Friday 04-17 and not accepted: the acceptance limit runs.
    let code = registered(&mut w, Category::Neighbour, at(2026, 4, 17));
    let before = status(&w, &code, at(2026, 4, 14));
    assert_eq!(before.phase, Some(Phase::Accept));
    let red = before.red_on.unwrap();
    assert!(
        red > date("2026-04-20"),
        "the limit must span the local day off"
    );
    let (snapshot, seq) = (w.engine.snapshot(), w.engine.journal_seq());
    w.engine
        .set_local_calendar(LocalCalendar {
            unit: county(&w),
            source: "县人民政府办公室关于“三月三”放假的通知（测试）".into(),
            days_off: vec![day_off("2026-04-20")],
            working_days: vec![],
        })
        .unwrap();
    let after = status(&w, &code, at(2026, 4, 14));
    let days = w
        .engine
        .calendar()
        .at(w.engine.case(&code).unwrap().dispute.handling_unit);
    assert_eq!(days.unit(), Some(county(&w)));
    // One working day fewer before the old red day: the red day moves to the next working day.
    assert_eq!(after.red_on, Some(days.add_working_days(red, 1).unwrap()));
    assert_eq!(
        after.red_on.unwrap(),
        w.engine.calendar().add_working_days(red, 1).unwrap()
    );
    // The national calendar (and with it every legal window) is unchanged.
    assert!(w
        .engine
        .calendar()
        .is_working_day(date("2026-04-20"))
        .unwrap());
    // Journaled: a restored engine times the case the same way.
    let tail = w.engine.journal(seq, usize::MAX).unwrap();
    assert_eq!(tail.last().unwrap().change.kind(), "local_calendar_set");
    let restored = Engine::restore_snapshot(snapshot, tail).unwrap();
    let again = restored
        .deadlines(at(2026, 4, 14))
        .unwrap()
        .into_iter()
        .find(|s| s.case == code)
        .unwrap();
    assert_eq!(again, after);
    // A local working day on a weekend moves it back.
    w.engine
        .set_local_calendar(LocalCalendar {
            unit: county(&w),
            source: String::new(),
            days_off: vec![day_off("2026-04-20")],
            working_days: vec![LocalDay {
                date: date("2026-04-18"), // a Saturday
                name: "三月三调休".into(),
            }],
        })
        .unwrap();
    assert_eq!(status(&w, &code, at(2026, 4, 14)).red_on, Some(red));
}

#[test]
fn a_local_calendar_that_contradicts_itself_or_the_nation_is_refused_and_changes_nothing() {
    let mut w = World::small();
    let c = county(&w);
    let cases = [
        (
            vec![day_off("2026-04-20"), day_off("2026-04-20")],
            vec![],
            "listed twice",
        ),
        (
            vec![day_off("2026-04-20")],
            vec![day_off("2026-04-20")],
            "both",
        ),
        (vec![day_off("2026-04-18")], vec![], "already a day off"), // a Saturday
        (vec![], vec![day_off("2026-04-20")], "already a working day"),
        (vec![], vec![day_off("2026-10-03")], "national holiday"), // National Day, a Saturday
    ];
    for (off, work, why) in cases {
        let err = w
            .engine
            .set_local_calendar(LocalCalendar {
                unit: c,
                source: String::new(),
                days_off: off,
                working_days: work,
            })
            .unwrap_err();
        assert!(
            matches!(err, EngineError::Calendar(CalendarError::BadLocal { .. })),
            "{why}: {err}"
        );
        assert!(err.to_string().contains(why), "{why}: {err}");
    }
    let unknown = w.engine.set_local_calendar(LocalCalendar {
        unit: c,
        source: String::new(),
        days_off: vec![day_off("2031-04-20")],
        working_days: vec![],
    });
    assert!(matches!(
        unknown,
        Err(EngineError::Calendar(CalendarError::UnknownYear(2031)))
    ));
    assert_eq!(w.engine.local_calendars().count(), 0);
    assert!(w
        .engine
        .journal(0, usize::MAX)
        .unwrap()
        .iter()
        .all(|e| e.change.kind() != "local_calendar_set"));
}

#[test]
fn a_suspension_across_a_holiday_counts_only_its_working_days() {
    let mut w = World::small();
    let code = accepted(&mut w, at(2025, 9, 24)); // a Wednesday
    let md = w.handler(&code);
    let red = status(&w, &code, at(2025, 9, 24)).red_on.unwrap();
    let yellow = status(&w, &code, at(2025, 9, 24)).yellow_on.unwrap();
    w.engine
        .apply(
            &md,
            &code,
            Operation::Suspend {
                reason: PauseReason::Appraisal,
                note: "房屋安全鉴定".into(),
            },
            at(2025, 9, 26),
        )
        .unwrap();
    // While suspended no working-day threshold not yet passed is reached, but the legal
    // month keeps running (司法部令第75号 art. 33): red is its end, and the case still warns
    // and turns yellow before it (issue 31), counted on the month's 18 working days
    // (09-25 … 10-24): yellow after 18 × 15/20 = 13 of them (10-17), the warning after
    // 13 × 10/15 = 8 (10-11, a worked Saturday).
    let paused = status(&w, &code, at(2025, 10, 9));
    assert_eq!(paused.suspended_since, Some(date("2025-09-26")));
    assert_eq!(paused.standing, Standing::OnTime);
    assert_eq!(paused.warning_on, Some(date("2025-10-11")));
    assert_eq!(paused.yellow_on, Some(date("2025-10-17")));
    assert_eq!(paused.red_on, Some(date("2025-10-24")));
    assert_eq!(
        status(&w, &code, at(2025, 10, 13)).standing,
        Standing::Warning
    );
    assert_eq!(
        status(&w, &code, at(2025, 10, 20)).standing,
        Standing::Yellow
    );
    assert_eq!(status(&w, &code, at(2025, 10, 25)).standing, Standing::Red);
    let twice = w.engine.apply(
        &md,
        &code,
        Operation::Suspend {
            reason: PauseReason::Appraisal,
            note: String::new(),
        },
        at(2025, 9, 27),
    );
    assert_eq!(refusal(twice).0, Refusal::WrongState);
    w.engine
        .apply(
            &md,
            &code,
            Operation::Resume {
                note: String::new(),
            },
            at(2025, 10, 9),
        )
        .unwrap();
    // Suspended after 09-26 up to 10-09: Sun 28 (调休), Mon 29, Tue 30 and Thu 9 are the
    // working days lost; National Day (10-01 … 10-08) was not a working day anyway.
    let cal = w.engine.calendar();
    let lost = cal
        .working_days_between(date("2025-09-26"), date("2025-10-09"))
        .unwrap();
    assert_eq!(lost, 4);
    let s = status(&w, &code, at(2025, 10, 9));
    assert_eq!(s.suspended_since, None);
    let month_end = date("2025-10-24");
    // Yellow moved by the 4 lost days would reach the month's end (10-21 → 10-27): it is
    // counted on the month's working days instead, so it still comes before red (10-17).
    assert!(cal.add_working_days(yellow, lost).unwrap() >= month_end);
    assert_eq!(s.yellow_on, Some(date("2025-10-17")));
    let moved = cal.add_working_days(red, lost).unwrap();
    assert_eq!(s.red_on, Some(moved.min(month_end)));
    let resume_again = w.engine.apply(
        &md,
        &code,
        Operation::Resume {
            note: String::new(),
        },
        at(2025, 10, 9),
    );
    assert_eq!(refusal(resume_again).0, Refusal::WrongState);
    // Both are in the trace.
    let kinds: Vec<_> = w
        .engine
        .case(&code)
        .unwrap()
        .events
        .iter()
        .map(|e| e.op.kind())
        .collect();
    assert!(kinds.ends_with(&[
        fengqiao::lifecycle::OperationKind::Suspend,
        fengqiao::lifecycle::OperationKind::Resume
    ]));
}

#[test]
fn an_extension_approved_after_yellow_clears_the_yellow_warning() {
    let mut w = World::small();
    let code = accepted(&mut w, at(2026, 3, 2));
    let md = w.handler(&code);
    let s0 = status(&w, &code, at(2026, 3, 2));
    let (yellow, red) = (s0.yellow_on.unwrap(), s0.red_on.unwrap());
    let cal = w.engine.calendar().clone();
    let day = cal.add_working_days(yellow, 1).unwrap();
    let noon = |d: chrono::NaiveDate| fengqiao::calendar::china_instant(d, 12, 0, 0).unwrap();
    assert_eq!(status(&w, &code, noon(day)).standing, Standing::Yellow);
    // Too many days, then no reason: refused, naming the argument.
    let (r, m) = refusal(w.engine.apply(
        &md,
        &code,
        Operation::RequestExtension {
            days: 21,
            reason: "等待鉴定".into(),
        },
        noon(day),
    ));
    assert_eq!(r, Refusal::MissingData);
    assert!(m.contains("days 21") && m.contains("1 to 20"), "{m}");
    w.engine
        .apply(
            &md,
            &code,
            Operation::RequestExtension {
                days: 6,
                reason: "当事人外出务工，需等待其返乡".into(),
            },
            noon(day),
        )
        .unwrap();
    // The community's own centre is not above the handling community: refused.
    let own = w.community_centre(0);
    let (r, m) = refusal(w.engine.apply(
        &own,
        &code,
        Operation::DecideExtension {
            approved: true,
            days: Some(5),
            note: String::new(),
        },
        noon(day),
    ));
    assert_eq!(r, Refusal::NotPermitted, "{m}");
    let street = w.street_centre();
    w.engine
        .apply(
            &street,
            &code,
            Operation::DecideExtension {
                approved: true,
                days: Some(5),
                note: "同意延期5个工作日".into(),
            },
            noon(day),
        )
        .unwrap();
    let s = status(&w, &code, noon(day));
    assert_eq!(s.extended_days, 5);
    assert_eq!(s.yellow_on, Some(cal.add_working_days(yellow, 5).unwrap()));
    assert_ne!(s.standing, Standing::Yellow);
    assert!(s.standing < Standing::Yellow);
    let month_end = date("2026-04-02"); // one month from 03-02 (民法典 art. 202)
    assert_eq!(
        s.red_on,
        Some(cal.add_working_days(red, 5).unwrap().min(month_end))
    );
    // Nothing pending now.
    let (r, _) = refusal(w.engine.apply(
        &street,
        &code,
        Operation::DecideExtension {
            approved: false,
            days: None,
            note: String::new(),
        },
        noon(day),
    ));
    assert_eq!(r, Refusal::WrongState);
}

#[test]
fn an_extension_never_moves_the_labour_fifteen_days() {
    // 劳动争议调解仲裁法 art. 14: accepted 2025-09-26, the 15 days end on 10-11 whatever
    // the working-day limit says, extended or not.
    let mut w = World::small();
    let code = registered(&mut w, Category::Labour, at(2025, 9, 26));
    let md = w.handler(&code);
    w.engine
        .apply(
            &md,
            &code,
            Operation::Accept {
                note: String::new(),
            },
            at(2025, 9, 26),
        )
        .unwrap();
    w.engine
        .apply(
            &md,
            &code,
            Operation::RequestExtension {
                days: 10,
                reason: "r".into(),
            },
            at(2025, 9, 29),
        )
        .unwrap();
    w.engine
        .apply(
            &w.street_centre(),
            &code,
            Operation::DecideExtension {
                approved: true,
                days: None,
                note: String::new(),
            },
            at(2025, 9, 29),
        )
        .unwrap();
    let s = status(&w, &code, at(2025, 9, 29));
    assert_eq!(s.extended_days, 10);
    assert_eq!(s.red_on, Some(date("2025-10-11")));
}

#[test]
fn the_early_warning_stands_before_yellow_in_sweeps_statistics_and_daily_analysis() {
    let mut w = World::small();
    let code = accepted(&mut w, at(2026, 3, 2));
    let s0 = status(&w, &code, at(2026, 3, 2));
    let (warn, yellow) = (s0.warning_on.unwrap(), s0.yellow_on.unwrap());
    let limit = w.engine.decide(&code).unwrap().deadlines.handle.unwrap();
    let cal = w.engine.calendar();
    // 70 % of the yellow limit, rounded down.
    assert_eq!(
        warn,
        cal.add_working_days(date("2026-03-02"), limit.yellow * 70 / 100)
            .unwrap()
    );
    assert!(warn < yellow);
    let next = cal.add_working_days(warn, 1).unwrap();
    let noon = fengqiao::calendar::china_instant(next, 12, 0, 0).unwrap();
    assert_eq!(status(&w, &code, noon).standing, Standing::Warning);
    let r = w
        .engine
        .reader(&w.street_centre(), noon)
        .and_then(|r| r.statistics(&fengqiao::stats::Query::default()))
        .unwrap();
    assert_eq!(r.total.counts.early_warning, 1);
    assert_eq!(r.total.counts.overdue_yellow, 0);
    let ranked = w
        .engine
        .reader(&w.street_centre(), noon)
        .and_then(|r| r.daily_analysis(w.places.streets[0]))
        .unwrap();
    assert!(ranked[0]
        .reasons
        .iter()
        .any(|r| r.starts_with("early warning")));
}

#[test]
fn limit_standards_decide_by_the_most_specific_row_and_the_validator_finds_overlaps_and_gaps() {
    let mut w = World::small();
    let mut set = w.engine.router().rule_set().clone();
    set.version = "standards".into();
    for r in &mut set.rules {
        if let Some(d) = &mut r.then.deadlines {
            d.handle = None;
        }
    }
    let row = |category: Option<Category>, yellow, red| LimitStandard {
        department: None,
        category,
        subtype: None,
        deadlines: fengqiao::routing::Deadlines {
            accept: None,
            handle: Some(fengqiao::routing::Limit { yellow, red }),
            verify: None,
        },
        source: "县矛调中心时限标准（测试）".into(),
    };
    set.time_limits.standards = vec![row(None, 12, 18), row(Some(Category::Neighbour), 4, 6)];
    w.engine.load_rules(set.clone()).unwrap();
    let gw = w.grid_worker(0);
    let mut neighbour = w.dispute(Category::Neighbour, &["p0-0", "p1-0"], at(2026, 3, 2));
    let d = w.engine.decide_input(&neighbour).unwrap();
    assert_eq!(d.deadlines.handle.map(|l| (l.yellow, l.red)), Some((4, 6)));
    // The explanation names the row that set the limit, and its source.
    assert!(
        d.explanation.notes.iter().any(|n| n
            == "handle limit 4/6 working days from time_limits.standards[1] (县矛调中心时限标准（测试）)"),
        "{:?}",
        d.explanation.notes
    );
    neighbour.category = Category::MarriageFamily;
    let d = w.engine.decide_input(&neighbour).unwrap();
    assert_eq!(
        d.deadlines.handle.map(|l| (l.yellow, l.red)),
        Some((12, 18))
    );
    let code = w.engine.register(&gw, neighbour, at(2026, 3, 2)).unwrap();
    w.engine
        .route(&Actor::System, &code, at(2026, 3, 2))
        .unwrap();
    assert_eq!(
        w.engine
            .case(&code)
            .unwrap()
            .dispute
            .routing
            .as_ref()
            .unwrap()
            .deadlines
            .handle
            .unwrap()
            .red,
        18
    );

    // An overlap, a gap (no default row and defaults without a handle limit), a bad share.
    let mut bad = set.clone();
    bad.defaults.deadlines.as_mut().unwrap().handle = None;
    bad.time_limits.standards = vec![
        row(Some(Category::Neighbour), 4, 6),
        row(Some(Category::Neighbour), 5, 7),
    ];
    bad.time_limits.warning_percent = 0;
    let diags = w.engine.validate_rules(&bad);
    let codes: Vec<_> = diags
        .errors()
        .map(|d| (d.code.as_str(), d.path.as_str()))
        .collect();
    assert!(
        codes.contains(&("limit_overlap", "time_limits.standards[1].deadlines.handle")),
        "{codes:?}"
    );
    assert!(
        codes.contains(&("limit_gap", "time_limits.standards")),
        "{codes:?}"
    );
    assert!(
        codes.contains(&("bad_time_limits", "time_limits.warning_percent")),
        "{codes:?}"
    );
    let gap = diags
        .errors()
        .find(|d| d.code.as_str() == "limit_gap")
        .unwrap();
    assert!(
        gap.message.contains("labour") && !gap.message.contains("neighbour,"),
        "{}",
        gap.message
    );
    assert!(w.engine.load_rules(bad).is_err());
}

#[test]
fn the_assessment_agrees_with_a_recount_of_the_journal() {
    let mut w = World::small();
    let street = w.street_centre();
    let mut codes = Vec::new();
    for i in 0..6u32 {
        let code = accepted(&mut w, at(2026, 3, 2 + i));
        codes.push(code);
    }
    let md = w.handler(&codes[0]);
    let grades = [
        Grade::YellowCard,
        Grade::RedCard,
        Grade::YellowCard,
        Grade::Ordinary,
    ];
    for (i, g) in grades.iter().enumerate() {
        w.engine
            .apply(
                &street,
                &codes[i],
                Operation::Supervise {
                    grade: *g,
                    note: String::new(),
                },
                at(2026, 3, 10),
            )
            .unwrap();
    }
    let hmd = w.handler(&codes[1]);
    w.engine
        .apply(
            &hmd,
            &codes[1],
            Operation::RequestExtension {
                days: 3,
                reason: "r".into(),
            },
            at(2026, 3, 11),
        )
        .unwrap();
    w.engine
        .apply(
            &street,
            &codes[1],
            Operation::DecideExtension {
                approved: true,
                days: Some(2),
                note: String::new(),
            },
            at(2026, 3, 12),
        )
        .unwrap();
    let hmd2 = w.handler(&codes[2]);
    w.engine
        .apply(
            &hmd2,
            &codes[2],
            Operation::Suspend {
                reason: PauseReason::WaitingForParty,
                note: String::new(),
            },
            at(2026, 3, 12),
        )
        .unwrap();
    let _ = md;
    let as_of = at(2026, 4, 30); // past every red day of the cases never concluded
    let query = AssessmentQuery {
        within: None,
        level: Level::Community,
        from: date("2026-03-01"),
        to: date("2026-04-30"),
        weights: None,
    };
    let a = w
        .engine
        .reader(&street, as_of)
        .and_then(|r| r.assessment(&query))
        .unwrap();

    // The recount: the journal's events, by the community handling each case.
    let h = w.engine.hierarchy();
    let community = |code: &CaseCode| {
        let u = w.engine.case(code).unwrap().dispute.handling_unit;
        h.ancestor_code_at_level(u, Level::Community).unwrap_or(u)
    };
    let mut recount: std::collections::BTreeMap<DivisionCode, [u64; 6]> = Default::default();
    for entry in w.engine.journal(0, usize::MAX).unwrap() {
        let Some(ev) = entry.change.event() else {
            continue;
        };
        let slot = recount.entry(community(&ev.case)).or_default();
        match &ev.op {
            Operation::Register { .. } => slot[0] += 1,
            Operation::Supervise {
                grade: Grade::YellowCard,
                ..
            } => slot[1] += 1,
            Operation::Supervise {
                grade: Grade::RedCard,
                ..
            } => slot[2] += 1,
            Operation::RequestExtension { .. } => slot[3] += 1,
            Operation::DecideExtension { approved: true, .. } => slot[4] += 1,
            Operation::Suspend { .. } => slot[5] += 1,
            _ => {}
        }
    }
    let mut overdue: std::collections::BTreeMap<DivisionCode, u64> = Default::default();
    for s in w.engine.deadlines(as_of).unwrap() {
        if s.standing == Standing::Red {
            *overdue.entry(community(&s.case)).or_default() += 1;
        }
    }
    assert_eq!(a.rows.len(), recount.len());
    for row in &a.rows {
        let r = recount[&row.unit];
        let c = &row.counts;
        assert_eq!(
            [
                c.cases,
                c.yellow_cards,
                c.red_cards,
                c.extensions_requested,
                c.extensions_granted,
                c.suspensions
            ],
            r,
            "{}",
            row.unit
        );
        assert_eq!(
            c.overdue,
            overdue.get(&row.unit).copied().unwrap_or(0),
            "{}",
            row.unit
        );
        let wts = &a.weights;
        let lost = c.yellow_cards * wts.yellow_card as u64
            + c.red_cards * wts.red_card as u64
            + c.overdue * wts.overdue as u64
            + c.extensions_granted * wts.extension as u64;
        assert_eq!(row.score, (wts.base as u64).saturating_sub(lost));
    }
    assert_eq!(a.total.yellow_cards, 2);
    assert_eq!(a.total.red_cards, 1);
    assert_eq!(a.total.extension_days, 2);
    // The suspended case is not overdue while it is suspended, except by the legal month.
    assert!(a.total.overdue >= 5);
    let table = a.to_table(fengqiao::stats::Lang::Both);
    assert!(table.contains("黄牌/yellow card") && table.contains("合计/total"));
    assert_aligned(&table);
    // A period backwards is refused, naming both days.
    let err = w
        .engine
        .reader(&street, as_of)
        .and_then(|r| {
            r.assessment(&AssessmentQuery {
                from: date("2026-05-01"),
                ..query
            })
        })
        .unwrap_err();
    assert!(err.to_string().contains("2026-05-01"), "{err}");
}
