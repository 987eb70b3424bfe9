#!/usr/bin/env bash
# 黔西南州 as a prefecture of engines (docs/deployment.md): eight county processes and the
# prefecture's over a throw-away PostgreSQL, with kills and a database crash, checked and
# measured. Arguments go to the example: --calm, --counties N, --days N, --per-day N,
# --escalated N; FENGQIAO_PREFECTURE_DB="host=… dbname=…" runs it on a database of yours.
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo run --release --locked --quiet -p fengqiao-store --example prefecture -- "$@"
