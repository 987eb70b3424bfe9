//! C ABI for fengqiao (in progress: see the C ABI issue).
#![doc = "Thin binding: no domain logic lives here."]

/// The library version, so a host can check it linked what it expected.
pub fn version() -> &'static str {
    fengqiao::VERSION
}
