#!/usr/bin/env bash
# Builds the WebAssembly module the Node tests and the TypeScript check use (target/wasm/node,
# speed-optimised, with debugPanic) with the wasm32 target and wasm-bindgen-cli that
# scripts/ensure-tools.sh installs. The web build is the npm package (scripts/npm-package.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in wasm-bindgen; do
  command -v $tool >/dev/null || { echo "$tool is missing: run scripts/ensure-tools.sh"; exit 1; }
done
# The tests exercise debugPanic; the npm package is built without it.
cargo build -p fengqiao-wasm --target wasm32-unknown-unknown --profile wasm --locked --quiet --features debug-panic
wasm=target/wasm32-unknown-unknown/wasm/fengqiao_wasm.wasm
wasm-bindgen "$wasm" --target nodejs --weak-refs --out-dir target/wasm/node
size() { stat -c %s "$1"; }
echo "wasm size: $(size target/wasm/node/fengqiao_wasm_bg.wasm) bytes (after wasm-bindgen)"
