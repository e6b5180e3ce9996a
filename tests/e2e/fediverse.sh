#!/usr/bin/env bash
# End-to-end: `chorus ingest` on every real Mastodon and Telegram sample (each detected, post
# counts counted independently with python, account lists refused as not_a_post), and one
# generated scenario scanned as X API v1.1 and as Mastodon: the same posts, the same clustered
# accounts (through the account mapping of docs/generator.md), the same score features but one
# (account age: Mastodon gives creation dates to the day).
. "$(dirname "$0")/lib.sh"

SYNTH=${SYNTH:-${BUILD:-build}/chorus-synth}

# Debian's interpreter when there is one (a python3 earlier on PATH may be a slow shim)
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

# --- real Mastodon samples: statuses counted by uri (reblogged and quoted ones included)
M=$SHARED/formats/mastodon
if [ -d "$M" ]; then
  while read -r f; do
    j=$("$CHORUS" ingest --json --quiet "$f"); eq "$(basename "$f") exit" $? 0
    check "$(basename "$f") posts" "$PY" - "$f" "$j" <<'PY'
import json, sys
path, got = sys.argv[1], json.loads(sys.argv[2])
docs = [json.loads(l) for l in open(path) if l.strip()] if path.endswith(".jsonl") else [json.load(open(path))]
uris = set()
def walk(x):
    if isinstance(x, list):
        for e in x: walk(e)
    elif isinstance(x, dict):
        if "created_at" in x and "account" in x and ("content" in x or "text" in x or "reblog" in x):
            uris.add(x["uri"])
            if x.get("reblog"): walk(x["reblog"])
            q = x.get("quote")
            if q and q.get("quoted_status"): walk(q["quoted_status"])
        else:
            for k in ("ancestors", "descendants", "statuses", "body"):
                if k in x: walk(x[k])
walk(docs)
assert got["posts"] == len(uris), (got["posts"], len(uris))
if not uris:  # account lists and the like: refused, with the reason
    assert got["errors_by_reason"].get("not_a_post", 0) > 0, got
PY
  done < <(find "$M" -name '*.json*' | sort)
  # detection: without --format the same as with it
  f=$M/rtoot-fixtures/context_mastodon.social_109294719267373593.json
  a=$("$CHORUS" ingest --json --quiet "$f"); b=$("$CHORUS" ingest --json --quiet --format mastodon "$f")
  nosec() { sed 's/"seconds":[0-9.e+-]*//'; }
  eq "context detected as mastodon" "$(nosec <<<"$a")" "$(nosec <<<"$b")"
else
  echo "fediverse: SKIP real Mastodon samples: $M is absent"
fi

# --- real Telethon samples: distinct (chat, message) pairs
T=$SHARED/formats/telegram/telethon
if [ -d "$T" ]; then
  for f in "$T"/*.jsonl; do
    j=$("$CHORUS" ingest --json --quiet "$f"); eq "$(basename "$f") exit" $? 0
    check "$(basename "$f") posts" "$PY" -c 'import json,sys
got = json.loads(sys.argv[2])
want = len({(json.loads(l)["peer_id"]["channel_id"], json.loads(l)["id"]) for l in open(sys.argv[1]) if l.strip()})
assert got["posts"] == want and got["errors"] == 0, (got, want)' "$f" "$j"
  done
else
  echo "fediverse: SKIP real Telegram samples: $T is absent"
fi

# --- one scenario as X v1.1 and as Mastodon
if [ -x "$SYNTH" ]; then
  d=$TMP/scenario
  "$SYNTH" --seed 1 --posts 15000 --accounts 1500 --campaigns 6 --campaign-size 10:30 --days 3 \
    --format twitter-v1,mastodon --quiet -o "$d"; eq "synth exit" $? 0
  for f in v1 mastodon; do
    "$CHORUS" scan "$d/posts.$f.jsonl" -s "$d/statements.jsonl" -o "$d/$f.db" --quiet --json \
      > "$d/$f.json"; eq "scan $f exit" $? 0
  done
  check "same clustered accounts, kinds and score features" "$PY" - "$d" <<'PY'
import json, sqlite3, sys
d = sys.argv[1]
servers = ["mastodon.example", "social.example", "toot.example", "fedi.example"]
sx, sm = (json.load(open(f"{d}/{f}.json")) for f in ("v1", "mastodon"))
assert sx["posts"] == sm["posts"] and sx["accounts"] == sm["accounts"], (sx, sm)
assert sx["clusters"] > 0, sx
x = sqlite3.connect(f"{d}/v1.db")
m = sqlite3.connect(f"{d}/mastodon.db")
# docs/generator.md: account id A with handle H is H@servers[A % 4] in the Mastodon output
to_m = {aid: f"{h}@{servers[int(aid) % 4]}" for aid, h in x.execute("SELECT account_id, handle FROM accounts")}
def clusters(db, key):
    out = {}
    for cid, aid in db.execute("SELECT cluster_id, account_id FROM accounts WHERE cluster_id IS NOT NULL"):
        out.setdefault(cid, set()).add(key(aid))
    return sorted(sorted(s) for s in out.values())
cx = clusters(x, lambda a: to_m[a])
cm = clusters(m, lambda a: a)
assert cx == cm, (cx, cm)
kinds = lambda db: sorted(db.execute("SELECT kind, count(*) FROM posts GROUP BY kind").fetchall())
assert kinds(x) == kinds(m), (kinds(x), kinds(m))
# Scores: every feature is the same except `young` (the account's age at its first post),
# because Mastodon gives an account's creation date to the day, X to the second.
def features(db, key):
    out = {}
    for a, r in db.execute("SELECT account_id, reasons FROM accounts"):
        f = json.loads(r)["features"]
        out[key(a)] = {k: v["value"] for k, v in f.items() if k != "young"}
    return out
fx, fm = features(x, lambda a: to_m[a]), features(m, lambda a: a)
diff = [a for a in fx if fx[a] != fm.get(a)]
assert not diff, [(a, fx[a], fm.get(a)) for a in diff[:3]]
# the truth's campaign accounts map onto Mastodon accounts that exist
truth = [json.loads(l) for l in open(f"{d}/truth.jsonl")]
members = [t for t in truth if t.get("type") == "account" and t.get("label") == "campaign"]
have = {a for (a,) in m.execute("SELECT account_id FROM accounts")}
mapped = [f"{t['handle']}@{servers[int(t['account_id']) % 4]}" for t in members]
assert sum(a in have for a in mapped) >= len(mapped) // 2, "campaign accounts missing"
PY
else
  echo "fediverse: SKIP generated scenario: $SYNTH not built"
fi

finish
