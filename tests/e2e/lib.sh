# lib.sh — helpers for end-to-end tests (sourced). Each test counts checks and ends with
# "NAME: N passed, M failed"; the script exits non-zero when anything failed.
set -u
PASS=0
FAIL=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
ok() { PASS=$((PASS + 1)); }
bad() { FAIL=$((FAIL + 1)); echo "FAIL: $*" >&2; }
check() { # check DESCRIPTION COMMAND...
  local d=$1; shift
  if "$@"; then ok; else bad "$d"; fi
}
eq() { # eq DESCRIPTION GOT WANT
  if [ "$2" = "$3" ]; then ok; else bad "$1: got '$2', want '$3'"; fi
}
jget() { # jget JSON KEY  -> value of a top-level or dotted key
  python3 -c 'import json,sys
v=json.loads(sys.argv[1])
for k in sys.argv[2].split("."): v=v[k]
print(v)' "$1" "$2"
}
db_dump() { # db_dump DB -> every table, rows in storage order, the run table without timings
  # and spill counters (how the scan ran, not what it found)
  local t
  for t in $(sqlite3 "$1" "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"); do
    echo "== $t"
    if [ "$t" = run ]; then
      sqlite3 "$1" "SELECT * FROM run WHERE key NOT LIKE 'time.%' AND key NOT LIKE 'spill.%' ORDER BY key"
    else
      sqlite3 "$1" "SELECT * FROM \"$t\""
    fi
  done
}
finish() {
  echo "$(basename "$0" .sh): $PASS passed, $FAIL failed"
  [ "$FAIL" -eq 0 ]
}
