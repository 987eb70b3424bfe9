//! A county's caseload for the journal and memory benches: disputes registered over its
//! households, each taken through routing, acceptance, a session and an agreement.

use chrono::{TimeZone, Utc};
use fengqiao::engine::Engine;
use fengqiao::lifecycle::{Agreement, AgreementForm, Method, Operation};
use fengqiao::trace::Actor;
use fengqiao_synth::{ids, Rng};

pub fn agreement() -> Agreement {
    Agreement {
        form: AgreementForm::Oral,
        effective_on: "2025-06-03".parse().unwrap(),
        terms: "t".into(),
        amount_yuan: 0,
        parties_signed: false,
        mediator_signed: false,
        committee_sealed: false,
        excluded: None,
    }
}

/// Registers `n` disputes over the county's households and takes each through routing,
/// acceptance, a session and an agreement: five events a case.
pub fn caseload(e: &mut Engine, places: &fengqiao_synth::Places, n: usize) {
    let mut rng = Rng::new(11);
    let t0 = Utc.with_ymd_and_hms(2023, 1, 3, 1, 0, 0).unwrap();
    let every = chrono::Duration::minutes(3 * 365 * 24 * 60) / n as i32;
    let cases: Vec<_> = fengqiao_synth::disputes::caseload(&mut rng, places, t0, every)
        .take(n)
        .collect();
    for (at, d) in cases {
        let grid = places
            .grids
            .iter()
            .find(|g| d.location.starts_with(**g))
            .copied();
        let Some(grid) = grid else { continue };
        let gw = Actor::Staff(ids::grid_worker(grid));
        let Ok(code) = e.register(&gw, d, at) else {
            continue;
        };
        let Ok(decision) = e.route(&Actor::System, &code, at) else {
            continue;
        };
        let Some(m) = decision
            .team
            .iter()
            .find(|m| m.role == fengqiao::staff::Role::Mediator)
        else {
            continue;
        };
        let md = Actor::Staff(m.staff.clone());
        let later = at + chrono::Duration::hours(1);
        let _ = e.apply(
            &md,
            &code,
            Operation::Accept {
                note: String::new(),
            },
            later,
        );
        let session = Operation::RecordSession {
            method: Method::FaceToFace,
            summary: String::new(),
            parties_consent: true,
        };
        let _ = e.apply(&md, &code, session, later);
        let mut a = agreement();
        a.effective_on = fengqiao::calendar::china_date(later);
        let _ = e.apply(&md, &code, Operation::Resolve { agreement: a }, later);
    }
}
