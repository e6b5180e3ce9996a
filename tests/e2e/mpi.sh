#!/usr/bin/env bash
# End-to-end: `mpirun -n N chorus scan` writes, table by table, the database of the
# single-process scan (docs/scale.md), for 1, 2 and 4 ranks; the inputs are split between the
# ranks (chorus JSONL and X v1.1 with bad lines and a document spread over lines) or read
# whole by every rank (IO-archive CSV). Every rank holds the corpus and takes a block of the
# narratives' sketching and of parroting (core/dist.h); the second part scans the generator's
# `all` scenario (narratives, parroting of statements, every kind of co-action) so that those
# shares carry real work: co-action events are shuffled by object key between the ranks
# (detect/coact/shuffle.h), and the edges and their evidence must come out row by row as one
# process writes them, with and without a memory budget. Skipped when chorus was built without MPI or mpirun is missing.
. "$(dirname "$0")/lib.sh"

if ! command -v mpirun >/dev/null 2>&1; then
  echo "mpi: SKIP (mpirun not found; scripts/setup-deps.sh installs openmpi-bin)"; exit 0
fi
if ! nm -C "$CHORUS" 2>/dev/null | grep -q ' MPI_Init$' && ! ldd "$CHORUS" | grep -q libmpi; then
  echo "mpi: SKIP (chorus built without MPI)"; exit 0
fi
export OMPI_MCA_rmaps_base_oversubscribe=1 ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0
MPIRUN=(mpirun --oversubscribe --allow-run-as-root)

"$SYNTH" --seed 5 --posts 6000 --format chorus,twitter-v1,io-csv -o "$TMP/s" >/dev/null || bad "synth failed"
# bad records and a pretty-printed document in the middle of the files
for f in posts.chorus.jsonl posts.v1.jsonl; do
  n=$(wc -l < "$TMP/s/$f")
  { head -n $((n / 3)) "$TMP/s/$f"; echo '{"id": "broken'; echo 'not json at all'
    head -n 1 "$TMP/s/$f" | /usr/bin/python3 -c 'import json,sys
d=json.loads(sys.stdin.read()); d["id"]=d.get("id","x")+"0pretty"; d["id_str"]=d["id"]
print(json.dumps(d, indent=2))'
    tail -n +$((n / 3 + 1)) "$TMP/s/$f"; } > "$TMP/$f"
done
check "inputs over the split threshold" test "$(stat -c %s "$TMP/posts.chorus.jsonl")" -gt 1048576
inputs=("$TMP/posts.chorus.jsonl" "$TMP/posts.v1.jsonl" "$TMP/s/posts.io.csv")


"$CHORUS" scan "${inputs[@]}" -s "$TMP/s/statements.jsonl" -o "$TMP/one.db" --quiet >/dev/null 2>"$TMP/one.err"
eq "single-process scan" $? 0
db_dump "$TMP/one.db" > "$TMP/one.txt"
check "errors recorded" test "$(sqlite3 "$TMP/one.db" 'SELECT count(*) FROM ingest_errors')" -ge 4
for n in 1 2 4; do
  "${MPIRUN[@]}" -n $n "$CHORUS" scan "${inputs[@]}" -s "$TMP/s/statements.jsonl" \
    -o "$TMP/n$n.db" --quiet >"$TMP/n$n.out" 2>"$TMP/n$n.err"
  eq "mpirun -n $n exit" $? 0
  db_dump "$TMP/n$n.db" > "$TMP/n$n.txt"
  if cmp -s "$TMP/one.txt" "$TMP/n$n.txt"; then ok; else
    bad "mpirun -n $n: tables differ from the single-process scan"
    diff "$TMP/one.txt" "$TMP/n$n.txt" | head -20 >&2
  fi
  eq "mpirun -n $n: diagnostics as one process" "$(sort "$TMP/n$n.err")" "$(sort "$TMP/one.err")"
done

# every scenario at once: narratives, parroting and co-actions whose shares the ranks split
"$SYNTH" --seed 11 --scenario all --posts 6000 --format chorus -o "$TMP/a" >/dev/null || bad "synth all failed"
"$CHORUS" scan "$TMP/a/posts.chorus.jsonl" -s "$TMP/a/statements.jsonl" -o "$TMP/a1.db" --quiet
eq "single-process scan of every scenario" $? 0
check "narratives found" test "$(sqlite3 "$TMP/a1.db" 'SELECT count(*) FROM narratives')" -gt 10
check "parroting found" test "$(sqlite3 "$TMP/a1.db" 'SELECT count(*) FROM matches')" -gt 100
check "clusters found" test "$(sqlite3 "$TMP/a1.db" 'SELECT count(*) FROM clusters')" -gt 3
# co-action evidence of several behaviours, which the ranks' shuffled events must reproduce row
# by row and in order
check "co-action evidence found" test "$(sqlite3 "$TMP/a1.db" 'SELECT count(*) FROM evidence')" -gt 100
check "evidence of several behaviours" \
  test "$(sqlite3 "$TMP/a1.db" 'SELECT count(DISTINCT behaviour) FROM edges')" -ge 3
db_dump "$TMP/a1.db" > "$TMP/a1.txt"
for n in 1 2 3 4; do
  CHORUS_DIST_STATS=1 "${MPIRUN[@]}" -n $n "$CHORUS" scan "$TMP/a/posts.chorus.jsonl" \
    -s "$TMP/a/statements.jsonl" -o "$TMP/an$n.db" --quiet >/dev/null 2>"$TMP/an$n.err"
  eq "every scenario, mpirun -n $n exit" $? 0
  db_dump "$TMP/an$n.db" > "$TMP/an$n.txt"
  if cmp -s "$TMP/a1.txt" "$TMP/an$n.txt"; then ok; else
    bad "every scenario, mpirun -n $n: tables differ from the single-process scan"
    diff "$TMP/a1.txt" "$TMP/an$n.txt" | head -20 >&2
  fi
  # each rank sent its shares (the rank statistics of CHORUS_DIST_STATS)
  if [ "$n" -gt 1 ]; then
    eq "every scenario, mpirun -n $n: every rank reports what it sent" \
      "$(grep -c 'sent [1-9][0-9]* bytes' "$TMP/an$n.err")" "$n"
  fi
done

# a peer tool's network (events extracted with the peer's keys on every rank) and a subset of
# behaviours with a fixed window: the same shuffle, other events
for args in "--compat coortweet" "--behaviours link,hashtag,statement --window 120"; do
  "$CHORUS" scan "$TMP/a/posts.chorus.jsonl" -s "$TMP/a/statements.jsonl" -o "$TMP/o1.db" --quiet $args
  eq "single-process scan $args" $? 0
  "${MPIRUN[@]}" -n 2 "$CHORUS" scan "$TMP/a/posts.chorus.jsonl" -s "$TMP/a/statements.jsonl" \
    -o "$TMP/o2.db" --quiet $args >/dev/null 2>&1
  eq "mpirun -n 2 $args exit" $? 0
  check "$args: edges found" test "$(sqlite3 "$TMP/o1.db" 'SELECT count(*) FROM edges')" -gt 0
  if cmp -s <(db_dump "$TMP/o1.db") <(db_dump "$TMP/o2.db"); then ok; else
    bad "mpirun -n 2 $args: tables differ from the single-process scan"
  fi
  rm -f "$TMP/o1.db" "$TMP/o2.db"
done

# under a memory budget (spilled texts, sketches in a mapped file, co-action runs on disk)
"$CHORUS" scan "$TMP/a/posts.chorus.jsonl" -s "$TMP/a/statements.jsonl" -o "$TMP/m1.db" --quiet --memory 1M
eq "single-process scan under --memory 1M" $? 0
check "the single process spilled co-action events" \
  test "$(sqlite3 "$TMP/m1.db" "SELECT value FROM run WHERE key = 'spill.coact_runs'")" -gt 1
db_dump "$TMP/m1.db" > "$TMP/m1.txt"
eq "under --memory 1M: the tables of the scan without a budget" "$(cat "$TMP/m1.txt")" "$(cat "$TMP/a1.txt")"
for n in 1 2 4; do
  "${MPIRUN[@]}" -n $n "$CHORUS" scan "$TMP/a/posts.chorus.jsonl" -s "$TMP/a/statements.jsonl" \
    -o "$TMP/mp$n.db" --quiet --memory 1M >/dev/null 2>&1
  eq "mpirun -n $n --memory 1M exit" $? 0
  if cmp -s "$TMP/m1.txt" <(db_dump "$TMP/mp$n.db"); then ok; else
    bad "mpirun -n $n --memory 1M: tables differ from the single-process scan"
    diff "$TMP/m1.txt" <(db_dump "$TMP/mp$n.db") | head -20 >&2
  fi
done
finish
