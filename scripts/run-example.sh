#!/usr/bin/env bash
# `make run`: generate the example scenario (seeded, so the same every time) and run the main
# job on it. Usage: run-example.sh BUILD_DIR OUT_DIR
set -euo pipefail
build=${1:-build}
out=${2:-$build/example}
mkdir -p "$out"
if [ ! -s "$out/posts.v1.jsonl" ]; then
  echo "generating the example scenario in $out ..."
  "$build/chorus-synth" --seed 1 --format all -o "$out" --quiet > /dev/null
fi
echo
echo "== chorus scan $out/posts.v1.jsonl -s $out/statements.jsonl -o $out/chorus.db"
"$build/chorus" scan "$out/posts.v1.jsonl" -s "$out/statements.jsonl" -o "$out/chorus.db" \
  --progress none
if [ "$("$build/chorus" help | grep -c '^  report')" -gt 0 ]; then
  "$build/chorus" report "$out/chorus.db" -o "$out/report.html" > /dev/null
  echo
  echo "report:       $out/report.html  (open it in a browser)"
fi
echo
echo "results:      $out/chorus.db  (chorus inspect $out/chorus.db --cluster 0)"
echo "inputs:       $out/posts.*  (the same scenario in every supported format)"
echo "statements:   $out/statements.jsonl"
echo "ground truth: $out/truth.jsonl"
