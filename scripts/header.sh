#!/usr/bin/env bash
# Regenerates the C header from ffi/src with cbindgen (installed if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cbindgen >/dev/null || cargo install cbindgen --locked --version 0.29.4
cbindgen --config ffi/cbindgen.toml --crate fengqiao-ffi --output ffi/include/fengqiao.h --quiet
