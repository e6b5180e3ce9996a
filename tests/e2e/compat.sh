#!/usr/bin/env bash
# End-to-end: the expert controls of `chorus scan` and its compatibility modes.
#  - `--compat coortweet --window 60` on CooRTweet's own sample reproduces the account pairs of
#    CooRTweet 2.1.3's detect_groups + generate_coordinated_network (time_window 60,
#    min_participation 2): 3,721 pairs among 2,110 accounts, in the summary and as rows of the
#    results database (skipped, saying so, when ../shared/data is absent);
#  - `--compat cnt` runs and writes its edges; --min-events raises min_edge_weight;
#  - --behaviours, per-behaviour --window, --fdr and --match-threshold reach the scan (run
#    table) and bad values are refused naming the flag;
#  - the hourly timeline table and `chorus inspect --timeline`.
. "$(dirname "$0")/lib.sh"

q() { sqlite3 "$1" "$2"; }
CT=$SHARED/coortweet-russian-coord-retweets/russian_coord_tweets.csv
if [ -f "$CT" ]; then
  j=$("$CHORUS" scan "$CT" --compat coortweet --window 60 -o "$TMP/ct.db" --json)
  eq "coortweet exit" $? 0
  eq "coortweet pairs (summary)" "$(jget "$j" pairs)" 3721
  eq "coortweet accounts (summary)" "$(jget "$j" paired_accounts)" 2110
  eq "coortweet edges in the database" \
     "$(q "$TMP/ct.db" "SELECT count(*) FROM edges WHERE behaviour='repost'")" 3721
  eq "coortweet pairs in the database" \
     "$(q "$TMP/ct.db" "SELECT count(DISTINCT account_a || ' ' || account_b) FROM edges")" 3721
  eq "coortweet accounts in the database" \
     "$(q "$TMP/ct.db" "SELECT count(*) FROM (SELECT account_a FROM edges UNION SELECT account_b FROM edges)")" 2110
  eq "coortweet: every edge has evidence" \
     "$(q "$TMP/ct.db" "SELECT count(*) FROM edges e WHERE NOT EXISTS (SELECT 1 FROM evidence v WHERE v.account_a = e.account_a AND v.account_b = e.account_b)")" 0
  eq "coortweet: no p-values (no test)" "$(q "$TMP/ct.db" "SELECT count(*) FROM edges WHERE pvalue IS NOT NULL")" 0
  eq "coortweet: the mode is recorded" "$(q "$TMP/ct.db" "SELECT value FROM run WHERE key='param.compat'")" coortweet
  eq "coortweet: clustered accounts are the paired ones" \
     "$(q "$TMP/ct.db" "SELECT count(*) FROM accounts WHERE cluster_id IS NOT NULL")" 2110
  # min_participation 1 (--min-events 1) can only add pairs
  j=$("$CHORUS" scan "$CT" --compat coortweet --window 60 --min-events 1 -o "$TMP/ct1.db" --json)
  check "min_participation 1 adds pairs" test "$(jget "$j" pairs)" -gt 3721
  # the text summary says it too
  out=$("$CHORUS" scan "$CT" --compat coortweet --window 60 -o "$TMP/ct2.db")
  check "text summary: pairs among accounts" grep -q "3,721 account pairs among 2,110 accounts" <<<"$out"
  # CNT: the same data as co_retweet at 60 s, min_edge_weight 2 by default
  j=$("$CHORUS" scan "$CT" --compat cnt --window 60 -o "$TMP/cnt.db" --json)
  eq "cnt exit" $? 0
  p2=$(jget "$j" pairs)
  check "cnt finds pairs" test "$p2" -gt 0
  eq "cnt edges in the database" "$(q "$TMP/cnt.db" "SELECT count(*) FROM edges")" "$p2"
  j=$("$CHORUS" scan "$CT" --compat cnt --window 60 --min-events 3 -o "$TMP/cnt3.db" --json)
  check "cnt: a higher min_edge_weight keeps fewer pairs" test "$(jget "$j" pairs)" -lt "$p2"
  check "cnt: weights reach min_edge_weight" \
     test "$(q "$TMP/cnt3.db" "SELECT count(*) FROM edges WHERE weight < 3")" -eq 0
else
  echo "compat: skipped the CooRTweet sample checks: $CT is absent (../shared/data)"
fi

# generated data: controls reach the scan
"$SYNTH" --seed 3 --posts 4000 --format chorus -o "$TMP/s" >/dev/null || bad "synth failed"
P=$TMP/s/posts.chorus.jsonl
"$CHORUS" scan "$P" -o "$TMP/a.db" --quiet >/dev/null --window repost=30,link=600 --behaviours repost,link \
  --fdr 0.01 --min-events 3 -s "$TMP/s/statements.jsonl" --match-threshold 0.9
eq "controls exit" $? 0
eq "only the behaviours asked for" \
   "$(q "$TMP/a.db" "SELECT count(*) FROM edges WHERE behaviour NOT IN ('repost', 'link')")" 0
eq "repost window" "$(q "$TMP/a.db" "SELECT value FROM run WHERE key='param.window.repost'")" 30
eq "link window" "$(q "$TMP/a.db" "SELECT value FROM run WHERE key='param.window.link'")" 600
eq "behaviours recorded" "$(q "$TMP/a.db" "SELECT value FROM run WHERE key='param.behaviours'")" "repost,link"
eq "min_events recorded" "$(q "$TMP/a.db" "SELECT value FROM run WHERE key='param.min_events'")" 3
eq "edges have >= 3 objects" "$(q "$TMP/a.db" "SELECT count(*) FROM edges WHERE n_objects < 3")" 0
eq "fdr recorded" "$(q "$TMP/a.db" "SELECT value FROM run WHERE key='param.fdr'")" 0.01
eq "match threshold recorded" "$(q "$TMP/a.db" "SELECT value FROM run WHERE key='param.match_threshold'")" 0.9
eq "matches at the threshold" "$(q "$TMP/a.db" "SELECT count(*) FROM matches WHERE similarity < 0.9")" 0
# the hourly timeline: one row per hour with posts, spikes where the campaigns post together
eq "timeline: one row per hour with posts" "$(q "$TMP/a.db" "SELECT count(*) FROM timeline")" \
   "$(q "$TMP/a.db" "SELECT count(DISTINCT created_at / 3600) FROM posts")"
eq "timeline: events are the posts" "$(q "$TMP/a.db" "SELECT sum(events) FROM timeline")" \
   "$(q "$TMP/a.db" "SELECT count(*) FROM posts")"
eq "timeline: shares in [0, 1]" \
   "$(q "$TMP/a.db" "SELECT count(*) FROM timeline WHERE coordination < 0 OR coordination > 1")" 0
eq "timeline: schema 3" "$(q "$TMP/a.db" "PRAGMA user_version")" 3
"$CHORUS" scan "$P" -o "$TMP/d.db" >/dev/null
check "timeline: campaign hours spike" test "$(q "$TMP/d.db" "SELECT count(*) FROM timeline WHERE spike = 1")" -gt 0
eq "timeline: spike count in the run table" \
   "$(q "$TMP/d.db" "SELECT value FROM run WHERE key = 'count.timeline_spikes'")" \
   "$(q "$TMP/d.db" "SELECT count(*) FROM timeline WHERE spike = 1")"
out=$("$CHORUS" inspect "$TMP/d.db")
check "inspect: the spikes in the overview" grep -q "spike" <<<"$out"
out=$("$CHORUS" inspect "$TMP/d.db" --timeline --limit 5)
eq "inspect --timeline: header and 5 hours" "$(wc -l <<<"$out")" 7
"$CHORUS" inspect "$TMP/d.db" --timeline --cluster 0 >/dev/null 2>&1
eq "inspect --timeline with --cluster is a usage error" $? 2

"$CHORUS" scan "$P" -o "$TMP/c.db" --quiet --compat cnt --window 60 >/dev/null
eq "cnt on generated data exit" $? 0
check "cnt: co-similarity edges" test "$(q "$TMP/c.db" "SELECT count(*) FROM edges WHERE behaviour='narrative'")" -gt 0
check "cnt: co-similarity evidence" test "$(q "$TMP/c.db" "SELECT count(*) FROM evidence WHERE object LIKE 'text similar to post %'")" -gt 0

# bad values name the flag and stop before reading
err=$("$CHORUS" scan "$P" -o "$TMP/x.db" --min-events 0 2>&1); eq "bad --min-events exit" $? 2
check "message names --min-events" grep -q -- "--min-events" <<<"$err"
err=$("$CHORUS" scan "$P" -o "$TMP/x.db" --window retweet=60 2>&1); eq "bad behaviour exit" $? 2
check "message lists the behaviours" grep -q "thread" <<<"$err"
err=$("$CHORUS" scan "$P" -o "$TMP/x.db" --compat purisa 2>&1); eq "bad --compat exit" $? 2
err=$("$CHORUS" scan "$P" -o "$TMP/x.db" --match-threshold 1.5 2>&1); eq "bad --match-threshold exit" $? 2
check "message names --match-threshold" grep -q -- "--match-threshold" <<<"$err"
check "nothing written on bad flags" test ! -e "$TMP/x.db"
finish
