//! A prefecture (市州) of county engines and the prefecture's own engine, for the store's
//! multi-process tests and the prefecture example: 黔西南州's eight counties, each its own
//! synthetic world, and a world for the prefecture's centre holding what is escalated to it.

use chrono::{DateTime, Duration, Utc};
use fengqiao::dispute::CaseCode;
use fengqiao::engine::{Engine, EngineError, WorldData};
use fengqiao::hierarchy::{DivisionCode, Name, Unit, UnitKind};
use fengqiao::lifecycle::{Agreement, AgreementForm, Method, Operation};
use fengqiao::staff::{Role, Staff};
use fengqiao::trace::Actor;
use fengqiao::transfer::{Endpoint, TransferReason};

use crate::{ids, world_data, Places, Rng, Spec};

/// 黔西南布依族苗族自治州: the prefecture's code.
pub const QIANXINAN: &str = "522300000000";

/// Its eight county-level units (GB/T 2260): two cities and six counties.
pub const COUNTIES: [(&str, &str); 8] = [
    ("522301", "兴义市"),
    ("522302", "兴仁市"),
    ("522323", "普安县"),
    ("522324", "晴隆县"),
    ("522325", "贞丰县"),
    ("522326", "望谟县"),
    ("522327", "册亨县"),
    ("522328", "安龙县"),
];

/// A county of the prefecture as a small world ([`Spec::small`] under its code), seeded by
/// its code so every process builds the same one.
pub fn county(code: &str) -> Result<(WorldData, Places), EngineError> {
    let (_, name) = COUNTIES
        .iter()
        .find(|(c, _)| *c == code)
        .copied()
        .unwrap_or((code, "县"));
    world_data(&Spec {
        county: format!("{code}000000"),
        county_name: name.into(),
        seed: code.parse().unwrap_or(7),
        ..Spec::small()
    })
}

/// The prefecture's engine's world: the prefecture, every unit of `counties` below it (a
/// case escalated from a village keeps its place), and the prefecture's centre with its
/// staff. No residents: the prefecture holds cases, it does not register them.
pub fn prefecture(counties: &[&str]) -> Result<WorldData, EngineError> {
    let unit: DivisionCode = QIANXINAN.parse().expect("a division code");
    let mut units = vec![Unit {
        code: unit,
        kind: UnitKind::Prefecture,
        name: Name::from("黔西南布依族苗族自治州"),
        retired: false,
    }];
    // A county's world, emptied of its people, staff and agencies, gives the rest (the
    // code scheme, the calendar) as every county has it.
    let (mut world, _) = county(counties.first().copied().unwrap_or(COUNTIES[0].0))?;
    for code in counties {
        units.extend(county(code)?.0.hierarchy.units);
    }
    world.hierarchy.units = units;
    world.people.clear();
    world.staff.clear();
    world.agencies.clear();
    world.staff.push(Staff {
        id: ids::centre_staff(unit),
        name: "州综治中心".into(),
        role: Role::CentreStaff,
        unit,
        covers: Vec::new(),
        available: true,
        active_cases: 0,
        person: None,
    });
    Ok(world)
}

/// The county's centre: who escalates and who closes what comes back.
pub fn county_centre(county: &str) -> Actor {
    Actor::Staff(ids::centre_staff(
        format!("{county}000000").parse().expect("a division code"),
    ))
}

/// The prefecture's centre: who takes in, settles and sends results back.
pub fn prefecture_centre() -> Actor {
    Actor::Staff(ids::centre_staff(
        QIANXINAN.parse().expect("a division code"),
    ))
}

/// One dispute registered at `t` (routed, accepted by its handler), then escalated by the
/// county's centre to the prefecture (上报: parties across counties, or beyond the county's
/// means). The engine returns the document; a store writes it to its outbox on append.
pub fn escalate(
    engine: &mut Engine,
    county: &str,
    places: &Places,
    rng: &mut Rng,
    t: DateTime<Utc>,
) -> Result<CaseCode, EngineError> {
    loop {
        let (at, input) = crate::disputes::caseload(rng, places, t, Duration::minutes(10))
            .next()
            .expect("an endless caseload");
        // What the county was assigned from above goes back up through its own channel
        // (反馈 to the assigning unit), not as an escalation.
        if input.channel == fengqiao::dispute::Channel::AssignedFromAbove {
            continue;
        }
        let registrar = crate::county::registrar(engine, places, &input);
        let code = match engine.register(&registrar, input, at) {
            Ok(code) => code,
            // A world without residents names households as parties (see county::caseload).
            Err(EngineError::DuplicateParty { .. }) => continue,
            Err(e) => return Err(e),
        };
        engine.route(&Actor::System, &code, at + Duration::minutes(10))?;
        let who = crate::county::handler(engine, &code);
        let accept = Operation::Accept {
            note: String::new(),
        };
        engine.apply(&who, &code, accept, at + Duration::hours(1))?;
        let to = Endpoint {
            unit: QIANXINAN.parse().expect("a division code"),
            body: None,
        };
        engine.transfer_out(
            &county_centre(county),
            &code,
            to,
            TransferReason::Escalation,
            "当事人跨县，报州综治中心".into(),
            at + Duration::hours(2),
            None,
        )?;
        return Ok(code);
    }
}

/// What the prefecture's centre does with a case escalated to it: a session with both
/// sides, a written agreement, then the result sent back to the county it came from (反馈).
pub fn settle(engine: &mut Engine, code: &CaseCode, now: DateTime<Utc>) -> Result<(), EngineError> {
    let centre = prefecture_centre();
    let session = Operation::RecordSession {
        method: Method::FaceToFace,
        summary: "州综治中心召集双方及两地调解员".into(),
        parties_consent: true,
    };
    engine.apply(&centre, code, session, now)?;
    let resolve = Operation::Resolve {
        agreement: Agreement {
            form: AgreementForm::Written,
            effective_on: fengqiao::calendar::china_date(now),
            terms: "州综治中心组织调解，双方达成协议".into(),
            amount_yuan: 0,
            parties_signed: true,
            mediator_signed: true,
            committee_sealed: true,
            excluded: None,
        },
    };
    engine.apply(&centre, code, resolve, now)?;
    // Where it came from: a case registered here has no sender to answer (refused below as
    // the lifecycle refuses a result with nowhere to go).
    let back = engine
        .case(code)?
        .dispute
        .came_from
        .last()
        .cloned()
        .unwrap_or_else(|| Endpoint {
            unit: QIANXINAN.parse().expect("a division code"),
            body: None,
        });
    engine.transfer_out(
        &centre,
        code,
        back,
        TransferReason::Result,
        "调解成功".into(),
        now,
        None,
    )?;
    Ok(())
}

/// The trace of a case taken the whole way by [`escalate`], [`settle`] and
/// [`close_returned`], as its county holds it at the end: one chain across both engines,
/// every step there once. What the prefecture's checks compare each escalated case with.
pub const ESCALATED_TRACE: [&str; 11] = [
    "register",
    "route",
    "accept",
    "transfer_out",
    "transfer_in",
    "record_session",
    "resolve",
    "transfer_out",
    "transfer_in",
    "verify",
    "close",
];

/// Back at its county: the result verified with the parties (回访) and the case closed.
pub fn close_returned(
    engine: &mut Engine,
    county: &str,
    code: &CaseCode,
    now: DateTime<Utc>,
) -> Result<(), EngineError> {
    let centre = county_centre(county);
    for op in [
        Operation::Verify {
            satisfied: true,
            note: String::new(),
        },
        Operation::Close {
            summary: "州级调解后回访结案".into(),
        },
    ] {
        engine.apply(&centre, code, op, now)?;
    }
    Ok(())
}
