#!/usr/bin/env bash
# End-to-end tests of `chorus serve` on loopback: the JSON API over a scan's database, paging
# and errors (400, 401, 403, 404, 405, 409, 413, 431), writes with the token (a statement into
# the statements folder, an account reviewed, an alert muted), the event stream delivering an
# alert added while it runs, many clients at once, and a clean stop on SIGTERM.
. "$(dirname "$0")/lib.sh"
py=/usr/bin/python3
command -v curl >/dev/null || { echo "serve: SKIP: curl is not installed (make deps)"; exit 0; }

"$SYNTH" --seed 5 --posts 6000 -o "$TMP/gen" >/dev/null 2>&1
"$CHORUS" scan "$TMP/gen/posts.v1.jsonl" -s "$TMP/gen/statements.jsonl" -o "$TMP/s.db" -q \
  >/dev/null 2>&1
check "a scan database to serve" test -s "$TMP/s.db"
printf 'a-test-token-of-32-characters-xx\n' >"$TMP/tok"
mkdir -p "$TMP/stm"

start() { # start LOG ARGS... -> sets PID and PORT
  local log=$1; shift
  "$CHORUS" serve "$@" --listen 127.0.0.1:0 >"$log" 2>&1 &
  PID=$!
  PORT=
  for _ in $(seq 50); do
    PORT=$(grep -o 'http://127.0.0.1:[0-9]*' "$log" | sed 's/.*://')
    [ -n "$PORT" ] && break
    sleep 0.1
  done
}
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
U() { echo "http://127.0.0.1:$PORT$1"; }

start "$TMP/serve.log" "$TMP/s.db" --token-file "$TMP/tok" --statements-dir "$TMP/stm"
check "the server says where it listens" test -n "$PORT"
H="Authorization: Bearer a-test-token-of-32-characters-xx"

# reads
n_db=$(sqlite3 "$TMP/s.db" 'SELECT count(*) FROM clusters')
got=$(curl -s "$(U '/api/clusters?limit=10000')" | $py -c 'import json,sys; print(len(json.load(sys.stdin)["clusters"]))')
eq "every cluster listed" "$got" "$n_db"
got=$(curl -s "$(U '/api/clusters?limit=1&offset=1')" | $py -c 'import json,sys; d=json.load(sys.stdin); print(len(d["clusters"]), d["clusters"][0]["id"], d["offset"])')
eq "a page of clusters" "$got" "1 $(sqlite3 "$TMP/s.db" 'SELECT cluster_id FROM clusters ORDER BY score DESC, cluster_id LIMIT 1 OFFSET 1') 1"
members=$(curl -s "$(U /api/clusters/0)" | $py -c 'import json,sys; d=json.load(sys.stdin); print(len(d["members"]), d["cluster"]["size"], len(d["edges"]) > 0, len(d["evidence"]) > 0)')
eq "a cluster with its members, edges and evidence" "$members" \
  "$(sqlite3 "$TMP/s.db" 'SELECT size FROM clusters WHERE cluster_id = 0') $(sqlite3 "$TMP/s.db" 'SELECT size FROM clusters WHERE cluster_id = 0') True True"
acct=$(sqlite3 "$TMP/s.db" 'SELECT account_id FROM accounts WHERE cluster_id = 0 LIMIT 1')
handle=$(sqlite3 "$TMP/s.db" "SELECT handle FROM accounts WHERE account_id = '$acct'")
got=$(curl -s "$(U "/api/accounts/$acct")" | $py -c 'import json,sys; d=json.load(sys.stdin); print(d["account"]["id"], d["account"]["cluster"], d["review"])')
eq "an account by id" "$got" "$acct 0 None"
got=$(curl -s "$(U "/api/accounts/@$handle")" | $py -c 'import json,sys; print(json.load(sys.stdin)["account"]["id"])')
eq "an account by @handle" "$got" "$acct"
n_st=$(sqlite3 "$TMP/s.db" 'SELECT count(*) FROM statements')
got=$(curl -s "$(U '/api/statements?limit=10000')" | $py -c 'import json,sys; print(len(json.load(sys.stdin)["statements"]))')
eq "every statement listed" "$got" "$n_st"
sid=$(sqlite3 "$TMP/s.db" 'SELECT statement_id FROM matches GROUP BY statement_id ORDER BY count(*) DESC LIMIT 1')
got=$(curl -s "$(U "/api/statements/$sid")" | $py -c 'import json,sys; d=json.load(sys.stdin); print(d["statement"]["id"], len(d["matches"]) > 0)')
eq "a statement with its matches" "$got" "$sid True"
got=$(curl -s "$(U /api/alerts)")
eq "a scan's database has no alerts" "$got" '{"alerts": [], "limit": 100, "offset": 0}'
eq "health" "$(curl -s "$(U /api/health)" | $py -c 'import json,sys; print(json.load(sys.stdin)["ok"])')" "True"
check "the dashboard page" sh -c "curl -s '$(U /)' | grep -q 'chorus live'"
check "the dashboard has a strict content policy" sh -c "curl -sI '$(U /)' | grep -qi \"content-security-policy: default-src 'none'; script-src 'self'\""
check "the report inside it" sh -c "curl -s '$(U /report)' | grep -q 'Coordinated accounts and parroted statements'"

# errors
eq "unknown API path" "$(code "$(U /api/nothing)")" 404
eq "unknown cluster" "$(code "$(U /api/clusters/999999)")" 404
eq "cluster id not a number" "$(code "$(U /api/clusters/abc)")" 400
eq "unknown account" "$(code "$(U /api/accounts/no-such-account)")" 404
eq "bad limit" "$(code "$(U '/api/clusters?limit=ten')")" 400
eq "method not allowed" "$(code -X DELETE "$(U /api/clusters)")" 405
eq "unknown page" "$(code "$(U /nothing.html)")" 404
eq "huge header refused" "$(code -H "X-Big: $(head -c 70000 /dev/zero | tr '\0' a)" "$(U /api/health)")" 431
eq "write without token" "$(code -X POST -d '{"id":"a","text":"b"}' "$(U /api/statements)")" 401
eq "write with a wrong token" "$(code -X POST -H 'Authorization: Bearer wrong-token-wrong-token' -d '{}' "$(U /api/statements)")" 401
eq "malformed JSON body" "$(code -X POST -H "$H" -d '{"id":' "$(U /api/statements)")" 400
eq "statement without text" "$(code -X POST -H "$H" -d '{"id":"s1"}' "$(U /api/statements)")" 400
eq "statement id with a slash" "$(code -X POST -H "$H" -d '{"id":"../x","text":"t"}' "$(U /api/statements)")" 400
head -c 1100000 /dev/zero | tr '\0' a >"$TMP/big"
eq "body over the limit" "$(code -X POST -H "$H" --data-binary @"$TMP/big" "$(U /api/statements)")" 413

# writes
eq "statement added" "$(code -X POST -H "$H" -d '{"id":"desk-1","text":"The embassy \"firmly\" rejects it.","lang":"en","published_at":"2023-03-05T10:00:00Z"}' "$(U /api/statements)")" 201
check "written as a statements line" sh -c "grep -q '\"id\": \"desk-1\"' '$TMP/stm/desk-1.jsonl'"
check "the statements loader reads it" sh -c "'$CHORUS' match '$TMP/gen/posts.v1.jsonl' -s '$TMP/stm' >/dev/null 2>&1"
eq "the same id again" "$(code -X POST -H "$H" -d '{"id":"desk-1","text":"x"}' "$(U /api/statements)")" 409
eq "account reviewed" "$(code -X POST -H "$H" -d '{"note":"seen"}' "$(U "/api/accounts/$acct/review")")" 200
got=$(curl -s "$(U "/api/accounts/$acct")" | $py -c 'import json,sys; print(json.load(sys.stdin)["review"]["note"])')
eq "the review is shown with the account" "$got" "seen"
eq "mute in a file without alerts" "$(code -X POST -H "$H" "$(U /api/alerts/1/mute)")" 404

# live: an alert added while a client listens arrives on the event stream
sqlite3 "$TMP/s.db" "CREATE TABLE IF NOT EXISTS alerts(alert_id INTEGER PRIMARY KEY, created_at INTEGER,
  kind TEXT, cluster_id INTEGER, statement_id TEXT, summary TEXT, evidence TEXT,
  muted INTEGER NOT NULL DEFAULT 0)"
curl -sN --max-time 6 "$(U /api/events)" >"$TMP/events" &
cpid=$!
sleep 1.5
sqlite3 "$TMP/s.db" "INSERT INTO alerts(created_at, kind, cluster_id, summary, evidence)
  VALUES (1678000000, 'new_cluster', 0, 'cluster 0 appeared', '{\"posts\": [\"1\"]}')"
for _ in $(seq 40); do grep -q '^event: alert' "$TMP/events" && break; sleep 0.1; done
check "the event stream delivers the new alert" grep -q '"summary": "cluster 0 appeared"' "$TMP/events"
check "and says the database changed" grep -q '^event: update' "$TMP/events"
got=$(curl -s "$(U '/api/events?after=0')" --max-time 1 | grep -c '^event: alert')
eq "a reconnecting client gets what it missed" "$got" 1
eq "alert muted" "$(code -X POST -H "$H" -d '{"muted": true}' "$(U /api/alerts/1/mute)")" 200
eq "shown muted" "$(curl -s "$(U /api/alerts)" | $py -c 'import json,sys; print(json.load(sys.stdin)["alerts"][0]["muted"])')" True
kill $cpid 2>/dev/null; wait $cpid 2>/dev/null

# many clients at once
seq 64 | xargs -P 64 -I{} curl -s -o /dev/null -w '%{http_code}\n' "$(U '/api/clusters?limit=5')" >"$TMP/codes"
eq "64 clients at once, all answered" "$(sort -u "$TMP/codes")" 200

# stop: SIGTERM with a stream open ends within a second or two, exit 0
curl -sN --max-time 20 "$(U /api/events)" >/dev/null &
cpid=$!
sleep 0.5
t0=$(date +%s%N)
kill -TERM $PID
wait $PID
rc=$?
t1=$(date +%s%N)
eq "SIGTERM stops the server cleanly" "$rc" 0
check "and promptly, with a stream open" test $(((t1 - t0) / 1000000)) -lt 3000
kill $cpid 2>/dev/null; wait $cpid 2>/dev/null

# start-up errors
"$CHORUS" serve "$TMP/gen/posts.v1.jsonl" --listen 127.0.0.1:0 >/dev/null 2>"$TMP/err"
eq "not a results database: exit 1" "$?" 1
check "and says so" grep -q 'not a chorus results database' "$TMP/err"
"$CHORUS" serve "$TMP/s.db" --listen 127.0.0.1:99999 >/dev/null 2>&1
eq "bad port: exit 2" "$?" 2
"$CHORUS" serve "$TMP/s.db" --listen 10.0.0.300:80 >/dev/null 2>&1
eq "bad host: exit 2" "$?" 2
printf 'short\n' >"$TMP/short"
"$CHORUS" serve "$TMP/s.db" --token-file "$TMP/short" >/dev/null 2>&1
eq "a short token: exit 2" "$?" 2
start "$TMP/serve2.log" "$TMP/s.db"
"$CHORUS" serve "$TMP/s.db" --listen "127.0.0.1:$PORT" >/dev/null 2>"$TMP/err"
eq "port taken: exit 1" "$?" 1
check "and says which" grep -q "cannot listen on 127.0.0.1:$PORT" "$TMP/err"
eq "a server without a token refuses writes" "$(code -X POST -H "$H" -d '{}' "$(U /api/statements)")" 403
kill -TERM $PID; wait $PID
finish
