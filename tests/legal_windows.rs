//! Legal windows shown in advance, thresholds that warn before red, years the calendar does
//! not know, and the court's extended review: what acceptance review found (issue 31, items
//! 1–5), each test naming the article it follows.

mod common;

use common::*;
use fengqiao::calendar::{Calendar, Holiday, YearNotice};
use fengqiao::deadline::{LegalNotice as N, Standing, WindowKind};
use fengqiao::lifecycle::Refusal;
use fengqiao::prelude::*;
use fengqiao::stats::Query;

fn window(
    s: &fengqiao::deadline::DeadlineStatus,
    kind: WindowKind,
) -> &fengqiao::deadline::LegalWindow {
    s.windows
        .iter()
        .find(|w| w.window == kind)
        .unwrap_or_else(|| panic!("{kind:?} not listed: {:?}", s.windows))
}

#[test]
fn the_labour_fifteen_days_are_shown_from_day_one_art_14() {
    // 劳动争议调解仲裁法 art. 14: registered 2025-01-21, the 15 days end 2025-02-05
    // (民法典 art. 201: the day of receipt is not counted; 02-05 is a working day after
    // the Spring Festival). The decision, the case view and the deadline status say so on
    // day 1, long before `labour_arbitration_open` appears on day 16.
    let mut w = World::small();
    let gw = w.grid_worker(0);
    let input = w.dispute(Category::Labour, &["p0-0", "p1-0"], at(2025, 1, 21));
    let code = w.engine.register(&gw, input, at(2025, 1, 21)).unwrap();
    let decision = w
        .engine
        .route(&Actor::System, &code, at(2025, 1, 21))
        .unwrap();
    let labour = decision
        .legal_windows
        .iter()
        .find(|x| x.window == WindowKind::LabourMediation)
        .expect("the decision lists the labour window");
    assert_eq!(labour.started_on, date("2025-01-21"));
    assert_eq!(labour.last_day, Some(date("2025-02-05")));
    assert!(labour.source.contains("劳动争议调解仲裁法 art. 14"));
    // The recorded decision (in the trace) does not carry it: it is rebuilt on read.
    let stored = w
        .engine
        .case(&code)
        .unwrap()
        .dispute
        .routing
        .clone()
        .unwrap();
    assert!(stored.legal_windows.is_empty());

    let s = status(&w, &code, at(2025, 1, 21));
    assert_eq!(
        window(&s, WindowKind::LabourMediation).last_day,
        Some(date("2025-02-05"))
    );
    assert!(s.legal.is_empty());
    let view = w
        .engine
        .reader(&w.street_centre(), at(2025, 1, 22))
        .and_then(|r| r.case(&code))
        .unwrap();
    assert_eq!(
        view.windows
            .iter()
            .find(|x| x.window == WindowKind::LabourMediation)
            .unwrap()
            .last_day,
        Some(date("2025-02-05"))
    );
    // Accepted: the mediation month joins it (司法部令第75号 art. 33), and the handling
    // thresholds are brought forward to the earlier of the two: the labour 15 days.
    accept(&mut w, &code, at(2025, 1, 22));
    let s = status(&w, &code, at(2025, 1, 22));
    let labour = window(&s, WindowKind::LabourMediation);
    let month = window(&s, WindowKind::MediationMonth);
    assert_eq!(
        month.last_day,
        Some(date("2025-02-24")),
        "01-22 + one month = 02-22, a Saturday: art. 203"
    );
    assert!(labour.limits_brought_forward && !month.limits_brought_forward);
    assert_eq!(s.red_on, Some(date("2025-02-05")));
    assert!(status(&w, &code, at(2025, 2, 6))
        .legal
        .contains(&N::LabourArbitrationOpen));
}

#[test]
fn a_capped_phase_still_warns_and_turns_yellow_before_red() {
    // Practice: 临期预警 (70 %) and yellow come before red. Accepted 2025-09-26, a labour
    // case's handling limit (15 yellow / 20 red working days) is capped by the 15 natural
    // days to 10-11: every threshold used to land on 10-11 and the case went from on time
    // to red. Counted on the window's own working days (09-26 → 10-11: 09-28, 09-29,
    // 09-30, 10-09, 10-10, 10-11 = 6), yellow comes after 6 × 15/20 = 4 of them (10-09)
    // and the warning after 70 % of those, 2 (09-29).
    let mut w = World::small();
    let code = registered(&mut w, Category::Labour, at(2025, 9, 26));
    accept(&mut w, &code, at(2025, 9, 26));
    let s = status(&w, &code, at(2025, 9, 27));
    assert_eq!(s.red_on, Some(date("2025-10-11")));
    assert_eq!(s.yellow_on, Some(date("2025-10-09")));
    assert_eq!(s.warning_on, Some(date("2025-09-29")));
    let seen: Vec<Standing> = ["2025-09-29", "2025-09-30", "2025-10-10", "2025-10-12"]
        .iter()
        .map(|d| {
            let d = date(d);
            status(&w, &code, at(d.year(), d.month(), d.day())).standing
        })
        .collect();
    assert_eq!(
        seen,
        [
            Standing::OnTime,
            Standing::Warning,
            Standing::Yellow,
            Standing::Red
        ]
    );
}

#[test]
fn an_application_in_an_unknown_year_is_never_refused_inside_the_window_art_203() {
    // 人民调解法 art. 33 + 民法典 art. 203: effective 2026-12-10, the 30 days end on Saturday
    // 2027-01-09. The calendar ships up to 2026: whether that Saturday is worked (调休) is
    // for 2027's notice to say, so Monday 01-11 may lie inside the window. It is refused
    // naming the year to load (missing_data), never "too late"; once 2027 is loaded it is
    // accepted. 01-09 itself is inside under every calendar.
    let mut w = World::small();
    let code = registered(&mut w, Category::Neighbour, at(2026, 12, 7));
    accept(&mut w, &code, at(2026, 12, 7));
    resolve(&mut w, &code, "2026-12-10", at(2026, 12, 10));
    let md = w.handler(&code);
    let applicants = w.parties(&code);
    let apply = |day: &str| Operation::ApplyConfirmation {
        applied_on: date(day),
        applicants: applicants.clone(),
    };
    let r = w
        .engine
        .apply(&md, &code, apply("2027-01-11"), at(2027, 1, 11));
    match &r {
        Err(EngineError::Lifecycle(l)) => {
            assert_eq!(l.refusal, Refusal::MissingData, "{l}");
            assert!(
                l.message.contains("2027") && l.message.contains("load"),
                "{l}"
            );
        }
        other => panic!("{other:?}"),
    }
    // Far past any possible extension: too late under every calendar (law).
    let r = w
        .engine
        .apply(&md, &code, apply("2027-03-15"), at(2027, 3, 15));
    assert!(
        matches!(&r, Err(EngineError::Lifecycle(l)) if l.refusal == Refusal::Law),
        "{r:?}"
    );
    // 2027 loaded (an illustrative notice: New Year 01-01..01-03): 01-09 is a plain
    // Saturday off, the window runs to Monday 01-11, and the application is in time.
    let mut cal = Calendar::official();
    cal.load_year(YearNotice {
        year: 2027,
        source: "test notice".into(),
        holidays: vec![Holiday {
            name: "元旦".into(),
            off: (date("2027-01-01"), date("2027-01-03")),
            work: vec![],
        }],
    })
    .unwrap();
    w.engine.set_calendar(cal);
    w.engine
        .apply(&md, &code, apply("2027-01-11"), at(2027, 1, 11))
        .unwrap();
}

#[test]
fn a_case_overdue_under_every_calendar_counts_as_overdue_with_the_bound_stated() {
    // A neighbour case accepted 2026-12-20 (20 working days to red) and never handled: its
    // red day lies in 2027, which the calendar does not know. On 2027-03-01 it is red under
    // any notice 2027 could have (every weekend and 23 weekdays off): counted overdue, the
    // bound stated. On 2027-01-25 calendars disagree: counted at the least standing, with a
    // warning. On 2026-12-22 it is on time under every calendar: no warning at all.
    let mut w = World::small();
    let code = registered(&mut w, Category::Neighbour, at(2026, 12, 20));
    accept(&mut w, &code, at(2026, 12, 20));
    let centre = w.street_centre();
    let report = |w: &World, y, m, d| {
        w.engine
            .reader(&centre, at(y, m, d))
            .and_then(|r| r.statistics(&Query::default()))
            .unwrap()
    };

    let r = report(&w, 2027, 3, 1);
    assert_eq!(r.total.counts.overdue_red, 1);
    assert!(
        r.warnings
            .iter()
            .any(|x| x.contains("counted overdue") && x.contains("23 weekdays")),
        "{:?}",
        r.warnings
    );
    let s = status(&w, &code, at(2027, 3, 1));
    assert_eq!(s.standing, Standing::Red);
    assert!(
        s.warning
            .as_deref()
            .unwrap()
            .contains("red, overdue under every calendar")
            && s.warning.as_deref().unwrap().contains("2027-02-17"),
        "{:?}",
        s.warning
    );
    // The mediation month ends in 2027: listed with bounds instead of a last day.
    let month = window(&s, WindowKind::MediationMonth);
    assert_eq!(month.last_day, None);
    let (early, late) = month.last_day_bounds.unwrap();
    assert_eq!(early, date("2027-01-20"));
    assert!(late > early);

    let r = report(&w, 2027, 1, 25);
    assert_eq!(r.total.counts.overdue_red, 0);
    assert!(
        r.warnings
            .iter()
            .any(|x| x.contains("1 case(s) have a time limit")),
        "{:?}",
        r.warnings
    );
    let s = status(&w, &code, at(2027, 1, 25));
    assert!(
        s.warning.as_deref().unwrap().contains("calendars disagree"),
        "{:?}",
        s.warning
    );

    let r = report(&w, 2026, 12, 22);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    assert_eq!(
        status(&w, &code, at(2026, 12, 22)).standing,
        Standing::OnTime
    );
}

#[test]
fn the_extended_review_ends_25_days_after_acceptance_judicial_interpretation_2011_5_art_5() {
    // 法释〔2011〕5号 art. 5: 自受理之日起十五日内作出……经本院院长批准，可以延长十日. One
    // period of 25 days from acceptance, moved past a day off once (民法典 art. 203), not 10
    // days after a 15th day a holiday had already moved. Accepted 2025-09-16: the 15 days end
    // 10-01 (National Day: moved to 10-09); extended, the 25 days end on 10-11, a worked
    // Saturday (调休), not 10-20 (10-09 + 10 = 10-19, a Sunday).
    let mut w = World::small();
    let code = registered(&mut w, Category::Neighbour, at(2025, 9, 1));
    accept(&mut w, &code, at(2025, 9, 1));
    resolve(&mut w, &code, "2025-09-12", at(2025, 9, 12));
    let md = w.handler(&code);
    let court = w.court();
    let applicants = w.parties(&code);
    w.engine
        .apply(
            &md,
            &code,
            Operation::ApplyConfirmation {
                applied_on: date("2025-09-15"),
                applicants,
            },
            at(2025, 9, 15),
        )
        .unwrap();
    w.engine
        .apply(
            &court,
            &code,
            Operation::AcceptConfirmation {
                accepted_on: date("2025-09-16"),
            },
            at(2025, 9, 16),
        )
        .unwrap();
    let s = status(&w, &code, at(2025, 9, 17));
    assert_eq!(
        window(&s, WindowKind::CourtDecision).last_day,
        Some(date("2025-10-09"))
    );
    w.engine
        .apply(
            &court,
            &code,
            Operation::ExtendConfirmation {
                approved_on: date("2025-09-30"),
                reason: "appraisal of the property".into(),
            },
            at(2025, 9, 30),
        )
        .unwrap();
    let s = status(&w, &code, at(2025, 10, 11));
    let decide = window(&s, WindowKind::CourtDecision);
    assert_eq!(decide.last_day, Some(date("2025-10-11")));
    assert_eq!(decide.period, fengqiao::period::Period::Days(25));
    assert!(!s.legal.contains(&N::CourtDecisionOverdue));
    assert!(status(&w, &code, at(2025, 10, 12))
        .legal
        .contains(&N::CourtDecisionOverdue));
}

#[test]
fn judicial_confirmation_cites_the_civil_procedure_law_as_amended_in_2023() {
    // 民事诉讼法 (2023 amendment, in force 2024-01-01): judicial confirmation is arts.
    // 205–206 (arts. 201–202 in the 2021 text). Every source the library ships says so.
    let text =
        serde_json::to_string(fengqiao::routing::Router::default_rules().rule_set()).unwrap();
    assert!(
        !text.contains("民事诉讼法 art. 201"),
        "the default rules cite the 2021 numbering"
    );
    assert!(text.contains("民事诉讼法 art. 205"));
    assert!(WindowKind::ConfirmationApplication
        .source()
        .contains("art. 205"));
    for doc in [
        "docs/rules.md",
        "docs/lifecycle.md",
        "docs/time-limits.md",
        "README.md",
    ] {
        let body = std::fs::read_to_string(
            std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).join(doc),
        )
        .unwrap();
        assert!(
            !body.contains("民事诉讼法 art. 201"),
            "{doc} cites the 2021 numbering"
        );
    }
}

use chrono::Datelike;
