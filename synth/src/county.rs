//! A county's everyday caseload, for the store's tests and benchmarks: disputes of the
//! 2023 mix registered, routed, accepted, mediated and resolved with a written agreement
//! (or put under stabilisation), a few days per case, the way a county's engine fills its
//! journal. Deterministic for a given [`Rng`].

use chrono::{DateTime, Duration, Utc};
use fengqiao::dispute::{CaseCode, Channel, DisputeInput};
use fengqiao::engine::{Engine, EngineError};
use fengqiao::hierarchy::Level;
use fengqiao::lifecycle::{Agreement, AgreementForm, Method, Operation};
use fengqiao::staff::Role;
use fengqiao::trace::Actor;

use crate::{ids, Places, Rng};

/// Runs `n` disputes through `engine`, the first registered at `start`, one every ten
/// minutes; each is routed, accepted, heard and resolved (one in eight is stabilised
/// instead). Returns the case codes.
pub fn caseload(
    engine: &mut Engine,
    places: &Places,
    rng: &mut Rng,
    start: DateTime<Utc>,
    n: usize,
) -> Result<Vec<CaseCode>, EngineError> {
    let mut inputs = crate::disputes::caseload(rng, places, start, Duration::minutes(10));
    let mut codes = Vec::with_capacity(n);
    while codes.len() < n {
        let i = codes.len();
        let (t, input) = inputs.next().expect("an endless caseload");
        let registrar = registrar(engine, places, &input);
        let code = match engine.register(&registrar, input, t) {
            Ok(code) => code,
            // A world without residents names households as parties: a family dispute
            // drawn there names one household twice, which registration refuses.
            Err(EngineError::DuplicateParty { .. }) => continue,
            Err(e) => return Err(e),
        };
        engine.route(&Actor::System, &code, t + Duration::minutes(10))?;
        let who = handler(engine, &code);
        let t = t + Duration::hours(2);
        let accept = Operation::Accept {
            note: String::new(),
        };
        engine.apply(&who, &code, accept, t)?;
        let t = t + Duration::days(1);
        let op = if i % 8 == 7 {
            Operation::Stabilise {
                plan: "联户长每日关注、网格员每周走访".into(),
                next_review: fengqiao::calendar::china_date(t) + Duration::days(30),
            }
        } else {
            let session = Operation::RecordSession {
                method: Method::FaceToFace,
                summary: "双方陈述".into(),
                parties_consent: true,
            };
            engine.apply(&who, &code, session, t)?;
            let amount = engine
                .case(&code)?
                .dispute
                .input
                .amount_yuan
                .map(|a| a * 4 / 5)
                .unwrap_or(0);
            Operation::Resolve {
                agreement: Agreement {
                    form: AgreementForm::Written,
                    effective_on: fengqiao::calendar::china_date(t),
                    terms: "双方自愿达成调解协议".into(),
                    amount_yuan: amount,
                    parties_signed: true,
                    mediator_signed: true,
                    committee_sealed: true,
                    excluded: None,
                },
            }
        };
        engine.apply(&who, &code, op, t + Duration::hours(1))?;
        codes.push(code);
    }
    Ok(codes)
}

/// Who registers a dispute: its street's centre for one assigned from above, the
/// community's centre for a walk-in, the grid worker otherwise.
pub fn registrar(engine: &Engine, places: &Places, input: &DisputeInput) -> Actor {
    match input.channel {
        Channel::AssignedFromAbove => {
            let street = input
                .location
                .prefix(engine.hierarchy().scheme().digits_at(Level::Street))
                .unwrap_or(places.streets[0]);
            Actor::Staff(ids::centre_staff(street))
        }
        Channel::WalkIn => {
            let community = input.location.prefix(12).expect("long code");
            Actor::Staff(ids::centre_staff(community))
        }
        _ => {
            let grid = input
                .location
                .prefix(engine.hierarchy().scheme().digits_at(Level::Grid))
                .expect("below grid");
            ids::grid_worker_actor(grid)
        }
    }
}

/// Who handles a routed case now: the team's grid worker for on-the-spot cases, its
/// mediator in a community, the handling unit's centre above.
pub fn handler(engine: &Engine, code: &CaseCode) -> Actor {
    let d = &engine.case(code).expect("registered").dispute;
    let level = engine
        .hierarchy()
        .unit(d.handling_unit)
        .map(|u| u.level())
        .unwrap_or(Level::Community);
    let team = d.routing.as_ref().map(|r| r.team.as_slice()).unwrap_or(&[]);
    let member = |role| {
        team.iter()
            .find(|m| m.role == role)
            .map(|m| Actor::Staff(m.staff.clone()))
    };
    match level {
        Level::Grid => member(Role::GridWorker),
        Level::Community | Level::HouseholdGroup | Level::Household => member(Role::Mediator),
        _ => None,
    }
    .unwrap_or_else(|| Actor::Staff(ids::centre_staff(d.handling_unit)))
}
