#!/usr/bin/env bash
# End-to-end: `chorus scan --memory LIMIT` (docs/scale.md). Under a tiny budget the post texts
# go to a temporary file in $TMPDIR mapped back; the results database is, table by table, the
# one of the scan without a budget; the co-action events go through sorted runs on disk (the
# run table counts them); the files are gone afterwards; a spill that cannot be written (texts
# or events) stops the scan with a message, leaving no database; sizes are parsed and refused
# clearly.
. "$(dirname "$0")/lib.sh"

"$SYNTH" --seed 11 --posts 5000 --scenario all --format chorus,twitter-v1,io-csv -o "$TMP/s" \
  >/dev/null || bad "synth failed"
inputs=("$TMP/s/posts.chorus.jsonl" "$TMP/s/posts.v1.jsonl" "$TMP/s/posts.io.csv")
mkdir -p "$TMP/spill"

"$CHORUS" scan "${inputs[@]}" -s "$TMP/s/statements.jsonl" -o "$TMP/one.db" --quiet
eq "scan without a budget" $? 0
db_dump "$TMP/one.db" > "$TMP/one.txt"
check "posts written" test "$(sqlite3 "$TMP/one.db" 'SELECT count(*) FROM posts')" -gt 10000

# 1M: past half a MiB of corpus, every text spills (the three inputs hold about 15,000 posts)
TMPDIR="$TMP/spill" "$CHORUS" scan "${inputs[@]}" -s "$TMP/s/statements.jsonl" -o "$TMP/small.db" \
  --memory 1M --quiet
eq "scan under --memory 1M" $? 0
db_dump "$TMP/small.db" > "$TMP/small.txt"
if cmp -s "$TMP/one.txt" "$TMP/small.txt"; then ok; else
  bad "--memory 1M: tables differ from the scan without a budget"
  diff "$TMP/one.txt" "$TMP/small.txt" | head -20 >&2
fi
eq "no spill file left in TMPDIR" "$(ls -A "$TMP/spill")" ""
# the co-action events went through sorted runs on disk (several, merged by object key), and
# the scan without a budget wrote none
runs=$(sqlite3 "$TMP/small.db" "SELECT value FROM run WHERE key='spill.coact_runs'")
check "--memory 1M: co-action events spilled in several runs ($runs)" test "${runs:-0}" -gt 2
check "--memory 1M: the spilled events counted" \
  test "$(sqlite3 "$TMP/small.db" "SELECT value FROM run WHERE key='spill.coact_events'")" -gt 1000
check "--memory 1M: narrative sketches spilled" \
  test "$(sqlite3 "$TMP/small.db" "SELECT value FROM run WHERE key='spill.narrative_sketch_bytes'")" -gt 100000
eq "no budget: nothing spilled" "$(sqlite3 "$TMP/one.db" "SELECT count(*) FROM run WHERE key LIKE 'spill.%'")" 0
# the same through the option key, and sizes written other ways
TMPDIR="$TMP/spill" "$CHORUS" scan "${inputs[@]}" -s "$TMP/s/statements.jsonl" -o "$TMP/kib.db" \
  --memory 2048KiB --quiet
eq "--memory 2048KiB" $? 0
db_dump "$TMP/kib.db" > "$TMP/kib.txt"
check "--memory 2048KiB: same tables" cmp -s "$TMP/one.txt" "$TMP/kib.txt"
runs2=$(sqlite3 "$TMP/kib.db" "SELECT value FROM run WHERE key='spill.coact_runs'")
check "--memory 2048KiB: fewer, larger runs ($runs2 < $runs)" test "${runs2:-0}" -gt 0 -a "${runs2:-0}" -lt "${runs:-0}"

# a spill that cannot be written: the scan stops, says why, writes nothing
TMPDIR="$TMP/nonexistent" "$CHORUS" scan "${inputs[@]}" -o "$TMP/fail.db" --memory 1M --quiet \
  2>"$TMP/fail.err"
eq "unwritable spill: exit" $? 1
check "unwritable spill: says why" grep -q "cannot spill post texts.*cannot create a temporary file" "$TMP/fail.err"
check "unwritable spill: no database" test ! -e "$TMP/fail.db"
# a disk that fills up: each spill file reserves a 64 MiB chunk first (the texts', then the
# narrative sketches', then the co-action events'); once the texts (or the texts and the
# sketches) have their room, the next cannot be written: the scan stops, says why, writes
# nothing, leaves no file in TMPDIR
if [ -n "${FAULT_SHIM:-}" ] && [ -e "$FAULT_SHIM" ]; then
  for case in "1:narrative sketches" "2:co-action events"; do
    files=${case%%:*} what=${case#*:}
    ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0 FAULT_SHIM_MODE=ENOSPC \
      FAULT_SHIM_MATCH=chorus-spill FAULT_SHIM_AFTER=$((files * (64 << 20))) \
      LD_PRELOAD=$FAULT_SHIM TMPDIR="$TMP/spill" "$CHORUS" scan "${inputs[@]}" \
      -s "$TMP/s/statements.jsonl" -o "$TMP/full.db" --memory 1M --quiet 2>"$TMP/full.err"
    eq "disk full while spilling $what: exit" $? 1
    check "disk full while spilling $what: says why" grep -q \
      "cannot spill $what past the memory budget.*cannot extend the temporary file: No space left on device" \
      "$TMP/full.err"
    check "disk full while spilling $what: no database" test ! -e "$TMP/full.db"
    eq "disk full while spilling $what: no file left" "$(ls -A "$TMP/spill")" ""
  done
else
  echo "SKIP: disk-full cases of the sketches and events: no fault shim (FAULT_SHIM unset)" >&2
fi
# ... which the default budget (half the physical memory) never needs for so few posts
TMPDIR="$TMP/nonexistent" "$CHORUS" scan "${inputs[@]}" -o "$TMP/auto.db" --memory auto --quiet
eq "default budget: no spill" $? 0

# sizes refused
for v in 1K 0 -5 2X 1.5G ""; do
  "$CHORUS" scan "${inputs[0]}" -o "$TMP/x.db" --memory "$v" --quiet 2>"$TMP/err"
  eq "--memory '$v' refused" $? 2
  check "--memory '$v': message names the flag" grep -q "memory.*takes auto or a size" "$TMP/err"
done
check "help lists --memory" sh -c "'$CHORUS' help scan | grep -q -- '--memory LIMIT'"
finish
