#!/usr/bin/env bash
# Writes every file generated from the binding layer's tables (xtask: the error codes' C
# status enum, Java ErrorCode, TypeScript union and error schema), then the C header from
# the Rust (cbindgen). Run after changing a table; commit what it writes. CI runs
# `cargo run -p xtask -- --check` and fails on a difference.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --quiet --locked -p xtask
bash scripts/header.sh
