#!/usr/bin/env bash
# The WebAssembly module: build it for Node, type-check a TypeScript file that uses the whole
# API with `tsc --noEmit --strict`, run the Node tests; then build the npm package, install
# the packed tarball into the demo page (a Vite project), type-check a file that uses the
# package's entries, build the page with Vite, import the package from Node, and drive the
# built pages in headless Chromium (installed by scripts/ensure-tools.sh): the demo, the rule
# workbench, and the grid worker's offline capture against the street's server.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/wasm-build.sh
cd wasm
echo "--- TypeScript: tsc --noEmit --strict"
# Each on its own line: under `set -e` a failure on the left of `&&` does not stop the script
# (the type checks failed unnoticed that way for two rounds).
npx tsc -p ts/tsconfig.json
echo "typecheck: 1 passed, 0 failed"
echo "--- Node tests"
node --test tests/
cd ..
echo "--- npm package (npm pack)"
bash scripts/npm-package.sh
version=$(python3 -c 'import json; print(json.load(open("target/npm/fengqiao/package.json"))["version"])')
cd examples/web
[ -d node_modules/vite ] || npm ci --no-audit --no-fund --loglevel=error
npm install --no-save "../../target/npm/fengqiao-$version.tgz" --no-audit --no-fund --loglevel=error
echo "--- the package's types: tsc --noEmit --strict"
../../wasm/node_modules/.bin/tsc -p tsconfig.json
echo "package typecheck: 1 passed, 0 failed"
echo "--- the demo page's world: the Sajin world as a JSON document"
mkdir -p public
# The test build's feature set, so the core it already compiled is reused.
cargo run -p fengqiao-synth --example sajin_world_json --features fengqiao/schema --locked --quiet -- public/world-sajin.json
# The rule workbench's world and starting rules: the small world the history file belongs to.
cp ../data/world-small.json ../data/rules-labour-to-street.json public/
# The offline capture page's service worker, served from the root as Vite copies public/.
cp capture-sw.js public/
echo "--- Vite build of the demo page on the package"
npx vite build --logLevel warn
echo "--- the package from Node"
node node-check.mjs
cd ../../wasm
echo "--- Browser test (headless Chromium, the built page)"
node browser/run.mjs
echo "--- Offline capture (headless Chromium at phone size; the street's server its own process)"
node browser/offline.mjs
