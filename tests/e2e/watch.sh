#!/usr/bin/env bash
# End-to-end: `chorus watch`. A recorded generator stream replayed through watch finds the
# same clusters as `chorus scan` of the same file (from a file and from standard input); the
# alerts come out as JSON lines and rows of the alerts table; a watcher killed with SIGKILL
# and started again loses and doubles nothing (same posts, clusters and alerts as a run that
# was never killed); Jetstream and Mastodon replay servers on 127.0.0.1 feed it; statements dropped into
# a watched folder while it runs are matched; the database is readable while it runs (WAL);
# usage errors.
. "$(dirname "$0")/lib.sh"

REPLAY=$BUILD/ws_replay
PY=/usr/bin/python3
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT
# (never creates the file: sqlite3 would leave an empty one that watch then refuses)
q() { [ -s "$1" ] && sqlite3 "$1" "$2" 2>/dev/null; }
# the clusters as sets of accounts, one line each, in a stable order
clusters_of() {
  q "$1" "select group_concat(account_id, ' ') from (select cluster_id, account_id from accounts
      where cluster_id is not null order by cluster_id, account_id) group by cluster_id" | sort
}
alerts_of() { q "$1" "select alert_id, kind, cluster_id, statement_id, summary, evidence from alerts order by alert_id"; }

"$SYNTH" --posts 6000 --seed 7 --format chorus,jetstream --quiet -o "$TMP/syn" || bad "synth"
POSTS=$TMP/syn/posts.chorus.jsonl
STMTS=$TMP/syn/statements.jsonl

# --- batch equivalence: the same clusters as scan of the same file
"$CHORUS" scan "$POSTS" -s "$STMTS" -o "$TMP/scan.db" -q >/dev/null
eq "scan exit" $? 0
"$CHORUS" watch "$POSTS" -s "$STMTS" -o "$TMP/w.db" --horizon 60d --refresh-records 1500 \
  >"$TMP/w.out" 2>"$TMP/w.err"
eq "watch of a file exits 0 at its end" $? 0
eq "same posts as scan" "$(q "$TMP/w.db" 'select count(*) from posts')" \
   "$(q "$TMP/scan.db" 'select count(*) from posts')"
check "scan found clusters" test "$(q "$TMP/scan.db" 'select count(*) from clusters')" -gt 0
eq "same clusters as scan" "$(clusters_of "$TMP/w.db")" "$(clusters_of "$TMP/scan.db")"
eq "same matches as scan" "$(q "$TMP/w.db" 'select count(*) from matches')" \
   "$(q "$TMP/scan.db" 'select count(*) from matches')"
eq "database in WAL mode" "$(q "$TMP/w.db" 'pragma journal_mode')" wal
n_out=$(wc -l <"$TMP/w.out")
eq "one JSON line per alert row" "$n_out" "$(q "$TMP/w.db" 'select count(*) from alerts')"
check "alerts are JSON with kind and evidence" $PY -c '
import json, sys
kinds = set()
for line in open(sys.argv[1]):
    a = json.loads(line)
    assert a["kind"] in ("new_cluster", "cluster_grew", "statement_echo", "coordination_spike")
    assert a["evidence"] and a["summary"] and a["alert_id"] > 0
    kinds.add(a["kind"])
assert {"new_cluster", "statement_echo"} <= kinds, kinds
' "$TMP/w.out"
eq "a new_cluster alert per cluster seen" \
   "$(q "$TMP/w.db" "select count(*) >= (select count(*) from clusters) from alerts where kind='new_cluster'")" 1
check "echo evidence names posts and accounts" $PY -c '
import json, sys
for line in open(sys.argv[1]):
    a = json.loads(line)
    if a["kind"] == "statement_echo":
        ev = a["evidence"]
        assert len(ev["accounts"]) >= 5 and len(ev["posts"]) >= 5, ev
        break
else:
    sys.exit(1)
' "$TMP/w.out"
eq "cluster_tracks: one row per cluster" "$(q "$TMP/w.db" 'select count(*) from cluster_tracks')" \
   "$(q "$TMP/w.db" 'select count(*) from clusters')"

# --- standard input, the same answer
"$CHORUS" watch - -s "$STMTS" -o "$TMP/stdin.db" --horizon 60d -q <"$POSTS" >/dev/null
eq "watch of standard input exits 0" $? 0
eq "stdin: same clusters as scan" "$(clusters_of "$TMP/stdin.db")" "$(clusters_of "$TMP/scan.db")"

# --- a second run on the same checkpoint resumes: nothing read twice
"$CHORUS" watch "$POSTS" -s "$STMTS" -o "$TMP/w.db" --horizon 60d --refresh-records 1500 \
  >"$TMP/w2.out" 2>"$TMP/w2.err"
eq "rerun exit" $? 0
eq "rerun: no new alert" "$(wc -l <"$TMP/w2.out")" 0
eq "rerun: posts unchanged" "$(q "$TMP/w.db" 'select count(*) from posts')" \
   "$(q "$TMP/scan.db" 'select count(*) from posts')"
check "rerun: says it resumed" grep -q "resuming" "$TMP/w2.err"

# --- kill -9 and resume: the same database as a run never killed
"$CHORUS" watch "$POSTS" -s "$STMTS" -o "$TMP/ref.db" --horizon 60d --refresh-records 800 \
  -q >/dev/null
"$CHORUS" watch "$POSTS" -s "$STMTS" -o "$TMP/k.db" --horizon 60d --refresh-records 800 \
  >"$TMP/k1.out" 2>/dev/null &
pid=$!; PIDS+=($pid)
for _ in $(seq 400); do
  r=$(q "$TMP/k.db" "select value from run where key='watch.refreshes'")
  [ -n "$r" ] && [ "$r" -ge 2 ] && break
  sleep 0.02
done
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
killed_at=$(q "$TMP/k.db" "select value from run where key='watch.records'")
check "killed mid-way (after $killed_at records)" test -n "$killed_at" -a "${killed_at:-0}" -lt 6000
check "readable after the kill" test -n "$(q "$TMP/k.db" 'select count(*) from clusters')"
"$CHORUS" watch "$POSTS" -s "$STMTS" -o "$TMP/k.db" --horizon 60d --refresh-records 800 \
  >"$TMP/k2.out" 2>"$TMP/k2.err"
eq "resume exit" $? 0
eq "resume: records counted once" "$(q "$TMP/k.db" "select value from run where key='watch.records'")" \
   "$(q "$TMP/ref.db" "select value from run where key='watch.records'")"
eq "resume: same posts" "$(q "$TMP/k.db" 'select count(*) from posts')" \
   "$(q "$TMP/ref.db" 'select count(*) from posts')"
eq "resume: same clusters" "$(clusters_of "$TMP/k.db")" "$(clusters_of "$TMP/ref.db")"
eq "resume: same alerts (ids, kinds, evidence)" "$(alerts_of "$TMP/k.db")" "$(alerts_of "$TMP/ref.db")"
eq "resume: no alert printed twice" \
   "$(cat "$TMP/k1.out" "$TMP/k2.out" | $PY -c 'import json,sys; ids=[json.loads(l)["alert_id"] for l in sys.stdin]; print(len(ids)-len(set(ids)))')" 0

# --- a Jetstream replay server on 127.0.0.1
"$REPLAY" --port-file "$TMP/js.port" --file "$TMP/syn/posts.jetstream.jsonl" 2>"$TMP/js.err" &
PIDS+=($!)
for _ in $(seq 400); do [ -s "$TMP/js.port" ] && break; sleep 0.05; done
PORT=$(cat "$TMP/js.port" 2>/dev/null)
nev=$(wc -l <"$TMP/syn/posts.jetstream.jsonl")
"$CHORUS" watch "jetstream:ws://127.0.0.1:$PORT/subscribe?wantedCollections=app.bsky.feed.post" \
  -s "$STMTS" -o "$TMP/js.db" --horizon 60d --refresh 1 >"$TMP/js.out" 2>"$TMP/js.werr" &
wpid=$!; PIDS+=($wpid)
for _ in $(seq 600); do
  r=$(q "$TMP/js.db" "select value from run where key='watch.records'")
  [ "${r:-0}" -ge "$nev" ] && break
  sleep 0.05
done
kill -TERM $wpid; wait $wpid
eq "jetstream: clean stop exit" $? 0; head -5 "$TMP/js.werr" >&2
eq "jetstream: every event read once" "$(q "$TMP/js.db" "select value from run where key='watch.records'")" "$nev"
"$CHORUS" scan "$TMP/syn/posts.jetstream.jsonl" -s "$STMTS" -o "$TMP/js-scan.db" -q >/dev/null
eq "jetstream: same clusters as scan of the recording" "$(clusters_of "$TMP/js.db")" \
   "$(clusters_of "$TMP/js-scan.db")"
check "jetstream: alerts printed" test -s "$TMP/js.out"

# --- Mastodon streaming from the replay server: the same clusters as a scan of the statuses
"$SYNTH" --posts 3000 --seed 5 --format mastodon --quiet -o "$TMP/ma" || bad "synth mastodon"
"$REPLAY" --mode mastodon --port-file "$TMP/ma.port" --file "$TMP/ma/posts.mastodon.jsonl" 2>"$TMP/ma.err" &
PIDS+=($!)
for _ in $(seq 400); do [ -s "$TMP/ma.port" ] && break; sleep 0.05; done
MPORT=$(cat "$TMP/ma.port" 2>/dev/null)
nst=$(wc -l <"$TMP/ma/posts.mastodon.jsonl")
"$CHORUS" watch "mastodon:ws://127.0.0.1:$MPORT/api/v1/streaming?stream=public" --no-backfill \
  -o "$TMP/ma.db" --horizon 60d --refresh 1 -q >/dev/null &
mpid=$!; PIDS+=($mpid)
for _ in $(seq 600); do
  r=$(q "$TMP/ma.db" "select value from run where key='watch.records'")
  [ "${r:-0}" -ge "$nst" ] && break
  sleep 0.05
done
kill -TERM $mpid; wait $mpid
eq "mastodon: clean stop exit" $? 0
"$CHORUS" scan "$TMP/ma/posts.mastodon.jsonl" -o "$TMP/ma-scan.db" -q >/dev/null
eq "mastodon: every status read once" "$(q "$TMP/ma.db" 'select count(*) from posts')" \
   "$(q "$TMP/ma-scan.db" 'select count(*) from posts')"
eq "mastodon: same clusters as scan" "$(clusters_of "$TMP/ma.db")" "$(clusters_of "$TMP/ma-scan.db")"

# --- statements added to a watched folder while running; a followed file
mkdir -p "$TMP/st"
: >"$TMP/live.jsonl"
"$CHORUS" watch --follow "$TMP/live.jsonl" -s "$TMP/st" -o "$TMP/f.db" --refresh 0.3 --echo-k 3 \
  >"$TMP/f.out" 2>"$TMP/f.err" &
fpid=$!; PIDS+=($fpid)
sleep 0.5
printf '{"id":"S9","published_at":"2024-01-01T00:00:00Z","text":"The harbour expansion will create ten thousand jobs for the people of the coast and we thank our partners"}\n' >"$TMP/st/new.jsonl"
sleep 2.5   # statements are checked every 2 s
for i in 1 2 3 4; do
  printf '{"id":"p%d","author_id":"a%d","author":"acct%d","created_at":%d,"text":"The harbour expansion will create ten thousand jobs for the people of the coast and we thank our partners","kind":"post"}\n' \
    "$i" "$i" "$i" $((1704067200 + 60 * i)) >>"$TMP/live.jsonl"
done
for _ in $(seq 100); do grep -q statement_echo "$TMP/f.out" 2>/dev/null && break; sleep 0.1; done
check "folder: a statement added while running is echoed" grep -q '"statement_id":"S9"' "$TMP/f.out"
check "folder: readable by another process while running" test "$(q "$TMP/f.db" 'select count(*) from alerts')" -ge 1
kill -TERM $fpid; wait $fpid
eq "follow: clean stop exit" $? 0

# --- usage errors
"$CHORUS" watch -o "$TMP/x.db" 2>"$TMP/e"; eq "no source: usage" $? 2
"$CHORUS" watch "$POSTS" --horizon 3x -o "$TMP/x.db" 2>"$TMP/e"; eq "bad horizon: usage" $? 2
check "bad horizon: named" grep -q horizon "$TMP/e"
"$CHORUS" watch "$POSTS" "$POSTS" -o "$TMP/w.db" --horizon 60d 2>"$TMP/e" >/dev/null
eq "checkpoint of other sources: usage" $? 2
check "checkpoint mismatch: explained" grep -q "other sources\|sources, not" "$TMP/e"
printf 'not a database' >"$TMP/notdb"
"$CHORUS" watch "$POSTS" -o "$TMP/notdb" 2>"$TMP/e" >/dev/null
check "not a chorus database: refused" test $? -ne 0
eq "not a chorus database: untouched" "$(cat "$TMP/notdb")" "not a database"
finish
