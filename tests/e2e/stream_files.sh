#!/usr/bin/env bash
# End-to-end: file and standard-input sources through the stream driver: a file followed
# while a writer appends (half lines included) and rotates it by rename as log writers do
# (keeping the old file open a while), a file read to its end, a live pipe, several sources
# at once, and a clean stop on SIGINT.
. "$(dirname "$0")/lib.sh"

CAT=$BUILD/stream_cat

# --- a followed file: 1,500 lines appended in bursts, half lines written in two pieces, and
# two rotations by rename while the writer still holds the old file
f=$TMP/live.jsonl
: >"$f"
"$CAT" --follow --poll-ms 20 "$f" --expect 1500 --linger-ms 300 --timeout-ms 20000 --stats \
  >"$TMP/out" 2>"$TMP/err" &
catpid=$!
(
  exec 3>>"$f"
  for i in $(seq 1 1500); do
    if [ $((i % 97)) -eq 0 ]; then
      printf '{"n":%d,' "$i" >&3
      sleep 0.02
      printf '"half":true}\n' >&3
    else
      printf '{"n":%d}\n' "$i" >&3
    fi
    if [ $((i % 500)) -eq 0 ] && [ "$i" -lt 1500 ]; then
      mv "$f" "$f.$i"
      printf '{"n":%d,"late":true}\n' "$((i * 100))" >&3 # still the old file
      exec 3>>"$f"                                          # now the new one
    fi
    [ $((i % 100)) -eq 0 ] && sleep 0.05
  done
)
wait $catpid
eq "follow: exit" $? 0
python_ok=$(/usr/bin/python3 - "$TMP/out" <<'PY'
import json, sys
got = [json.loads(l) for l in open(sys.argv[1])]
ns = [g["n"] for g in got]
late = [n for n in ns if n >= 10000]
plain = [n for n in ns if n < 10000]
ok = plain == list(range(1, 1501)) and sorted(late) == [50000, 100000]
# a late line of the old file comes before any line of the new one
ok = ok and ns.index(50000) == ns.index(500) + 1 and ns.index(100000) == ns.index(1000) + 1
print("yes" if ok else "no: %d lines" % len(ns))
PY
)
eq "follow: every line once, in order, across rotations" "$python_ok" yes
check "follow: rotations counted" grep -q '"rotations":2' "$TMP/err"
eq "follow: the half-written lines came whole" "$(grep -c '"half":true}' "$TMP/out")" 15

# --- a file read to its end, with a last line lacking its newline, and a bad line
printf '{"a":1}\nnot json but a line\n{"a":2}' >"$TMP/end.jsonl"
"$CAT" "$TMP/end.jsonl" >"$TMP/out" 2>"$TMP/err"
eq "to end: exit" $? 0
eq "to end: lines" "$(wc -l <"$TMP/out")" 3
eq "to end: last line" "$(tail -n 1 "$TMP/out")" '{"a":2}'

# --- standard input from a slow writer, together with a file: both complete
printf '{"f":1}\n{"f":2}\n' >"$TMP/two.jsonl"
{ printf '{"s":1}\n{"s":'; sleep 0.2; printf '2}\n'; sleep 0.2; printf '{"s":3}'; } |
  "$CAT" - "$TMP/two.jsonl" --stats >"$TMP/out" 2>"$TMP/err"
eq "stdin+file: exit" $? 0
eq "stdin+file: records" "$(wc -l <"$TMP/out")" 5
eq "stdin+file: stdin lines in order" "$(grep '"s"' "$TMP/out" | tr -d '\n')" '{"s":1}{"s":2}{"s":3}'

# --- SIGINT on a live pipe: a clean stop, exit 0, what was read is out
mkfifo "$TMP/pipe"
( printf '{"p":1}\n{"p":2}\n'; sleep 5 ) >"$TMP/pipe" &
writer=$!
"$CAT" - --flush <"$TMP/pipe" >"$TMP/out" 2>"$TMP/err" &
catpid=$!
for _ in $(seq 300); do [ "$(wc -l <"$TMP/out")" -ge 2 ] && break; sleep 0.05; done
kill -INT $catpid
wait $catpid
eq "sigint: exit" $? 0
eq "sigint: records" "$(wc -l <"$TMP/out")" 2
kill $writer 2>/dev/null
wait $writer 2>/dev/null

# --- a followed file that does not exist yet
"$CAT" --follow --poll-ms 20 "$TMP/later.jsonl" --expect 1 --timeout-ms 5000 >"$TMP/out" 2>"$TMP/err" &
catpid=$!
sleep 0.2
printf '{"later":1}\n' >"$TMP/later.jsonl"
wait $catpid
eq "appears later: exit" $? 0
eq "appears later: record" "$(cat "$TMP/out")" '{"later":1}'

finish
