#!/usr/bin/env bash
# End-to-end: `chorus scan --memory LIMIT` (docs/scale.md). Under a tiny budget the post texts
# go to a temporary file in $TMPDIR mapped back; the results database is, table by table, the
# one of the scan without a budget; the file is gone afterwards; a spill that cannot be written
# stops the scan with a message, leaving no database; sizes are parsed and refused clearly.
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
# the same through the option key, and sizes written other ways
TMPDIR="$TMP/spill" "$CHORUS" scan "${inputs[@]}" -s "$TMP/s/statements.jsonl" -o "$TMP/kib.db" \
  --memory 2048KiB --quiet
eq "--memory 2048KiB" $? 0
db_dump "$TMP/kib.db" > "$TMP/kib.txt"
check "--memory 2048KiB: same tables" cmp -s "$TMP/one.txt" "$TMP/kib.txt"

# a spill that cannot be written: the scan stops, says why, writes nothing
TMPDIR="$TMP/nonexistent" "$CHORUS" scan "${inputs[@]}" -o "$TMP/fail.db" --memory 1M --quiet \
  2>"$TMP/fail.err"
eq "unwritable spill: exit" $? 1
check "unwritable spill: says why" grep -q "cannot spill post texts.*cannot create a temporary file" "$TMP/fail.err"
check "unwritable spill: no database" test ! -e "$TMP/fail.db"
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
