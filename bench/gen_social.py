#!/usr/bin/env python3
"""gen_social.py — benchmark inputs for the Reddit, TikTok and YouTube readers.

usage: gen_social.py OUTDIR SHARED_DATA [MEGABYTES]

Writes, about MEGABYTES each (default 100):
  OUTDIR/RC_bench.ndjson    Pushshift / Arctic Shift comment lines: the real sample lines of
                            SHARED_DATA/formats/reddit/pushshift-importer/RC_sample_27_comments.ndjson
                            repeated with new ids and times (skipped when the sample is absent);
  OUTDIR/tiktok_bench.jsonl TikTok Research API video query pages, 100 videos a page, every
                            documented video field (a collector asking for all of them), in the
                            documented shape (no real sample exists);
  OUTDIR/youtube_bench.jsonl YouTube commentThreads.list pages, 20 threads with 2 replies each.
The output stays outside the repository (third-party text must not be committed).
"""
import json
import os
import random
import sys

B36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def b36(n):
    s = ""
    while True:
        n, r = divmod(n, 36)
        s = B36[r] + s
        if n == 0:
            return s


def write_until(path, target, make_line):
    n = 0
    with open(path, "w", encoding="utf-8") as f:
        size = 0
        while size < target:
            line = make_line(n) + "\n"
            f.write(line)
            size += len(line.encode("utf-8"))
            n += 1
    return n


def reddit(out, shared, target):
    src = os.path.join(shared, "formats/reddit/pushshift-importer/RC_sample_27_comments.ndjson")
    if not os.path.exists(src):
        print(f"skip {out}: {src} absent")
        return
    lines = [json.loads(l) for l in open(src, encoding="utf-8") if l.strip()]

    def make(i):
        d = dict(lines[i % len(lines)])
        cid = b36(10**9 + i)
        d["id"] = cid
        if "name" in d:
            d["name"] = "t1_" + cid
        t = 1700000000 + i // 10
        ct = d.get("created_utc")
        d["created_utc"] = str(t) if isinstance(ct, str) else (float(t) if isinstance(ct, float) else t)
        return json.dumps(d, ensure_ascii=False)

    n = write_until(out, target, make)
    print(f"{out}: {n} comment lines")


WORDS = ("the ministry said vote election statement today people city news report "
         "watch share truth fake real update live breaking video follow like").split()


def tiktok(out, target):
    rnd = random.Random(7)

    def video(k):
        tags = rnd.sample(WORDS, 3)
        desc = " ".join(rnd.choice(WORDS) for _ in range(18)) + " " + " ".join("#" + t for t in tags)
        return {
            "id": 7300000000000000000 + k,
            "username": f"user_{k % 5000}",
            "create_time": 1700000000 + k,
            "region_code": "US",
            "video_description": desc,
            "voice_to_text": " ".join(rnd.choice(WORDS) for _ in range(30)),
            "hashtag_names": tags,
            "video_mention_list": [f"user_{(k * 7) % 5000}"],
            "music_id": 7200000000000000000 + k % 1000,
            "like_count": rnd.randint(0, 10000),
            "comment_count": rnd.randint(0, 500),
            "share_count": rnd.randint(0, 500),
            "view_count": rnd.randint(0, 100000),
            "effect_ids": ["0"],
            "playlist_id": 0,
            "is_stem_verified": False,
            "video_duration": rnd.randint(5, 180),
            "favourites_count": rnd.randint(0, 300),
            "hashtag_info_list": [{"hashtag_id": str(7000000000 + WORDS.index(t)), "hashtag_name": t,
                                   "hashtag_description": ""} for t in tags],
            "video_label": {"content": ""},
        }

    def page(i):
        return json.dumps({
            "data": {"videos": [video(i * 100 + j) for j in range(100)], "cursor": (i + 1) * 100,
                     "has_more": True, "search_id": str(7310000000000000000 + i)},
            "error": {"code": "ok", "message": "", "log_id": f"2023111422132{i:019d}"},
        }, ensure_ascii=False)

    n = write_until(out, target, page)
    print(f"{out}: {n} pages of 100 videos")


def youtube(out, target):
    rnd = random.Random(8)

    def comment(cid, k, parent=None):
        text = " ".join(rnd.choice(WORDS) for _ in range(20))
        sn = {
            "channelId": "UCowner0000000000000000",
            "videoId": f"vid{k % 100000:08d}",
            "textDisplay": text,
            "textOriginal": text,
            "authorDisplayName": f"@viewer{k % 7000}",
            "authorProfileImageUrl": "https://yt3.ggpht.com/a/default-user",
            "authorChannelUrl": f"http://www.youtube.com/@viewer{k % 7000}",
            "authorChannelId": {"value": f"UCviewer{k % 7000:016d}"},
            "canRate": True,
            "viewerRating": "none",
            "likeCount": rnd.randint(0, 50),
            "publishedAt": "2024-03-01T10:00:00Z",
            "updatedAt": "2024-03-01T10:00:00Z",
        }
        if parent:
            sn["parentId"] = parent
        return {"kind": "youtube#comment", "etag": "x", "id": cid, "snippet": sn}

    def page(i):
        items = []
        for j in range(20):
            k = i * 20 + j
            tid = f"Ugz{k:020d}AaABAg"
            items.append({
                "kind": "youtube#commentThread", "etag": "x", "id": tid,
                "snippet": {"channelId": "UCowner0000000000000000", "videoId": f"vid{k % 100000:08d}",
                            "topLevelComment": comment(tid, k), "canReply": True,
                            "totalReplyCount": 2, "isPublic": True},
                "replies": {"comments": [comment(f"{tid}.r{r}", k + r + 1, tid) for r in range(2)]},
            })
        return json.dumps({"kind": "youtube#commentThreadListResponse", "etag": "x",
                           "nextPageToken": "t", "pageInfo": {"totalResults": 20, "resultsPerPage": 20},
                           "items": items}, ensure_ascii=False)

    n = write_until(out, target, page)
    print(f"{out}: {n} pages of 20 threads")


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out, shared = sys.argv[1], sys.argv[2]
    target = int(sys.argv[3] if len(sys.argv) > 3 else 100) * 1024 * 1024
    os.makedirs(out, exist_ok=True)
    reddit(os.path.join(out, "RC_bench.ndjson"), shared, target)
    tiktok(os.path.join(out, "tiktok_bench.jsonl"), target)
    youtube(os.path.join(out, "youtube_bench.jsonl"), target)


if __name__ == "__main__":
    main()
