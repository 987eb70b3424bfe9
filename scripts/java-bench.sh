#!/usr/bin/env bash
# A decision through Java vs through C, on the same release library, world and dispute,
# in one run (BENCHMARKS.md). By hand: `bash scripts/java-bench.sh [calls per round]`.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-20000}
J=/usr/share/java
CP="$J/jna.jar:$J/jackson-databind.jar:$J/jackson-core.jar:$J/jackson-annotations.jar"
OUT=target/java-bench
mkdir -p "$OUT"
cargo build -p fengqiao-ffi --release --locked --quiet
gcc -std=c11 -O2 -Iffi/include ffi/benches/decide.c -Ltarget/release -lfengqiao_ffi -o "$OUT/decide"
javac --release 8 -encoding UTF-8 -cp "$CP" -d "$OUT/classes" $(find java/src/main/java -name '*.java') java/bench/DecideBench.java
ARGS="examples/data/world-small.json examples/data/dispute.json $N"
c=$(LD_LIBRARY_PATH=target/release "$OUT/decide" $ARGS | sed -n 's/^c_ns //p')
jv=$(java -Dfengqiao.library.path=target/release/libfengqiao_ffi.so -cp "$OUT/classes:$CP" DecideBench $ARGS)
jj=$(echo "$jv" | sed -n 's/^java_json_ns //p')
jt=$(echo "$jv" | sed -n 's/^java_typed_ns //p')
c2=$(LD_LIBRARY_PATH=target/release "$OUT/decide" $ARGS | sed -n 's/^c_ns //p')
echo "decision through C:    $c ns, again after Java: $c2 ns"
echo "decision through Java: $jj ns with JSON strings, $jt ns with the typed classes (Jackson both ways)"
awk -v c="$c" -v c2="$c2" -v j="$jj" -v t="$jt" 'BEGIN { m = (c + c2) / 2; printf "ratio Java/C: %.2f (JSON strings), %.2f (typed)\n", j / m, t / m }'
