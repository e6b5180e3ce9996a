#!/usr/bin/env bash
# End-to-end: the table presets on the real CrowdTangle tables (CooRnet ct_shares: rows of one
# post merged; PyCooRnet's dateless /links table refused with the reason), a semicolon table
# with US dates (refused with the --time-format to give, then read with it), inputs that give
# nothing, `chorus formats`, and the format of each input in the summaries and the run table.
. "$(dirname "$0")/lib.sh"
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
jget() { "$PY" -c 'import json,sys
v=json.loads(sys.argv[1])
for k in sys.argv[2].split("."): v=v[int(k)] if isinstance(v, list) else v[k]
print(v)' "$1" "$2"; }

# --- chorus formats: every reader, the presets among them, an example each
n=$("$CHORUS" formats --brief | wc -l)
eq "formats lists every reader" "$n" "$(ls "$SRC"/src/ingest/read_*.c | wc -l)"
for p in crowdtangle meta-cl 4cat csv jetstream mastodon; do
  "$CHORUS" formats --brief | grep -q "^$p "; eq "formats lists $p" $? 0
done
eq "an example per reader" "$("$CHORUS" formats | grep -c '^  example$')" "$n"
"$CHORUS" formats | grep -q "^crowdtangle  (also: ct, ct-shares, coornet)$"; eq "aliases shown" $? 0

# --- CrowdTangle: the real tables
D=$SHARED/formats/facebook/pycoornet
if [ -d "$D" ]; then
  j=$("$CHORUS" ingest --json "$D/ct_shares.csv" 2>"$TMP/err"); eq "ct_shares exit" $? 0
  eq "ct_shares posts" "$(jget "$j" posts)" 1058
  eq "ct_shares merged" "$(jget "$j" merged)" 625
  eq "ct_shares duplicates" "$(jget "$j" duplicates)" 1
  eq "ct_shares accounts" "$(jget "$j" accounts)" 407
  eq "ct_shares format" "$(jget "$j" formats.0)" crowdtangle
  "$CHORUS" ingest "$D/ct_shares.csv" 2>/dev/null | grep -q "ct_shares.csv  crowdtangle, 1,058 posts"
  eq "text summary names the format" $? 0
  "$CHORUS" ingest --preset ct "$D/ct_shares.csv" >/dev/null 2>&1; eq "--preset ct" $? 0

  "$CHORUS" ingest "$D/sample_ct_out.csv" >/dev/null 2>"$TMP/err"; eq "dateless table exit" $? 1
  grep -q "sample_ct_out.csv: this CrowdTangle table has no creation time" "$TMP/err"
  eq "dateless table: the reason" $? 0

  # a scan: the run table records the format of each input; an empty input fails the run
  # (exit 1, named) while the other input's results are still written
  : > "$TMP/empty.csv"
  "$CHORUS" scan --quiet "$D/ct_shares.csv" "$TMP/empty.csv" -o "$TMP/ct.db" >/dev/null 2>"$TMP/err"
  eq "scan with an empty input exit" $? 1
  grep -q "empty.csv: no posts read: the file is empty" "$TMP/err"; eq "empty input named" $? 0
  eq "run table: input format" \
    "$(sqlite3 "$TMP/ct.db" "SELECT value FROM run WHERE key='input_format.0'")" crowdtangle
else
  echo "SKIP: no CrowdTangle samples at $D"
fi

# --- a semicolon table with US dates: refused with the layout to give, then read
printf 'who;when;msg\nana;03/01/2021 11:00;hi\nbob;03/01/2021 11:01;hi\n' > "$TMP/us.csv"
"$CHORUS" ingest "$TMP/us.csv" --map author=who,time=when,text=msg >/dev/null 2>"$TMP/err"
eq "US dates without a layout exit" $? 1
grep -q "give --time-format '%m/%d/%Y %H:%M' (month first, US)" "$TMP/err"; eq "layout suggested" $? 0
grep -q "us.csv: no posts read as csv: 2 records, 2 skipped (bad_time 2); the file is a table with the columns who, when, msg (separator ';')" "$TMP/err"
eq "nothing read: shape named" $? 0
j=$("$CHORUS" ingest --json "$TMP/us.csv" --map author=who,time=when,text=msg \
    --time-format '%m/%d/%Y %H:%M'); eq "with --time-format exit" $? 0
eq "with --time-format posts" "$(jget "$j" posts)" 2
eq "with --time-format first" "$(jget "$j" first_iso)" 2021-03-01T11:00:00Z
"$CHORUS" ingest "$TMP/us.csv" --time-format '%m/%d' >/dev/null 2>&1; eq "bad layout: usage" $? 2

# --- JSON nobody reads: the keys it saw
echo '{"foo":1,"bar":{"x":2}}' > "$TMP/odd.json"
"$CHORUS" ingest "$TMP/odd.json" >/dev/null 2>"$TMP/err"; eq "unknown JSON exit" $? 1
finish
