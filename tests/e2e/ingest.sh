#!/usr/bin/env bash
# End-to-end: `chorus ingest` on real-format files (shared samples and generated ones), every
# compression, standard input, bad records, exit codes.
. "$(dirname "$0")/lib.sh"

# --- command line basics
check "--version" "$CHORUS" --version
out=$("$CHORUS" --help); check "--help lists ingest" grep -q ingest <<<"$out"
"$CHORUS" nosuchcmd 2>/dev/null; eq "unknown command exit" $? 2
"$CHORUS" ingest 2>/dev/null; eq "ingest without input exit" $? 2
"$CHORUS" ingest --format nope x 2>/dev/null; eq "unknown --format exit" $? 2
err=$("$CHORUS" ingest /nonexistent/posts.jsonl 2>&1 >/dev/null); rc=$?
eq "missing file exit" $rc 1
check "missing file message" grep -q "chorus: /nonexistent/posts.jsonl: cannot open" <<<"$err"
head -c 3000 /dev/urandom > "$TMP/junk.bin"
"$CHORUS" ingest "$TMP/junk.bin" 2>"$TMP/err" >/dev/null; eq "undetectable format exit" $? 1
check "undetectable format message" grep -q "format" "$TMP/err"

# --- empty file: no posts, refused (exit 1) with a message saying so
: > "$TMP/empty.jsonl"
j=$("$CHORUS" ingest --json "$TMP/empty.jsonl" 2>"$TMP/empty.err"); eq "empty exit" $? 1
grep -q "empty.jsonl: no posts read: the file is empty" "$TMP/empty.err"; eq "empty says so" $? 0
eq "empty posts" "$(jget "$j" posts)" 0

# --- real twarc v2 pages: count distinct tweet ids independently with python
if [ -d "$SHARED/twitter-api-v2-fixtures-twarc-csv" ]; then
  f=$SHARED/twitter-api-v2-fixtures-twarc-csv/brexit.jsonl
  want=$(python3 - "$f" <<'PY'
import json, sys
ids = set()
for line in open(sys.argv[1]):
    page = json.loads(line)
    data = page.get("data", [])
    if isinstance(data, dict): data = [data]
    for t in data + page.get("includes", {}).get("tweets", []):
        ids.add(t["id"])
print(len(ids))
PY
)
  j=$("$CHORUS" ingest --json "$f"); eq "brexit exit" $? 0
  eq "brexit posts = distinct tweet ids" "$(jget "$j" posts)" "$want"
  eq "brexit no errors" "$(jget "$j" errors)" 0
else
  echo "SKIP: $SHARED/twitter-api-v2-fixtures-twarc-csv absent (shared sample data not installed)"
fi

# --- CooRTweet table: known layout needs no --map
if [ -f "$SHARED/coortweet-russian-coord-retweets/russian_coord_tweets.csv" ]; then
  f=$SHARED/coortweet-russian-coord-retweets/russian_coord_tweets.csv
  j=$("$CHORUS" ingest --json "$f"); eq "coortweet exit" $? 0
  # 40 content_ids occur twice in the file: kept once
  eq "coortweet records" "$(jget "$j" records)" 35125
  eq "coortweet posts" "$(jget "$j" posts)" 35085
  eq "coortweet duplicates" "$(jget "$j" duplicates)" 40
  eq "coortweet accounts" "$(jget "$j" accounts)" 9509
  eq "coortweet reposts" "$(jget "$j" by_kind.repost)" 35085
  j=$("$CHORUS" ingest --json "$f" --map id=content_id,author_id=account_id,ref_id=object_id,time=timestamp_share)
  eq "coortweet with explicit map" "$(jget "$j" posts)" 35085
  # without an id column every row is its own post (ids from file and line)
  j=$("$CHORUS" ingest --json "$f" --map author_id=account_id,ref_id=object_id,time=timestamp_share)
  eq "coortweet without ids" "$(jget "$j" posts)" 35125
else
  echo "SKIP: $SHARED/coortweet-russian-coord-retweets absent (shared sample data not installed)"
fi

# --- generated scenario in every format, plain / gz / zst / stdin agree
"$SYNTH" --seed 3 --posts 3000 --format all -o "$TMP/s" >/dev/null || bad "synth failed"
v1=$TMP/s/posts.v1.jsonl
j=$("$CHORUS" ingest --json "$v1"); n=$(jget "$j" posts)
check "v1 posts > 0" test "$n" -gt 0
eq "v1 no errors" "$(jget "$j" errors)" 0
gzip -c "$v1" > "$TMP/v1.jsonl.gz"; zstd -q -c "$v1" > "$TMP/v1.jsonl.zst"
eq "gz same posts" "$(jget "$("$CHORUS" ingest --json "$TMP/v1.jsonl.gz")" posts)" "$n"
eq "zst same posts" "$(jget "$("$CHORUS" ingest --json "$TMP/v1.jsonl.zst")" posts)" "$n"
eq "stdin same posts" "$(jget "$("$CHORUS" ingest --json - < "$v1")" posts)" "$n"
eq "gz on stdin same posts" "$(jget "$("$CHORUS" ingest --json - < "$TMP/v1.jsonl.gz")" posts)" "$n"
for f in "$TMP"/s/posts.v2.jsonl "$TMP"/s/posts.io.csv "$TMP"/s/posts.chorus.jsonl; do
  [ -f "$f" ] || { bad "missing $f"; continue; }
  j=$("$CHORUS" ingest --json "$f"); eq "$(basename "$f") exit" $? 0
  eq "$(basename "$f") no errors" "$(jget "$j" errors)" 0
  check "$(basename "$f") posts > 0" test "$(jget "$j" posts)" -gt 0
done
# the same file twice: every post is a duplicate the second time
j=$("$CHORUS" ingest --json "$v1" "$v1")
eq "same file twice posts" "$(jget "$j" posts)" "$n"

# --- bad records between good ones: skipped, counted by reason, nothing else lost
{
  head -n 100 "$v1"
  echo '{"id_str": "1", "text": "unterminated'
  printf '{"id_str":"2","text":"\xff\xfe bad utf8","user":{"id_str":"9"}}\n'
  python3 -c 'print("["*10000 + "]"*10000)'
  echo 'not json at all'
  sed -n '101,200p' "$v1"
} > "$TMP/mixed.jsonl"
want=$("$CHORUS" ingest --json --format twitter-v1 <(head -n 200 "$v1") | python3 -c 'import json,sys; print(json.load(sys.stdin)["posts"])')
j=$("$CHORUS" ingest --json --format twitter-v1 "$TMP/mixed.jsonl" 2>"$TMP/err"); eq "mixed exit" $? 0
eq "mixed posts kept" "$(jget "$j" posts)" "$want"
eq "mixed errors" "$(jget "$j" errors)" 4
check "error names file:line" grep -q "chorus: $TMP/mixed.jsonl:101: " "$TMP/err"
check "error line 104" grep -q "mixed.jsonl:104: " "$TMP/err"
"$CHORUS" ingest --strict --quiet --format twitter-v1 "$TMP/mixed.jsonl" >/dev/null 2>&1
eq "strict exit" $? 1

# --- a truncated .gz keeps what was complete and reports truncation
head -c $(( $(stat -c %s "$TMP/v1.jsonl.gz") / 2 )) "$TMP/v1.jsonl.gz" > "$TMP/trunc.jsonl.gz"
j=$("$CHORUS" ingest --json "$TMP/trunc.jsonl.gz" 2>"$TMP/err"); eq "truncated gz exit" $? 0
check "truncated gz kept some" test "$(jget "$j" posts)" -gt 0
eq "truncated gz counted" "$(jget "$j" errors_by_reason.truncated)" 1
check "truncated gz message" grep -q "truncated" "$TMP/err"

# --- a line over the limit (the default limit is 16 MiB; use a 20 MB line)
{ head -n 5 "$v1"; python3 -c 'print("{\"text\":\"" + "x"*20000000 + "\"}")'; sed -n '6,10p' "$v1"; } > "$TMP/huge.jsonl"
want=$("$CHORUS" ingest --json <(head -n 10 "$v1") --format twitter-v1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["posts"])')
j=$("$CHORUS" ingest --json --format twitter-v1 "$TMP/huge.jsonl" 2>/dev/null)
eq "huge line others kept" "$(jget "$j" posts)" "$want"
eq "huge line counted" "$(jget "$j" errors_by_reason.too_long)" 1

# --- text output names the essentials
out=$("$CHORUS" ingest "$v1")
for w in posts accounts "time range" skipped; do check "text output has $w" grep -q "$w" <<<"$out"; done

finish
