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
#[allow(dead_code)] // the memory bench uses `caseload_to_closing`
pub fn caseload(e: &mut Engine, places: &fengqiao_synth::Places, n: usize) {
    cases(e, places, n, false);
}

/// The same disputes taken from registration to closing, as issue 37 measured memory: a
/// written agreement signed and sealed (what every category accepts; an oral one is refused
/// for labour and money, and each refusal is an audit entry), then 结案 (after 反馈 for a
/// case assigned from above): six events a case, seven for those.
#[allow(dead_code)] // the journal bench uses `caseload`
pub fn caseload_to_closing(e: &mut Engine, places: &fengqiao_synth::Places, n: usize) {
    cases(e, places, n, true);
}

fn cases(e: &mut Engine, places: &fengqiao_synth::Places, n: usize, closing: bool) {
    let mut rng = Rng::new(11);
    let t0 = Utc.with_ymd_and_hms(2023, 1, 3, 1, 0, 0).unwrap();
    let every = chrono::Duration::minutes(3 * 365 * 24 * 60) / n as i32;
    // The synthetic world has no residents, so its generator may name one household on
    // both sides; the engine refuses those (`invalid_input`), and each refusal is an audit
    // entry, not a case: left out here, so what is measured is cases (there were 43 %).
    let cases: Vec<_> = fengqiao_synth::disputes::caseload(&mut rng, places, t0, every)
        .filter(|(_, d)| {
            let p = &d.parties;
            (0..p.len()).all(|i| !p[..i].contains(&p[i]))
        })
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
        if closing {
            a.form = AgreementForm::Written;
            a.parties_signed = true;
            a.mediator_signed = true;
            a.committee_sealed = true;
        }
        let resolved = e.apply(&md, &code, Operation::Resolve { agreement: a }, later);
        if !closing || resolved.is_err() {
            continue;
        }
        let close = || Operation::Close {
            summary: String::new(),
        };
        if e.apply(&md, &code, close(), later).is_err() {
            let feedback = Operation::Feedback {
                summary: "已调解".into(),
            };
            let _ = e.apply(&md, &code, feedback, later);
            let _ = e.apply(&md, &code, close(), later);
        }
    }
}
