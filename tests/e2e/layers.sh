#!/usr/bin/env bash
# Layers of the source tree: the command line includes the public header only (curl's
# include/curl vs src/tool_*), and each module includes only the modules below it, so there
# are no loops between folders. The build backs the first rule (src/ is not on the command's
# include path); this test names the offending line when someone adds a relative include.
. "$(dirname "$0")/lib.sh"
cd "$SRC" || exit 1

# 1. src/cli: system headers, "chorus.h" and its own "cli.h"
bad=$(grep -Hn '^[[:space:]]*#[[:space:]]*include' src/cli/*.c src/cli/*.h |
      grep -v '#[[:space:]]*include[[:space:]]*<' |
      grep -vE '#[[:space:]]*include[[:space:]]*"(chorus|cli)\.h"')
eq "the command includes include/chorus.h and its own header only" "$bad" ""

# 2. what each module may include ("folder/..." includes), lowest first
allowed() {
  case $1 in
    core) echo "core" ;;
    text) echo "core text" ;;
    ingest) echo "core text ingest" ;;
    detect) echo "core ingest text detect" ;;
    store) echo "core ingest text detect store" ;;
    report) echo "core store report" ;;
    stream) echo "core text ingest stream" ;;
    watch) echo "core text ingest detect store stream watch" ;;
    api) echo "core ingest text detect store report stream watch api" ;;
    serve) echo "core store serve" ;;
    *) echo "" ;;
  esac
}
for dir in src/*/; do
  mod=$(basename "$dir")
  [ "$mod" = cli ] && continue
  ok=$(allowed "$mod")
  if [ -z "$ok" ]; then bad "module $mod has no place in the layers (tests/e2e/layers.sh)"; continue; fi
  while IFS= read -r line; do
    [ -z "$line" ] && continue
    dep=$(sed -E 's/.*#[[:space:]]*include[[:space:]]*"([a-z_]+)\/.*/\1/' <<<"$line")
    case " $ok " in
      *" $dep "*) ;;
      *) bad "$mod may not include $dep: $line" ;;
    esac
  done < <(grep -rHnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[a-z_]+/' "$dir")
  ok
done

# 3. the public header stands alone: it compiles with nothing but itself
if command -v cc >/dev/null; then
  printf '#include "chorus.h"\nint main(void) { return chorus_version() == 0; }\n' >"$TMP/alone.c"
  check "include/chorus.h compiles on its own" cc -std=c17 -Wall -Werror -Iinclude -fsyntax-only "$TMP/alone.c"
fi
finish
