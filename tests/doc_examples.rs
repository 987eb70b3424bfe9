//! Every JSON shape has a complete example under docs/examples/, produced by a real run of
//! the engine (so it is what the library really emits) and loaded back through its type
//! (so it is what the library accepts). `FENGQIAO_BLESS=1` rewrites them after a change.

mod common;

use common::*;
use fengqiao::cadence::ZeroReport;
use fengqiao::prelude::*;
use fengqiao_synth::ids;
use serde::de::DeserializeOwned;
use serde::Serialize;

fn check<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(name: &str, value: &T) {
    let path = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .join(format!("docs/examples/{name}.json"));
    let text = serde_json::to_string_pretty(value).unwrap() + "\n";
    if std::env::var_os("FENGQIAO_BLESS").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let file = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing docs/examples/{name}.json"));
    let back: T =
        serde_json::from_str(&file).unwrap_or_else(|e| panic!("docs/examples/{name}.json: {e}"));
    assert_eq!(
        &back, value,
        "docs/examples/{name}.json is stale: FENGQIAO_BLESS=1 cargo test --test doc_examples"
    );
}

#[test]
fn every_shape_has_a_live_example() {
    let mut w = World::small();
    let (gw, md, centre) = (w.grid_worker(0), w.mediator(0), w.street_centre());
    let e = &w.engine;
    check("person", e.person("p0-0").unwrap());
    check(
        "staff",
        e.staff(&ids::mediator(w.places.communities[0], 1)).unwrap(),
    );
    check(
        "agency",
        e.agency(&ids::agency(
            fengqiao::agency::AgencyKind::Police,
            w.places.streets[0],
        ))
        .unwrap(),
    );
    let mut input = w.dispute(Category::Labour, &["p0-0", "p1-0"], at(2025, 9, 24));
    input.amount_yuan = Some(36_000);
    input.flags = Flags::EMPTY.with(Flag::ViolenceRisk);
    input.description = "12名务工人员被拖欠工资".into();
    check("dispute-input", &input);
    let code = w.engine.register(&gw, input, at(2025, 9, 25)).unwrap();
    let decision = w
        .engine
        .route(&Actor::System, &code, at(2025, 9, 25))
        .unwrap();
    check("decision", &decision);
    check("explanation", &decision.explanation);
    // The journal entry of the registration (its change is a case event) and of a world
    // change.
    let entries = w.engine.journal(0, usize::MAX).unwrap();
    check("journal-entry", &entries[0]);
    w.engine
        .set_available(&ids::grid_worker(w.places.grids[1]), false)
        .unwrap();
    let last = w.engine.journal(w.engine.journal_seq() - 1, 1).unwrap();
    check("journal-entry-world-change", &last[0]);
    w.engine
        .set_available(&ids::grid_worker(w.places.grids[1]), true)
        .unwrap();
    let ops = [
        Operation::Accept {
            note: "受理".into(),
        },
        Operation::RecordSession {
            method: Method::BenchMeeting,
            summary: "板凳议事会".into(),
            parties_consent: true,
        },
        Operation::Resolve {
            agreement: written_agreement("2025-09-26", 30_000),
        },
    ];
    check("operation", &ops[2]);
    for (i, op) in ops.into_iter().enumerate() {
        w.engine
            .apply(&md, &code, op, at(2025, 9, 25 + i as u32))
            .unwrap();
    }
    let case = w.engine.case(&code).unwrap();
    check("dispute", &case.dispute);
    check("event", case.events.last().unwrap());
    check(
        "case-view",
        &w.engine
            .reader(&gw, at(2025, 9, 28))
            .and_then(|r| r.case(&code))
            .unwrap(),
    );
    let report = ZeroReport {
        date: date("2025-09-25"),
        disputes: vec![code.clone()],
        note: "有事报情况".into(),
    };
    check("zero-report", &report);
    w.engine.file_report(&gw, report).unwrap();
    check(
        "missing-reports",
        &w.engine
            .reader(&Actor::System, at(2025, 9, 25))
            .and_then(|r| r.missing_reports(w.places.communities[0], date("2025-09-25")))
            .unwrap(),
    );
    let q = fengqiao::stats::Query {
        by_category: true,
        by_level: Some(Level::Community),
        ..Default::default()
    };
    check("stats-query", &q);
    check(
        "stats-report",
        &w.engine
            .reader(&centre, at(2025, 10, 31))
            .and_then(|r| r.statistics(&q))
            .unwrap(),
    );
    check(
        "sweep",
        &fengqiao::engine::Sweep {
            statuses: w.engine.deadlines(at(2025, 10, 31)).unwrap(),
            escalated: Vec::new(),
        },
    );
    // Time limits: a local calendar, a suspension and an extension, the assessment.
    let local = fengqiao::calendar::LocalCalendar {
        unit: w.places.county.unwrap(),
        source: "兴义市人民政府办公室关于布依族“三月三”放假的通知（示例）".into(),
        days_off: vec![fengqiao::calendar::LocalDay {
            date: date("2026-04-20"),
            name: "三月三".into(),
        }],
        working_days: vec![fengqiao::calendar::LocalDay {
            date: date("2026-04-25"),
            name: "三月三调休".into(),
        }],
    };
    check("local-calendar", &local);
    w.engine.set_local_calendar(local).unwrap();
    let input = w.dispute(Category::Neighbour, &["p0-0", "p1-0"], at(2026, 4, 13));
    let code = w.engine.register(&gw, input, at(2026, 4, 13)).unwrap();
    w.engine
        .route(&Actor::System, &code, at(2026, 4, 13))
        .unwrap();
    let handler = w.handler(&code);
    let clock = [
        Operation::Accept {
            note: String::new(),
        },
        Operation::Suspend {
            reason: fengqiao::lifecycle::PauseReason::Appraisal,
            note: "等待房屋安全鉴定".into(),
        },
        Operation::Resume {
            note: "鉴定报告已出".into(),
        },
        Operation::RequestExtension {
            days: 5,
            reason: "鉴定后需再次组织调解".into(),
        },
    ];
    for (i, op) in clock.into_iter().enumerate() {
        w.engine
            .apply(&handler, &code, op, at(2026, 4, 14 + i as u32))
            .unwrap();
    }
    w.engine
        .apply(
            &centre,
            &code,
            Operation::DecideExtension {
                approved: true,
                days: Some(3),
                note: "同意延期3个工作日".into(),
            },
            at(2026, 4, 20),
        )
        .unwrap();
    let aq = fengqiao::assessment::AssessmentQuery {
        within: None,
        level: Level::Community,
        from: date("2026-04-01"),
        to: date("2026-04-30"),
        weights: None,
    };
    check("assessment-query", &aq);
    check(
        "assessment",
        &w.engine
            .reader(&centre, at(2026, 4, 30))
            .and_then(|r| r.assessment(&aq))
            .unwrap(),
    );
    // 国密 (docs/security.md): a signed head (SM2 signing is deterministic, RFC 6979) and an
    // audit entry (a sealed resident is not: a fresh nonce per value).
    #[cfg(feature = "guomi")]
    {
        let signer =
            fengqiao::signing::Sm2Signer::from_secret_hex("centre-2026", &"1a".repeat(32)).unwrap();
        let head = w
            .engine
            .sign_journal_head(&signer, at(2026, 4, 30))
            .unwrap();
        check("signed-head", &head);
        w.engine
            .apply(
                &handler,
                &code,
                Operation::Reopen {
                    reason: "复查".into(),
                },
                at(2026, 4, 30),
            )
            .ok();
        let audit = w.engine.audit_record();
        check("audit-entry", audit.last().unwrap());
    }
    // Exchange (docs/exchange.md): a signed transfer document, what intake answers, and a
    // signed statistical return with the street's consolidation of it.
    #[cfg(feature = "guomi")]
    {
        let signer =
            fengqiao::signing::Sm2Signer::from_secret_hex("street-2026", &"1a".repeat(32)).unwrap();
        let now = at(2026, 5, 6);
        let input = w.dispute(Category::Neighbour, &["p0-0", "p1-0"], now);
        let gw = w.grid_worker(0);
        let sent = w.engine.register(&gw, input, now).unwrap();
        let to = fengqiao::transfer::Endpoint {
            unit: w.places.county.unwrap(),
            body: None,
        };
        let doc = w
            .engine
            .transfer_out(
                &w.street_centre(),
                &sent,
                to,
                fengqiao::transfer::TransferReason::Escalation,
                "涉及多户，需县级协调".into(),
                now,
                Some(&signer),
            )
            .unwrap();
        check("transfer-document", &doc);
        let mut county = World::small();
        let county_centre = Actor::Staff(ids::centre_staff(county.places.county.unwrap()));
        let taken = county
            .engine
            .intake(&county_centre, doc.clone(), None, now)
            .unwrap();
        check("intake", &taken);
        check("transfer-check", &doc.check(None).unwrap());
        let (from, to) = (date("2026-05-01"), date("2026-05-31"));
        let ret = w
            .engine
            .reader(&Actor::System, at(2026, 6, 1))
            .unwrap()
            .statistical_return(w.places.communities[0], from, to, Some(&signer))
            .unwrap();
        check("statistical-return", &ret);
        let sum = county
            .engine
            .reader(&Actor::System, at(2026, 6, 1))
            .unwrap()
            .consolidate(w.places.streets[0], from, to, &[ret], None)
            .unwrap();
        check("consolidation", &sum);
    }
    let mut bad = w.engine.router().rule_set().clone();
    bad.rules[1].when = fengqiao::routing::Condition::CategoryIn(vec![]);
    check("diagnostics", &w.engine.validate_rules(&bad).items);
}
