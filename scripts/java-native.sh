#!/usr/bin/env bash
# Builds the native library (release) for this machine and puts it where java/pom.xml packs
# it: java/native/org/fengqiao/native/<os>-<arch>/. For another target, pass a Rust target
# triple (the toolchain and linker for it must be installed): see docs/integration.md.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=${1:-}
if [ -n "$TARGET" ]; then
  cargo build -p fengqiao-ffi --release --locked --target "$TARGET"
  LIB=target/$TARGET/release/libfengqiao_ffi.so
  ARCH=${TARGET%%-*}
else
  cargo build -p fengqiao-ffi --release --locked
  LIB=target/release/libfengqiao_ffi.so
  ARCH=$(uname -m)
fi
DIR=java/native/org/fengqiao/native/linux-$ARCH
mkdir -p "$DIR"
cp "$LIB" "$DIR/"
echo "$DIR/libfengqiao_ffi.so ($(du -k "$LIB" | cut -f1) KiB; needs glibc $(objdump -T "$LIB" | grep -o 'GLIBC_[0-9.]*' | sort -V | tail -1))"
