#!/usr/bin/env bash
# The WebAssembly module: build it (Node and web targets), type-check a TypeScript file that
# uses the whole API with `tsc --noEmit --strict`, run the Node tests, and run the web page
# in headless Chromium (installed by scripts/ensure-tools.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/wasm-build.sh
cd wasm
echo "--- TypeScript: tsc --noEmit --strict"
npx tsc -p ts/tsconfig.json && echo "typecheck: 1 passed, 0 failed"
echo "--- Node tests"
node --test tests/
echo "--- Browser test (headless Chromium)"
node browser/run.mjs
