#!/usr/bin/env bash
# End-to-end: the Jetstream source against the local replay server (tests/tools/ws_replay.c)
# on 127.0.0.1: every event once and in order, a dropped connection resumed from the cursor
# without loss or duplicates, a restart from a saved cursor, volume, rate, zstd compression
# with a dictionary, wss:// with a test CA, an unreachable server, a clean stop on SIGTERM.
. "$(dirname "$0")/lib.sh"

REPLAY=$BUILD/ws_replay
CAT=$BUILD/stream_cat
PY=/usr/bin/python3
SERVERS=()
trap 'for p in "${SERVERS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT

# start_server NAME ARGS... : starts ws_replay, sets PORT (and the pid in SERVERS)
start_server() {
  local name=$1; shift
  rm -f "$TMP/$name.port"
  "$REPLAY" --port-file "$TMP/$name.port" --log "$TMP/$name.log" "$@" 2>"$TMP/$name.err" &
  SERVERS+=($!)
  for _ in $(seq 100); do [ -s "$TMP/$name.port" ] && break; sleep 0.05; done
  PORT=$(cat "$TMP/$name.port" 2>/dev/null)
  [ -n "$PORT" ] || { bad "$name: replay server did not start: $(cat "$TMP/$name.err")"; PORT=1; }
}
stat_of() { # stat_of STATS_FILE KEY: a counter of the first source from stream_cat --stats
  grep -m1 '^{"source":0' "$1" | sed -n "s/.*\"$2\":\"\{0,1\}\([^,\"}]*\).*/\1/p"
}
last_time_us() { tail -n 1 "$1" | sed -n 's/.*"time_us":\([0-9]*\).*/\1/p'; }

CORPUS=$SHARED/formats/bluesky/jetstream-corpus/expected_v1.jsonl
if [ -f "$CORPUS" ]; then
  # --- the real capture, every event once and in order
  start_server plain --file "$CORPUS"
  "$CAT" "jetstream:ws://127.0.0.1:$PORT/subscribe?wantedCollections=app.bsky.feed.post" \
    --expect 152 --linger-ms 300 --timeout-ms 10000 --stats >"$TMP/out" 2>"$TMP/err"
  eq "corpus exit" $? 0
  check "corpus: every event once, in order" cmp -s "$TMP/out" "$CORPUS"
  eq "corpus: cursor = last time_us" "$(stat_of "$TMP/err" cursor)" "$(last_time_us "$CORPUS")"
  check "corpus: wantedCollections reached the server" grep -q "connect conn=1" "$TMP/plain.log"

  # --- the connection dropped twice mid-way: resumed from the cursor, nothing lost or doubled.
  # The capture's time_us run out of order by up to 33 ms: the reconnect rewinds 100 ms and
  # drops the events already handed out.
  start_server drop --file "$CORPUS" --drop-after 40 --drops 2
  "$CAT" "jetstream:ws://127.0.0.1:$PORT/subscribe" --expect 152 --linger-ms 300 \
    --timeout-ms 15000 --stats --backoff-min-ms 50 --rewind-ms 100 >"$TMP/out" 2>"$TMP/err"
  eq "drop exit" $? 0
  check "drop: every event once, in order" cmp -s "$TMP/out" "$CORPUS"
  eq "drop: reconnects" "$(stat_of "$TMP/err" reconnects)" 2
  check "drop: duplicates dropped" test "$(stat_of "$TMP/err" duplicates)" -gt 0
  check "drop: the reconnect asked for a cursor" grep -q "connect conn=2 cursor=1" "$TMP/drop.log"
  check "drop: reported" grep -q "disconnected" "$TMP/err"
else
  echo "SKIP: $CORPUS absent (shared data not available): real-capture checks skipped"
fi

# --- volume: 10,000 generated events, three drops, a restart from a saved cursor
$PY - "$TMP/gen.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    t = 1700000000000000
    for i in range(10000):
        t += 37 + (i * 7919) % 200
        ev = {"did": "did:plc:gen%05d" % (i % 997), "time_us": t, "kind": "commit",
              "commit": {"rev": "r%d" % i, "operation": "create", "collection": "app.bsky.feed.post",
                         "rkey": "k%d" % i, "record": {"$type": "app.bsky.feed.post",
                         "text": "post %d \u00e9\u6f22 \"quoted\" \\ end" % i, "createdAt": "2024-01-01T00:00:00Z"}}}
        f.write(json.dumps(ev, ensure_ascii=False, separators=(",", ":")) + "\n")
PY
start_server vol --file "$TMP/gen.jsonl" --drop-after 2500 --drops 3
"$CAT" "jetstream:ws://127.0.0.1:$PORT/subscribe" --expect 10000 --linger-ms 300 \
  --timeout-ms 30000 --stats --backoff-min-ms 20 >"$TMP/out" 2>"$TMP/err"
eq "volume exit" $? 0
check "volume: 10,000 events once, in order, across 3 drops" cmp -s "$TMP/out" "$TMP/gen.jsonl"
eq "volume: reconnects" "$(stat_of "$TMP/err" reconnects)" 3

# restart: a first run stops cleanly after 3,500 events and saves its cursor; a second run
# resumes from it; together they hold every event once
start_server restart --file "$TMP/gen.jsonl"
"$CAT" "jetstream:ws://127.0.0.1:$PORT/subscribe" --stop-after 3500 --timeout-ms 20000 \
  --cursor-file "$TMP/cur" >"$TMP/out1" 2>/dev/null
eq "restart: first run exit" $? 0
cursor=$(cut -f2 "$TMP/cur")
check "restart: a cursor was saved" test -n "$cursor"
n1=$(wc -l <"$TMP/out1")
"$CAT" --cursor "$cursor" "jetstream:ws://127.0.0.1:$PORT/subscribe" --expect $((10000 - n1)) \
  --linger-ms 300 --timeout-ms 20000 >"$TMP/out2" 2>/dev/null
eq "restart: second run exit" $? 0
cat "$TMP/out1" "$TMP/out2" >"$TMP/both"
check "restart: both runs together hold every event once, in order" cmp -s "$TMP/both" "$TMP/gen.jsonl"
check "restart: the server was asked for the cursor" grep -q "cursor=$((cursor + 1))" "$TMP/restart.log"

# --- rate: 300 events at 1,500/s take about 0.2 s, not zero
start_server rate --file "$TMP/gen.jsonl" --rate 1500
t0=$(date +%s%N)
"$CAT" "jetstream:ws://127.0.0.1:$PORT/subscribe" --expect 300 --timeout-ms 10000 >"$TMP/out" 2>/dev/null
t1=$(date +%s%N)
eq "rate: events" "$(wc -l <"$TMP/out")" 300
check "rate: paced by the server (>= 150 ms)" test $(((t1 - t0) / 1000000)) -ge 150

# --- compress=true: each event a zstd frame made with a dictionary (trained here; Jetstream
# publishes its own)
if command -v zstd >/dev/null; then
  head -n 2000 "$TMP/gen.jsonl" >"$TMP/samples"
  zstd -q --train -B512 "$TMP/samples" --maxdict=8192 -o "$TMP/dict" 2>/dev/null
  start_server zst --file "$TMP/gen.jsonl" --dict "$TMP/dict"
  "$CAT" "jetstream:ws://127.0.0.1:$PORT/subscribe?compress=true" --dict "$TMP/dict" \
    --expect 10000 --linger-ms 200 --timeout-ms 20000 --stats >"$TMP/out" 2>"$TMP/err"
  eq "compress exit" $? 0
  check "compress: every event decoded" cmp -s "$TMP/out" "$TMP/gen.jsonl"
  "$CAT" "jetstream:ws://127.0.0.1:$PORT/subscribe?compress=true" --expect 1 --timeout-ms 2000 \
    >/dev/null 2>"$TMP/err"
  eq "compress without a dictionary: usage error" $? 2
  check "compress without a dictionary: says so" grep -q "dictionary" "$TMP/err"
else
  echo "SKIP: zstd command absent: compressed mode not tested"
fi

# --- wss:// with a certificate from a test CA; refused without it
if command -v openssl >/dev/null; then
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/key.pem" -out "$TMP/cert.pem" -days 2 \
    -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null
  start_server tls --file "$TMP/gen.jsonl" --tls-cert "$TMP/cert.pem" --tls-key "$TMP/key.pem"
  "$CAT" "jetstream:wss://localhost:$PORT/subscribe" --ca-file "$TMP/cert.pem" --expect 10000 \
    --timeout-ms 20000 >"$TMP/out" 2>"$TMP/err"
  eq "wss exit" $? 0
  check "wss: every event" cmp -s "$TMP/out" "$TMP/gen.jsonl"
  "$CAT" "jetstream:wss://localhost:$PORT/subscribe" --expect 1 --timeout-ms 10000 \
    --max-retries 1 --backoff-min-ms 50 >/dev/null 2>"$TMP/err"
  eq "wss: untrusted certificate fails" $? 1
  check "wss: says TLS" grep -q "TLS" "$TMP/err"
else
  echo "SKIP: openssl command absent: wss:// not tested"
fi

# --- nothing listening: retries with backoff, then gives up
"$CAT" "jetstream:ws://127.0.0.1:9/subscribe" --expect 1 --timeout-ms 10000 --max-retries 2 \
  --backoff-min-ms 50 >/dev/null 2>"$TMP/err"
eq "unreachable: exit" $? 1
check "unreachable: gave up" grep -q "giving up after 3 failed attempts" "$TMP/err"

# --- a clean stop on SIGTERM: exits 0 soon, with its cursor saved
start_server slow --file "$TMP/gen.jsonl" --rate 200
"$CAT" "jetstream:ws://127.0.0.1:$PORT/subscribe" --cursor-file "$TMP/cur" --flush \
  >"$TMP/out" 2>"$TMP/err" &
catpid=$!
for _ in $(seq 300); do [ "$(wc -l <"$TMP/out")" -gt 10 ] && break; sleep 0.05; done
kill -TERM $catpid
wait $catpid
eq "sigterm: exit" $? 0
n=$(wc -l <"$TMP/out")
check "sigterm: records before the stop" test "$n" -gt 10
eq "sigterm: cursor = last record's time_us" "$(cut -f2 "$TMP/cur")" "$(last_time_us "$TMP/out")"

finish
