#!/usr/bin/env bash
# End-to-end: `chorus match` on a fixture of statements (.md with front matter, .txt, .jsonl with
# a bad line, a file to ignore) and posts of every paraphrase kind and hard negatives, against
# the expected output; options, exit codes, spans, threads, stdin; and a recall check on a
# generated scenario when chorus-synth is built.
. "$(dirname "$0")/lib.sh"
D=$SRC/tests/data/match

# --- command line basics
out=$("$CHORUS" match --help); eq "help exit" $? 0
check "help has examples" grep -q "examples:" <<<"$out"
check "help names -s" grep -q -- "--statements" <<<"$out"
"$CHORUS" match "$D/posts.jsonl" 2>"$TMP/err" >/dev/null; eq "no -s exit" $? 2
check "no -s message" grep -q "no statements" "$TMP/err"
"$CHORUS" match -s "$D/statements" 2>/dev/null >/dev/null; eq "no input exit" $? 2
"$CHORUS" match -s "$D/statements" --threshold 1.5 "$D/posts.jsonl" 2>/dev/null; eq "bad threshold exit" $? 2
"$CHORUS" match -s "$D/statements" --threshold abc "$D/posts.jsonl" 2>/dev/null; eq "bad threshold text exit" $? 2
"$CHORUS" match -s "$D/statements" --threads x "$D/posts.jsonl" 2>/dev/null; eq "bad threads exit" $? 2
"$CHORUS" match -q -s "$D/statements" --threads 0 "$D/posts.jsonl" >"$TMP/all-cores"; eq "threads 0 (all cores) exit" $? 0
check "threads 0 gives the same matches" cmp -s "$TMP/all-cores" <("$CHORUS" match -q -s "$D/statements" "$D/posts.jsonl")
"$CHORUS" match -s "$D/statements" --nope "$D/posts.jsonl" 2>/dev/null; eq "unknown option exit" $? 2
"$CHORUS" match -s /nonexistent/st.jsonl "$D/posts.jsonl" 2>"$TMP/err" >/dev/null; eq "missing statements exit" $? 1
check "missing statements message" grep -q "chorus: /nonexistent/st.jsonl: cannot open" "$TMP/err"
: > "$TMP/empty.jsonl"
"$CHORUS" match -s "$TMP/empty.jsonl" "$D/posts.jsonl" 2>"$TMP/err" >/dev/null; eq "no statements loaded exit" $? 1
check "no statements loaded message" grep -q "no statements loaded" "$TMP/err"
"$CHORUS" match -s "$D/statements" /nonexistent/posts.jsonl 2>/dev/null >/dev/null; eq "missing input exit" $? 1

# --- the fixture: exact expected output, summary and diagnostics on stderr
"$CHORUS" match -s "$D/statements" "$D/posts.jsonl" >"$TMP/out" 2>"$TMP/err"; eq "fixture exit" $? 0
if cmp -s "$TMP/out" "$D/expected.jsonl"; then ok; else bad "fixture output differs"; diff "$D/expected.jsonl" "$TMP/out" >&2; fi
check "bad statement line reported" grep -q "ministry.jsonl:3: " "$TMP/err"
check "summary" grep -q "chorus: match: 11 posts read, 7 matched (1 repost of matched posts not counted again), 4 statements" "$TMP/err"
"$CHORUS" match -q -s "$D/statements" "$D/posts.jsonl" >/dev/null 2>"$TMP/err"
eq "quiet: nothing on stderr" "$(wc -c <"$TMP/err")" 0
"$CHORUS" match --strict -q -s "$D/statements" "$D/posts.jsonl" >/dev/null 2>&1; eq "strict: bad statement exit" $? 1

# every line: the spans' bytes are the excerpts; what matched and what did not
python3 - "$TMP/out" "$D/posts.jsonl" <<'PY' >"$TMP/check" 2>&1
import json, sys
posts = {p["id"]: p for p in map(json.loads, open(sys.argv[2], encoding="utf-8"))}
got = {}
for line in open(sys.argv[1], encoding="utf-8"):
    m = json.loads(line)
    t = posts[m["post_id"]]["text"].encode()
    assert t[m["post_start"]:m["post_end"]].decode() == m["post_excerpt"], m["post_id"]
    assert 0 < m["similarity"] <= 1
    for ps, pe, ss, se in m["segments"]:
        assert m["post_start"] <= ps < pe <= m["post_end"] and m["stmt_start"] <= ss < se <= m["stmt_end"]
    got[m["post_id"]] = (m["statement_id"], m["before_publication"])
want = {"p01": ("ferry", None), "p02": ("harbour-2023-03-01", False),
        "p04": ("harbour-2023-03-01", False), "p05": ("mfa-0307", True),
        "p06": ("mfa-0308-zh", False), "p07": ("mfa-0307", False),
        "p08": ("harbour-2023-03-01", False)}
assert got == want, got
print("ok")
PY
eq "spans and verdicts" "$(cat "$TMP/check")" ok

# --- options
n_all=$("$CHORUS" match -q --all -s "$D/statements" "$D/posts.jsonl" | wc -l)
check "--all gives at least the best" test "$n_all" -ge 7
n_hi=$("$CHORUS" match -q --threshold 0.95 -s "$D/statements" "$D/posts.jsonl" | wc -l)
check "--threshold 0.95 keeps fewer" test "$n_hi" -lt 7
"$CHORUS" match -q --split -s "$D/statements" "$D/posts.jsonl" >"$TMP/split"
check "--split ids" grep -q '"statement_id":"ferry#1"' "$TMP/split"
check "--split md ids" grep -q '"statement_id":"harbour-2023-03-01#3"' "$TMP/split"
"$CHORUS" match -q -s "$D/statements/ministry.jsonl" -s "$D/statements/ferry.txt" "$D/posts.jsonl" >"$TMP/two"
eq "-s repeated" "$(grep -c . "$TMP/two")" 4
"$CHORUS" match -q -s "$D/statements" - <"$D/posts.jsonl" >"$TMP/stdin"
check "stdin same output" cmp -s "$TMP/stdin" "$D/expected.jsonl"
gzip -c "$D/posts.jsonl" >"$TMP/posts.jsonl.gz"
"$CHORUS" match -q -s "$D/statements" "$TMP/posts.jsonl.gz" >"$TMP/gz"
check "gz same output" cmp -s "$TMP/gz" "$D/expected.jsonl"

# --- a generated scenario: threads agree, and most planted copies are found
if [ -x "$SYNTH" ]; then
  "$SYNTH" --quiet --seed 21 --posts 8000 -o "$TMP/s" || bad "synth failed"
  "$CHORUS" match -q -s "$TMP/s/statements.jsonl" "$TMP/s/posts.v1.jsonl" >"$TMP/m1"
  "$CHORUS" match -q --threads 2 -s "$TMP/s/statements.jsonl" "$TMP/s/posts.v1.jsonl" >"$TMP/m2"
  check "threads give the same output" cmp -s "$TMP/m1" "$TMP/m2"
  r=$(python3 - "$TMP/s/truth.jsonl" "$TMP/m1" <<'PY'
import json, sys
truth = {}
for l in open(sys.argv[1]):
    d = json.loads(l)
    if d.get("type") == "post" and d.get("statement_id"):
        truth[d["post_id"]] = d["statement_id"]
got = {}
for l in open(sys.argv[2]):
    d = json.loads(l)
    got[d["post_id"]] = d["statement_id"]
tp = sum(1 for p, s in got.items() if truth.get(p) == s)
print("%d %d %d" % (tp, len(got), len(truth)))
PY
)
  read -r tp ngot ntruth <<<"$r"
  check "scenario recall >= 0.9 ($tp of $ntruth)" test $((tp * 10)) -ge $((ntruth * 9))
  check "scenario precision >= 0.95 ($tp of $ngot)" test $((tp * 100)) -ge $((ngot * 95))
fi

finish
