//! What 国密 costs: an SM2 signature and its check (the built-in signer: a certified
//! module's numbers are the host's), signing the journal's head once per committed batch
//! against once per operation, the register of a prefecture's case heads (1,000,000 cases)
//! verified with one signature, and sealing personal data at registration (SM4-GCM).
//!
//! `FQ_BENCH_QUICK=1 cargo bench --bench security`.

mod common;

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use fengqiao::dispute::CaseCode;
use fengqiao::engine::{Engine, WorldData};
use fengqiao::personal::Sm4Keyring;
use fengqiao::signing::{self, CaseHead, Signer, Sm2Signer, Sm2Verifier};
use fengqiao::trace::{Actor, Hash};

const SECRET: &str = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8";

fn keys() -> (Sm2Signer, Sm2Verifier) {
    let signer = Sm2Signer::from_secret_hex("bench", SECRET).unwrap();
    let mut v = Sm2Verifier::default();
    v.add_key("bench", &signer.public_key_hex()).unwrap();
    (signer, v)
}

fn world() -> WorldData {
    serde_json::from_str(include_str!("../examples/data/world-small.json")).unwrap()
}

fn signatures(c: &mut Criterion) {
    let (signer, verifier) = keys();
    let engine = Engine::from_world(world()).unwrap();
    let now = Utc.with_ymd_and_hms(2025, 6, 9, 1, 0, 0).unwrap();
    let head = engine.sign_journal_head(&signer, now).unwrap();
    let mut g = c.benchmark_group("sm2");
    g.bench_function("sign_journal_head", |b| {
        b.iter(|| black_box(engine.sign_journal_head(&signer, now).unwrap()))
    });
    g.bench_function("check_head", |b| {
        b.iter(|| head.check(black_box(&verifier)).unwrap())
    });
    g.bench_function("sign_raw", |b| {
        b.iter(|| black_box(signer.sign(b"fengqiao-head/1 ...").unwrap()))
    });
    g.finish();
}

/// `n` plausible register lines: valid case codes, distinct heads.
fn register(n: usize) -> Vec<CaseHead> {
    (0..n)
        .map(|i| {
            let code: CaseCode = format!(
                "522301{:03}{:03}-2023{:02}{:02}-{:04}",
                i % 997,
                (i / 997) % 1000,
                1 + i % 12,
                1 + i % 28,
                1 + i % 9999
            )
            .parse()
            .unwrap();
            CaseHead {
                case: code,
                seq: 3 + (i % 9) as u64,
                head: Hash::sm3(&i.to_le_bytes()),
            }
        })
        .collect()
}

fn prefecture_register(c: &mut Criterion) {
    let n = 1_000_000;
    let (signer, verifier) = keys();
    let heads = register(n);
    let now = Utc.with_ymd_and_hms(2025, 6, 9, 1, 0, 0).unwrap();
    let digest = signing::register_digest(&heads);
    let signed =
        signing::SignedHead::sign(signing::Subject::Register, n as u64, digest, now, &signer)
            .unwrap();
    let mut g = c.benchmark_group("register");
    g.sample_size(10);
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function(BenchmarkId::new("verify_signed_register", n), |b| {
        b.iter(|| signing::verify_register(black_box(&heads), &signed, &verifier).unwrap())
    });
    // For comparison: a signature per case, checked one by one (measured on 2,000 heads;
    // criterion reports the time per head — multiply by the prefecture).
    let each: Vec<_> = heads[..2_000]
        .iter()
        .map(|h| {
            signing::SignedHead::sign(
                signing::Subject::Case(h.case.clone()),
                h.seq,
                h.head,
                now,
                &signer,
            )
            .unwrap()
        })
        .collect();
    g.throughput(Throughput::Elements(each.len() as u64));
    g.bench_function("check_one_signature_per_case/2000", |b| {
        b.iter(|| {
            for h in &each {
                h.check(&verifier).unwrap();
            }
        })
    });
    g.finish();
}

/// Registering (and routing) a dispute with a description of 120 characters, with and
/// without a protector: the cost of sealing personal data on the way in.
fn protection(c: &mut Criterion) {
    let plain = Engine::from_world(world()).unwrap();
    let mut protected = Engine::from_world(world()).unwrap();
    protected
        .set_protector(Arc::new(Sm4Keyring::new()))
        .unwrap();
    let input: fengqiao::dispute::DisputeInput =
        serde_json::from_str(include_str!("../examples/data/dispute.json")).unwrap();
    let mut input = input;
    input.description = "张某与邻居李某因院墙排水沟走向发生争执，双方多次口角，".repeat(4);
    let gw = Actor::Staff("gw-522301001001001".into());
    let t0 = Utc.with_ymd_and_hms(2025, 9, 25, 1, 30, 0).unwrap();
    let mut g = c.benchmark_group("personal");
    for (name, engine) in [("register_plain", &plain), ("register_sealed", &protected)] {
        g.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let mut e = engine.clone();
                let start = Instant::now();
                for i in 0..iters {
                    let at = t0 + chrono::Duration::seconds(i as i64);
                    black_box(e.register(&gw, input.clone(), at).unwrap());
                }
                start.elapsed()
            })
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = common::tune(20).warm_up_time(Duration::from_millis(500));
    targets = signatures, prefecture_register, protection
}
criterion_main!(benches);
