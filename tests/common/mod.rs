//! Shared helpers for the integration tests: the small synthetic world and shorthands.
#![allow(dead_code)]

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use fengqiao::prelude::*;
use fengqiao::routing::Grade;
pub use fengqiao_synth::ids;
use fengqiao_synth::{world, Places, Spec};

/// 09:00 China time on a date.
pub fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 1, 0, 0).unwrap()
}

pub fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

pub struct World {
    pub engine: Engine,
    pub places: Places,
}

impl World {
    pub fn small() -> World {
        let (engine, places) = world(&Spec::small()).unwrap();
        World { engine, places }
    }

    pub fn grid_worker(&self, grid: usize) -> Actor {
        Actor::Staff(ids::grid_worker(self.places.grids[grid]))
    }

    pub fn mediator(&self, community: usize) -> Actor {
        Actor::Staff(ids::mediator(self.places.communities[community], 1))
    }

    pub fn community_centre(&self, community: usize) -> Actor {
        Actor::Staff(ids::centre_staff(self.places.communities[community]))
    }

    pub fn street_centre(&self) -> Actor {
        Actor::Staff(ids::centre_staff(self.places.streets[0]))
    }

    pub fn court(&self) -> Actor {
        Actor::Agency(ids::agency(
            fengqiao::agency::AgencyKind::Court,
            self.places.county.unwrap(),
        ))
    }

    /// The mediator on a routed case's team: who acts on it (a mediator off the team is
    /// refused). Before routing, community A's first mediator.
    pub fn handler(&self, code: &CaseCode) -> Actor {
        let d = &self.engine.case(code).unwrap().dispute;
        d.routing
            .as_ref()
            .and_then(|r| {
                r.team
                    .iter()
                    .find(|m| m.role == fengqiao::staff::Role::Mediator)
            })
            .map(|m| Actor::Staff(m.staff.clone()))
            .unwrap_or_else(|| self.mediator(0))
    }

    /// Every party of a registered case: a joint confirmation application names them all.
    pub fn parties(&self, code: &CaseCode) -> Vec<Party> {
        self.engine
            .case(code)
            .unwrap()
            .dispute
            .input
            .parties
            .clone()
    }

    pub fn household_of(&self, person: &str) -> DivisionCode {
        self.engine.person(person).unwrap().household
    }

    pub fn dispute(
        &self,
        category: Category,
        parties: &[&str],
        discovered: DateTime<Utc>,
    ) -> DisputeInput {
        DisputeInput {
            category,
            subtype: None,
            channel: Channel::HouseholdVisit,
            parties: parties
                .iter()
                .map(|p| Party::Person(p.to_string()))
                .collect(),
            headcount: 0,
            location: self.household_of(parties[0]),
            urgency: Urgency::Medium,
            risk: RiskColour::Yellow,
            amount_yuan: None,
            flags: Flags::EMPTY,
            description: String::new(),
            discovered_at: discovered,
            assigned_by: None,
            external: None,
            idempotency_key: None,
        }
    }
}

pub fn session(method: Method) -> Operation {
    Operation::RecordSession {
        method,
        summary: "both sides heard".into(),
        parties_consent: true,
    }
}

pub fn written_agreement(effective: &str, amount: u64) -> Agreement {
    Agreement {
        form: AgreementForm::Written,
        effective_on: date(effective),
        terms: "terms agreed".into(),
        amount_yuan: amount,
        parties_signed: true,
        mediator_signed: true,
        committee_sealed: true,
        excluded: None,
    }
}

/// An operation of each kind, with plausible data; `day` keeps dates consistent.
pub fn op(kind: u8, day: u32, w: &World) -> Operation {
    let d = |n: u32| date(&format!("2025-05-{:02}", n.clamp(1, 28)));
    match kind % 19 {
        0 => Operation::Accept {
            note: String::new(),
        },
        1 => session(Method::FaceToFace),
        2 => Operation::Resolve {
            agreement: written_agreement(&format!("2025-05-{:02}", day.clamp(1, 28)), 100),
        },
        3 => Operation::Stabilise {
            plan: "watch".into(),
            next_review: d(day + 5),
        },
        4 => Operation::Terminate {
            reason: "no".into(),
            routes: vec![OtherRoute::Litigation],
        },
        5 => Operation::Refer {
            to: ReferralTarget::Court,
            note: String::new(),
        },
        6 => Operation::ApplyConfirmation {
            applied_on: d(day),
            // The property tests' dispute has one party, p0-0.
            applicants: vec![Party::Person("p0-0".into())],
        },
        7 => Operation::GrantConfirmation { decided_on: d(day) },
        8 => Operation::Verify {
            satisfied: true,
            note: String::new(),
        },
        9 => Operation::Close {
            summary: String::new(),
        },
        10 => Operation::Reopen {
            reason: "again".into(),
        },
        11 => Operation::Supervise {
            grade: Grade::YellowCard,
            note: String::new(),
        },
        12 => Operation::Expedite {
            note: String::new(),
        },
        13 => Operation::MarkHistoric {
            note: String::new(),
        },
        14 => Operation::ReportUp {
            to: w.places.streets[0],
            reason: "up".into(),
            cc: vec![],
        },
        15 => Operation::Feedback {
            summary: "done".into(),
        },
        17 => Operation::AcceptConfirmation {
            accepted_on: d(day),
        },
        18 => Operation::ExtendConfirmation {
            approved_on: d(day),
            reason: "more time".into(),
        },
        _ => Operation::Return {
            reason: "wrong".into(),
        },
    }
}

pub fn actors(w: &World) -> Vec<Actor> {
    vec![
        w.grid_worker(0),
        w.mediator(0),
        w.community_centre(0),
        w.street_centre(),
        w.court(),
        w.mediator(1),
        Actor::System,
    ]
}

/// A dispute between `p0-0` and `p1-0` in `category`, registered by the first grid worker at
/// `when` and routed by the system.
pub fn registered(w: &mut World, category: Category, when: DateTime<Utc>) -> CaseCode {
    let gw = w.grid_worker(0);
    let input = w.dispute(category, &["p0-0", "p1-0"], when);
    let code = w.engine.register(&gw, input, when).unwrap();
    w.engine.route(&Actor::System, &code, when).unwrap();
    code
}

/// Where `code` stands at `now`, as the deadline sweep reports it.
pub fn status(
    w: &World,
    code: &CaseCode,
    now: DateTime<Utc>,
) -> fengqiao::deadline::DeadlineStatus {
    w.engine
        .deadlines(now)
        .unwrap()
        .into_iter()
        .find(|s| &s.case == code)
        .unwrap()
}

/// The handler accepts the case at `when`.
pub fn accept(w: &mut World, code: &CaseCode, when: chrono::DateTime<chrono::Utc>) {
    let md = w.handler(code);
    w.engine
        .apply(
            &md,
            code,
            Operation::Accept {
                note: String::new(),
            },
            when,
        )
        .unwrap();
}

/// A session, then a written agreement effective on `day`, recorded at `when`.
pub fn resolve(w: &mut World, code: &CaseCode, day: &str, when: chrono::DateTime<chrono::Utc>) {
    let md = w.handler(code);
    w.engine
        .apply(&md, code, session(Method::FaceToFace), when)
        .unwrap();
    w.engine
        .apply(
            &md,
            code,
            Operation::Resolve {
                agreement: written_agreement(day, 800),
            },
            when,
        )
        .unwrap();
}

/// Asserts a text table is aligned by display width: every line but the rule under the
/// head ends in the same terminal column (a Chinese character takes two).
pub fn assert_aligned(table: &str) {
    let widths: Vec<usize> = table
        .lines()
        .filter(|l| !l.starts_with('─'))
        .map(fengqiao::table::width)
        .collect();
    assert!(
        widths.iter().all(|w| *w == widths[0]),
        "{widths:?}\n{table}"
    );
}
