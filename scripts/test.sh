#!/usr/bin/env bash
# Every test of the project: README's test command. Prints the runners' own summaries.
set -euo pipefail
cd "$(dirname "$0")/.."
export RUST_BACKTRACE=0
bash scripts/ensure-tools.sh
echo "==> [$(date -u +%T)] Rust tests (core, binding layer, synthetic worlds, C ABI crate, PostgreSQL store, doctests;"
echo "    with the schema feature: tests/schema.rs checks the JSON Schemas and TypeScript declarations)"
cargo test --workspace --locked --features fengqiao/schema
echo "==> [$(date -u +%T)] Two engines exchanging a case: escalated with its signed history, the result returned,"
echo "    closed at the street; one chain verified at both ends (examples/exchange.rs)"
cargo run --locked --quiet --example exchange | tail -n 2
echo "==> [$(date -u +%T)] PostgreSQL round trip: the Sajin scenario stored, restored in a second process from the"
echo "    journal and from a snapshot, with the same figures and journal digest (release build)"
cargo run --release --locked --quiet -p fengqiao-store --example sajin_postgres | tail -n 4
echo "==> [$(date -u +%T)] C ABI: C suite and examples (valgrind), Python ctypes example"
bash scripts/c-tests.sh
echo "==> [$(date -u +%T)] Java: the binding's jar, its JUnit 5 suite and the example"
bash scripts/java-tests.sh
echo "==> [$(date -u +%T)] WebAssembly: build, TypeScript check, Node tests, browser test"
bash scripts/wasm-tests.sh
