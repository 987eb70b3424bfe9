#!/usr/bin/env bash
# The Java binding (java/): compiles it for Java 8 (javac --release 8) against Debian's JNA
# and Jackson, builds the jar with the native library inside (org/fengqiao/native/
# linux-x86_64), runs the JUnit 5 suite through the console launcher (its own summary) on
# the jar, so the bundled library is what loads, and runs the example in examples/java.
# Offline: everything comes from Debian's packages (scripts/ensure-tools.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
J=/usr/share/java
CP="$J/jna.jar:$J/jackson-databind.jar:$J/jackson-core.jar:$J/jackson-annotations.jar"
OUT=target/java
rm -rf "$OUT" && mkdir -p "$OUT/classes" "$OUT/test-classes"
# The same library the C suite uses (built once for both, on the Rust tests' core build).
cargo build -p fengqiao-ffi --locked --quiet --features debug-panic,fengqiao/schema
VERSION=$(sed -n 's/^#define FQ_VERSION_STRING "\(.*\)"/\1/p' ffi/include/fengqiao.h)
echo "--- javac --release 8 (binding)"
javac --release 8 -encoding UTF-8 -Xlint:all -Werror -cp "$CP" -d "$OUT/classes" $(find java/src/main/java -name '*.java')
mkdir -p "$OUT/classes/org/fengqiao/native/linux-x86_64"
cp target/debug/libfengqiao_ffi.so "$OUT/classes/org/fengqiao/native/linux-x86_64/"
JAR="$OUT/fengqiao-$VERSION.jar"
jar cf "$JAR" -C "$OUT/classes" .
echo "built $JAR ($(du -k "$JAR" | cut -f1) KiB, native library inside)"
echo "--- javac (tests)"
JUNIT="$J/junit-platform-console-standalone.jar"
javac --release 8 -encoding UTF-8 -cp "$JAR:$CP:$JUNIT" -d "$OUT/test-classes" $(find java/src/test/java -name '*.java')
echo "--- JUnit 5 (the jar's bundled library; a temporary directory of our own)"
# fengqiao.tmpdir names a directory that does not exist yet: the loader creates it (issue 31).
TMPDIR_NATIVE="$OUT/tmp/made-by-the-loader"
java -Dfengqiao.root="$PWD" -Dfengqiao.tmpdir="$TMPDIR_NATIVE" -jar "$JUNIT" \
  -cp "$JAR:$CP:$OUT/test-classes" --select-package org.fengqiao \
  --details=summary --disable-banner --fail-if-no-tests 2>&1 | tee "$OUT/junit.txt"
passed=$(sed -n 's/.*\[ *\([0-9]*\) tests successful.*/\1/p' "$OUT/junit.txt")
failed=$(sed -n 's/.*\[ *\([0-9]*\) tests failed.*/\1/p' "$OUT/junit.txt")
[ -d "$TMPDIR_NATIVE" ] || { echo "fengqiao.tmpdir was not created by the loader"; echo "Java: ${passed:-0} passed, 1 failed"; exit 1; }
echo "Java: ${passed:-0} passed, ${failed:-0} failed"
echo "--- the Java example (library from java.library.path)"
javac --release 8 -encoding UTF-8 -cp "$JAR:$CP" -d "$OUT/example" examples/java/RouteDispute.java
java -Djava.library.path=target/debug -cp "$JAR:$CP:$OUT/example" RouteDispute examples/data/world-small.json
