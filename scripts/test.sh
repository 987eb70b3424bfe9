#!/usr/bin/env bash
# Every test of the project: README's test command. Prints the runners' own summaries.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace --locked
