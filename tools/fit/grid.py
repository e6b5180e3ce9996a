#!/usr/bin/env python3
"""grid.py — coordination quality over a grid of generated scenarios, per campaign kind, size
class and hard-negative label, tuning seeds and held-out seeds reported apart.

For every (setting, seed) the script runs BUILD/chorus-synth with the setting's options, then
BUILD/bench_quality_coord --json on the posts (the stages of `chorus scan` with its defaults),
keeps the JSON result in WORK/results/ and deletes the posts (a 50,000-post v1.1 file is
150 MB). Results already in WORK/results/ are reused, so a second run only aggregates; remove
the directory (or pass --fresh) after changing the detectors.

    grid.py BUILD WORK [--jobs 2] [--format v1|io] [--quick] [--fresh] [--markdown]
            [--settings a,b,...] [--keep] [--tuning-only] [--dump]
            [-- EXTRA bench_quality_coord OPTIONS]

Seeds: TUNE_SEEDS are for tuning detectors, HELD_OUT_SEEDS are only for reporting; never
tune on the held-out figures. --quick runs one tuning and one held-out seed on three settings
(a smoke test of a minute or two). Standard library only.

Tables (pooled over settings and seeds: counts are summed, then precision, recall, F1):
  per kind     campaigns (found = at least one account clustered, half = at least half),
               campaign accounts, clustered P/R/F1, flagged (score >= 0.5) P/R/F1. False
               positives count towards the kind of the campaign that makes up at least half of
               their cluster; the others are "unattributed" (their own row).
  per size     the same by the campaign's size class (3-5, 6-12, 13-60).
  per setting  overall clustered and flagged P/R, hard negatives, purity, campaigns split,
               clusters merging campaigns, twin pairs merged.
  hard negatives  per label: accounts, clustered, flagged, runs with any clustered or
               flagged ("failed runs").
  scores       flagged accounts, share >= 0.995, median of the runs' flagged-score quantiles,
               mean AUC and R-precision, mean correlation of cluster score with its members'.
"""
import argparse
import collections
import concurrent.futures
import json
import os
import shutil
import statistics
import subprocess
import sys

TUNE_SEEDS = [101, 102]
HELD_OUT_SEEDS = [201, 202, 203]

# name: chorus-synth options (about 50,000 posts each, the generator's default)
SETTINGS = collections.OrderedDict([
    ("mix", ["--scenario", "all"]),
    ("cells", ["--scenario", "cells"]),
    ("small", ["--scenario", "cells", "--size-mix", "1:1:0"]),
    ("hashtag", ["--scenario", "hashtag"]),
    ("rotating", ["--scenario", "rotating"]),
    ("hard", ["--scenario", "hard"]),
    ("fast-clean", ["--scenario", "all", "--timing", "tight,loose", "--noise", "0.2"]),
    ("slow-noisy", ["--scenario", "all", "--timing", "spread,office", "--noise", "0.9"]),
    ("legacy", []),  # the default scenario of docs/network.md section 6
])
QUICK = ["mix", "cells", "hashtag"]
SIZES = ["3-5", "6-12", "13-60", "61+"]


def run_one(build, work, name, seed, fmt, extra, fresh, keep=False, dump=False):
    res = os.path.join(work, "results", "%s-%d-%s.json" % (name, seed, fmt))
    tsv = os.path.join(work, "dump", "%s-%d-%s.tsv" % (name, seed, fmt))
    if os.path.exists(res) and not fresh and (not dump or os.path.exists(tsv)):
        with open(res) as f:
            return name, seed, json.load(f)
    d = os.path.join(work, "scen", "%s-%d-%s" % (name, seed, fmt))
    posts = os.path.join(d, "posts.v1.jsonl" if fmt == "v1" else "posts.io.csv")
    if not (keep and os.path.exists(posts) and os.path.exists(os.path.join(d, "truth.jsonl"))):
        shutil.rmtree(d, ignore_errors=True)
        synth_fmt = "twitter-v1" if fmt == "v1" else "io-csv"
        subprocess.run([os.path.join(build, "chorus-synth"), "--seed", str(seed), "--quiet",
                        "--format", synth_fmt, "-o", d] + SETTINGS[name], check=True)
    if dump:
        os.makedirs(os.path.dirname(tsv), exist_ok=True)
        extra = extra + ["--dump", tsv + ".tmp"]
    out = subprocess.run([os.path.join(build, "bench_quality_coord"), "--json", "--truth",
                          os.path.join(d, "truth.jsonl"), "--statements",
                          os.path.join(d, "statements.jsonl")] + extra + [posts],
                         check=True, capture_output=True, text=True).stdout
    data = json.loads(out)
    with open(res + ".tmp", "w") as f:
        json.dump(data, f)
    os.replace(res + ".tmp", res)
    if dump:
        os.replace(tsv + ".tmp", tsv)
    if not keep:
        shutil.rmtree(d, ignore_errors=True)
    return name, seed, data


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else float("nan")
    r = tp / (tp + fn) if tp + fn else float("nan")
    f = 2 * p * r / (p + r) if tp else 0.0
    return p, r, f


def fmt3(x):
    return "  -  " if x != x else "%.3f" % x


class Table:
    def __init__(self, markdown):
        self.md = markdown
        self.rows = []

    def add(self, cells):
        self.rows.append([str(c) for c in cells])

    def show(self):
        if not self.rows:
            return
        if self.md:
            print("| " + " | ".join(self.rows[0]) + " |")
            print("|" + "---|" * len(self.rows[0]))
            for r in self.rows[1:]:
                print("| " + " | ".join(r) + " |")
        else:
            w = [max(len(r[i]) for r in self.rows) for i in range(len(self.rows[0]))]
            for r in self.rows:
                print("  ".join(c.rjust(w[i]) if i else c.ljust(w[i]) for i, c in enumerate(r)))
        print()


def pool_groups(results, key):
    acc = collections.OrderedDict()
    for d in results:
        for name, g in d[key].items():
            a = acc.setdefault(name, collections.Counter())
            for k in ("campaigns", "found", "half", "accounts"):
                a[k] += g[k]
            for m in ("clustered", "flagged"):
                for k in ("tp", "fp", "fn"):
                    a[m + "_" + k] += g[m][k]
    return acc


def group_table(title, acc, order, md):
    print(title)
    t = Table(md)
    t.add(["group", "campaigns", "found", "half", "accounts", "clustered P", "R", "F1",
           "flagged P", "R", "F1"])
    names = [n for n in order if n in acc] + [n for n in acc if n not in order and n != "_unattributed"]
    for n in names + (["_unattributed"] if "_unattributed" in acc else []):
        a = acc[n]
        if n == "_unattributed":
            if a["clustered_fp"] or a["flagged_fp"]:
                t.add(["unattributed FP", "", "", "", "", "fp %d" % a["clustered_fp"], "", "",
                       "fp %d" % a["flagged_fp"], "", ""])
            continue
        cp, cr, cf = prf(a["clustered_tp"], a["clustered_fp"], a["clustered_fn"])
        fp_, fr, ff = prf(a["flagged_tp"], a["flagged_fp"], a["flagged_fn"])
        t.add([n, a["campaigns"], a["found"], a["half"], a["accounts"], fmt3(cp), fmt3(cr), fmt3(cf),
               fmt3(fp_), fmt3(fr), fmt3(ff)])
    t.show()


def report(results_by_group, settings, md):
    kinds = ["hashtag_push", "mention_push", "echo", "rotating_echo", "repost_ring", "link_push",
             "parrot", "mixed"]
    for group, runs in results_by_group.items():
        if not runs:
            continue
        data = [d for _, _, d in runs]
        seeds = sorted({s for _, s, _ in runs})
        print("=" * 100)
        print("%s seeds %s, settings %s (%d runs)" % (group, " ".join(map(str, seeds)),
                                                      " ".join(settings), len(runs)))
        print("=" * 100)
        group_table("per campaign kind:", pool_groups(data, "by_kind"), kinds, md)
        group_table("per campaign size class:", pool_groups(data, "by_size"), SIZES, md)
        print("per setting (pooled over the seeds):")
        t = Table(md)
        t.add(["setting", "campaigns", "accounts", "clustered P", "R", "flagged P", "R", "HN cl",
               "HN fl", "purity", "split", "merged clusters", "twins merged", "flagged >= 0.995", "AUC"])
        for s in settings:
            ds = [d for n, _, d in runs if n == s]
            if not ds:
                continue
            c = sum(d["campaign_accounts"] for d in ds)
            ctp, cfp = sum(d["cluster_tp"] for d in ds), sum(d["cluster_fp"] for d in ds)
            ftp, ffp = sum(d["flag_tp"] for d in ds), sum(d["flag_fp"] for d in ds)
            ncl = sum(d["clustered_accounts"] for d in ds)
            pur = sum(d["purity"] * d["clustered_accounts"] for d in ds) / ncl if ncl else float("nan")
            t.add([s, sum(d["campaigns"] for d in ds), c, fmt3(ctp / (ctp + cfp) if ctp + cfp else float("nan")),
                   fmt3(ctp / c if c else float("nan")),
                   fmt3(ftp / (ftp + ffp) if ftp + ffp else float("nan")), fmt3(ftp / c if c else float("nan")),
                   sum(d["cluster_hard_negatives"] for d in ds), sum(d["flag_hard_negatives"] for d in ds),
                   fmt3(pur), sum(d["split"] for d in ds), sum(d["merges"]["clusters"] for d in ds),
                   "%d/%d" % (sum(d["merges"]["twins_merged"] for d in ds),
                              sum(d["merges"]["twin_pairs"] for d in ds)),
                   "%d/%d" % (sum(d["score_ranking"]["ge_0995"] for d in ds),
                              sum(d["score_ranking"]["flagged"] for d in ds)),
                   fmt3(statistics.mean(d["score_ranking"]["auc"] for d in ds
                                        if d["score_ranking"]["auc"] is not None))])
        t.show()
        print("hard negatives (pooled):")
        t = Table(md)
        t.add(["label", "accounts", "clustered", "flagged", "failed runs", "highest score"])
        hn = collections.OrderedDict()
        for d in data:
            for label, h in d["hard_negative_check"].items():
                a = hn.setdefault(label, [0, 0, 0, 0, 0, 0.0])
                a[0] += h["accounts"]
                a[1] += h["clustered"]
                a[2] += h["flagged"]
                a[3] += not h["ok"]
                a[4] += h["accounts"] > 0
                a[5] = max(a[5], h["max_score"])
        for label, a in hn.items():
            if a[4]:
                t.add([label, a[0], a[1], a[2], "%d/%d" % (a[3], a[4]), "%.3f" % a[5]])
        t.show()
        print("score ranking:")
        sr = [d["score_ranking"] for d in data]
        fl = sum(s["flagged"] for s in sr)
        q = [statistics.median(s["quantiles"][i] for s in sr if s["flagged"]) if fl else float("nan")
             for i in range(5)]
        aucs = [s["auc"] for s in sr if s["auc"] is not None]
        rps = [s["r_precision"] for s in sr if s["r_precision"] is not None]
        cors = [s["cluster_vs_members_corr"] for s in sr if s["cluster_vs_members_corr"] is not None]
        t = Table(md)
        t.add(["flagged", ">= 0.995", ">= 0.99", "median quantiles 10/25/50/75/90 %", "AUC", "R-precision",
               "corr(cluster, members)", "clusters all >= 0.995"])
        t.add([fl, "%d (%.0f %%)" % (sum(s["ge_0995"] for s in sr), 100.0 * sum(s["ge_0995"] for s in sr) / fl if fl else 0),
               sum(s["ge_099"] for s in sr), " ".join(fmt3(x) for x in q),
               fmt3(statistics.mean(aucs)) if aucs else "-", fmt3(statistics.mean(rps)) if rps else "-",
               fmt3(statistics.mean(cors)) if cors else "-",
               "%d/%d" % (sum(s["clusters_all_ge_0995"] for s in sr), sum(len(d["cluster_list"]) for d in data))])
        t.show()


def main():
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1:]
    ap = argparse.ArgumentParser(description="coordination quality over a grid of scenarios")
    ap.add_argument("build")
    ap.add_argument("work")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--format", choices=["v1", "io"], default="v1")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--fresh", action="store_true", help="ignore cached results")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--settings", help="comma-separated subset of: " + ",".join(SETTINGS))
    ap.add_argument("--keep", action="store_true",
                    help="keep the generated posts in WORK/scen and reuse them (disk: ~150 MB a run)")
    ap.add_argument("--tuning-only", action="store_true", help="the tuning seeds only")
    ap.add_argument("--dump", action="store_true",
                    help="also write every account's score features to WORK/dump/SETTING-SEED-FORMAT.tsv "
                         "(bench_quality_coord --dump; the input of tools/fit/calibrate.py)")
    a = ap.parse_args(argv)
    settings = list(SETTINGS)
    tune, held = TUNE_SEEDS, HELD_OUT_SEEDS
    if a.quick:
        settings, tune, held = QUICK, TUNE_SEEDS[:1], HELD_OUT_SEEDS[:1]
    if a.tuning_only:
        held = []
    if a.settings:
        settings = [s for s in a.settings.split(",") if s]
        for s in settings:
            if s not in SETTINGS:
                ap.error("unknown setting '%s'" % s)
    os.makedirs(os.path.join(a.work, "results"), exist_ok=True)
    jobs = [(s, seed) for seed in tune + held for s in settings]
    out = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as ex:
        futs = [ex.submit(run_one, a.build, a.work, s, seed, a.format, extra, a.fresh, a.keep, a.dump) for s, seed in jobs]
        for f in futs:
            out.append(f.result())
    by_group = collections.OrderedDict([("tuning", [r for r in out if r[1] in tune]),
                                        ("held-out", [r for r in out if r[1] in held])])
    print("chorus-synth settings: " + "; ".join("%s = %s" % (s, " ".join(SETTINGS[s]) or "(defaults)")
                                                 for s in settings))
    print("format %s%s\n" % (a.format, ", bench options " + " ".join(extra) if extra else ""))
    report(by_group, settings, a.markdown)


if __name__ == "__main__":
    main()
