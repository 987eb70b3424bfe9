//! Rule-set parsing, validation and compilation: never a panic, whatever the bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(set) = fengqiao::routing::RuleSet::from_json(text) {
        let diags = fengqiao::routing::validate(&set, None);
        if !diags.has_errors() {
            let router = fengqiao::routing::Router::new(set, None).expect("validated sets compile");
            let _ = router.rule_set().label();
        }
    }
});
