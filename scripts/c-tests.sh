#!/usr/bin/env bash
# Builds the C ABI, compiles the C test suite and the C example against the checked-in
# header, runs them normally and under valgrind (zero leaks, zero errors), and runs the
# Python ctypes example. Prints the suites' own summary lines.
set -euo pipefail
cd "$(dirname "$0")/.."
PROFILE_DIR=target/debug
# The suite calls fq_debug_panic: build the library with it (hosts never get it). The core
# has the schema feature as the Rust tests build it (scripts/test.sh), so it compiles once.
cargo build -p fengqiao-ffi --locked --quiet --features debug-panic,fengqiao/schema
mkdir -p target/c
LIBS=$(cargo rustc -p fengqiao-ffi --locked --quiet --features debug-panic,fengqiao/schema --crate-type staticlib -- --print native-static-libs 2>&1 \
  | sed -n 's/.*native-static-libs: //p' | tail -n 1)
: "${LIBS:=-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc}"
CFLAGS="-std=c11 -Wall -Wextra -Werror -O1 -g -Iffi/include"
gcc $CFLAGS -DFQ_DEBUG_PANIC ffi/tests/test_ffi.c "$PROFILE_DIR/libfengqiao_ffi.a" $LIBS -lpthread -o target/c/test_ffi
gcc $CFLAGS examples/c/route.c "$PROFILE_DIR/libfengqiao_ffi.a" $LIBS -o target/c/route
gcc $CFLAGS -Iffi/tests ffi/tests/corpus.c "$PROFILE_DIR/libfengqiao_ffi.a" $LIBS -o target/c/corpus
# Also link against the shared library, as most hosts do.
gcc $CFLAGS examples/c/route.c -L"$PROFILE_DIR" -lfengqiao_ffi -o target/c/route_shared

DATA=examples/data
ARGS="$DATA/world-small.json $DATA/history.jsonl $DATA/rules-labour-to-street.json"
echo "--- C suite"
# A caught panic must print nothing on the host's stderr, even with RUST_BACKTRACE set.
RUST_BACKTRACE=1 target/c/test_ffi $ARGS 2> target/c/stderr.txt
if grep -q "panicked" target/c/stderr.txt; then
  echo "a panic was printed on the host's stderr:"; cat target/c/stderr.txt; exit 1
fi
echo "--- the scenario corpus through the C ABI (tests/scenarios; checked as Rust checks its own)"
cargo run -q --locked -p fengqiao-corpus -- plan target/c/corpus.plan
valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
  target/c/corpus target/c/corpus.plan target/c/corpus.outcomes
cargo run -q --locked -p fengqiao-corpus -- check target/c/corpus.outcomes
echo "--- the header compiles alone, first, as C99, C11 and C++"
printf '#include "fengqiao.h"\nint main(void) { return fq_version_number() == FQ_VERSION_NUMBER ? 0 : 1; }\n' > target/c/alone.c
for std in c99 c11; do gcc -std=$std -Wall -Wextra -Werror -pedantic -Iffi/include -c target/c/alone.c -o target/c/alone-$std.o; done
g++ -std=c++11 -Wall -Wextra -Werror -pedantic -Iffi/include -x c++ -c target/c/alone.c -o target/c/alone-cxx.o
echo "header alone: 3 passed, 0 failed"
echo "--- C suite under valgrind"
valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
  target/c/test_ffi $ARGS
echo "--- C example (static), under valgrind"
valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
  target/c/route "$DATA/world-small.json" "$DATA/dispute.json"
echo "--- C example (shared)"
LD_LIBRARY_PATH="$PROFILE_DIR" target/c/route_shared "$DATA/world-small.json" "$DATA/dispute.json" > /dev/null
echo "--- Python example (ctypes)"
FENGQIAO_LIB="$PROFILE_DIR/libfengqiao_ffi.so" python3 examples/python/route.py "$DATA/world-small.json" "$DATA/dispute.json"
