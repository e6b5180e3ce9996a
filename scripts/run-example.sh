#!/usr/bin/env bash
# `make run`: generate the example scenario (seeded, so the same every time) and run chorus on
# it. Usage: run-example.sh BUILD_DIR OUT_DIR
set -euo pipefail
build=${1:-build}
out=${2:-$build/example}
mkdir -p "$out"
if [ ! -s "$out/posts.v1.jsonl" ]; then
  echo "generating the example scenario in $out ..."
  "$build/chorus-synth" --seed 1 --format all -o "$out" > /dev/null
fi
echo
echo "== chorus ingest $out/posts.v1.jsonl"
"$build/chorus" ingest "$out/posts.v1.jsonl"
echo
echo "inputs:       $out/posts.*  (every supported format of the same scenario)"
echo "statements:   $out/statements.jsonl"
echo "ground truth: $out/truth.jsonl"
