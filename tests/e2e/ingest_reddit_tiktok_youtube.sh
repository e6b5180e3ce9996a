#!/usr/bin/env bash
# End-to-end: `chorus ingest` on the real Reddit samples (PRAW API objects, Pushshift and Arctic
# Shift dump lines), the same dumps compressed as the dump sites do (zstd --long=31, a 2 GiB
# window), and the TikTok and YouTube fixtures written from the documented API shapes.
. "$(dirname "$0")/lib.sh"
# Debian's interpreter when there is one: a version manager's python3 shim costs a second per
# call, and this script asks for many values.
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
jget() { "$PY" -c 'import json,sys
v=json.loads(sys.argv[1])
for k in sys.argv[2].split("."): v=v[k]
print(v)' "$1" "$2"; }

# --- Reddit: posts counted independently: distinct fullnames of things by known authors,
# with the replies and crosspost originals they carry
R=$SHARED/formats/reddit
if [ -d "$R" ]; then
  for f in "$R"/praw-cassettes/*.ndjson "$R"/pushshift-importer/*.ndjson; do
    want=$("$PY" - "$f" <<'PY'
import json, sys
ids, skipped = set(), 0
def thing(d, kind, top):
    global skipped
    if d.get("author") in ("[deleted]", "[removed]"):
        skipped += top
        return
    if not kind:
        kind = "t1" if ("link_id" in d or "body" in d) else "t3"
    ids.add(d["name"] if str(d.get("name", "")).startswith(kind + "_") else kind + "_" + d["id"])
    for o in d.get("crosspost_parent_list") or []:
        if top and o.get("author") not in ("[deleted]", "[removed]", None):
            ids.add(o.get("name") or "t3_" + o["id"])
    r = d.get("replies")
    if isinstance(r, dict):
        for c in r["data"]["children"]:
            thing(c["data"], c["kind"], True)
for line in open(sys.argv[1]):
    if line.strip():
        o = json.loads(line)
        if "kind" in o: thing(o["data"], o["kind"], True)
        else: thing(o, None, True)
print(len(ids), skipped)
PY
)
    j=$("$CHORUS" ingest --json "$f" 2>"$TMP/err"); rc=$?
    name=$(basename "$f")
    eq "$name exit" $rc 0
    eq "$name posts" "$(jget "$j" posts)" "${want% *}"
    eq "$name skipped" "$(jget "$j" errors)" "${want#* }"
  done

  rc_file=$R/pushshift-importer/RC_sample_27_comments.ndjson
  rs_file=$R/pushshift-importer/RS_sample_31_submissions.ndjson
  j=$("$CHORUS" ingest --json "$rc_file" 2>"$TMP/err")
  eq "RC deleted authors" "$(jget "$j" errors_by_reason.missing_author)" 5
  eq "RC replies" "$(jget "$j" by_kind.reply)" 22
  check "RC deleted author named with file and line" \
    grep -q "RC_sample_27_comments.ndjson:7: t1_kod0bkj by '\[deleted\]'" "$TMP/err"
  j=$("$CHORUS" ingest --json "$rs_file")
  eq "RS reposts (crossposts)" "$(jget "$j" by_kind.repost)" 1

  # Pushshift-style .zst: zstd --long=31 from a pipe declares the full 2 GiB window
  { cat "$rc_file"; echo; cat "$rs_file"; } | zstd -q --long=31 -c > "$TMP/RC_RS.zst"
  check "the frame needs --long=31" bash -c "! zstd -q -d -c '$TMP/RC_RS.zst' >/dev/null 2>&1"
  j=$("$CHORUS" ingest --json "$TMP/RC_RS.zst"); eq "zst --long=31 exit" $? 0
  eq "zst --long=31 posts" "$(jget "$j" posts)" 54
  gzip -c "$rc_file" > "$TMP/RC.gz"
  eq "gz posts" "$(jget "$("$CHORUS" ingest --json "$TMP/RC.gz" 2>/dev/null)" posts)" 22
  eq "stdin posts" "$(jget "$("$CHORUS" ingest --json - < "$rs_file")" posts)" 32
  # a record cut short: only itself is lost
  { head -c 2000 "$rs_file"; echo; tail -n 3 "$rs_file"; } > "$TMP/cut.ndjson"
  j=$("$CHORUS" ingest --json "$TMP/cut.ndjson" 2>/dev/null)
  eq "cut record posts" "$(jget "$j" posts)" 3
  eq "cut record errors" "$(jget "$j" errors)" 1
else
  echo "SKIP: $R absent (shared sample data not installed)"
fi

# --- TikTok Research API (fixtures from the documented shape)
T=$SRC/tests/data/tiktok
j=$("$CHORUS" ingest --json "$T/video_query.json"); eq "tiktok videos exit" $? 0
eq "tiktok videos posts" "$(jget "$j" posts)" 2
eq "tiktok videos no errors" "$(jget "$j" errors)" 0
j=$("$CHORUS" ingest --json "$T/comment_list.json" 2>"$TMP/err")
eq "tiktok comments without authors" "$(jget "$j" errors_by_reason.missing_author)" 2
check "tiktok comments: the reason is named" grep -q "does not name commenters" "$TMP/err"
j=$("$CHORUS" ingest --json "$T/objects.jsonl"); eq "tiktok objects posts" "$(jget "$j" posts)" 4
eq "tiktok objects replies" "$(jget "$j" by_kind.reply)" 2

# --- YouTube Data API (fixtures from the documented shape)
Y=$SRC/tests/data/youtube
j=$("$CHORUS" ingest --json "$Y/comment_threads.json"); eq "youtube threads exit" $? 0
eq "youtube threads posts" "$(jget "$j" posts)" 4
eq "youtube threads replies" "$(jget "$j" by_kind.reply)" 3
eq "youtube comments posts" "$(jget "$("$CHORUS" ingest --json "$Y/comments_list.jsonl")" posts)" 2
eq "youtube videos posts" "$(jget "$("$CHORUS" ingest --json "$Y/videos.json")" posts)" 2
# all of them at once: one platform each, nothing lost
j=$("$CHORUS" ingest --json "$T/video_query.json" "$T/objects.jsonl" "$Y/comment_threads.json" "$Y/videos.json")
eq "tiktok + youtube posts" "$(jget "$j" posts)" 12

# a forced wrong format reads nothing and says why
j=$("$CHORUS" ingest --json --format reddit "$Y/videos.json" 2>"$TMP/err")
eq "forced reddit on youtube: posts" "$(jget "$j" posts)" 0
check "forced reddit on youtube: not a post" grep -q "neither a Reddit comment nor a submission" "$TMP/err"

finish
