//! 国密 and personal information (issue 21): signed heads refuse a re-chained forgery;
//! personal data is sealed wherever it is stored, opened only for those who may see it
//! whole (each such read audited), and erased by destroying its key without breaking any
//! chain; refused and failed calls are in the audit record.
#![cfg(feature = "guomi")]

mod common;

use std::sync::Arc;

use common::*;
use fengqiao::audit::Outcome;
use fengqiao::journal::{self, Change, JournalEntry};
use fengqiao::personal::{self, Sm4Keyring};
use fengqiao::prelude::*;
use fengqiao::signing::{self, SignatureError, Sm2Signer, Sm2Verifier, Subject};
use fengqiao::trace::Hash;

const SECRET: &str = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8";

fn keys() -> (Sm2Signer, Sm2Verifier) {
    let signer = Sm2Signer::from_secret_hex("centre-2025", SECRET).unwrap();
    let mut v = Sm2Verifier::default();
    v.add_key("centre-2025", &signer.public_key_hex()).unwrap();
    (signer, v)
}

/// A case mediated to a written agreement of `amount` yuan.
fn resolved(w: &mut World, amount: u64) -> CaseCode {
    let code = registered(w, Category::Neighbour, at(2025, 5, 6));
    let h = w.handler(&code);
    w.engine
        .apply(
            &h,
            &code,
            Operation::Accept {
                note: String::new(),
            },
            at(2025, 5, 6),
        )
        .unwrap();
    w.engine
        .apply(&h, &code, session(Method::Joint), at(2025, 5, 7))
        .unwrap();
    w.engine
        .apply(
            &h,
            &code,
            Operation::Resolve {
                agreement: written_agreement("2025-05-08", amount),
            },
            at(2025, 5, 8),
        )
        .unwrap();
    code
}

/// What a forger who can write the whole store does: change the agreement's amount, then
/// recompute that event's hash, every later event of the case, and every later digest.
fn rechain(origin: Hash, entries: &mut [JournalEntry], code: &CaseCode, amount: u64) {
    let touched = fengqiao_synth::forgery::rechain(origin, entries, code, |op| match op {
        Operation::Resolve { agreement } => {
            agreement.amount_yuan = amount;
            true
        }
        _ => false,
    });
    assert!(!touched.is_empty(), "the forgery found its agreement");
}

#[test]
fn a_rechained_forgery_verifies_as_a_chain_but_not_against_signed_heads() {
    let mut w = World::small();
    let world = w.engine.to_world();
    let origin = journal::origin(&world);
    let mut fresh = Engine::from_world(world.clone()).unwrap();
    std::mem::swap(&mut w.engine, &mut fresh);
    let code = resolved(&mut w, 8_000);
    let (signer, verifier) = keys();
    let signed_at = at(2025, 5, 8);
    let journal_head = w.engine.sign_journal_head(&signer, signed_at).unwrap();
    let case_head = w.engine.sign_case_head(&code, &signer, signed_at).unwrap();
    assert_eq!(journal_head.subject, Subject::Journal);
    assert_eq!(journal_head.seq, w.engine.journal_seq());
    let heads = vec![journal_head.clone(), case_head.clone()];

    let entries = w.engine.journal(0, usize::MAX).unwrap();
    let report = signing::verify_journal(origin, &entries, &heads, &verifier).unwrap();
    assert_eq!(
        (report.heads, report.signed_to, report.unsigned),
        (1, entries.len() as u64, 0)
    );
    let trace = w.engine.case(&code).unwrap().events.clone();
    let report = signing::verify_trace(&trace, &heads, &verifier).unwrap();
    assert_eq!((report.heads, report.signed_to), (1, trace.len() as u64));
    // verify_heads counts every head it checked, of every subject: a case head alone is
    // one head, not none (issue 31, item 10).
    let report = signing::verify_heads(
        origin,
        &entries,
        std::slice::from_ref(&case_head),
        &verifier,
    )
    .unwrap();
    assert_eq!(report.heads, 1);
    let report = signing::verify_heads(origin, &entries, &heads, &verifier).unwrap();
    assert_eq!(report.heads, 2);

    // The forgery: amount 8,000 → 80,000, everything after it recomputed.
    let mut forged = entries.clone();
    rechain(origin, &mut forged, &code, 80_000);
    // Without heads, the forged journal restores and its case trace verifies: a chain
    // alone is not tamper-evident against whoever can rewrite it.
    let restored = Engine::restore(world.clone(), forged.clone()).unwrap();
    let forged_trace = restored.case(&code).unwrap().events.clone();
    fengqiao::trace::verify(&forged_trace).unwrap();
    // Against the signed heads it is refused, at the signed position.
    match signing::verify_journal(origin, &forged, &heads, &verifier) {
        Err(SignatureError::Rewritten {
            subject,
            seq,
            expected,
            ..
        }) => {
            assert_eq!((subject.as_str(), seq), ("journal", journal_head.seq));
            assert_eq!(expected, journal_head.head);
        }
        other => panic!("expected the rewrite refused, got {other:?}"),
    }
    assert!(matches!(
        signing::verify_trace(&forged_trace, &heads, &verifier),
        Err(SignatureError::Rewritten { seq, .. }) if seq == case_head.seq
    ));

    // The register of every case's head, signed once, refuses the forged trace too.
    let (register, signed_register) = w.engine.sign_case_register(&signer, signed_at).unwrap();
    assert_eq!(signed_register.seq, register.len() as u64);
    signing::verify_register(&register, &signed_register, &verifier).unwrap();
    let forged_register = restored.case_heads();
    assert!(matches!(
        signing::verify_register(&forged_register, &signed_register, &verifier),
        Err(SignatureError::Rewritten { subject, .. }) if subject == "register"
    ));
    let mut fewer = register.clone();
    fewer.pop();
    assert!(signing::verify_register(&fewer, &signed_register, &verifier).is_err());
    assert!(signing::verify_register(&register, &journal_head, &verifier).is_err());

    // Cut short: the signed head lies past the entries.
    let cut = &entries[..entries.len() - 1];
    assert!(matches!(
        signing::verify_journal(origin, cut, &heads, &verifier),
        Err(SignatureError::Truncated { seq, end, .. }) if seq == journal_head.seq && end == journal_head.seq - 1
    ));
    // A head moved to the forged digest is no longer what was signed.
    let mut moved = journal_head.clone();
    moved.head = forged.last().unwrap().digest;
    assert!(matches!(
        signing::verify_journal(origin, &forged, &[moved], &verifier),
        Err(SignatureError::BadSignature { seq, .. }) if seq == journal_head.seq
    ));
    // Another key is unknown to the verifier; a changed signature does not verify.
    let other = Sm2Signer::from_secret_hex("someone", &"22".repeat(32)).unwrap();
    let foreign = w.engine.sign_journal_head(&other, signed_at).unwrap();
    assert!(matches!(
        signing::verify_journal(origin, &entries, &[foreign], &verifier),
        Err(SignatureError::UnknownKey { .. })
    ));
    // One event changed without re-chaining is caught by the chain itself.
    let mut changed = entries.clone();
    for e in changed.iter_mut() {
        if let Change::Event(ev) = &mut e.change {
            if let Operation::Resolve { agreement } = &mut ev.op {
                agreement.amount_yuan = 1;
            }
        }
    }
    assert!(matches!(
        signing::verify_journal(origin, &changed, &[], &verifier),
        Err(SignatureError::Chain { .. })
    ));
    // Entries after the last signed head are reported as unsigned, not refused.
    let h = w.handler(&code);
    w.engine
        .apply(
            &h,
            &code,
            Operation::Expedite {
                note: String::new(),
            },
            at(2025, 5, 9),
        )
        .ok();
    let later = w.engine.journal(0, usize::MAX).unwrap();
    let report = signing::verify_journal(origin, &later, &heads, &verifier).unwrap();
    assert_eq!(report.signed_to, journal_head.seq);
    assert_eq!(report.unsigned, later.len() as u64 - journal_head.seq);
    // The head's text is what was signed, one field a line.
    let text = String::from_utf8(journal_head.message()).unwrap();
    assert!(text.starts_with("fengqiao-head/1\njournal\n"), "{text}");
    assert!(text.contains(&journal_head.head.to_string()));
}

struct Protected {
    w: World,
    world: fengqiao::engine::WorldData,
    keyring: Arc<Sm4Keyring>,
}

/// The small world with a protector set before any resident is added.
fn protected() -> Protected {
    let mut w = World::small();
    let mut world = w.engine.to_world();
    let people = std::mem::take(&mut world.people);
    let mut engine = Engine::from_world(world.clone()).unwrap();
    let keyring = Arc::new(Sm4Keyring::new());
    assert_eq!(engine.set_protector(keyring.clone()).unwrap(), 0);
    for p in people {
        engine.add_person(p).unwrap();
    }
    w.engine = engine;
    Protected { w, world, keyring }
}

#[test]
fn personal_data_is_sealed_where_it_is_stored_and_opened_for_those_who_may_see_it() {
    let Protected {
        mut w,
        world,
        keyring,
    } = protected();
    let p00 = w.engine.person("p0-0").unwrap().clone();
    let id_number = p00.id_number.clone().unwrap();
    let phone = p00.phone.clone().unwrap();
    let gw = w.grid_worker(0);
    let mut input = w.dispute(Category::Neighbour, &["p0-0", "p1-0"], at(2025, 5, 6));
    input.description = format!("{}与邻居因排水沟争执，电话{}", p00.name, phone.as_str());
    let code = w.engine.register(&gw, input, at(2025, 5, 6)).unwrap();
    w.engine
        .route(&Actor::System, &code, at(2025, 5, 6))
        .unwrap();

    // Nothing the host stores carries the name, the identity number, the phone or the
    // description in the clear: the journal, a snapshot, the world export.
    let entries = w.engine.journal(0, usize::MAX).unwrap();
    let stored = [
        journal::to_jsonl(&entries),
        serde_json::to_string(&w.engine.snapshot()).unwrap(),
        serde_json::to_string(&w.engine.to_world()).unwrap(),
    ];
    for text in &stored {
        for secret in [
            p00.name.as_str(),
            id_number.as_str(),
            phone.as_str(),
            "排水沟",
        ] {
            assert!(!text.contains(secret), "{secret} stored in the clear");
        }
        assert!(text.contains(personal::SEALED_PREFIX));
    }
    assert!(entries
        .iter()
        .any(|e| matches!(&e.change, Change::PersonSealed(p) if p.id == "p0-0")));

    // A mediator sees the parties and the description whole; each whole read is audited.
    let mediator = w.handler(&code);
    let view = w
        .engine
        .reader(&mediator, at(2025, 5, 7))
        .and_then(|r| r.case(&code))
        .unwrap();
    assert!(view.dispute.input.description.contains("排水沟"));
    assert_eq!(
        view.parties[0].id_number.as_deref(),
        Some(id_number.as_str())
    );
    let audit = w.engine.audit_record();
    let reads: Vec<_> = audit
        .iter()
        .filter(|a| a.outcome == Outcome::ReadWhole && a.actor == mediator)
        .map(|a| a.target.as_str())
        .collect();
    assert_eq!(reads, ["person:p0-0", "person:p1-0", code.as_str()]);
    // A mediator's export of the world with identifiers whole is audited once.
    let export = w.engine.reader(&mediator, at(2025, 5, 7)).unwrap().world();
    assert!(export.people.iter().any(|p| p.id_number.is_some()));
    let worlds: Vec<_> = w
        .engine
        .audit_record()
        .into_iter()
        .filter(|a| a.action == "world" && a.outcome == Outcome::ReadWhole)
        .collect();
    assert_eq!(worlds.len(), 1);
    assert!(worlds[0]
        .detail
        .ends_with("residents with identifiers whole"));
    // A grid worker sees masks, and nothing is audited as read whole.
    let before = w.engine.audit_record().len();
    let view = w
        .engine
        .reader(&gw, at(2025, 5, 7))
        .and_then(|r| r.case(&code))
        .unwrap();
    assert_eq!(view.dispute.input.description, personal::MASKED_TEXT);
    assert_eq!(
        view.parties[0].id_number.as_deref(),
        Some(id_number.masked().as_str())
    );
    assert_eq!(w.engine.audit_record().len(), before);

    // A restart: the world document and the journal restore a placeholder for each
    // resident until the protector is set; then every record opens.
    let entries = w.engine.journal(0, usize::MAX).unwrap();
    let mut again = Engine::restore(world.clone(), entries.clone()).unwrap();
    assert_eq!(again.journal_digest(), w.engine.journal_digest());
    assert_eq!(again.person("p0-0").unwrap().name, personal::MASKED_TEXT);
    let opened = again.set_protector(keyring.clone()).unwrap();
    assert_eq!(opened, w.engine.to_world().sealed_people.len());
    assert_eq!(again.person("p0-0").unwrap(), &p00);
    // The audit record came back with the journal.
    assert_eq!(again.audit_record(), w.engine.audit_record());
    // A keyring without the keys refuses to open, naming the resident; nothing changes.
    let mut cold = Engine::restore(world, entries).unwrap();
    let e = cold.set_protector(Arc::new(Sm4Keyring::new())).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Protection);
    assert!(e.to_string().starts_with("no key for p0-0"), "{e}");
    assert!(!cold.protected());
}

#[test]
fn erasure_destroys_the_key_and_every_chain_still_verifies() {
    let Protected {
        mut w,
        world,
        keyring,
    } = protected();
    let mut input = w.dispute(Category::Neighbour, &["p0-0", "p1-0"], at(2025, 5, 6));
    input.description = "两户因宅基地边界争执".into();
    let gw = w.grid_worker(0);
    let code = w.engine.register(&gw, input, at(2025, 5, 6)).unwrap();
    w.engine
        .route(&Actor::System, &code, at(2025, 5, 6))
        .unwrap();
    let centre = w.community_centre(0);
    let (signer, verifier) = keys();
    let head_before = w.engine.sign_journal_head(&signer, at(2025, 5, 6)).unwrap();

    // PIPL art. 47: p0-0 asks for deletion; then the case's free text is erased too —
    // once the case is closed (its handlers work from it while it is open).
    w.engine
        .erase_personal(&centre, "p0-0", at(2025, 6, 1))
        .unwrap();
    let open = w
        .engine
        .erase_personal(&centre, code.as_str(), at(2025, 6, 1))
        .unwrap_err();
    assert!(open.to_string().contains("is open"), "{open}");
    let h = w.handler(&code);
    let accept = Operation::Accept {
        note: String::new(),
    };
    w.engine.apply(&h, &code, accept, at(2025, 5, 7)).unwrap();
    let terminate = Operation::Terminate {
        reason: "一方拒绝调解".into(),
        routes: vec![fengqiao::lifecycle::OtherRoute::Litigation],
    };
    w.engine
        .apply(&h, &code, terminate, at(2025, 5, 20))
        .unwrap();
    w.engine
        .erase_personal(&centre, code.as_str(), at(2025, 6, 1))
        .unwrap();
    // Erased stays erased: a new record for the same resident is refused.
    let mut again = w.engine.person("p1-0").unwrap().clone();
    again.id = "p0-0".into();
    again.household = w.engine.person("p0-0").unwrap().household;
    let refused = w.engine.update_person(again).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Protection);
    let erased = w.engine.person("p0-0").unwrap();
    assert_eq!(erased.name, personal::ERASED_TEXT);
    assert!(erased.id_number.is_none() && erased.phone.is_none());
    assert!(w.engine.person("p1-0").unwrap().id_number.is_some());
    let mediator = w.handler(&code);
    let view = w
        .engine
        .reader(&mediator, at(2025, 6, 2))
        .and_then(|r| r.case(&code))
        .unwrap();
    assert_eq!(view.dispute.input.description, personal::ERASED_TEXT);
    assert_eq!(view.parties[0].name.as_deref(), Some(personal::ERASED_TEXT));
    // Refused: erasing twice, an unknown subject; nothing journaled by either refusal
    // but its audit entry.
    let seq = w.engine.journal_seq();
    let audited = w.engine.audit_record().len();
    assert_eq!(
        w.engine
            .erase_personal(&centre, "p0-0", at(2025, 6, 1))
            .unwrap_err()
            .code(),
        ErrorCode::Duplicate
    );
    assert_eq!(
        w.engine
            .erase_personal(&centre, "nobody", at(2025, 6, 1))
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
    assert_eq!(w.engine.journal_seq(), seq + 2);
    assert_eq!(w.engine.audit_record().len(), audited + 2);
    let refusals: Vec<_> = w
        .engine
        .audit_record()
        .into_iter()
        .filter(|a| a.outcome == Outcome::Refused)
        .map(|a| (a.action, a.outcome, a.target))
        .collect();
    assert_eq!(
        refusals,
        [
            ("erase".to_string(), Outcome::Refused, "p0-0".to_string()),
            ("erase".to_string(), Outcome::Refused, "nobody".to_string())
        ]
    );

    // Every chain verifies: the old signed head, the case trace, the whole journal.
    let entries = w.engine.journal(0, usize::MAX).unwrap();
    let origin = journal::origin(&world);
    let report = signing::verify_journal(
        origin,
        &entries,
        std::slice::from_ref(&head_before),
        &verifier,
    )
    .unwrap();
    assert_eq!(report.signed_to, head_before.seq);
    fengqiao::trace::verify(&w.engine.case(&code).unwrap().events).unwrap();
    // Restored with the same keyring (whose keys for p0-0 and the case are gone), the
    // erased stay erased and the rest opens.
    let mut again = Engine::restore(world, entries).unwrap();
    again.set_protector(keyring).unwrap();
    assert_eq!(again.person("p0-0").unwrap().name, personal::ERASED_TEXT);
    assert_eq!(
        again.person("p1-0").unwrap(),
        w.engine.person("p1-0").unwrap()
    );
    assert_eq!(again.journal_digest(), w.engine.journal_digest());
    let erasures: Vec<_> = again
        .audit_record()
        .into_iter()
        .filter(|a| a.outcome == Outcome::Erased)
        .map(|a| a.target)
        .collect();
    assert_eq!(erasures, ["p0-0".to_string(), code.to_string()]);
}

#[test]
fn refused_calls_are_in_the_audit_record_and_the_journal() {
    let mut w = World::small();
    let code = registered(&mut w, Category::Neighbour, at(2025, 5, 6));
    let h = w.handler(&code);
    let seq = w.engine.journal_seq();
    // Terminating without routes for the parties: refused by the lifecycle.
    let e = w
        .engine
        .apply(
            &h,
            &code,
            Operation::Terminate {
                reason: "failed".into(),
                routes: vec![],
            },
            at(2025, 5, 7),
        )
        .unwrap_err();
    // Registering with no parties: refused as bad input.
    let gw = w.grid_worker(0);
    let mut input = w.dispute(Category::Neighbour, &["p0-0"], at(2025, 5, 7));
    input.parties.clear();
    w.engine.register(&gw, input, at(2025, 5, 7)).unwrap_err();
    // Outside the remit: a denial, in the record once.
    let outsider = w.grid_worker(w.places.grids.len() - 1);
    w.engine
        .reader(&outsider, at(2025, 5, 7))
        .and_then(|r| r.case(&code))
        .ok();

    let record = w.engine.audit_record();
    let summary: Vec<_> = record
        .iter()
        .map(|a| (a.action.as_str(), a.outcome, a.code.as_deref()))
        .collect();
    assert!(summary.contains(&("terminate", Outcome::Refused, Some(e.code().as_str()))));
    assert!(summary.contains(&("register", Outcome::Refused, Some("invalid_input"))));
    let refusal = record.iter().find(|a| a.action == "terminate").unwrap();
    assert_eq!(
        (&refusal.actor, refusal.target.as_str()),
        (&h, code.as_str())
    );
    assert_eq!(refusal.detail, e.to_string());
    // Each is a journal entry after the accepted ones, under the same chain.
    let entries = w.engine.journal(seq, usize::MAX).unwrap();
    let audits = entries
        .iter()
        .filter(|e| matches!(e.change, Change::Audit(_)))
        .count();
    assert_eq!(audits, 2);
    // The case is unchanged by the refusal.
    assert!(w.engine.case(&code).unwrap().dispute.state.is_open());
}
