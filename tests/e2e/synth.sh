#!/usr/bin/env bash
# End-to-end test of chorus-synth, the scenario generator: determinism (same seed gives
# byte-identical files, a different seed different ones, the formats requested do not change
# the content), every output exists and parses (v1/v2/chorus JSONL, IO-archive CSV with a
# constant column count, CooRTweet CSV), and the ground truth is sane (campaign accounts, hard
# negatives, parroting posts that exist in the dump). ctest sets SYNTH, BUILD and SRC.
set -u

SYNTH=${SYNTH:-${BUILD:-build}/chorus-synth}
pass=0
fail=0

ok() {
    pass=$((pass + 1))
}
bad() {
    echo "synth: FAIL: $*"
    fail=$((fail + 1))
}
check() { # check NAME COMMAND...
    local name=$1
    shift
    if "$@"; then ok; else bad "$name"; fi
}

if [ ! -x "$SYNTH" ]; then
    echo "synth: generator not found at '$SYNTH'"
    echo "synth: 0 passed, 1 failed"
    exit 1
fi
if ! command -v python3 >/dev/null 2>&1; then
    echo "synth: python3 is needed for the format checks"
    echo "synth: 0 passed, 1 failed"
    exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

common=(--posts 4000 --accounts 600 --campaigns 3 --campaign-size 5:14 --days 4 --quiet)

run() { # run DIR ARGS...
    local dir=$1
    shift
    "$SYNTH" "$@" -o "$tmp/$dir" 2>"$tmp/$dir.err"
}

check "run seed 7 (a)" run a --seed 7 "${common[@]}" --format all
check "run seed 7 (b)" run b --seed 7 "${common[@]}" --format all
check "run seed 8 (c)" run c --seed 8 "${common[@]}" --format all
check "run seed 7, v1 only (d)" run d --seed 7 "${common[@]}" --format twitter-v1

files=(posts.v1.jsonl posts.v2.jsonl posts.io.csv posts.csv posts.chorus.jsonl statements.jsonl truth.jsonl)
for f in "${files[@]}"; do
    check "$f exists and is not empty" test -s "$tmp/a/$f"
    check "$f identical for the same seed" cmp -s "$tmp/a/$f" "$tmp/b/$f"
done
check "statements/*.txt identical for the same seed" diff -r -q "$tmp/a/statements" "$tmp/b/statements"
check "posts.v1.jsonl differs for another seed" bash -c "! cmp -s '$tmp/a/posts.v1.jsonl' '$tmp/c/posts.v1.jsonl'"
check "truth.jsonl differs for another seed" bash -c "! cmp -s '$tmp/a/truth.jsonl' '$tmp/c/truth.jsonl'"
check "v1 file does not depend on the other formats requested" cmp -s "$tmp/a/posts.v1.jsonl" "$tmp/d/posts.v1.jsonl"
check "truth does not depend on the formats requested" cmp -s "$tmp/a/truth.jsonl" "$tmp/d/truth.jsonl"

check "every v1 line is valid JSON" python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]' <"$tmp/a/posts.v1.jsonl"

check "v1 statuses have the API v1.1 shape" python3 - "$tmp/a/posts.v1.jsonl" <<'EOF'
import json, re, sys
kinds = set()
for line in open(sys.argv[1], encoding="utf-8"):
    d = json.loads(line)
    assert str(d["id"]) == d["id_str"] and d["id"] > 2**53, "id/id_str"
    assert re.fullmatch(r"[A-Z][a-z]{2} [A-Z][a-z]{2} \d\d \d\d:\d\d:\d\d \+0000 \d{4}", d["created_at"]), d["created_at"]
    text = d.get("full_text", d.get("text"))
    assert isinstance(text, str), "text"
    u = d["user"]
    for k in ("id_str", "screen_name", "followers_count", "friends_count", "statuses_count", "created_at",
              "default_profile", "default_profile_image", "verified", "description"):
        assert k in u, k
    assert d["source"].startswith("<a href="), "source"
    if "retweeted_status" in d:
        kinds.add("repost")
        assert text.startswith("RT @" + d["retweeted_status"]["user"]["screen_name"] + ":"), "RT text"
    elif d.get("quoted_status_id_str"):
        kinds.add("quote")
    elif d.get("in_reply_to_status_id_str"):
        kinds.add("reply")
    else:
        kinds.add("post")
    if d.get("truncated"):
        assert "extended_tweet" in d and "full_text" in d["extended_tweet"], "truncated layout"
    ents = d.get("entities") or {}
    plain = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    for h in ents.get("hashtags", []):
        a, b = h["indices"]
        assert plain[a:b] == "#" + h["text"], ("hashtag indices", plain, h)
    for u2 in ents.get("urls", []):
        a, b = u2["indices"]
        assert plain[a:b] == u2["url"], ("url indices", plain, u2)
assert kinds == {"post", "repost", "reply", "quote"}, kinds
EOF

check "v2 pages parse and look like twarc2 output" python3 - "$tmp/a/posts.v2.jsonl" "$tmp/a/posts.v1.jsonl" <<'EOF'
import json, sys
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    page = json.loads(line)
    assert set(page) >= {"data", "includes", "meta", "__twarc"}, set(page)
    assert 0 < len(page["data"]) <= 100
    assert page["meta"]["result_count"] == len(page["data"])
    users = {u["id"] for u in page["includes"]["users"]}
    for t in page["data"]:
        assert t["author_id"] in users, "author in includes.users"
        for r in t.get("referenced_tweets", []):
            assert r["type"] in ("retweeted", "quoted", "replied_to")
    n += len(page["data"])
v1 = sum(1 for _ in open(sys.argv[2], encoding="utf-8"))
assert n == v1, (n, v1)
EOF

check "chorus JSONL parses with the canonical fields" python3 - "$tmp/a/posts.chorus.jsonl" <<'EOF'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    d = json.loads(line)
    assert {"id", "author_id", "author", "created_at", "text", "kind"} <= set(d)
    assert d["kind"] in ("post", "repost", "reply", "quote")
    assert isinstance(d["created_at"], int)
EOF

check "IO-archive CSV parses with a constant column count" python3 - "$tmp/a/posts.io.csv" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
header = rows[0]
assert header[:4] == ["tweetid", "userid", "user_display_name", "user_screen_name"] and len(header) == 31, header
assert all(len(r) == 31 for r in rows), "column count"
assert len(rows) > 1000
ix = {k: i for i, k in enumerate(header)}
assert {r[ix["is_retweet"]] for r in rows[1:]} == {"True", "False"}
assert all(r[ix["hashtags"]].startswith("[") for r in rows[1:])
EOF

check "CooRTweet CSV has the 4 columns" python3 - "$tmp/a/posts.csv" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
assert rows[0] == ["object_id", "account_id", "content_id", "timestamp_share"], rows[0]
assert len(rows) > 100 and all(len(r) == 4 and r[3].isdigit() for r in rows[1:])
EOF

check "statements.jsonl and statements/<id>.txt agree" python3 - "$tmp/a" <<'EOF'
import json, os, sys
d = sys.argv[1]
st = [json.loads(l) for l in open(os.path.join(d, "statements.jsonl"), encoding="utf-8")]
assert len(st) >= 3
langs = set()
for s in st:
    assert set(s) == {"id", "source", "published_at", "lang", "text"}, set(s)
    txt = open(os.path.join(d, "statements", s["id"] + ".txt"), encoding="utf-8").read()
    assert txt.rstrip("\n") == s["text"]
    langs.add(s["lang"])
assert len(os.listdir(os.path.join(d, "statements"))) == len(st)
EOF

check "truth is sane" python3 - "$tmp/a" <<'EOF'
import collections, json, os, sys
d = sys.argv[1]
truth = [json.loads(l) for l in open(os.path.join(d, "truth.jsonl"), encoding="utf-8")]
types = collections.Counter(t["type"] for t in truth)
assert types["meta"] == 1 and types["campaign"] == 3 and types["statement"] >= 3, types
labels = collections.Counter(t["label"] for t in truth if t["type"] == "account")
for need in ("organic", "campaign", "journalist", "lookalike", "viral_reposter", "official"):
    assert labels[need] > 0, (need, labels)
camps = [t for t in truth if t["type"] == "campaign"]
members = {m for c in camps for m in c["members"]}
assert members == {t["account_id"] for t in truth if t["type"] == "account" and t["label"] == "campaign"}
assert all(5 <= c["size"] <= 14 and c["behaviours"] for c in camps)
posts = [t for t in truth if t["type"] == "post"]
parrots = [p for p in posts if p["role"] == "parrot"]
assert parrots and all(p["statement_id"] and p["paraphrase"] and p["campaign"] is not None for p in parrots)
assert any(p["paraphrase"] == "journalist_quote" and p["campaign"] is None for p in posts)
hn = {t["kind"] for t in truth if t["type"] == "hard_negative"}
assert {"viral_repost", "news_url", "hashtag_pair"} <= hn, hn
ids = {json.loads(l)["id"] for l in open(os.path.join(d, "posts.chorus.jsonl"), encoding="utf-8")}
missing = [p["post_id"] for p in posts if p["post_id"] not in ids]
assert not missing, missing[:5]
assert len(ids) == sum(1 for _ in open(os.path.join(d, "posts.chorus.jsonl"), encoding="utf-8")), "unique post ids"
EOF

# compression through the external compressors, when they are installed
if command -v gzip >/dev/null 2>&1; then
    check "run with --compress gz" run e --seed 7 "${common[@]}" --format twitter-v1 --compress gz
    check "gz output decompresses to the same v1 file" bash -c "gzip -dc '$tmp/e/posts.v1.jsonl.gz' | cmp -s - '$tmp/a/posts.v1.jsonl'"
fi

# usage errors exit 2
"$SYNTH" --posts nope -o "$tmp/x" >/dev/null 2>&1
check "bad option value exits 2" test $? -eq 2
"$SYNTH" --seed 1 >/dev/null 2>&1
check "missing -o exits 2" test $? -eq 2

echo "synth: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
