#!/usr/bin/env bash
# `make bench`: generates benchmark inputs once (in BUILD/bench-data) and runs every benchmark.
# BENCH_POSTS sets the size of the main scenario (default 340000 posts: about 1.1 GB of v1.1).
# Each benchmark prints its own baseline measured in the same run; quote the ratios.
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

echo "== ingest: every format of the same scenario, against merely parsing it"
for f in "$data"/big/posts.*; do
  "$build/bench_ingest" "$f"
done

echo
echo "== ingest: Reddit dump lines (the real samples repeated with new ids), TikTok and YouTube pages"
shared=${CHORUS_SHARED_DATA:-../shared/data}
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
if [ ! -s "$data/social/tiktok_bench.jsonl" ]; then
  "$py" bench/gen_social.py "$data/social" "$shared" 100
fi
for f in "$data"/social/*; do
  "$build/bench_ingest" "$f"
done

echo
echo "== scan end to end, against ingest alone (wall time, peak RSS)"
measure() { # measure LABEL CMD...
  local t0 t1 rss
  t0=$(date +%s.%N)
  rss=$( { /usr/bin/time -f '%M' "$@" > /dev/null 2>/dev/null; } 2>&1 | tail -n 1)
  t1=$(date +%s.%N)
  printf '%-10s %8.2f s  %8.1f MB peak\n' "$1" "$(echo "$t1 - $t0" | bc)" "$(echo "$rss / 1024" | bc -l)"
}
if command -v /usr/bin/time > /dev/null && command -v bc > /dev/null; then
  v1=$data/big/posts.v1.jsonl
  measure ingest "$build/chorus" ingest --quiet "$v1"
  measure scan "$build/chorus" scan --quiet "$v1" -s "$data/big/statements.jsonl" -o "$data/scan.db"
  measure scan60 "$build/chorus" scan --quiet "$v1" -s "$data/big/statements.jsonl" -o "$data/scan.db" --window 60
  measure scan3600 "$build/chorus" scan --quiet "$v1" -s "$data/big/statements.jsonl" -o "$data/scan.db" --window 3600
else
  echo "(needs /usr/bin/time and bc: apt-get install time bc)"
fi

echo
echo "== parroting: 10,000 statements (~10 MB)"
"$build/bench_parrot" "$data/big"
echo
echo "== near-duplicate narratives: 100k vs 1M posts"
"$build/bench_neardup" speed --posts 100000,1000000
echo
echo "== co-actions: window 60 s vs 3600 s"
"$build/bench_coact" --posts 1000000

echo
echo "== results database: the posts table as written now, against the schema 1 columns"
"$build/bench_store" "$data/big/posts.v1.jsonl"
echo
echo "== stream sources of watch: Jetstream over WebSocket (local replay server) and files, against reading lines"
"$build/bench_stream" --events "${BENCH_STREAM_EVENTS:-300000}"
echo
echo "== quality: parroting on held-out seeds"
"$build/bench_quality_parrot" --seeds 21-25
echo
echo "== quality: coordination on the mixed scenario (v1.1)"
rm -rf "$data/q" && "$build/chorus-synth" --seed 5 --format twitter-v1 -o "$data/q" > /dev/null
"$build/bench_quality_coord" "$data/q"
echo
echo "== serve: the JSON API under wrk, 64 connections, against /api/health"
[ -s "$data/scan.db" ] || "$build/chorus" scan --quiet "$data/big/posts.v1.jsonl" -s "$data/big/statements.jsonl" -o "$data/scan.db"
"$build/bench_serve" "$data/scan.db" --seconds 5
