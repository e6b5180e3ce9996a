#!/usr/bin/env bash
# End-to-end: likes (kind "like": an engagement with a post, no text of its own) go through
# every stage of `chorus scan` without changing what the other posts show. A generated
# scenario is scanned as is and with a like added for every repost (same post liked by the
# same account a minute later, half of them carrying the liked text as some exports do).
# Without the like behaviour (--behaviours without like): narratives, matches, co-action
# edges, evidence and clusters are the same; the likes are in the posts table, in no
# narrative, in no match and in no evidence. With every behaviour, the likes are co-like
# events: like edges appear, and likes are evidence of like edges only.
. "$(dirname "$0")/lib.sh"

"$SYNTH" --seed 5 --posts 8000 --format chorus -o "$TMP/s" >/dev/null || bad "synth failed"
python3 - "$TMP/s/posts.chorus.jsonl" "$TMP/likes.jsonl" <<'PY'
import json, sys
src, dst = sys.argv[1], sys.argv[2]
n = 0
with open(src) as f, open(dst, "w") as out:
    for line in f:
        out.write(line)
        p = json.loads(line)
        if p.get("kind") != "repost" or not p.get("ref_id"):
            continue
        n += 1
        like = {"id": "like-" + p["id"], "author_id": p["author_id"], "author": p["author"],
                "created_at": p["created_at"] + 60, "kind": "like", "ref_id": p["ref_id"],
                "ref_author_id": p.get("ref_author_id"),
                "text": p["text"] if n % 2 else ""}
        out.write(json.dumps(like) + "\n")
PY
nlikes=$(grep -c '"kind": "like"' "$TMP/likes.jsonl")
check "likes were added" test "$nlikes" -gt 100

"$CHORUS" scan "$TMP/s/posts.chorus.jsonl" -s "$TMP/s/statements.jsonl" -o "$TMP/a.db" --quiet
eq "scan without likes exit" $? 0
"$CHORUS" scan "$TMP/likes.jsonl" -s "$TMP/s/statements.jsonl" -o "$TMP/b.db" --quiet \
  --behaviours repost,reply,quote,link,hashtag,narrative,statement,thread
eq "scan with likes exit" $? 0
q() { sqlite3 "$1" "$2"; }
eq "likes in the posts table" "$(q "$TMP/b.db" "SELECT count(*) FROM posts WHERE kind='like'")" "$nlikes"
eq "likes in no narrative" \
   "$(q "$TMP/b.db" "SELECT count(*) FROM posts WHERE kind='like' AND narrative_id IS NOT NULL")" 0
eq "likes match no statement" \
   "$(q "$TMP/b.db" "SELECT count(*) FROM matches WHERE post_id LIKE 'like-%'")" 0
eq "likes in no evidence" \
   "$(q "$TMP/b.db" "SELECT count(*) FROM evidence WHERE post_a LIKE 'like-%' OR post_b LIKE 'like-%'")" 0
same() { # same TABLE COLUMNS: the table is the same with and without likes
  local a b
  a=$(q "$TMP/a.db" "SELECT $2 FROM $1" | sort | md5sum)
  b=$(q "$TMP/b.db" "SELECT $2 FROM $1" | sort | md5sum)
  eq "$1 unchanged by likes" "$a" "$b"
}
same matches '*'
same edges '*'
same evidence '*'
# the clusters as the network found them; their scores and so their order follow the members'
# scores, whose timing features count likes as actions (docs/scoring.md)
same clusters 'size, behaviours, first_seen, last_seen, summary'
same narratives '*'
"$CHORUS" scan "$TMP/likes.jsonl" -s "$TMP/s/statements.jsonl" -o "$TMP/c.db" --quiet
eq "scan with likes, every behaviour, exit" $? 0
check "co-like edges" test "$(q "$TMP/c.db" "SELECT count(*) FROM edges WHERE behaviour = 'like'")" -gt 0
eq "likes are evidence of like edges only" \
   "$(q "$TMP/c.db" "SELECT count(*) FROM evidence WHERE (post_a LIKE 'like-%' OR post_b LIKE 'like-%') AND behaviour != 'like'")" 0
eq "like evidence is likes" \
   "$(q "$TMP/c.db" "SELECT count(*) FROM evidence WHERE behaviour = 'like' AND (post_a NOT LIKE 'like-%' OR post_b NOT LIKE 'like-%')")" 0
eq "narrative of every other post unchanged" \
   "$(q "$TMP/a.db" "SELECT post_id, narrative_id FROM posts" | sort | md5sum)" \
   "$(q "$TMP/b.db" "SELECT post_id, narrative_id FROM posts WHERE kind != 'like'" | sort | md5sum)"
finish
