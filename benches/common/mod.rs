//! What the criterion benches share: quick mode and the measurement settings.

use std::time::Duration;

use criterion::Criterion;

/// `FQ_BENCH_QUICK=1`: short measurements, so a whole bench fits in a few minutes.
pub fn quick() -> bool {
    std::env::var_os("FQ_BENCH_QUICK").is_some()
}

/// Criterion's settings: quick mode, or `full_samples` samples of 4 s.
pub fn tune(full_samples: usize) -> Criterion {
    if quick() {
        Criterion::default()
            .sample_size(10)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(1))
    } else {
        Criterion::default()
            .sample_size(full_samples)
            .measurement_time(Duration::from_secs(4))
    }
}
