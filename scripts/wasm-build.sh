#!/usr/bin/env bash
# Builds the WebAssembly module for Node (target/wasm/node) and the web (examples/web/pkg)
# with the wasm32 target and wasm-bindgen-cli that scripts/ensure-tools.sh installs. Prints
# the .wasm sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in wasm-bindgen; do
  command -v $tool >/dev/null || { echo "$tool is missing: run scripts/ensure-tools.sh"; exit 1; }
done
# The tests exercise debugPanic; the npm package is built without it.
cargo build -p fengqiao-wasm --target wasm32-unknown-unknown --profile wasm --locked --quiet --features debug-panic
wasm=target/wasm32-unknown-unknown/wasm/fengqiao_wasm.wasm
wasm-bindgen "$wasm" --target nodejs --weak-refs --out-dir target/wasm/node
wasm-bindgen "$wasm" --target web --weak-refs --out-dir examples/web/pkg
size() { stat -c %s "$1"; }
echo "wasm size: $(size target/wasm/node/fengqiao_wasm_bg.wasm) bytes (after wasm-bindgen)"
if command -v wasm-opt >/dev/null; then
  wasm-opt -Oz --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int --enable-mutable-globals \
    target/wasm/node/fengqiao_wasm_bg.wasm -o target/wasm/opt.wasm
  echo "wasm size after wasm-opt -Oz: $(size target/wasm/opt.wasm) bytes (gzip: $(gzip -9c target/wasm/opt.wasm | wc -c))"
fi
