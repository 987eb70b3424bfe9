#!/usr/bin/env bash
# Every test of the project: README's test command. Prints the runners' own summaries.
set -euo pipefail
cd "$(dirname "$0")/.."
export RUST_BACKTRACE=0
bash scripts/ensure-tools.sh
echo "==> Rust tests (core, binding layer, synthetic worlds, C ABI crate, PostgreSQL store, doctests)"
cargo test --workspace --locked
echo "==> JSON Schemas match the types, and the TypeScript declarations match the schemas"
cargo test --locked --features schema --test schema
echo "==> C ABI: C suite and examples (valgrind), Python ctypes example"
bash scripts/c-tests.sh
echo "==> Java: the binding's jar, its JUnit 5 suite and the example"
bash scripts/java-tests.sh
echo "==> WebAssembly: build, TypeScript check, Node tests, browser test"
bash scripts/wasm-tests.sh
