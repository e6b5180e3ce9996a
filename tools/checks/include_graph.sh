#!/usr/bin/env bash
# include_graph.sh — checks that the module folders of the library include one another
# without loops: no file includes a file of a folder that (directly or through others)
# includes its own folder. Each folder under src/ is a module (src/detect and src/detect/coact
# are two); include/ is one too. Includes resolve as the compiler resolves them: against src/,
# then include/, then the including file's folder (same folder: not an edge); generated
# headers (build/generated) are skipped.
#
#   tools/checks/include_graph.sh [SRC_ROOT] [--print]
#   tools/checks/include_graph.sh --self-test
#
# Exit 0 when the folder graph has no cycle (with --print, the edges "from -> to" on stdout),
# 1 with the loop and the include lines that make it on stderr. --self-test runs the check on
# two small trees, one with a loop and one without. Needs bash, awk, find and tsort.
# Run by ctest (test "include_graph").
set -euo pipefail

if [ "${1:-}" = "--self-test" ]; then
  t=$(mktemp -d)
  trap 'rm -rf "$t"' EXIT
  mkdir -p "$t/ok/src/a" "$t/ok/src/b" "$t/ok/include" "$t/loop/src/a" "$t/loop/src/b/c"
  printf '#include "b/y.h"\n#include "x2.h"\n#include "api.h"\n' > "$t/ok/src/a/x.h"
  printf '/* nothing */\n' > "$t/ok/src/a/x2.h"
  printf '#include "api.h"\n#include "generated.h"\n' > "$t/ok/src/b/y.h"
  printf '/* api */\n' > "$t/ok/include/api.h"
  printf '#include "b/c/z.h"\n' > "$t/loop/src/a/x.h"
  printf '#include "b/y.h"\n' > "$t/loop/src/b/c/z.h"
  printf '  #  include "a/x.h" /* back up: a loop through three folders */\n' > "$t/loop/src/b/y.h"
  "$0" "$t/ok" || { echo "self-test: a tree without loop was refused" >&2; exit 1; }
  if "$0" "$t/loop" 2> "$t/err"; then
    echo "self-test: a loop went unnoticed" >&2
    exit 1
  fi
  grep -q 'src/b/y.h:1: #include "a/x.h"' "$t/err" ||
    { echo "self-test: the loop's include line is not named" >&2; cat "$t/err" >&2; exit 1; }
  echo "include_graph self-test: ok"
  exit 0
fi

root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
print=false
[ "${2:-}" = "--print" ] && print=true
cd "$root"
dirs=(src)
[ -d include ] && dirs+=(include)
[ -d src ] || { echo "include_graph: no src/ under '$root'" >&2; exit 2; }

edges=$(mktemp)
evidence=$(mktemp)
files=$(mktemp)
trap 'rm -f "$edges" "$evidence" "$files"' EXIT

find "${dirs[@]}" -type f \( -name '*.c' -o -name '*.h' -o -name '*.cpp' \) | sort > "$files"
# One pass over every file: the first file lists the sources (to resolve names against), the
# others are read for their #include "..." lines. Writes "from to" edges and the evidence.
xargs awk -v edges="$edges" -v evidence="$evidence" '
  function dir(p) { sub(/\/[^\/]*$/, "", p); return p }
  FNR == NR { have[$0] = 1; next }
  /^[ \t]*#[ \t]*include[ \t]*"/ {
    inc = $0
    sub(/^[^"]*"/, "", inc)
    sub(/".*$/, "", inc)
    from = dir(FILENAME)
    if (("src/" inc) in have) to = dir("src/" inc)
    else if (("include/" inc) in have) to = dir("include/" inc)
    else if ((from "/" inc) in have) to = dir(from "/" inc)
    else next                  # generated at build time (readers_list.h, store_sql.h)
    if (to == from) next
    print from, to > edges
    print from, to, FILENAME ":" FNR ": #include \"" inc "\"" > evidence
  }' "$files" < "$files"

sort -u -o "$edges" "$edges"
if ! out=$(tsort "$edges" 2>&1 >/dev/null); then
  echo "include_graph: the module folders include one another in a loop:" >&2
  loop=$(grep -v 'input contains a loop' <<<"$out" | sed 's/^tsort: //' | sort -u)
  echo "$loop" | sed 's/^/  /' >&2
  echo "include lines between those folders:" >&2
  while read -r a b rest; do
    grep -qxF "$a" <<<"$loop" && grep -qxF "$b" <<<"$loop" && echo "  $rest" >&2
  done < "$evidence"
  exit 1
fi
if $print; then
  sed 's/ / -> /' "$edges"
fi
exit 0
