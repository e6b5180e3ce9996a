#!/usr/bin/env bash
# End-to-end: `chorus report` on a scanned scenario writes one standalone HTML file; headless
# Chromium loads it with no console message at all (any message is an error or a blocked
# load), the network picture has one node per clustered account, a cluster section shows
# highlighted evidence, and the coordination chart marks every spike hour (a database before
# schema 3 gets a line saying it has no timeline). report_browser.py then drives the page over
# the DevTools protocol: every member in the page, the search, the chart's spike markers, the
# largest cluster's central account labelled, screenshots at desktop and phone widths, printing.
# Hostile texts stay text in the browser's DOM; a database with 10,000 clusters (40,000
# accounts) gives a report under 8 MB with every member in it. The browser checks are skipped
# (and counted as passed) when chromium is not installed; the setup script installs it with
# CHORUS_WITH_BROWSER=1.
. "$(dirname "$0")/lib.sh"

"$SYNTH" --seed 1 -o "$TMP/s" >/dev/null || bad "synth failed"
db=$TMP/scan.db
"$CHORUS" scan "$TMP/s/posts.v1.jsonl" -s "$TMP/s/statements.jsonl" -o "$db" --quiet >/dev/null
eq "scan exit" $? 0
q() { sqlite3 "$1" "$2"; }
clustered=$(q "$db" 'SELECT count(*) FROM accounts WHERE cluster_id IS NOT NULL')

# ---- the command ------------------------------------------------------------------------------
out=$TMP/report.html
j=$("$CHORUS" report "$db" -o "$out" --json); eq "report exit" $? 0
check "report written" test -s "$out"
check "no temporary file left" test -z "$(ls "$TMP" | grep 'report.html.tmp')"
eq "json: bytes = file size" "$(jget "$j" bytes)" "$(stat -c %s "$out")"
eq "json: clustered accounts" "$(jget "$j" clustered_accounts)" "$clustered"
# one script, our own, allowed by its hash; nothing else may run
eq "standalone: one script" "$(grep -o '<script' "$out" | wc -l)" 1
check "the script is allowed by its hash only" grep -q "script-src 'sha256-[A-Za-z0-9+/]*='" "$out"
check "no inline event handler" test "$(grep -ciE ' on[a-z]+=' "$out")" = 0
check "durations in words" grep -q 'within [0-9.]* \(seconds\|minutes\|hours\|days\)' "$out"
check "no duration in raw seconds" test "$(grep -cE 'within [0-9]+ s[^a-z]' "$out")" = 0
check "parameters in words" grep -q 'second look, reposts of the same post' "$out"
check "one definition of a pair" grep -q '<b>A pair</b> is two accounts' "$out"
pairs=$(q "$db" 'SELECT count(*) FROM (SELECT DISTINCT account_a, account_b FROM edges)')
check "pairs: the report's count is the distinct pairs" \
  grep -q "<b>$(sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$pairs")</b><span>account pairs acting together" "$out"
check "edge colours have a legend" grep -q 'id="edge-legend"' "$out"
check "emoji-capable font stack" grep -q "'Noto Color Emoji'" "$out"
check "print stylesheet" grep -q '@media print' "$out"
# coordination over time: the chart, one marker per spike hour (the scenario's campaigns post
# in bursts; a two-week period is drawn hour by hour), the strongest spikes with their clusters
spikes=$(q "$db" 'SELECT count(*) FROM timeline WHERE spike = 1')
check "the scenario has spike hours" test "$spikes" -gt 0
check "coordination chart" grep -q '<svg class="tl" ' "$out"
eq "one marker per spike hour" "$(grep -o 'class="spike"' "$out" | wc -l)" "$spikes"
check "chart drawn hour by hour" grep -q 'posts per hour (' "$out"
check "strongest spikes listed with their clusters" grep -q 'clusters posting most in the hour' "$out"
eq "spike table rows" "$(grep -o '<table class="spikes">.*</table>' "$out" | grep -o '<tr class="f">' | wc -l)" \
  "$(( spikes < 10 ? spikes : 10 ))"
# a database before schema 3 has no timeline table: a line says so, the rest is the same
old=$TMP/schema2.db
cp "$db" "$old"
sqlite3 "$old" 'DROP TABLE timeline; PRAGMA user_version = 2'
"$CHORUS" report "$old" -o "$TMP/schema2.html" --quiet; eq "schema 2 report exit" $? 0
check "schema 2: the section says there is no timeline" grep -q 'has no coordination timeline' "$TMP/schema2.html"
check "schema 2: no chart" test "$(grep -c 'class="tl"' "$TMP/schema2.html")" = 0
eq "schema 2: one node per clustered account" "$(grep -o 'class="node"' "$TMP/schema2.html" | wc -l)" "$clustered"
# every clustered account in the page (handles are plain in the synthetic data)
nmiss=0
while IFS= read -r h; do
  grep -qF "@$h<" "$out" || grep -qF "@$h " "$out" || nmiss=$((nmiss + 1))
done < <(q "$db" "SELECT handle FROM accounts WHERE cluster_id IS NOT NULL AND handle <> ''")
eq "every clustered account is in the page" "$nmiss" 0
check "standalone: no src attribute" test "$(grep -c ' src="' "$out")" = 0
check "standalone: no external link, import or url()" \
  test "$(grep -cE '<link|@import|url\(|href="(https?:)?//' "$out")" = 0
check "content security policy" grep -q "default-src 'none'" "$out"
eq "one node per clustered account" "$(grep -o 'class="node"' "$out" | wc -l)" "$clustered"
check "clusters in the scenario" test "$clustered" -gt 0
check "marked passages" test "$(grep -o '<mark>' "$out" | wc -l)" -gt 0
(cd "$TMP" && "$CHORUS" report "$db" --quiet) ; eq "default output exit" $? 0
check "default output is report.html" test -s "$TMP/report.html"
# same database, same bytes
"$CHORUS" report "$db" -o "$TMP/again.html" --quiet
check "reproducible" cmp -s "$out" "$TMP/again.html"
"$CHORUS" report "$db" -o - > "$TMP/stdout.html"; eq "stdout exit" $? 0
check "stdout has the report" cmp -s "$out" "$TMP/stdout.html"

# errors: exit codes, messages, and a previous report left alone
before=$(md5sum < "$out")
err=$("$CHORUS" report "$TMP/missing.db" -o "$out" 2>&1); eq "missing database exit" $? 1
check "missing database message" grep -q "^chorus: report: cannot open '.*missing.db'" <<<"$err"
echo "not a database" > "$TMP/text.db"
err=$("$CHORUS" report "$TMP/text.db" -o "$out" 2>&1); eq "not a database exit" $? 1
check "not a database message" grep -q "not a chorus results database" <<<"$err"
sqlite3 "$TMP/other.db" 'CREATE TABLE t(x)'
"$CHORUS" report "$TMP/other.db" -o "$out" 2>/dev/null; eq "foreign database exit" $? 1
"$CHORUS" report "$db" -o /nonexistent-dir/r.html 2>/dev/null; eq "unwritable output exit" $? 1
eq "previous report untouched" "$(md5sum < "$out")" "$before"
dbsum=$(md5sum < "$db")
"$CHORUS" report "$db" -o "$db" 2>/dev/null; eq "report over its database exit" $? 2
eq "database untouched" "$(md5sum < "$db")" "$dbsum"
"$CHORUS" report 2>/dev/null; eq "no database exit" $? 2
"$CHORUS" report "$db" "$db" 2>/dev/null; eq "two databases exit" $? 2
"$CHORUS" report "$db" --top x 2>/dev/null; eq "bad number exit" $? 2
"$CHORUS" report "$db" --bogus 2>/dev/null; eq "unknown option exit" $? 2
h=$("$CHORUS" report --help); eq "help exit" $? 0
check "help has examples" grep -q "examples" <<<"$h"

# `chorus scan --report` writes the database and the report in one go
if "$CHORUS" scan "$TMP/s/posts.v1.jsonl" -s "$TMP/s/statements.jsonl" -o "$TMP/s2.db" \
     --report "$TMP/s2.html" --quiet >/dev/null 2>&1; then
  check "scan --report writes the report" test -s "$TMP/s2.html"
  eq "scan --report nodes" "$(grep -o 'class="node"' "$TMP/s2.html" | wc -l)" "$clustered"
else
  echo "report: note: 'chorus scan --report' not available in this build; skipped"
fi

# ---- hostile input: a clustered account posts markup that parrots a statement (first, and
# word for word, so it is the closest copy shown) -------------------------------------------------
hdb=$TMP/hostile.db
cp "$db" "$hdb"
acct=$(q "$hdb" 'SELECT account_id FROM accounts WHERE cluster_id IS NOT NULL ORDER BY score DESC LIMIT 1')
stmt=$(q "$hdb" 'SELECT statement_id FROM statements LIMIT 1')
sqlite3 "$hdb" <<EOF
UPDATE accounts SET handle = '"><img src=x onerror=console.error(1)>' WHERE account_id = '$acct';
INSERT INTO posts(post_id, account_id, created_at, kind, ref_id, text, narrative_id, platform)
  VALUES ('evil1', '$acct',
  (SELECT coalesce(published_at, 1600000000) + 1 FROM statements WHERE statement_id = '$stmt'),
  'post', NULL,
  '</script><script>console.error("pwned")</script><img src=x onerror=console.error(2)><b>x</b>',
  NULL, '');
INSERT INTO matches(post_id, statement_id, similarity, post_start, post_end, stmt_start, stmt_end, before_publication) VALUES ('evil1', '$stmt', 1.0, 0, 30, 0, 10, 0);
INSERT INTO statements VALUES ('<svg onload=console.error(3)>', '<style>*{display:none}</style>',
  NULL, '<iframe src=//example.invalid></iframe>', 'en');
EOF
hout=$TMP/hostile.html
"$CHORUS" report "$hdb" -o "$hout" --quiet; eq "hostile report exit" $? 0
check "hostile text escaped" grep -q '(&quot;pwned&quot;)&lt;/script&gt;&lt;img src=x onerror=' "$hout"
eq "hostile: only our script" "$(grep -o '<script' "$hout" | wc -l)" 1
check "hostile: no img" test "$(grep -c '<img' "$hout")" = 0
check "hostile: no iframe" test "$(grep -c '<iframe' "$hout")" = 0

# ---- 10,000 clusters: the report stays small and quick ---------------------------------------
big=$TMP/big.db
cp "$db" "$big"
sqlite3 "$big" <<'EOF'
CREATE TEMP TABLE k(i INTEGER PRIMARY KEY);
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 9999) INSERT INTO k SELECT i FROM n;
CREATE TEMP TABLE m(j INTEGER);
INSERT INTO m VALUES (0), (1), (2), (3), (4);
INSERT INTO accounts(account_id, handle, n_posts, score, cluster_id, reasons, platform)
  SELECT 'x' || k.i || '_' || m.j, 'synthetic_' || k.i || '_' || m.j, 5,
  0.3 + ((k.i * 7 + m.j) % 70) / 100.0, 100000 + k.i, '{"top_reasons":["synthetic member"]}', ''
  FROM k JOIN m WHERE m.j < 3 + (k.i % 3);
INSERT INTO clusters SELECT 100000 + i, 3 + (i % 3), 0.2 + (i % 50) / 100.0, 'repost', 1677600000,
  1678800000, 'synthetic' FROM k;
INSERT INTO edges(account_a, account_b, behaviour, weight, n_events, n_objects, pvalue)
  SELECT a.account_id, b.account_id, 'repost', 20 + (a.score * 30), 5, 5, 1e-10
  FROM accounts a JOIN accounts b ON a.cluster_id = b.cluster_id AND a.account_id < b.account_id
  WHERE a.cluster_id >= 100000;
INSERT INTO evidence(account_a, account_b, behaviour, post_a, post_b, object)
  SELECT account_a, account_b, 'repost',
  (SELECT post_id FROM posts LIMIT 1 OFFSET (abs(random()) % 1000)),
  (SELECT post_id FROM posts LIMIT 1 OFFSET (abs(random()) % 1000)), 'post x'
  FROM edges WHERE account_a LIKE 'x%';
EOF
bigclustered=$(q "$big" 'SELECT count(*) FROM accounts WHERE cluster_id IS NOT NULL')
bout=$TMP/big.html
t0=$(date +%s.%N)
j=$("$CHORUS" report "$big" -o "$bout" --max-nodes 100000 --json); eq "10k clusters exit" $? 0
t1=$(date +%s.%N)
size=$(stat -c %s "$bout")
echo "report: 10,000 clusters, $bigclustered accounts: $size bytes in $(awk "BEGIN{printf \"%.2f\", $t1 - $t0}") s"
# every member of every cluster is in the page (about 70 bytes an account beside its dot)
check "10k clusters: under 8 MB" test "$size" -lt 8000000
eq "10k clusters: every clustered account drawn" "$(grep -o 'class="node"' "$bout" | wc -l)" "$bigclustered"
eq "10k clusters: 50 full sections" "$(grep -o '<details class="sec cluster"' "$bout" | wc -l)" 50
check "10k clusters: the rest listed" grep -q "more clusters, by score" "$bout"
missing=$(/usr/bin/python3 - "$big" "$bout" <<'EOF'
import re, sqlite3, sys
# every "@handle" of the page in a set: one pass over the page, not one per account
page = set(re.findall(r"@([^\s<&\"]+)", open(sys.argv[2], encoding="utf-8").read()))
hs = sqlite3.connect(sys.argv[1]).execute(
    "SELECT handle FROM accounts WHERE cluster_id IS NOT NULL AND handle <> ''").fetchall()
print(sum(1 for (h,) in hs if h not in page))
EOF
)
eq "10k clusters: every member of every cluster in the page" "$missing" 0

# ---- the browser ------------------------------------------------------------------------------
# CHROMIUM names the browser; set and empty, it is taken as absent
browser=${CHROMIUM-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$browser" ]; then
  echo "report: SKIP browser checks: chromium is not installed (CHORUS_WITH_BROWSER=1 make deps)"
  ok
  finish
  exit
fi
# render FILE -> TMP/dom.html, TMP/console.log (the page's console messages, one a line)
render() {
  local profile
  profile=$(mktemp -d "$TMP/profile.XXXXXX")
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --disable-quic --no-first-run --disable-background-networking --disable-component-update \
    --disable-sync --disable-extensions --user-data-dir="$profile" \
    --enable-logging=stderr --v=0 --dump-dom "file://$1" >"$TMP/dom.html" 2>"$TMP/chromium.log"
  local rc=$?
  grep 'CONSOLE' "$TMP/chromium.log" >"$TMP/console.log"
  return $rc
}
# the detector must see errors, or its silence below would prove nothing
printf '<!DOCTYPE html><p>x</p><script>console.error("control-error"); undefinedFn();</script>' \
  >"$TMP/control.html"
render "$TMP/control.html"; eq "chromium runs" $? 0
check "console detector sees an error" grep -q "control-error" "$TMP/console.log"
check "console detector sees an uncaught exception" grep -q "Uncaught" "$TMP/console.log"

render "$out"; eq "chromium loads the report" $? 0
eq "no console messages" "$(cat "$TMP/console.log")" ""
check "DOM complete" grep -q 'id="reading"' "$TMP/dom.html"
eq "DOM: one spike marker per spike hour" "$(grep -o 'class="spike"' "$TMP/dom.html" | wc -l)" "$spikes"
eq "DOM: network nodes = clustered accounts" "$(grep -o 'class="node"' "$TMP/dom.html" | wc -l)" "$clustered"
# a cluster section (the DOM as the browser built it) holds <mark>ed evidence
marked=$(python3 - "$TMP/dom.html" <<'EOF'
import sys
dom = open(sys.argv[1], encoding="utf-8").read()
parts = dom.split('<details class="sec cluster"')[1:]
print(sum(1 for p in parts if "<mark>" in p.split("</details>")[0]))
EOF
)
check "a cluster section shows highlighted evidence" test "${marked:-0}" -gt 0

render "$hout"; eq "chromium loads the hostile report" $? 0
eq "hostile: no console messages" "$(cat "$TMP/console.log")" ""
eq "hostile: only our script element in the DOM" "$(grep -o '<script' "$TMP/dom.html" | wc -l)" 1
check "hostile: no img element in the DOM" test "$(grep -c '<img' "$TMP/dom.html")" = 0
check "hostile: text shown as text" grep -q 'pwned.\{0,20\}&lt;/script&gt;&lt;img src=x onerror=' "$TMP/dom.html"

t0=$(date +%s.%N)
render "$bout"; eq "chromium loads the 10k-cluster report" $? 0
t1=$(date +%s.%N)
echo "report: chromium loaded the 10k-cluster report in $(awk "BEGIN{printf \"%.2f\", $t1 - $t0}") s"
eq "10k clusters: no console messages" "$(cat "$TMP/console.log")" ""
eq "10k clusters: DOM nodes" "$(grep -o 'class="node"' "$TMP/dom.html" | wc -l)" "$bigclustered"

# ---- the page in use: members, search, screenshots, print (DevTools protocol) ----------------
if /usr/bin/python3 -c 'import websocket, PIL' 2>/dev/null; then
  mkdir -p "$TMP/browser"
  timeout 300 /usr/bin/python3 "$(dirname "$0")/browser/report_browser.py" "$browser" "$out" "$db" \
    "$TMP/browser" >"$TMP/browser.log" 2>&1
  rc=$?
  sed 's/^/report: /' "$TMP/browser.log"
  eq "report in use (report_browser.py)" $rc 0
else
  echo "report: SKIP in-use checks: python3-websocket or python3-pil is missing (CHORUS_WITH_BROWSER=1 make deps)"
fi
finish
