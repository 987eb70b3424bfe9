#!/usr/bin/env bash
# Instruction counts of the hot paths (issue 37, item 6), against the checked-in baseline
# benches/instructions.json: a decision in Rust and through the C ABI (JSON in and out), a
# restore of a fixed journal, the statistics roll-up, an intake of an exchange document.
# Each path runs under callgrind twice (its setup alone, then its setup and its work); the
# difference over its repetitions is the work's instructions. A time on a shared machine
# moves by tens of percent; these by under half of one. CI fails on a rise beyond the
# tolerance; a deliberate rise updates the baseline in the same commit, saying why:
#
#   bash scripts/instructions.sh           # compare (CI)
#   bash scripts/instructions.sh --bless   # write the baseline from this build
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind is needed (Debian: valgrind)" >&2; exit 1; }
cargo build --release --locked --quiet -p fengqiao-ffi --example instructions
exe="$PWD/target/release/examples/instructions"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
count() { # path mode -> total instructions of the process
    (cd "$out" && valgrind --tool=callgrind --callgrind-out-file="$out/$1-$2.out" "$exe" "$1" "$2" >/dev/null 2>&1)
    sed -n 's/^summary: //p' "$out/$1-$2.out"
}
results="$out/counts.tsv"
for path in decide_rust decide_c_abi restore statistics intake rules_matching rules_outcome; do
    printf '%s\t%s\t%s\n' "$path" "$(count "$path" setup)" "$(count "$path" work)" >> "$results"
done
python3 - "$results" benches/instructions.json "${1:-}" <<'PY'
import json, sys
results, baseline_path, mode = sys.argv[1], sys.argv[2], sys.argv[3]
# As PATHS in ffi/examples/instructions.rs.
times = {"decide_rust": 200, "decide_c_abi": 200, "restore": 5, "statistics": 400, "intake": 10,
         "rules_matching": 5, "rules_outcome": 50}
counts = {}
for line in open(results):
    path, setup, work = line.split()
    counts[path] = (int(work) - int(setup)) // times[path]
baseline = json.load(open(baseline_path))
tolerance = baseline["tolerance_percent"]
if mode == "--bless":
    baseline["counts"] = counts
    with open(baseline_path, "w") as f:
        json.dump(baseline, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print("blessed:", counts)
    sys.exit(0)
failed = False
print(f"{'path':<14} {'instructions':>14} {'baseline':>14} {'change':>8}")
for path, n in counts.items():
    base = baseline["counts"].get(path)
    change = (n - base) / base * 100 if base else float("nan")
    flag = ""
    if base is None or change > tolerance:
        flag, failed = "  ROSE beyond the tolerance", True
    print(f"{path:<14} {n:>14,} {base or 0:>14,} {change:>+7.2f}%{flag}")
print(f"C ABI / Rust, a decision with JSON in and out: {counts['decide_c_abi'] / counts['decide_rust']:.3f}x")
if failed:
    print(f"instruction counts rose more than {tolerance} % (a deliberate rise: --bless, and say why in the commit)")
    sys.exit(1)
PY
