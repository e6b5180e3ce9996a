#!/usr/bin/env bash
# End-to-end: `chorus scan` writes the results database of the contract; `chorus inspect`
# reads it back; failures never replace a good database.
. "$(dirname "$0")/lib.sh"

"$SYNTH" --seed 11 --posts 20000 -o "$TMP/s" >/dev/null || bad "synth failed"
db=$TMP/out.db
j=$("$CHORUS" scan "$TMP/s/posts.v1.jsonl" -s "$TMP/s/statements.jsonl" -o "$db" --json --quiet)
eq "scan exit" $? 0
check "database written" test -s "$db"
check "no temporary file left" test -z "$(ls "$TMP" | grep 'out.db.tmp')"
posts=$(jget "$j" posts)
check "posts > 0" test "$posts" -gt 0
check "statements loaded" test "$(jget "$j" statements)" -gt 0
check "matches found" test "$(jget "$j" matches)" -gt 0
q() { sqlite3 "$db" "$1"; }
eq "posts table = summary" "$(q 'SELECT count(*) FROM posts')" "$posts"
eq "accounts table = summary" "$(q 'SELECT count(*) FROM accounts')" "$(jget "$j" accounts)"
eq "clusters table = summary" "$(q 'SELECT count(*) FROM clusters')" "$(jget "$j" clusters)"
eq "matches table = summary" "$(q 'SELECT count(*) FROM matches')" "$(jget "$j" matches)"
eq "edges table = summary" "$(q 'SELECT count(*) FROM edges')" "$(jget "$j" edges)"
for t in run statements posts accounts clusters edges matches ingest_errors; do
  check "table $t exists" test "$(q "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='$t'")" = 1
done
eq "run has version" "$(q "SELECT value FROM run WHERE key='version'")" "$("$CHORUS" --version | cut -d' ' -f2)"
check "run has timings" test "$(q "SELECT count(*) FROM run WHERE key LIKE 'time.%'")" -ge 5
eq "scores within 0..1" "$(q 'SELECT count(*) FROM accounts WHERE score < 0 OR score > 1')" 0
eq "every account scored" "$(q 'SELECT count(*) FROM accounts WHERE score IS NULL')" 0
check "reasons are JSON" test "$(q "SELECT count(*) FROM accounts WHERE json_valid(reasons)")" = "$(jget "$j" accounts)"
eq "clustered accounts point at clusters" \
   "$(q 'SELECT count(*) FROM accounts WHERE cluster_id IS NOT NULL AND cluster_id NOT IN (SELECT cluster_id FROM clusters)')" 0
eq "cluster sizes match members" \
   "$(q 'SELECT count(*) FROM clusters c WHERE size != (SELECT count(*) FROM accounts a WHERE a.cluster_id = c.cluster_id)')" 0
# evidence spans point inside the texts and the post passage is real text of the post
eq "match spans inside texts" \
   "$(q 'SELECT count(*) FROM matches m JOIN posts p USING(post_id) JOIN statements s USING(statement_id) WHERE m.post_start < 0 OR m.post_end > length(CAST(p.text AS BLOB)) OR m.post_start >= m.post_end OR m.stmt_end > length(CAST(s.text AS BLOB))')" 0
# the database agrees with the ground truth on at least one planted campaign member
if [ "$(jget "$j" clusters)" -gt 0 ]; then
  out=$("$CHORUS" inspect "$db" --cluster 0); eq "inspect cluster exit" $? 0
  check "inspect cluster lists members" grep -q "members" <<<"$out"
  handle=$(q 'SELECT handle FROM accounts WHERE cluster_id = 0 LIMIT 1')
  out=$("$CHORUS" inspect "$db" --account "$handle"); eq "inspect account exit" $? 0
  check "inspect account shows score" grep -q "score" <<<"$out"
fi
out=$("$CHORUS" inspect "$db"); eq "inspect overview exit" $? 0
check "overview names clusters" grep -q "clusters" <<<"$out"
"$CHORUS" inspect "$db" --cluster 99999 >/dev/null 2>&1; eq "inspect unknown cluster exit" $? 1
"$CHORUS" inspect "$TMP/nope.db" >/dev/null 2>&1; eq "inspect missing db exit" $? 1

# a failing run (missing input) leaves the previous database untouched
before=$(md5sum < "$db")
"$CHORUS" scan /nonexistent.jsonl -o "$db" --quiet >/dev/null 2>&1; eq "scan missing input exit" $? 1
eq "database unchanged after a failed run" "$(md5sum < "$db")" "$before"
# one unreadable input among readable ones: results over the others, exit 1
"$CHORUS" scan "$TMP/s/posts.v1.jsonl" /nonexistent.jsonl -o "$TMP/partial.db" --quiet >/dev/null 2>"$TMP/err"
eq "partial inputs exit" $? 1
check "partial inputs database written" test -s "$TMP/partial.db"
check "partial inputs say so" grep -q "could not be read" "$TMP/err"
"$CHORUS" scan "$TMP/s/posts.v1.jsonl" /nonexistent.jsonl -o "$TMP/strict.db" --strict --quiet >/dev/null 2>&1
eq "partial inputs with --strict exit" $? 1
check "no database with --strict" test ! -e "$TMP/strict.db"
# real organic posts (twarc samples): no coordinated cluster
if [ -f "$SHARED/twitter-api-v2-fixtures-twarc-csv/brexit.jsonl" ]; then
  j=$("$CHORUS" scan "$SHARED"/twitter-api-v2-fixtures-twarc-csv/{brexit,kpop,2sets,flat,noflat,entities_test}.jsonl -o "$TMP/real.db" --quiet --json 2>/dev/null)
  eq "real organic samples: no cluster" "$(jget "$j" clusters)" 0
  eq "real organic samples: nobody flagged" "$(jget "$j" flagged_accounts)" 0
else
  echo "SKIP: real organic samples: $SHARED/twitter-api-v2-fixtures-twarc-csv absent"
fi
"$CHORUS" scan "$TMP/s/posts.v1.jsonl" -o /nonexistent-dir/x.db --quiet >/dev/null 2>&1
eq "unwritable output exit" $? 1
"$CHORUS" scan --window -5 x 2>/dev/null; eq "bad window exit" $? 2

# without statements, on a real table of retweets
f=$SHARED/coortweet-russian-coord-retweets/russian_coord_tweets.csv
if [ -f "$f" ]; then
  j=$("$CHORUS" scan "$f" -o "$TMP/coor.db" --window 60 --json --quiet); eq "coortweet scan exit" $? 0
  eq "coortweet posts" "$(jget "$j" posts)" 35085
  eq "coortweet window" "$(jget "$j" window)" 60
else
  echo "SKIP: coortweet scan: $f absent (shared sample data not installed)"
fi

# results do not depend on the number of threads
"$CHORUS" scan "$TMP/s/posts.v1.jsonl" -s "$TMP/s/statements.jsonl" -o "$TMP/t1.db" --threads 1 --quiet >/dev/null
"$CHORUS" scan "$TMP/s/posts.v1.jsonl" -s "$TMP/s/statements.jsonl" -o "$TMP/t2.db" --threads 2 --quiet >/dev/null
for t in accounts clusters edges matches posts; do
  a=$(sqlite3 "$TMP/t1.db" "SELECT * FROM $t ORDER BY 1,2" | md5sum)
  b=$(sqlite3 "$TMP/t2.db" "SELECT * FROM $t ORDER BY 1,2" | md5sum)
  eq "$t identical with 1 and 2 threads" "$a" "$b"
done
finish
