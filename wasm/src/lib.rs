//! WebAssembly bindings for fengqiao (in progress: see the WebAssembly issue).

/// The library version, so a front-end can check which core it loaded.
pub fn version() -> &'static str {
    fengqiao::VERSION
}
