#!/usr/bin/env python3
"""missed.py — where the campaign members that are not clustered are lost, per campaign kind
and size class: no co-action partner at all (the co-action stage found no screened edge: the
evidence is missing or below its null model), one or two partners (too few for the network's
pruning, min_member_degree 2, and the cluster test's three members per object), or three or
more partners and still outside every cluster (the graph threshold W, the community, the
cluster test or the attachment test left them out).

Input: the dumps and results of tools/fit/grid.py BUILD WORK --dump (coord_partners is
min(1, log2(1 + d) / 5), so d is exact below 31 partners). Standard library only.

    missed.py WORK [--seeds tuning|held-out] [--format v1|io]
"""
import argparse
import collections
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import grid  # noqa: E402

STATES = ["clustered", "no partner", "1-2 partners", "3+ partners"]


def size_class(n):
    return "3-5" if n <= 5 else "6-12" if n <= 12 else "13-60" if n <= 60 else "61+"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("work")
    ap.add_argument("--seeds", choices=["tuning", "held-out"], default="tuning")
    ap.add_argument("--format", choices=["v1", "io"], default="v1")
    a = ap.parse_args()
    seeds = set(grid.TUNE_SEEDS if a.seeds == "tuning" else grid.HELD_OUT_SEEDS)
    agg = collections.OrderedDict()
    for path in sorted(glob.glob(os.path.join(a.work, "dump", "*-%s.tsv" % a.format))):
        base = os.path.basename(path)[:-4]
        name, seed, _ = base.rsplit("-", 2)
        if int(seed) not in seeds:
            continue
        with open(os.path.join(a.work, "results", base + ".json")) as f:
            res = json.load(f)
        camp = {c["id"]: c for c in res["campaign_list"]}
        with open(path) as f:
            head = f.readline().rstrip("\n").split("\t")
            ix = {h: i for i, h in enumerate(head)}
            for line in f:
                r = line.rstrip("\n").split("\t")
                if r[ix["positive"]] != "1":
                    continue
                c = camp.get(int(r[ix["campaign"]]))
                if not c:
                    continue
                d = round(2 ** (float(r[ix["coord_partners"]]) * 5) - 1)
                st = ("clustered" if r[ix["clustered"]] == "1" else "no partner" if d == 0
                      else "1-2 partners" if d <= 2 else "3+ partners")
                for g in (c["kind"], "size " + size_class(c["size"])):
                    agg.setdefault(g, collections.Counter())[st] += 1
    if not agg:
        sys.exit("missed.py: no dumps for these seeds in %s (grid.py ... --dump)" % a.work)
    print("| group | members | " + " | ".join(STATES) + " |")
    print("|---|---|" + "---|" * len(STATES))
    for g in sorted(agg, key=lambda g: (g.startswith("size"), g)):
        n = sum(agg[g].values())
        print("| %s | %d | %s |" % (g, n, " | ".join("%.2f" % (agg[g][s] / n) for s in STATES)))


if __name__ == "__main__":
    main()
