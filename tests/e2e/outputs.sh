#!/usr/bin/env bash
# End-to-end: what `scan`, `report` and `export` may write over (docs/reliability.md, "Output
# files"): never an input or statements file (however spelled: another path, a hard link, a
# symbolic link), never another program's file without --force, never a device for the
# database; a symbolic link written through; temporary files gone after SIGTERM/SIGINT, stale
# ones of a killed run removed with a notice; a failed write to standard output exits 1 with
# the reason; and, with the LD_PRELOAD fault shim, a full disk (ENOSPC), EIO and short writes
# under the real SQLite and writers: the previous output intact and the reason in the message.
. "$(dirname "$0")/lib.sh"

"$SYNTH" --seed 5 --posts 1500 -o "$TMP/s" >/dev/null || bad "synth failed"
in=$TMP/s/posts.v1.jsonl
st=$TMP/s/statements.jsonl
cp "$in" "$TMP/in.orig"
cp "$st" "$TMP/st.orig"
run() { "$CHORUS" "$@" >"$TMP/out" 2>"$TMP/err"; echo $?; }
errhas() { grep -qF -- "$1" "$TMP/err"; }
no_temps() { test -z "$(find "$TMP" -name '*chorus-tmp-*')"; }
intact() { cmp -s "$in" "$TMP/in.orig" && cmp -s "$st" "$TMP/st.orig"; }

# ---- what a scan must not replace
eq "scan -o INPUT refused" "$(run scan "$in" -o "$in" --quiet)" 2
check "  says it is an input" errhas "is an input of the scan"
eq "scan -o STATEMENTS refused" "$(run scan "$in" -s "$st" -o "$st" --quiet)" 2
check "  says it is statements" errhas "statements of the scan"
ln "$in" "$TMP/hard.jsonl"
eq "scan -o a hard link to the input refused" "$(run scan "$in" -o "$TMP/hard.jsonl" --quiet)" 2
ln -s "$in" "$TMP/link.jsonl"
eq "scan -o a symlink to the input refused" "$(run scan "$in" -o "$TMP/link.jsonl" --quiet)" 2
eq "scan -o ./spelled/../input refused" \
   "$(run scan "$in" -o "$TMP/s/../s/posts.v1.jsonl" --quiet --force)" 2
eq "scan --report INPUT refused" "$(run scan "$in" -o "$TMP/a.db" --report "$in" --quiet)" 2
eq "scan --report STATEMENTS refused even with --force" \
   "$(run scan "$in" -s "$st" -o "$TMP/a.db" --report "$st" --quiet --force)" 2
eq "scan -o X --report X refused" "$(run scan "$in" -o "$TMP/x" --report "$TMP/x" --quiet)" 2
check "  names both" errhas "both the results database and the report"
eq "scan < INPUT -o INPUT refused (standard input is a file)" \
   "$("$CHORUS" scan - --format twitter-v1 -o "$in" --quiet <"$in" 2>"$TMP/err"; echo $?)" 2
check "inputs and statements untouched" intact
check "nothing created by refusals" test ! -e "$TMP/a.db" -a ! -e "$TMP/x"

# ---- another program's file, --force, a chorus file of the same kind
printf 'my notes\n' >"$TMP/notes.db"
eq "scan -o NOT-OURS refused" "$(run scan "$in" -o "$TMP/notes.db" --quiet)" 2
check "  suggests --force" errhas "is not a chorus results database"
eq "  left as it was" "$(cat "$TMP/notes.db")" "my notes"
eq "scan -o NOT-OURS --force" "$(run scan "$in" -s "$st" -o "$TMP/notes.db" --quiet --force)" 0
eq "  is a database now" "$(head -c 15 "$TMP/notes.db")" "SQLite format 3"
eq "scan -o OURS replaces it" "$(run scan "$in" -s "$st" -o "$TMP/notes.db" --quiet)" 0
: >"$TMP/empty.db"
eq "scan -o EMPTY replaces it" "$(run scan "$in" -o "$TMP/empty.db" --quiet)" 0
db=$TMP/notes.db
printf '<html>mine</html>\n' >"$TMP/page.html"
eq "report over a foreign page refused" "$(run report "$db" -o "$TMP/page.html" --quiet)" 2
check "  says why" errhas "is not a chorus report"
eq "report --force" "$(run report "$db" -o "$TMP/page.html" --quiet --force)" 0
eq "report over its own report" "$(run report "$db" -o "$TMP/page.html" --quiet)" 0
printf 'a,b\n' >"$TMP/t.graphml"
eq "export over a foreign file refused" "$(run export "$db" -o "$TMP/t.graphml" --quiet)" 2
eq "export --force" "$(run export "$db" -o "$TMP/t.graphml" --quiet --force)" 0
eq "export over its own export" "$(run export "$db" -o "$TMP/t.graphml" --quiet)" 0
eq "export gexf over a graphml export refused" \
   "$(run export "$db" --format gexf -o "$TMP/t.graphml" --quiet)" 2

# ---- symbolic links, devices, FIFOs
cp "$db" "$TMP/real.db"
ln -s real.db "$TMP/ln.db"
eq "scan -o SYMLINK writes through it" "$(run scan "$in" -o "$TMP/ln.db" --quiet)" 0
check "  the link is still a link" test -L "$TMP/ln.db"
eq "  the target was replaced" "$(sqlite3 "$TMP/real.db" 'SELECT count(*) FROM posts')" \
   "$(sqlite3 "$TMP/empty.db" 'SELECT count(*) FROM posts')"
ln -s "$TMP/nowhere/x.html" "$TMP/dangling.html"
eq "report -o DANGLING-SYMLINK refused" "$(run report "$db" -o "$TMP/dangling.html" --quiet)" 2
eq "scan -o /dev/null refused (SQLite needs a file)" "$(run scan "$in" -o /dev/null --quiet)" 2
check "  says it is a device" errhas "is a character device"
eq "export -o /dev/null written directly" "$(run export "$db" -o /dev/null --quiet)" 0
check "  /dev/null is still a device" test -c /dev/null
mkfifo "$TMP/fifo"
cat "$TMP/fifo" >"$TMP/from-fifo" &
eq "report -o FIFO written directly" "$(run report "$db" -o "$TMP/fifo" --quiet)" 0
wait
check "  the FIFO got the report" grep -q '<meta name="generator" content="chorus ' "$TMP/from-fifo"
check "  still a FIFO" test -p "$TMP/fifo"

# ---- unwritable outputs give the reason
eq "scan -o MISSING-DIR/x.db" "$(run scan "$in" -o "$TMP/none/x.db" --quiet)" 1
check "  reason" errhas "No such file or directory"
eq "report -o MISSING-DIR/x.html" "$(run report "$db" -o "$TMP/none/x.html" --quiet)" 1
check "  reason" errhas "No such file or directory"
check "no temporary files so far" no_temps

# ---- standard output
eq "scan --json >/dev/full exits 1" \
   "$("$CHORUS" scan "$in" -o "$TMP/b.db" --json >/dev/full 2>"$TMP/err"; echo $?)" 1
check "  says why" errhas "cannot write standard output: No space left on device"
eq "export -o - >/dev/full exits 1" \
   "$("$CHORUS" export "$db" -o - >/dev/full 2>"$TMP/err"; echo $?)" 1
check "  says why" errhas "No space left on device"
eq "report -o - >/dev/full exits 1" \
   "$("$CHORUS" report "$db" -o - >/dev/full 2>"$TMP/err"; echo $?)" 1
eq "match >/dev/full exits 1" \
   "$("$CHORUS" match "$in" -s "$st" >/dev/full 2>"$TMP/err"; echo $?)" 1
eq "ingest --json >/dev/full exits 1" \
   "$("$CHORUS" ingest "$in" --json >/dev/full 2>"$TMP/err"; echo $?)" 1

# ---- stale temporary files of a killed run
sh -c 'exit 0' & dead=$!; wait $dead      # a pid that is gone
stale=$TMP/.notes.db.chorus-tmp-$dead-0badf00d
head -c 5000 /dev/zero >"$stale"
other=$TMP/.other.db.chorus-tmp-$dead-0badf00d
: >"$other"
live=$TMP/.notes.db.chorus-tmp-$$-00c0ffee   # this shell is alive: not removed
: >"$live"
eq "scan over a target with a stale temporary file" "$(run scan "$in" -o "$db")" 0
check "  the stale file is removed" test ! -e "$stale"
check "  and the user told" errhas "left by an interrupted chorus run"
check "  another target's is not touched" test -e "$other"
check "  a live process's is not touched" test -e "$live"
rm -f "$other" "$live"

# ---- signals: the temporary file is removed, the previous output stays
cp "$db" "$TMP/prev.db"
if [ -n "${FAULT_SHIM:-}" ] && [ -e "$FAULT_SHIM" ]; then
  export ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0
  for sig in TERM INT HUP; do
    # the shim holds the first write of the temporary file for 20 s: the signal comes then
    # (env restores SIGINT, which a shell ignores in its background jobs)
    FAULT_SHIM_MODE=PAUSE FAULT_SHIM_AFTER=20 LD_PRELOAD=$FAULT_SHIM \
      env --default-signal=INT "$CHORUS" scan "$in" -o "$db" --quiet 2>"$TMP/err" & pid=$!
    for _ in $(seq 200); do
      [ -n "$(find "$TMP" -maxdepth 1 -name '.notes.db.chorus-tmp-*')" ] && break
      sleep 0.05
    done
    kill -s "$sig" "$pid"
    wait "$pid" 2>/dev/null; rc=$?
    eq "SIG$sig ends the scan as the signal does" "$rc" "$((128 + $(kill -l "$sig")))"
    check "  no temporary file left after SIG$sig" no_temps
    check "  the previous database intact after SIG$sig" cmp -s "$db" "$TMP/prev.db"
  done

  # ---- disk faults under the real SQLite and writers
  "$CHORUS" report "$db" -o "$TMP/r.html" --quiet
  "$CHORUS" export "$db" -o "$TMP/e.gexf" --quiet
  cp "$TMP/r.html" "$TMP/r.prev"; cp "$TMP/e.gexf" "$TMP/e.prev"
  for fault in ENOSPC:0 ENOSPC:4096 ENOSPC:60000 EIO:0 EIO:30000; do
    m=${fault%%:*}; n=${fault#*:}
    why="No space left on device"; [ "$m" = EIO ] && why="Input/output error"
    f() { FAULT_SHIM_MODE=$m FAULT_SHIM_AFTER=$n LD_PRELOAD=$FAULT_SHIM "$CHORUS" "$@" \
            >/dev/null 2>"$TMP/err"; echo $?; }
    eq "scan under $fault exits 1" "$(f scan "$in" -s "$st" -o "$db" --quiet)" 1
    check "  says '$why'" errhas "$why"
    check "  the previous database intact" cmp -s "$db" "$TMP/prev.db"
    eq "report under $fault exits 1" "$(f report "$db" -o "$TMP/r.html" --quiet)" 1
    check "  says '$why'" errhas "$why"
    check "  the previous report intact" cmp -s "$TMP/r.html" "$TMP/r.prev"
    eq "export under $fault exits 1" "$(f export "$db" -o "$TMP/e.gexf" --quiet)" 1
    check "  says '$why'" errhas "$why"
    check "  the previous export intact" cmp -s "$TMP/e.gexf" "$TMP/e.prev"
    check "  no temporary files after $fault" no_temps
  done
  # short writes are no failure: the same bytes arrive
  s() { FAULT_SHIM_MODE=SHORT LD_PRELOAD=$FAULT_SHIM "$CHORUS" "$@" >/dev/null 2>"$TMP/err"; echo $?; }
  eq "scan with short writes" "$(s scan "$in" -s "$st" -o "$TMP/short.db" --quiet)" 0
  eq "  same posts" "$(sqlite3 "$TMP/short.db" 'PRAGMA integrity_check; SELECT count(*) FROM posts')" \
     "$(printf 'ok\n%s' "$(sqlite3 "$db" 'SELECT count(*) FROM posts')")"
  eq "report with short writes" "$(s report "$db" -o "$TMP/r.html" --quiet)" 0
  check "  the same report" cmp -s "$TMP/r.html" "$TMP/r.prev"
  eq "export with short writes" "$(s export "$db" -o "$TMP/e.gexf" --quiet)" 0
  check "  the same export" cmp -s "$TMP/e.gexf" "$TMP/e.prev"
  check "no temporary files at the end" no_temps
else
  echo "SKIP: signal and disk-fault cases: no fault shim (FAULT_SHIM unset)" >&2
fi
check "inputs and statements untouched at the end" intact
finish
