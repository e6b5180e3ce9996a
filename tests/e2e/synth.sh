#!/usr/bin/env bash
# End-to-end test of chorus-synth, the scenario generator: determinism (same seed gives
# byte-identical files, a different seed different ones, the formats requested do not change
# the content), every output exists and parses (v1/v2/chorus JSONL, IO-archive CSV with a
# constant column count, CooRTweet CSV), and the ground truth is sane (campaign accounts, hard
# negatives, parroting posts that exist in the dump). --scenario: the default is unchanged by
# the option, the other scenarios are deterministic, and their campaign kinds, size classes,
# twins, shared organic objects and hard negatives show in the truth and in the posts.
# ctest sets SYNTH, BUILD and SRC.
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

# --scenario: the default scenario is unchanged by the option; the other phenomena appear in the
# truth and in the posts (the kinds and hard negatives of docs/generator.md)
check "--scenario default is the default" run f --seed 7 "${common[@]}" --format twitter-v1 --scenario default
check "--scenario default: same v1 file" cmp -s "$tmp/d/posts.v1.jsonl" "$tmp/f/posts.v1.jsonl"
check "--scenario default: same truth" cmp -s "$tmp/d/truth.jsonl" "$tmp/f/truth.jsonl"
scen=(--posts 6000 --accounts 900 --days 6 --quiet --format chorus)
check "run --scenario all (g)" run g --seed 7 --scenario all "${scen[@]}"
check "run --scenario all again (h)" run h --seed 7 --scenario all "${scen[@]}"
check "--scenario all: posts identical for the same seed" cmp -s "$tmp/g/posts.chorus.jsonl" "$tmp/h/posts.chorus.jsonl"
check "--scenario all: truth identical for the same seed" cmp -s "$tmp/g/truth.jsonl" "$tmp/h/truth.jsonl"
check "run --scenario cells --size-mix 0:1:0 (i)" run i --seed 8 --scenario cells --size-mix 0:1:0 "${scen[@]}"
check "run --scenario hard --kinds hashtag_push,mention_push --timing tight (j)" \
    run j --seed 9 --scenario hard --kinds hashtag_push,mention_push --timing tight "${scen[@]}"

check "--size-mix 0:1:0: every campaign has 6-12 accounts" python3 - "$tmp/i/truth.jsonl" <<'EOF'
import json, sys
camps = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if '"type":"campaign"' in l]
assert len(camps) == 14, len(camps)  # the cells scenario's default count
assert all(6 <= c["size"] <= 12 and c["size_class"] == "6-12" for c in camps), [c["size"] for c in camps]
assert len({c["kind"] for c in camps}) >= 6, {c["kind"] for c in camps}
EOF

check "--kinds and --timing restrict the campaigns" python3 - "$tmp/j/truth.jsonl" <<'EOF'
import json, sys
camps = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if '"type":"campaign"' in l]
assert {c["kind"] for c in camps} == {"hashtag_push", "mention_push"}, {c["kind"] for c in camps}
assert {c["timing"] for c in camps} == {"tight"}
EOF

check "--scenario all: kinds, hard negatives and their posts" python3 - "$tmp/g" <<'EOF'
import collections, json, os, re, sys
d = sys.argv[1]
truth = [json.loads(l) for l in open(os.path.join(d, "truth.jsonl"), encoding="utf-8")]
posts = {}
for l in open(os.path.join(d, "posts.chorus.jsonl"), encoding="utf-8"):
    p = json.loads(l)
    posts[p["id"]] = p
accounts = {t["account_id"]: t for t in truth if t["type"] == "account"}
camps = {t["id"]: t for t in truth if t["type"] == "campaign"}
planted = [t for t in truth if t["type"] == "post"]
by_camp = collections.defaultdict(list)
for t in planted:
    if t["campaign"] is not None:
        by_camp[t["campaign"]].append(t)
assert all(t["post_id"] in posts for t in planted), "planted posts in the dump"

kinds = {"mixed", "parrot", "echo", "rotating_echo", "repost_ring", "hashtag_push", "mention_push", "link_push"}
assert {c["kind"] for c in camps.values()} == kinds, {c["kind"] for c in camps.values()}
def size_class(n):
    return "3-5" if n <= 5 else "6-12" if n <= 12 else "13-60" if n <= 60 else "61+"
for c in camps.values():
    assert c["size_class"] == size_class(c["size"]) and len(c["members"]) == c["size"], c["id"]
# hard negatives: their own labels, never "campaign"
labels = collections.Counter(a["label"] for a in accounts.values())
for need in ("event_user", "fan", "fan_idol", "niche_user", "viral_reposter", "trend_user"):
    assert labels[need] > 0, (need, labels)
hn = {t["kind"]: t for t in truth if t["type"] == "hard_negative"}
assert {"news_event", "fan_community", "niche_tag"} <= set(hn), set(hn)
members = {m for c in camps.values() for m in c["members"]}
assert all(accounts[m]["label"] == "campaign" for m in members)

def tags_of(p):
    return {h.lower() for h in p["hashtags"]}
def words(text):
    text = re.sub(r"[#@]\S+|https?://\S+", " ", text.lower())
    return frozenset(re.findall(r"\w+", text))
def bursts(times, gap=2 * 3600):
    times = sorted(times)
    return 1 + sum(1 for a, b in zip(times, times[1:]) if b - a > gap)

checked = collections.Counter()
for cid, c in camps.items():
    mine = [t for t in by_camp[cid] if t["role"] != "organic_share"]
    if c["kind"] == "hashtag_push" and len(mine) >= 4:
        own = {t.lower() for t in c["hashtags"]}
        sets = {frozenset(x.lower() for x in s) for s in c["tag_sets"]}
        texts = []
        for t in mine:
            p = posts[t["post_id"]]
            used = tags_of(p) & own
            assert used in sets, ("a push post uses one of the campaign's tag sets", cid, used, sets)
            texts.append(words(p["text"]))
        assert len(set(texts)) >= 0.8 * len(texts), ("own words: mostly distinct texts", cid)
        assert bursts([t["created_at"] for t in mine]) >= 2, ("repeated bursts", cid)
        assert len({t["author_id"] for t in mine}) >= 2
        checked["hashtag_push"] += 1
    if c["kind"] == "mention_push" and len(mine) >= 3:
        target = accounts[c["target_account_id"]]["handle"].lower()
        for t in mine:
            p = posts[t["post_id"]]
            assert "@" + target in p["text"].lower(), ("mentions the target", cid, p["text"])
            if t["kind"] == "reply":
                assert posts[t["ref_id"]]["author_id"] == c["target_account_id"], "reply under the target's post"
        checked["mention_push"] += 1
    if c["kind"] in ("echo", "rotating_echo") and len(mine) >= 6:
        # group the texts by wording (shared words), across the small edits members make
        groups = []
        for t in mine:
            w = words(posts[t["post_id"]]["text"])
            for g in groups:
                if len(w & g[0]) >= 0.6 * max(1, min(len(w), len(g[0]))):
                    g[1].add(t["author_id"])
                    break
            else:
                groups.append([w, {t["author_id"]}])
        if c["kind"] == "echo":
            assert max(len(g[1]) for g in groups) >= 2, ("the same text from several members", cid)
            assert len(groups) <= c["n_messages"] + 1, ("echo: one wording per message", cid, len(groups))
        else:
            assert c["n_wordings"] >= 3 and len(groups) > c["n_messages"], ("rotating: several wordings", cid)
        checked[c["kind"]] += 1
    if c["kind"] == "repost_ring" and len(mine) >= 4:
        assert all(posts[t["ref_id"]]["author_id"] in c["members"] for t in mine if t["kind"] == "repost")
        checked["repost_ring"] += 1
    if c["kind"] == "link_push" and len(mine) >= 3:
        assert all(posts[t["post_id"]]["urls"] for t in mine), "link posts carry a link"
        checked["link_push"] += 1
for k in ("hashtag_push", "mention_push", "echo", "rotating_echo", "repost_ring"):
    assert checked[k] >= 1, ("checked a campaign of kind", k, checked)

# twins: same kind and hours; no object in common
twins = [(c["id"], c["twin_of"]) for c in camps.values() if c["twin_of"] is not None and c["id"] < c["twin_of"]]
assert twins, "twin campaigns"
def objects(cid):
    own = {x.lower() for x in camps[cid]["hashtags"]}
    o = set()
    for t in by_camp[cid]:
        p = posts[t["post_id"]]
        o |= set(p["urls"]) | (tags_of(p) & own)
        if p["ref_id"]:
            o.add(p["ref_id"])
    return o
for a, b in twins:
    ca, cb = camps[a], camps[b]
    assert ca["kind"] == cb["kind"] and ca["timing"] == cb["timing"]
    assert not {t.lower() for t in ca["hashtags"]} & {t.lower() for t in cb["hashtags"]}, "twins share no tag"
    assert not objects(a) & objects(b), ("twins share no object", a, b)
    near = sum(1 for x in cb["bursts"] if any(abs(x - y) <= 3600 for y in ca["bursts"]))
    assert len(cb["bursts"]) >= 3 and near >= 0.5 * len(cb["bursts"]), ("twins act in the same hours", a, b)
for c in camps.values():  # the posts come in the bursts (or after them: stragglers, and office
    # work that runs past 18:00 goes on the next working morning)
    t0 = [t["created_at"] for t in by_camp[c["id"]] if t["role"] != "organic_share"]
    late = 4 * 86400 if c["timing"] == "office" else 5 * 3600
    if c["bursts"] and len(t0) >= 5:
        inb = sum(1 for x in t0 if any(0 <= x - y <= late for y in c["bursts"]))
        assert inb >= 0.8 * len(t0), ("posts in bursts", c["id"], inb, len(t0))

# cells that share organic objects repost the viral post like everyone else
viral = next(t["post_id"] for t in truth if t["type"] == "hard_negative" and t["kind"] == "viral_repost")
idol_posts = {t["post_id"] for t in planted if t["role"] == "idol"}
share = [t for t in planted if t["role"] == "organic_share"]
assert share and all(camps[t["campaign"]]["shares_organic"] for t in share)
assert all(t["ref_id"] in idol_posts | {viral} for t in share if t["kind"] == "repost")
assert any(t["ref_id"] == viral for t in share), "a cell reposts the viral post"

# hard negatives: a news-event tag in a burst, a niche tag over days, fans reposting their idol
ev = hn["news_event"]
evp = [t for t in planted if t["role"] == "news_event"]
assert evp and all(ev["hashtags"][0].lower() in tags_of(posts[t["post_id"]]) for t in evp)
assert sum(1 for t in evp if t["created_at"] - ev["from"] <= 6 * 3600) >= 0.5 * len(evp), "event: a burst"
ni = hn["niche_tag"]
nip = [t for t in planted if t["role"] == "niche_tag" and ni["hashtags"][0].lower() in tags_of(posts[t["post_id"]])]
assert len({t["created_at"] // 86400 for t in nip}) >= 3, "niche tag: used on many days"
peak = max(sum(1 for u in nip if 0 <= u["created_at"] - t["created_at"] < 3600) for t in nip)
assert peak <= max(3, 0.3 * len(nip)), ("niche tag: no burst", peak, len(nip))
fa = hn["fan_community"]
fr = [t for t in planted if t["role"] == "fan" and t["kind"] == "repost"]
assert fr and all(posts[t["ref_id"]]["author_id"] == fa["idol_account_id"] for t in fr)
assert accounts[fa["idol_account_id"]]["label"] == "fan_idol"
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
"$SYNTH" --scenario nope -o "$tmp/x" >/dev/null 2>&1
check "unknown scenario exits 2" test $? -eq 2
"$SYNTH" --size-mix 1:2 -o "$tmp/x" >/dev/null 2>&1
check "bad --size-mix exits 2" test $? -eq 2
"$SYNTH" --kinds echo,nope -o "$tmp/x" >/dev/null 2>&1
check "unknown kind exits 2" test $? -eq 2

echo "synth: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
