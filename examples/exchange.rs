//! Two engines exchanging a case (移交与反馈): a street's deployment escalates a dispute to
//! the county's with its signed history, the county mediates it to an agreement and sends
//! the result back, and the street closes it — one chain from the registration to the close,
//! verified at both ends.
//!
//! ```sh
//! cargo run --example exchange                        # the story, step by step
//! cargo run --example exchange -- escalation.json     # also writes the escalation document
//! ```
//!
//! Both engines start from `examples/data/world-small.json` (the street 洒金街道 and its
//! county 兴义市). Each signs with a development SM2 key held in memory; a deployment signs
//! in its certified module (`Signer` over GM/T 0018) and publishes the public key the other
//! side trusts.

use std::process::ExitCode;

use chrono::{DateTime, Utc};
use fengqiao::engine::{Engine, WorldData};
use fengqiao::lifecycle::{Agreement, AgreementForm, Method, Operation};
use fengqiao::signing::{Signer, Sm2Signer, Sm2Verifier};
use fengqiao::trace::Actor;
use fengqiao::transfer::{Endpoint, TransferReason};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn at(text: &str) -> Result<DateTime<Utc>, String> {
    text.parse().map_err(|e| format!("{text}: {e}"))
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let world: WorldData = serde_json::from_str(include_str!("data/world-small.json"))?;
    let mut street = Engine::from_world(world.clone())?;
    let mut county = Engine::from_world(world)?;
    // Each side's key; each trusts the other's public key.
    let street_key = Sm2Signer::from_secret_hex("street-522301001-2026", &"1a".repeat(32))?;
    let county_key = Sm2Signer::from_secret_hex("county-522301-2026", &"2b".repeat(32))?;
    let mut county_trusts = Sm2Verifier::default();
    county_trusts.add_key(street_key.key_id(), &street_key.public_key_hex())?;
    let mut street_trusts = Sm2Verifier::default();
    street_trusts.add_key(county_key.key_id(), &county_key.public_key_hex())?;

    let street_centre = Actor::Staff("cs-522301001000".into());
    let county_centre = Actor::Staff("cs-522301000000".into());
    let input = serde_json::from_value(serde_json::json!({
        "category": "neighbour", "channel": "household_visit", "headcount": 12,
        "parties": [{"person": "p0-0"}, {"person": "p1-0"}],
        "location": "5223010010010010101", "urgency": "medium", "risk": "yellow",
        "discovered_at": "2025-06-09T00:30:00Z", "description": "排水沟改道，涉及十余户"
    }))?;
    let code = street.register(&street_centre, input, at("2025-06-09T01:00:00Z")?)?;
    street.apply(
        &street_centre,
        &code,
        Operation::Accept {
            note: String::new(),
        },
        at("2025-06-09T02:00:00Z")?,
    )?;
    println!("street: registered and accepted {code}");

    let escalation = street.transfer_out(
        &street_centre,
        &code,
        Endpoint {
            unit: "522301000000".parse()?,
            body: None,
        },
        TransferReason::Escalation,
        "涉及多户，需县级协调".into(),
        at("2025-06-10T01:00:00Z")?,
        Some(&street_key),
    )?;
    let text = serde_json::to_string_pretty(&escalation)?;
    println!(
        "street: sent it to the county ({} events, {} bytes, 事件类型 {}, signed by {})",
        escalation.events.len(),
        text.len(),
        escalation.codes.event_type,
        escalation.head.as_ref().map_or("nobody", |h| &h.key_id)
    );
    if let Some(path) = std::env::args().nth(1) {
        std::fs::write(&path, &text)?;
        println!("         wrote {path}");
    }

    let taken = county.intake(
        &county_centre,
        escalation.clone(),
        Some(&county_trusts),
        at("2025-06-10T02:00:00Z")?,
    )?;
    println!(
        "county: took it in after checking chain and signature ({} events added)",
        taken.added
    );
    let again = county.intake(
        &county_centre,
        escalation,
        Some(&county_trusts),
        at("2025-06-10T03:00:00Z")?,
    )?;
    println!(
        "county: the same document again changes nothing ({} events added)",
        again.added
    );
    for (op, when) in [
        (
            Operation::RecordSession {
                method: Method::Joint,
                summary: "县综治中心联合调解".into(),
                parties_consent: true,
            },
            "2025-06-12T02:00:00Z",
        ),
        (
            Operation::Resolve {
                agreement: Agreement {
                    form: AgreementForm::Written,
                    effective_on: "2025-06-12".parse()?,
                    terms: "排水沟按原线恢复，费用分摊".into(),
                    amount_yuan: 4000,
                    parties_signed: true,
                    mediator_signed: true,
                    committee_sealed: true,
                    excluded: None,
                },
            },
            "2025-06-12T03:00:00Z",
        ),
    ] {
        county.apply(&county_centre, &code, op, at(when)?)?;
    }
    let result = county.transfer_out(
        &county_centre,
        &code,
        Endpoint {
            unit: "522301001000".parse()?,
            body: None,
        },
        TransferReason::Result,
        "调解成功，请回访".into(),
        at("2025-06-12T04:00:00Z")?,
        Some(&county_key),
    )?;
    println!("county: resolved it and sent the result back");

    let back = street.intake(
        &street_centre,
        result,
        Some(&street_trusts),
        at("2025-06-12T05:00:00Z")?,
    )?;
    println!(
        "street: took the result in ({} events added: the county's steps and its own)",
        back.added
    );
    for op in [
        Operation::Verify {
            satisfied: true,
            note: "双方满意".into(),
        },
        Operation::Close {
            summary: "县级调解成功，街道回访结案".into(),
        },
    ] {
        street.apply(&street_centre, &code, op, at("2025-06-16T02:00:00Z")?)?;
    }
    let case = street.case(&code)?;
    fengqiao::trace::verify(&case.events)?;
    let head = street.sign_case_head(&code, &street_key, at("2025-06-16T03:00:00Z")?)?;
    let mut anyone = Sm2Verifier::default();
    anyone.add_key(street_key.key_id(), &street_key.public_key_hex())?;
    fengqiao::signing::verify_trace(&case.events, &[head], &anyone)?;
    let steps: Vec<&str> = case.events.iter().map(|e| e.op.kind().as_str()).collect();
    println!(
        "street: closed; one chain of {} events verifies: {}",
        steps.len(),
        steps.join(" → ")
    );
    let county_state = county.case(&code)?.dispute.state;
    println!("county: keeps the case {county_state}, read-only");
    Ok(())
}
