#!/usr/bin/env bash
# End-to-end: the Bluesky readers. `chorus ingest` on every real Bluesky sample in
# ../shared/data/formats/bluesky (post counts and skip reasons), handles from DID documents in
# a scan, and one chorus-synth scenario scanned as X API v1.1 and as Jetstream events (with
# the getProfiles pages of its accounts): the same accounts must be clustered together, once
# the truth's account ids are mapped to their DIDs (docs/generator.md).
. "$(dirname "$0")/lib.sh"

B=${SHARED:-}/formats/bluesky
# Debian's python3 (a python3 earlier on PATH may start slowly or lack modules)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

# jnum JSON KEY: the number after "KEY": in a summary (0 when absent; keys are unique there)
jnum() {
  local v
  v=$(grep -o "\"$2\":[0-9]*" <<<"$1" | head -1 | cut -d: -f2)
  echo "${v:-0}"
}

# ingest_is FILE POSTS [REASON=COUNT...]: posts read and skip counts by reason
ingest_is() {
  local f=$1 want=$2; shift 2
  local j rc=0
  # a file that gives nothing (no post, no profile) is refused: exit 1 (NONE=1)
  [ "${NONE:-0}" = 1 ] && rc=1
  j=$("$CHORUS" ingest --json "$B/$f" 2>"$TMP/none.err"); eq "$f exit" $? $rc
  [ "$rc" = 1 ] && grep -q "no posts read as bluesky" "$TMP/none.err"
  [ "$rc" = 1 ] && eq "$f says nothing was read" $? 0
  eq "$f posts" "$(jnum "$j" posts)" "$want"
  for kv in "$@"; do
    eq "$f ${kv%%=*}" "$(jnum "$j" "${kv%%=*}")" "${kv#*=}"
  done
}

if [ -d "$B" ]; then
  ingest_is jetstream/jsonbench-sample-5events.jsonl 4 not_a_post=1
  ingest_is jetstream-corpus/expected_v1.jsonl 137 not_a_post=14 deleted=1
  ingest_is jetstream-corpus/golden_v1.jsonl 3 not_a_post=7
  ingest_is jetstream-corpus/did_docs.json.zst 0 not_a_post=148
  ingest_is api-atat/repost.json 3
  ingest_is api-atat/postWithMedia.json 3
  ingest_is api-atat/postWithRecordEmbed.json 2
  ingest_is api-atat/externalRepostWithComment.json 2
  ingest_is api-atat/externalEmbed.json 1
  ingest_is api-atat/postWithImagesEmbed.json 1
  ingest_is api-atat/postWithVideo.json 1
  ingest_is api-atat/postWithoutEmbed.json 1
  ingest_is api-bskyr/getAuthorFeed_chriskenny.bsky.social.json 87
  ingest_is api-bskyr/getTimeline_bskyr.json 53
  ingest_is api-bskyr/searchPosts_q-redistricting.json 26
  ingest_is api-bskyr/getListFeed_10.json 10
  ingest_is api-bskyr/getFeed_bsky-team.json 7
  ingest_is api-bskyr/getQuotes.json 3
  ingest_is api-marshalx/post_record.json 1
  ingest_is api-marshalx/extended_post_record.json 1
  ingest_is api-marshalx/like_record.json 1
  ingest_is api-marshalx/thread_view_post_with_embed_media.json 2
  ingest_is api-marshalx/get_follows.json 0 not_a_post=7
  ingest_is automod-indigo/capture_atprotocom.json 20
  ingest_is automod-indigo/capture_hackerdarkweb.json 20
  NONE=1 ingest_is firehose-indigo/firehose_commit_4621317030.json 0 not_a_post=1
  NONE=1 ingest_is firehose-indigo/firehose_commit_4621317332.json 0 not_a_post=1
  NONE=1 ingest_is firehose-indigo/firehose_commit_4621332152.json 0 not_a_post=42
  NONE=1 ingest_is firehose-indigo/firehose_commit_4623075231.json 0 not_a_post=1
  # all the API samples in one run: posts shown in several files are kept once
  j=$("$CHORUS" ingest --json "$B"/api-*/*.json "$B"/automod-indigo/*.json 2>/dev/null)
  eq "all API samples exit" $? 0
  # 243 posts in the files one by one; 3 of them are in two files (getRecord and a view)
  eq "all API samples: posts" "$(jnum "$j" posts)" 240
  eq "all API samples: duplicates" "$(jnum "$j" duplicates)" 40
  # the raw relay frames are no format chorus reads
  "$CHORUS" ingest "$B/jetstream-corpus/frames.bin.zst" >/dev/null 2>"$TMP/err"
  eq "relay frames exit" $? 1
  check "relay frames message" grep -q "cannot tell the format" "$TMP/err"
  # Jetstream names no handles; the DID documents of the window do
  "$CHORUS" scan "$B/jetstream-corpus/expected_v1.jsonl" "$B/jetstream-corpus/did_docs.json.zst" \
    -o "$TMP/handles.db" --quiet >/dev/null 2>&1
  eq "scan with DID documents exit" $? 0
  eq "every account has a handle" \
    "$(sqlite3 "$TMP/handles.db" "SELECT count(*) FROM accounts WHERE handle IS NULL OR handle = ''")" 0
  eq "accounts are on bluesky" \
    "$(sqlite3 "$TMP/handles.db" "SELECT count(*) FROM accounts WHERE platform != 'bluesky'")" 0
  eq "a like is stored as a like" \
    "$(sqlite3 "$TMP/handles.db" "SELECT kind FROM posts WHERE post_id = 'at://did:plc:olddpd7kjwh4gmjw7llf2eej/app.bsky.feed.like/3mptbypdnwe2h'")" like
else
  echo "bluesky: skipped the real samples: $B is absent"
fi

# --- one scenario, two platforms --------------------------------------------------------------
"$SYNTH" --seed 11 --posts 20000 --format twitter-v1,jetstream --quiet -o "$TMP/s" ||
  bad "synth failed"
check "jetstream file written" test -s "$TMP/s/posts.jetstream.jsonl"
check "profiles file written" test -s "$TMP/s/profiles.bsky.jsonl"
"$SYNTH" --seed 11 --posts 20000 --format jetstream --quiet -o "$TMP/s2" || bad "synth (jetstream only) failed"
check "jetstream output is the same whatever else is requested" \
  cmp -s "$TMP/s/posts.jetstream.jsonl" "$TMP/s2/posts.jetstream.jsonl"
check "profiles output is the same whatever else is requested" \
  cmp -s "$TMP/s/profiles.bsky.jsonl" "$TMP/s2/profiles.bsky.jsonl"
j=$("$CHORUS" ingest --json "$TMP/s/posts.jetstream.jsonl" 2>/dev/null); eq "jetstream ingest exit" $? 0
want=$("$PY" -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["n_posts"])' "$TMP/s/truth.jsonl")
eq "jetstream posts = the scenario's posts" "$(jnum "$j" posts)" "$want"
"$CHORUS" scan "$TMP/s/posts.v1.jsonl" -s "$TMP/s/statements.jsonl" -o "$TMP/x.db" --quiet >/dev/null
eq "scan X exit" $? 0
"$CHORUS" scan "$TMP/s/posts.jetstream.jsonl" "$TMP/s/profiles.bsky.jsonl" -s "$TMP/s/statements.jsonl" \
  -o "$TMP/b.db" --quiet >/dev/null 2>&1
eq "scan Bluesky exit" $? 0
"$PY" - "$TMP/x.db" "$TMP/b.db" "$TMP/s/truth.jsonl" >"$TMP/cmp" 2>&1 <<'PY'
import base64, json, sqlite3, sys

def did(account_id):  # docs/generator.md: the DID of an account id
    raw = bytes(7) + int(account_id).to_bytes(8, "big")
    return "did:plc:" + base64.b32encode(raw).decode().lower()

def partition(db, key=lambda a: a):
    groups = {}
    for a, cl in sqlite3.connect(db).execute(
            "SELECT account_id, cluster_id FROM accounts WHERE cluster_id IS NOT NULL"):
        groups.setdefault(cl, set()).add(key(a))
    return {frozenset(g) for g in groups.values()}

x, b = partition(sys.argv[1], did), partition(sys.argv[2])
truth = {did(d["account_id"]): d for d in map(json.loads, open(sys.argv[3]))
         if d.get("type") == "account"}
members = sum(len(g) for g in x)
print(f"X: {len(x)} clusters, {members} accounts; Bluesky: {len(b)} clusters, "
      f"{sum(len(g) for g in b)} accounts")
for g in x ^ b:
    side = "X only" if g in x else "Bluesky only"
    print(side, sorted((truth.get(a, {}).get("handle"), truth.get(a, {}).get("label")) for a in g))
# handles: "<X handle, lower case, '_' -> '-'>.bsky.social"
bad = 0
for a, h in sqlite3.connect(sys.argv[2]).execute("SELECT account_id, handle FROM accounts"):
    t = truth.get(a)
    if t is None or h != t["handle"].lower().replace("_", "-") + ".bsky.social":
        bad += 1
print("handles that do not map:", bad)
sys.exit(0 if x == b and members > 0 and bad == 0 else 1)
PY
eq "same clustered accounts from X v1.1 and from Jetstream" $? 0
grep -q "X only\|Bluesky only\|do not map: [1-9]" "$TMP/cmp" && cat "$TMP/cmp" >&2

finish
