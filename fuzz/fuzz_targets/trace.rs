//! Trace import, verification and replay.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(events) = fengqiao::trace::from_jsonl(text) {
        if fengqiao::trace::verify(&events).is_ok() {
            let _ = fengqiao::trace::replay(&events);
        }
        let _ = fengqiao::trace::replay(&events);
    }
});
