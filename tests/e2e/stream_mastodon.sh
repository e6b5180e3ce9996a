#!/usr/bin/env bash
# End-to-end: the Mastodon streaming source against the local replay server in Mastodon mode
# (tests/tools/ws_replay.c): update payloads unescaped and handed out in order, deletes
# counted; a dropped connection whose missed statuses come back from the REST timeline
# (min_id paging) with nothing lost or doubled; the hashtag timeline; the access token (file or
# environment, refused when missing or too open); a restart from a saved cursor.
. "$(dirname "$0")/lib.sh"

REPLAY=$BUILD/ws_replay
CAT=$BUILD/stream_cat
PY=/usr/bin/python3
SERVERS=()
trap 'for p in "${SERVERS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT

start_server() {
  local name=$1; shift
  rm -f "$TMP/$name.port"
  "$REPLAY" --mode mastodon --port-file "$TMP/$name.port" --log "$TMP/$name.log" "$@" \
    2>"$TMP/$name.err" &
  SERVERS+=($!)
  for _ in $(seq 100); do [ -s "$TMP/$name.port" ] && break; sleep 0.05; done
  PORT=$(cat "$TMP/$name.port" 2>/dev/null)
  [ -n "$PORT" ] || { bad "$name: replay server did not start: $(cat "$TMP/$name.err")"; PORT=1; }
}
stat_of() { # stat_of STATS_FILE KEY: a counter of the first source from stream_cat --stats
  grep -m1 '^{"source":0' "$1" | sed -n "s/.*\"$2\":\"\{0,1\}\([^,\"}]*\).*/\1/p"
}

# 600 statuses (ids growing, as Mastodon's do), with quotes, backslashes, non-ASCII text and
# an emoji that JSON escaping must survive; a delete event every 50 statuses.
$PY - "$TMP/feed.jsonl" "$TMP/statuses.jsonl" <<'PY'
import json, sys
feed, want = open(sys.argv[1], "w"), open(sys.argv[2], "w")
for i in range(600):
    sid = str(111000000000000000 + i * 131)
    st = {"id": sid, "created_at": "2024-05-01T12:%02d:%02d.000Z" % (i // 60 % 60, i % 60),
          "content": "<p>status %d \"quoted\" \\ back \u00e9\u00e8 \u6f22 \U0001F600 #vote</p>" % i,
          "account": {"id": str(1000 + i % 17), "acct": "user%d@example.org" % (i % 17)},
          "tags": [{"name": "vote"}], "visibility": "public"}
    line = json.dumps(st, ensure_ascii=False, separators=(",", ":"))
    feed.write(line + "\n")
    want.write(line + "\n")
    if i % 50 == 10:
        feed.write(json.dumps({"stream": ["public"], "event": "delete", "payload": sid}) + "\n")
PY
same_statuses() { # same_statuses GOT WANT: the same statuses, in the same order
  $PY -c 'import json,sys
a=[json.loads(l) for l in open(sys.argv[1])]; b=[json.loads(l) for l in open(sys.argv[2])]
sys.exit(0 if a==b else 1)' "$1" "$2"
}

# --- every status once, in order; deletes counted, not handed out
start_server plain --file "$TMP/feed.jsonl"
"$CAT" "mastodon:ws://127.0.0.1:$PORT/api/v1/streaming?stream=public" --expect 600 \
  --linger-ms 300 --timeout-ms 10000 --stats >"$TMP/out" 2>"$TMP/err"
eq "plain exit" $? 0
check "plain: every status once, in order, unescaped" same_statuses "$TMP/out" "$TMP/statuses.jsonl"
eq "plain: deletes counted" "$(stat_of "$TMP/err" deletes)" 12
eq "plain: cursor = last status id" "$(stat_of "$TMP/err" cursor)" "$((111000000000000000 + 599 * 131))"

# --- two drops; while the client is away 40 more statuses are posted: the REST backfill
# fetches them, the stream's copies are dropped as duplicates
start_server drop --file "$TMP/feed.jsonl" --drop-after 150 --drops 2 --gap 40
"$CAT" "mastodon:ws://127.0.0.1:$PORT/api/v1/streaming?stream=public" --expect 600 \
  --linger-ms 300 --timeout-ms 15000 --stats --backoff-min-ms 50 >"$TMP/out" 2>"$TMP/err"
eq "drop exit" $? 0
check "drop: every status once, in order" same_statuses "$TMP/out" "$TMP/statuses.jsonl"
eq "drop: reconnects" "$(stat_of "$TMP/err" reconnects)" 2
check "drop: statuses came from the backfill" test "$(stat_of "$TMP/err" backfilled)" -ge 80
check "drop: the public timeline was paged with min_id" \
  grep -q "rest min_id=1110000000000" "$TMP/drop.log"
check "drop: reported" grep -q "fetched [0-9]* statuses missed while disconnected" "$TMP/err"

# without the backfill, the statuses posted during the gaps are missing (the reason for it)
start_server nobf --file "$TMP/feed.jsonl" --drop-after 150 --drops 2 --gap 40
"$CAT" "mastodon:ws://127.0.0.1:$PORT/api/v1/streaming?stream=public" --no-backfill \
  --expect 520 --linger-ms 300 --timeout-ms 15000 --backoff-min-ms 50 >"$TMP/out" 2>/dev/null
check "no backfill: the gaps are lost" test "$(wc -l <"$TMP/out")" -lt 600

# --- hashtag timeline: the backfill uses /api/v1/timelines/tag/NAME
start_server tag --file "$TMP/feed.jsonl" --drop-after 200 --drops 1 --gap 30
"$CAT" "mastodon:ws://127.0.0.1:$PORT/api/v1/streaming?stream=hashtag&tag=vote" --expect 600 \
  --linger-ms 300 --timeout-ms 15000 --backoff-min-ms 50 >"$TMP/out" 2>/dev/null
eq "hashtag exit" $? 0
check "hashtag: every status once, in order" same_statuses "$TMP/out" "$TMP/statuses.jsonl"

# --- access token: from a file (mode 600) or the environment; never the command line
start_server tok --file "$TMP/feed.jsonl" --token "s3cr3t-token" --drop-after 300 --drops 1 --gap 20
printf 's3cr3t-token\n' >"$TMP/token"
chmod 600 "$TMP/token"
"$CAT" --token-file "$TMP/token" "mastodon:ws://127.0.0.1:$PORT/api/v1/streaming?stream=public" \
  --expect 600 --linger-ms 200 --timeout-ms 15000 --backoff-min-ms 50 >"$TMP/out" 2>/dev/null
eq "token file exit" $? 0
check "token file: stream and backfill authorised" same_statuses "$TMP/out" "$TMP/statuses.jsonl"
check "token file: the backfill carried it" grep -q "^rest " "$TMP/tok.log"
start_server tok2 --file "$TMP/feed.jsonl" --token "s3cr3t-token"
CHORUS_TEST_MASTODON_TOKEN=s3cr3t-token "$CAT" --token-env CHORUS_TEST_MASTODON_TOKEN \
  "mastodon:ws://127.0.0.1:$PORT/api/v1/streaming?stream=public" --expect 10 --timeout-ms 10000 \
  >"$TMP/out" 2>/dev/null
eq "token env exit" $? 0
"$CAT" "mastodon:ws://127.0.0.1:$PORT/api/v1/streaming?stream=public" --expect 1 \
  --timeout-ms 10000 --max-retries 1 --backoff-min-ms 50 >/dev/null 2>"$TMP/err"
eq "no token: refused" $? 1
check "no token: server refused it" grep -q "refused: bad or missing token" "$TMP/tok2.log"
chmod 644 "$TMP/token"
"$CAT" --token-file "$TMP/token" "mastodon:ws://127.0.0.1:$PORT/api/v1/streaming?stream=public" \
  --expect 1 --timeout-ms 2000 >/dev/null 2>"$TMP/err"
eq "token file readable by others: refused" $? 2
check "token file readable by others: says chmod" grep -q "chmod 600" "$TMP/err"
"$CAT" "mastodon:ws://127.0.0.1:$PORT/api/v1/streaming?stream=public&access_token=x" \
  --expect 1 --timeout-ms 2000 >/dev/null 2>"$TMP/err"
eq "token in the URL: refused" $? 2

# --- restart: a first run stops after 250 statuses and saves its cursor; more statuses are
# posted before a second run resumes from the cursor (backfill, then the stream)
start_server restart --file "$TMP/feed.jsonl"
"$CAT" "mastodon:ws://127.0.0.1:$PORT/api/v1/streaming?stream=public" --stop-after 250 \
  --timeout-ms 10000 --cursor-file "$TMP/cur" >"$TMP/out1" 2>/dev/null
eq "restart: first run exit" $? 0
n1=$(wc -l <"$TMP/out1")
"$CAT" --cursor "$(cut -f2 "$TMP/cur")" "mastodon:ws://127.0.0.1:$PORT/api/v1/streaming?stream=public" \
  --expect $((600 - n1)) --linger-ms 300 --timeout-ms 15000 >"$TMP/out2" 2>/dev/null
eq "restart: second run exit" $? 0
cat "$TMP/out1" "$TMP/out2" >"$TMP/both"
check "restart: both runs together hold every status once, in order" \
  same_statuses "$TMP/both" "$TMP/statuses.jsonl"

finish
