#!/usr/bin/env bash
# Runs every cargo-fuzz target for SECONDS seconds (default 30), starting from the seed
# corpora in fuzz/seeds (copied, so the checked-in seeds stay as they are). Needs the
# nightly toolchain (present on the project's machines) and cargo-fuzz (installed if
# missing). A target that fails to build or run fails the script; a crash fails it; a
# missing nightly toolchain is reported as a skip, never as a pass.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${1:-30}
TARGETS=(rules world trace ffi intake snapshot)
if ! rustup toolchain list | grep -q '^nightly'; then
  rustup toolchain install nightly --profile minimal || {
    echo "fuzz: 0 passed, 0 failed, ${#TARGETS[@]} skipped (no nightly toolchain could be had)"
    exit 0
  }
fi
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --quiet
cd fuzz
passed=0
for t in "${TARGETS[@]}"; do
  mkdir -p "corpus/$t"
  cp -n seeds/$t/* "corpus/$t/" 2>/dev/null || true
  echo "--- fuzz $t (${SECONDS_PER_TARGET}s)"
  log="../target/fuzz-$t.log"
  mkdir -p ../target
  if ! cargo +nightly fuzz run "$t" "corpus/$t" -- -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=4096 > "$log" 2>&1; then
    grep -E "ERROR|panicked|SUMMARY|error(\[|:)" "$log" | head -20 || tail -20 "$log"
    echo "fuzz $t: the target failed to build or found a crash (log: target/fuzz-$t.log; artifacts: fuzz/artifacts/$t)"
    echo "fuzz: $passed passed, 1 failed"
    exit 1
  fi
  grep -E "^#[0-9]+ +DONE|Done [0-9]+ runs" "$log" || true
  passed=$((passed + 1))
done
echo "fuzz: $passed passed, 0 failed"
