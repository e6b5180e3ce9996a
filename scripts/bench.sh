#!/usr/bin/env bash
# `make bench`: generates benchmark inputs once (in BUILD/bench-data) and runs every benchmark.
# BENCH_POSTS sets the size of the v1.1 file (default 340000 posts, about 1.1 GB).
set -euo pipefail
build=${1:-build}
data=$build/bench-data
posts=${BENCH_POSTS:-340000}
mkdir -p "$data"
if [ ! -s "$data/big/posts.v1.jsonl" ] || [ "$(cat "$data/big/.posts" 2>/dev/null)" != "$posts" ]; then
  echo "generating $posts posts of benchmark data in $data/big ..."
  rm -rf "$data/big"
  "$build/chorus-synth" --seed 7 --posts "$posts" --format all -o "$data/big" > /dev/null
  echo "$posts" > "$data/big/.posts"
fi
echo "== ingest"
for f in "$data"/big/posts.*; do
  "$build/bench_ingest" "$f"
done
for b in "$build"/bench_*; do
  case "$b" in */bench_ingest) continue ;; esac
  [ -x "$b" ] || continue
  echo "== $(basename "$b")"
  "$b" "$data/big" || echo "(failed: $b)"
done
