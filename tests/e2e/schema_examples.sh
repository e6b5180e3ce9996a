#!/usr/bin/env bash
# End-to-end: the example queries of docs/schema.md ("Questions it answers") run against the
# database of a small generated scan, as a reader would paste them — the SQL block with the
# sqlite3 shell (each query gives rows), and the R block with Rscript, DBI and RSQLite (each
# data frame holds what the database says). The code is taken from the document itself, so the
# document cannot drift from what works. The R part is skipped, visibly, when Rscript or the
# RSQLite package is absent (scripts/setup-deps.sh installs r-base-core, r-cran-dbi and
# r-cran-rsqlite).
. "$(dirname "$0")/lib.sh"

doc=$SRC/docs/schema.md
"$SYNTH" --seed 1 --posts 20000 -o "$TMP/s" --quiet || bad "synth failed"
"$CHORUS" scan "$TMP/s/posts.v1.jsonl" -s "$TMP/s/statements.jsonl" -o "$TMP/case.db" --quiet \
  >/dev/null
eq "scan exit" $? 0
q() { sqlite3 "$TMP/case.db" "$1"; }

# block LANG: the fenced ```LANG blocks of the document, in order
block() {
  awk -v lang="$1" '$0 == "```" lang { on = 1; next } on && /^```/ { on = 0; next } on' "$doc"
}

# ---- SQL -----------------------------------------------------------------------------------------
block sql >"$TMP/examples.sql"
check "the document has SQL examples" test -s "$TMP/examples.sql"
# the pair of accounts :a, :b that the pair query asks about: the busiest pair of cluster 0
pa=$(q "SELECT account_a FROM pairs WHERE cluster_a = 0 AND cluster_b = 0 ORDER BY n_events DESC LIMIT 1")
pb=$(q "SELECT account_b FROM pairs WHERE cluster_a = 0 AND cluster_b = 0 ORDER BY n_events DESC LIMIT 1")
check "cluster 0 has a pair" test -n "$pa"
# one query (with its comment lines) per paragraph; each runs alone and gives rows
n=0
while IFS= read -r -d '' para; do
  [ -n "$(tr -d '[:space:]' <<<"$para")" ] || continue
  n=$((n + 1))
  out=$(printf ".param set :a '%s'\n.param set :b '%s'\n%s\n" "$pa" "$pb" "$para" |
        sqlite3 -bail "$TMP/case.db" 2>&1)
  rc=$?
  title=$(head -1 <<<"$para")
  eq "sql example runs: $title" "$rc" 0
  check "sql example gives rows: $title" test -n "$out"
  check "sql example without error: $title" test "$(grep -c '^Error\|^Parse error' <<<"$out")" = 0
done < <(awk 'BEGIN { RS = ""; ORS = "\0" } { print }' "$TMP/examples.sql")
check "every SQL example was run (9 or more)" test "$n" -ge 9

# ---- R ---------------------------------------------------------------------------------------------
if ! command -v Rscript >/dev/null; then
  echo "schema_examples: SKIP R examples: Rscript is not installed (apt-get install r-base-core r-cran-dbi r-cran-rsqlite)"
  finish
  exit
fi
if ! Rscript -e 'suppressMessages(library(DBI)); suppressMessages(library(RSQLite))' >/dev/null 2>&1; then
  echo "schema_examples: SKIP R examples: the R packages DBI and RSQLite are missing (apt-get install r-cran-dbi r-cran-rsqlite)"
  finish
  exit
fi
block r >"$TMP/examples.R"
check "the document has R examples" test -s "$TMP/examples.R"
# the document's code as written (it opens "case.db" in the working directory), then checks
# of what it left behind against the database
{
  cat "$TMP/examples.R"
  cat <<'EOF'
chk <- dbConnect(RSQLite::SQLite(), "case.db", flags = RSQLite::SQLITE_RO)
want <- function(what, cond) cat(if (isTRUE(cond)) "ok" else "FAIL", what, "\n")
want("clusters: every cluster", nrow(clusters) == dbGetQuery(chk, "SELECT count(*) AS n FROM clusters")$n)
want("clusters: strongest first", !is.unsorted(rev(clusters$score)))
want("members: every member of cluster 0",
     nrow(members) == dbGetQuery(chk, "SELECT count(*) AS n FROM accounts WHERE cluster_id = 0")$n)
want("members: reasons in words", all(nchar(members$reasons_text) > 0))
want("shared: the pair shared objects", nrow(shared) > 0)
want("shared: times are date-times", inherits(shared$t_a, "POSIXct") && all(!is.na(shared$t_a)))
want("matches: every match", nrow(m) == dbGetQuery(chk, "SELECT count(*) AS n FROM matches")$n)
sq <- dbGetQuery(chk, "SELECT substr(p.text, m.post_start_char + 1, m.post_end_char - m.post_start_char) AS s FROM matches m JOIN posts p USING (post_id)")
want("matches: R's passages are SQLite's", nrow(m) > 0 && identical(sort(m$passage), sort(sq$s)))
want("matches: passages are not empty", all(nchar(m$passage) > 0))
dbDisconnect(chk)
EOF
} >"$TMP/run.R"
out=$(cd "$TMP" && Rscript --vanilla run.R 2>&1)
eq "R examples run" $? 0
grep -q '^ok ' <<<"$out" || echo "$out" | sed 's/^/schema_examples: R: /'
while IFS= read -r line; do
  case $line in
    "ok "*) ok ;;
    "FAIL "*) bad "R: ${line#FAIL }" ;;
  esac
done <<<"$out"
eq "R checks reported" "$(grep -c "^ok \|^FAIL " <<<"$out")" 9
finish
