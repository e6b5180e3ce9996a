#!/usr/bin/env bash
# End-to-end: what a person sees in the terminal. `chorus help COMMAND`; --progress plain (one
# line per input and stage, for logs and notebooks, never a carriage return) and none;
# --quiet quiet; a posts file given as statements warned about, statements given as posts
# named; `inspect` as aligned tables with handles and reasons in words (and --json for
# machines); the summary's "account pairs" the distinct pairs of the database.
. "$(dirname "$0")/lib.sh"

"$SYNTH" --seed 3 --posts 8000 -o "$TMP/s" --quiet >/dev/null 2>&1 || bad "synth failed"
posts=$TMP/s/posts.v1.jsonl
stmts=$TMP/s/statements.jsonl

# ---- help ---------------------------------------------------------------------------------------
for c in scan ingest match report export inspect; do
  a=$("$CHORUS" help $c 2>&1); eq "help $c exit" $? 0
  b=$("$CHORUS" $c --help 2>&1)
  eq "help $c = $c --help" "$a" "$b"
done
"$CHORUS" help bogus >/dev/null 2>&1; eq "help of an unknown command exit" $? 2
check "general help names 'chorus help COMMAND'" grep -q "chorus help COMMAND" <<<"$("$CHORUS" help)"

# ---- progress ---------------------------------------------------------------------------------
"$CHORUS" scan "$posts" -s "$stmts" -o "$TMP/p.db" --progress plain >"$TMP/out" 2>"$TMP/err"
eq "plain progress exit" $? 0
check "plain: a line when an input starts" grep -q "^scan: reading .*posts.v1.jsonl" "$TMP/err"
check "plain: a line when it is read" grep -q "^scan: read .*posts.v1.jsonl: [0-9,]* records in" "$TMP/err"
check "plain: a line per stage" grep -q "^scan: finding co-actions" "$TMP/err"
check "plain: the end" grep -q "^scan: done in [0-9.]* s" "$TMP/err"
check "plain: no carriage return or escape" test "$(tr -cd '\r\033' <"$TMP/err" | wc -c)" = 0
check "plain: the summary on stdout" grep -q "^clusters " "$TMP/out"
# stderr is not a terminal here: auto is plain
"$CHORUS" scan "$posts" -o "$TMP/a.db" >/dev/null 2>"$TMP/err"
check "auto without a terminal is plain" grep -q "^scan: done in" "$TMP/err"
"$CHORUS" scan "$posts" -o "$TMP/n.db" --progress none >/dev/null 2>"$TMP/err"
eq "none: nothing on stderr" "$(cat "$TMP/err")" ""
"$CHORUS" scan "$posts" -o "$TMP/x.db" --progress sometimes >/dev/null 2>"$TMP/err"
eq "bad --progress exit" $? 2
check "bad --progress message" grep -q "auto, bar, plain or none" "$TMP/err"
"$CHORUS" ingest "$posts" --progress plain >/dev/null 2>"$TMP/err"
check "ingest: plain progress" grep -q "^ingest: done in" "$TMP/err"

# ---- quiet --------------------------------------------------------------------------------------
"$CHORUS" scan "$posts" -s "$stmts" -o "$TMP/q.db" --quiet >"$TMP/out" 2>"$TMP/err"
eq "quiet exit" $? 0
eq "quiet: nothing on stdout" "$(cat "$TMP/out")" ""
eq "quiet: nothing on stderr" "$(cat "$TMP/err")" ""
j=$("$CHORUS" scan "$posts" -o "$TMP/qj.db" --quiet --json 2>/dev/null)
check "quiet --json: the JSON still" test -n "$(jget "$j" clusters)"
eq "quiet ingest: nothing" "$("$CHORUS" ingest "$posts" --quiet 2>&1)" ""

# ---- inputs in the wrong place ----------------------------------------------------------------
"$CHORUS" scan "$posts" -s "$posts" -o "$TMP/w.db" --progress none >/dev/null 2>"$TMP/err"
check "posts given as statements: warned" grep -q "looks like posts (twitter-v1 format), not statements" "$TMP/err"
"$CHORUS" scan "$stmts" -o "$TMP/w2.db" --progress none >/dev/null 2>"$TMP/err"
check "statements given as posts: named" grep -q "looks like statements, not posts" "$TMP/err"

# ---- inspect ------------------------------------------------------------------------------------
db=$TMP/p.db
out=$("$CHORUS" inspect "$db" --cluster 0); eq "inspect cluster exit" $? 0
head=$(grep -m1 "SCORE  ACCOUNT" <<<"$out")
check "inspect cluster: a table heading" test -n "$head"
# the columns line up: every member row has its handle where the heading's ACCOUNT is
col=$(awk -v h="$head" 'BEGIN{print index(h, "ACCOUNT")}')
rows=$(grep -c '^ *[0-9]\.[0-9][0-9]  @' <<<"$out")
aligned=$(awk -v c="$col" '/^ *[0-9]\.[0-9][0-9]  @/ && substr($0, c, 1) == "@"' <<<"$out" | wc -l)
check "inspect cluster: member rows" test "$rows" -gt 0
eq "inspect cluster: handles aligned under ACCOUNT" "$aligned" "$rows"
check "inspect cluster: reasons in words" grep -q "within [0-9.]* \(second\|minute\|hour\|day\)" <<<"$out"
check "inspect cluster: no raw seconds" test "$(grep -cE 'within [0-9]+ s\b' <<<"$out")" = 0
h=$(sqlite3 "$db" "SELECT handle FROM accounts WHERE cluster_id = 0 ORDER BY score DESC LIMIT 1")
out=$("$CHORUS" inspect "$db" --account "$h"); eq "inspect account exit" $? 0
check "inspect account: reasons one a line, no JSON" test "$(grep -c '"top_reasons"' <<<"$out")" = 0
check "inspect account: partners by handle" grep -q "^  @" <<<"$out"
j=$("$CHORUS" inspect "$db" --account "$h" --json); eq "inspect --json exit" $? 0
eq "inspect --json: the handle" "$(jget "$j" account.handle)" "$h"

# ---- one meaning of "pair" --------------------------------------------------------------------
pairs=$(sqlite3 "$db" 'SELECT count(*) FROM (SELECT DISTINCT account_a, account_b FROM edges)')
got=$(sed -n 's/^co-actions *\([0-9,]*\) account pairs.*/\1/p' "$TMP/out" | tr -d ,)
"$CHORUS" scan "$posts" -s "$stmts" -o "$TMP/p2.db" --progress none >"$TMP/out2"
got=$(sed -n 's/^co-actions *\([0-9,]*\) account pairs.*/\1/p' "$TMP/out2" | tr -d ,)
eq "summary pairs = distinct pairs of the database" "$got" "$pairs"
j=$("$CHORUS" scan "$posts" -s "$stmts" -o "$TMP/p3.db" --quiet --json)
eq "json pairs = distinct pairs of the database" "$(jget "$j" pairs)" "$pairs"
finish
