#!/usr/bin/env bash
# End-to-end: the scores `chorus scan` writes are calibrated probabilities that rank
# (docs/scoring.md §2, §3b). On a generated scenario of every campaign kind: every score is in
# [0, 1]; the flagged accounts (score >= the flag, 0.91) are exactly those with evidence >= 0
# in their reasons and the count the scan prints; their scores spread (not most of them at
# >= 0.995, several distinct values); a cluster's score is its members' mean, between its
# weakest and strongest member; clusters are numbered by descending score; the reasons name
# the cluster's score.
. "$(dirname "$0")/lib.sh"

q() { sqlite3 "$1" "$2"; }
"$SYNTH" --seed 7 --scenario all --posts 20000 -o "$TMP/s" --quiet >/dev/null 2>&1 || bad "synth failed"
j=$("$CHORUS" scan "$TMP/s/posts.v1.jsonl" -s "$TMP/s/statements.jsonl" -o "$TMP/a.db" --quiet --json)
eq "scan exit" $? 0
db=$TMP/a.db
flag=0.91

eq "scores in [0, 1]" "$(q "$db" "SELECT count(*) FROM accounts WHERE NOT (score >= 0 AND score <= 1)")" 0
flagged=$(q "$db" "SELECT count(*) FROM accounts WHERE score >= $flag")
check "some accounts flagged" test "$flagged" -ge 10
eq "flagged = the scan's count" "$flagged" "$(jget "$j" flagged_accounts)"
# the flag is the evidence threshold (the reasons round evidence to 4 digits: skip |z| < 1e-3)
eq "flagged exactly when evidence >= 0" \
   "$(q "$db" "SELECT count(*) FROM accounts WHERE abs(json_extract(reasons, '\$.evidence')) >= 0.001
              AND (score >= $flag) != (json_extract(reasons, '\$.evidence') >= 0)")" 0
# the scores spread: at most a quarter of the flagged at >= 0.995, several distinct values
top=$(q "$db" "SELECT count(*) FROM accounts WHERE score >= 0.995")
check "flagged scores spread: $top of $flagged at >= 0.995" test $((top * 4)) -le "$flagged"
distinct=$(q "$db" "SELECT count(DISTINCT round(score, 2)) FROM accounts WHERE score >= $flag")
check "flagged scores spread: $distinct distinct values at two decimals" test "$distinct" -ge 4
check "monotone in the evidence: higher evidence never scores lower" test "$(q "$db" "
  SELECT count(*) FROM accounts a, accounts b
   WHERE a.score >= $flag AND b.score >= $flag
     AND json_extract(a.reasons, '\$.evidence') > json_extract(b.reasons, '\$.evidence') + 0.001
     AND a.score < b.score - 1e-9")" -eq 0

# clusters: the mean of their members, within their range, numbered by descending score
nclusters=$(q "$db" "SELECT count(*) FROM clusters")
check "some clusters" test "$nclusters" -ge 2
eq "cluster score = members' mean" "$(q "$db" "
  SELECT count(*) FROM clusters k
   WHERE abs(k.score - (SELECT avg(a.score) FROM accounts a WHERE a.cluster_id = k.cluster_id)) > 1e-9")" 0
eq "cluster score within its members' range" "$(q "$db" "
  SELECT count(*) FROM clusters k
   WHERE k.score < (SELECT min(a.score) FROM accounts a WHERE a.cluster_id = k.cluster_id) - 1e-12
      OR k.score > (SELECT max(a.score) FROM accounts a WHERE a.cluster_id = k.cluster_id) + 1e-12")" 0
eq "clusters numbered by descending score" "$(q "$db" "
  SELECT count(*) FROM clusters a JOIN clusters b ON b.cluster_id = a.cluster_id + 1
   WHERE b.score > a.score")" 0
r=$(q "$db" "SELECT reasons FROM accounts WHERE cluster_id = 0 ORDER BY score DESC LIMIT 1")
s0=$(q "$db" "SELECT printf('%.2f', score) FROM clusters WHERE cluster_id = 0")
check "reasons name the cluster's score" grep -q "member of cluster 0 ([0-9]* accounts, cluster score $s0)" <<<"$r"
finish
