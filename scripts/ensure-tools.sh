#!/usr/bin/env bash
# Installs what the tests need and is missing; skips what is there. Sourced by the test
# command and CI, so a fresh machine needs nothing by hand.
set -euo pipefail
missing=()
command -v gcc >/dev/null || missing+=(gcc)
command -v valgrind >/dev/null || missing+=(valgrind)
command -v python3 >/dev/null || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
command -v cbindgen >/dev/null || cargo install cbindgen --locked --version 0.29.4 --quiet
