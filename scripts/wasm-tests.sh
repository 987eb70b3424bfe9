#!/usr/bin/env bash
# The WebAssembly module: build it (Node and web targets), type-check a TypeScript file that
# uses the whole API with `tsc --noEmit --strict`, run the Node tests, and run the web page
# in headless Chromium. Installs Chromium (Debian) and the npm packages when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/wasm-build.sh
missing=()
command -v chromium >/dev/null || missing+=(chromium)
fc-list 2>/dev/null | grep -qi 'wqy\|noto sans cjk' || missing+=(fonts-wqy-microhei)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" > /dev/null
fi
cd wasm
[ -d node_modules/typescript ] && [ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund --loglevel=error
echo "--- TypeScript: tsc --noEmit --strict"
npx tsc -p ts/tsconfig.json && echo "typecheck: 1 passed, 0 failed"
echo "--- Node tests"
node --test tests/
echo "--- Browser test (headless Chromium)"
node browser/run.mjs
