#!/usr/bin/env bash
# Installs everything the build and the tests need, once, and skips what is there: the one
# place that installs (the test scripts only check). Called by .ci/run and by the test
# command, so a fresh machine needs nothing by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
apt_missing=()
command -v gcc >/dev/null || apt_missing+=(gcc)
command -v g++ >/dev/null || apt_missing+=(g++)
command -v valgrind >/dev/null || apt_missing+=(valgrind)
command -v python3 >/dev/null || apt_missing+=(python3)
command -v chromium >/dev/null || apt_missing+=(chromium)
# PostgreSQL's server binaries: the store's tests start a throw-away server with initdb.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || apt_missing+=(postgresql)
# Java: a JDK, and JNA, Jackson and JUnit 5 from Debian (the Java suite runs offline on them).
command -v javac >/dev/null || apt_missing+=(default-jdk-headless)
[ -f /usr/share/java/jna.jar ] || apt_missing+=(libjna-java)
[ -f /usr/share/java/jackson-databind.jar ] || apt_missing+=(libjackson2-databind-java)
[ -f /usr/share/java/junit-platform-console-standalone.jar ] || apt_missing+=(junit5)
fc-list 2>/dev/null | grep -qi 'wqy\|noto sans cjk' || apt_missing+=(fonts-wqy-microhei)
if [ ${#apt_missing[@]} -gt 0 ]; then
  echo "installing (Debian): ${apt_missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_missing[@]}" > /dev/null
fi
command -v cbindgen >/dev/null || cargo install cbindgen --locked --version 0.29.4 --quiet
rustup target list --installed | grep -q '^wasm32-unknown-unknown$' || rustup target add wasm32-unknown-unknown
want=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  echo "installing wasm-bindgen-cli $want (found: ${have:-none})"
  # Without --locked: the registry mirror lags, and a locked transitive version may be missing.
  cargo install wasm-bindgen-cli --version "=$want" --quiet
fi
if [ ! -d wasm/node_modules/typescript ] || [ ! -d wasm/node_modules/playwright-core ]; then
  (cd wasm && npm ci --no-audit --no-fund --loglevel=error)
fi
