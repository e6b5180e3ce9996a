#!/usr/bin/env python3
"""calibrate.py — fit and check the calibration of the account score (src/detect/score/score.h).

The account score is the probability that an account is a planted campaign member given its
evidence z (score.c's logistic combination of the coordination, content, timing and metadata
features, "evidence" in the reasons). The mapping is monotone:

    score = 1 / (1 + exp(-t)),  t = logit(FLAG) + NEG * min(z, 0) + POS * max(z, 0)

so the flag (score >= FLAG) is exactly "z >= 0", the detector's decision, and the flagged set,
its precision and its recall do not depend on the calibration. FLAG, NEG and POS are fitted by
maximum likelihood on chorus-synth truth (label campaign) of the tuning seeds, with an L2
penalty LAMBDA on the two slopes. LAMBDA is chosen by leave-one-setting-out cross-validation
over the grid's settings (mix, cells, hashtag, ...), with the one-standard-error rule: the
largest LAMBDA whose cross-validated log loss exceeds the best by at most one standard error
of that excess (paired by fold: the settings differ far more than the fits do). The
settings differ the way real data differs from the generator, so this prefers the most
cautious mapping the data cannot tell apart from the best one. FLAG is then rounded to two
decimals and the slopes refitted with it fixed, rounded to two decimals.

A cluster's score is the mean of its members' scores (the expected share of campaign members).

Input: the per-account dumps of tools/fit/grid.py --dump (WORK/dump/SETTING-SEED-FORMAT.tsv,
bench_quality_coord --dump: label, positive, cluster_id, evidence, ...). Standard library only.

    grid.py BUILD WORK --jobs 1 --dump            # tuning and held-out dumps
    calibrate.py WORK --fit                       # fit on the tuning seeds, print C constants
    calibrate.py WORK [--header src/detect/score/score.h] [--markdown]
                                                  # reliability on held-out seeds

Without --fit the constants are read from score.h (what the binary does). Reported per seed
group (tuning, held-out): the reliability table (bins of the predicted score: accounts, mean
predicted, observed member rate), the Brier score (all accounts, and accounts with z > -4:
those with some evidence), the log loss, the AUC, the flagged accounts' scores (share >= 0.995,
>= 0.99, quantiles) and the clusters' scores against their members' (min, max).
"""
import argparse
import collections
import glob
import math
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import grid  # noqa: E402  (TUNE_SEEDS, HELD_OUT_SEEDS)

LAMBDAS = [0, 1, 3, 10, 30, 100, 300, 1000]
BINS = [0, 0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.86, 0.9, 0.95, 0.99, 0.995, 1.0001]


def sigmoid(t):
    if t >= 0:
        return 1 / (1 + math.exp(-t))
    e = math.exp(t)
    return e / (1 + e)


def logit(p):
    return math.log(p / (1 - p))


def read(work, seeds, fmt):
    """rows: (setting, seed, z, y, cluster key or None)"""
    rows = []
    for path in sorted(glob.glob(os.path.join(work, "dump", "*-%s.tsv" % fmt))):
        m = re.match(r"(.+)-(\d+)-%s\.tsv$" % fmt, os.path.basename(path))
        if not m or int(m.group(2)) not in seeds:
            continue
        setting, seed = m.group(1), int(m.group(2))
        with open(path) as f:
            head = f.readline().rstrip("\n").split("\t")
            ix = {h: i for i, h in enumerate(head)}
            if "evidence" not in ix:
                sys.exit("calibrate.py: %s has no evidence column (rebuild bench_quality_coord)" % path)
            for line in f:
                c = line.rstrip("\n").split("\t")
                cl = int(c[ix["cluster_id"]])
                rows.append((setting, seed, float(c[ix["evidence"]]), int(c[ix["positive"]]),
                             (setting, seed, cl) if cl >= 0 else None))
    return rows


def compress(rows):
    """(setting, z rounded, y) -> count: the fit runs over a few thousand distinct points"""
    agg = collections.Counter()
    for s, _, z, y, _ in rows:
        agg[(s, round(z, 3), y)] += 1
    return [(s, z, y, n) for (s, z, y), n in agg.items()]


def features(z):
    return (1.0, min(z, 0.0), max(z, 0.0))


def fit(data, lam, a_fixed=None):
    """Newton's method on the penalized log loss; a_fixed fixes the intercept."""
    th = [a_fixed if a_fixed is not None else 2.0, 1.0, 1.0]
    free = [1, 2] if a_fixed is not None else [0, 1, 2]
    for _ in range(100):
        g = [0.0] * 3
        h = [[0.0] * 3 for _ in range(3)]
        for _, z, y, n in data:
            x = features(z)
            p = sigmoid(th[0] * x[0] + th[1] * x[1] + th[2] * x[2])
            for i in range(3):
                g[i] += n * (p - y) * x[i]
                for j in range(3):
                    h[i][j] += n * p * (1 - p) * x[i] * x[j]
        for i in (1, 2):
            g[i] += lam * th[i]
            h[i][i] += lam
        k = len(free)
        m = [[h[free[i]][free[j]] for j in range(k)] + [g[free[i]]] for i in range(k)]
        for i in range(k):
            m[i][i] += 1e-9
        for col in range(k):
            piv = max(range(col, k), key=lambda r: abs(m[r][col]))
            m[col], m[piv] = m[piv], m[col]
            for r in range(col + 1, k):
                f = m[r][col] / m[col][col]
                for c in range(col, k + 1):
                    m[r][c] -= f * m[col][c]
        step = [0.0] * k
        for r in range(k - 1, -1, -1):
            step[r] = (m[r][k] - sum(m[r][c] * step[c] for c in range(r + 1, k))) / m[r][r]
        for i in range(k):
            th[free[i]] -= step[i]
        if max(abs(s) for s in step) < 1e-9:
            break
    return th


def logloss(data, th):
    total = n_all = 0
    for _, z, y, n in data:
        x = features(z)
        p = min(max(sigmoid(th[0] * x[0] + th[1] * x[1] + th[2] * x[2]), 1e-12), 1 - 1e-12)
        total -= n * (math.log(p) if y else math.log(1 - p))
        n_all += n
    return total / n_all if n_all else float("nan")


def do_fit(rows):
    data = compress(rows)
    settings = sorted({d[0] for d in data})
    print("fit: %d accounts (%d campaign members), %d settings, tuning seeds %s" % (
        len(rows), sum(r[3] for r in rows), len(settings), " ".join(map(str, grid.TUNE_SEEDS))))
    print("leave-one-setting-out cross-validation (mean log loss per account over the folds):")
    per = {}
    for lam in LAMBDAS:
        losses = []
        for s in settings:
            th = fit([d for d in data if d[0] != s], lam)
            losses.append(logloss([d for d in data if d[0] == s], th))
        per[lam] = losses
    best = min(LAMBDAS, key=lambda l: statistics.mean(per[l]))
    lam = best
    for l in LAMBDAS:
        # the excess over the best, paired by fold (the settings differ far more than the fits)
        d = [x - y for x, y in zip(per[l], per[best])]
        se = statistics.stdev(d) / math.sqrt(len(d))
        ok = statistics.mean(d) <= se
        print("  lambda %6g: %.5f, excess over the best %.5f (se %.5f)%s" % (
            l, statistics.mean(per[l]), statistics.mean(d), se, "" if ok else "  out"))
        if ok and l > lam:
            lam = l
    print("best lambda %g; one-standard-error rule: lambda %g" % (best, lam))
    th = fit(data, lam)
    print("free fit: flag %.4f (a %.4f), neg %.4f, pos %.4f" % (sigmoid(th[0]), th[0], th[1], th[2]))
    flag = round(sigmoid(th[0]), 2)
    th = fit(data, lam, a_fixed=logit(flag))
    neg, pos = round(th[1], 2), round(th[2], 2)
    if neg <= 0 or pos <= 0:
        sys.exit("calibrate.py: a slope is not positive (%g, %g): the mapping would not be monotone" % (neg, pos))
    print("with the flag rounded: flag %.2f, neg %.4f, pos %.4f" % (flag, th[1], th[2]))
    print("\nfor src/detect/score/score.h:")
    print("#define CH_SCORE_FLAG %.2f" % flag)
    print("#define CH_SCORE_CAL_NEG %.2f" % neg)
    print("#define CH_SCORE_CAL_POS %.2f" % pos)
    return flag, neg, pos


def from_header(path):
    with open(path) as f:
        text = f.read()
    vals = {}
    for name in ("CH_SCORE_FLAG", "CH_SCORE_CAL_NEG", "CH_SCORE_CAL_POS"):
        m = re.search(r"#define\s+%s\s+([0-9.]+)" % name, text)
        if not m:
            sys.exit("calibrate.py: %s not found in %s" % (name, path))
        vals[name] = float(m.group(1))
    return vals["CH_SCORE_FLAG"], vals["CH_SCORE_CAL_NEG"], vals["CH_SCORE_CAL_POS"]


def score(z, flag, neg, pos):
    """ch_score_calibrate"""
    p = sigmoid(logit(flag) + neg * min(z, 0) + pos * max(z, 0))
    if z >= 0:
        return max(p, flag)
    return min(p, math.nextafter(flag, 0))


def auc(ps, ys):
    """Mann-Whitney, ties counted half"""
    order = sorted(range(len(ps)), key=lambda i: ps[i])
    rank = [0.0] * len(ps)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and ps[order[j + 1]] == ps[order[i]]:
            j += 1
        for k in range(i, j + 1):
            rank[order[k]] = (i + j) / 2 + 1
        i = j + 1
    npos = sum(ys)
    nneg = len(ys) - npos
    if not npos or not nneg:
        return float("nan")
    return (sum(r for r, y in zip(rank, ys) if y) - npos * (npos + 1) / 2) / (npos * nneg)


def table(rows, md):
    if md:
        print("| " + " | ".join(rows[0]) + " |")
        print("|" + "---|" * len(rows[0]))
        for r in rows[1:]:
            print("| " + " | ".join(r) + " |")
    else:
        w = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        for r in rows:
            print("  ".join(c.rjust(w[i]) for i, c in enumerate(r)))
    print()


def evaluate(name, rows, flag, neg, pos, md):
    if not rows:
        return
    ps = [score(r[2], flag, neg, pos) for r in rows]
    ys = [r[3] for r in rows]
    print("=" * 80)
    print("%s seeds %s: %d accounts, %d campaign members (flag %.2f, neg %.2f, pos %.2f)" % (
        name, " ".join(map(str, sorted({r[1] for r in rows}))), len(rows), sum(ys), flag, neg, pos))
    print("=" * 80)
    print("reliability (accounts by predicted score):")
    t = [["score", "accounts", "mean predicted", "observed member rate", "members"]]
    for lo, hi in zip(BINS, BINS[1:]):
        sel = [i for i, p in enumerate(ps) if lo <= p < hi]
        if not sel:
            continue
        k = sum(ys[i] for i in sel)
        t.append(["[%.3g, %.3g)" % (lo, min(hi, 1)) if hi <= 1 else "[%.3g, 1]" % lo, str(len(sel)),
                  "%.3f" % statistics.mean(ps[i] for i in sel), "%.3f" % (k / len(sel)), str(k)])
    table(t, md)
    brier = statistics.mean((p - y) ** 2 for p, y in zip(ps, ys))
    ev = [i for i, r in enumerate(rows) if r[2] > -4]
    brier_ev = statistics.mean((ps[i] - ys[i]) ** 2 for i in ev) if ev else float("nan")
    ll = -statistics.mean(math.log(min(max(p, 1e-12), 1 - 1e-12)) if y else
                          math.log(min(max(1 - p, 1e-12), 1 - 1e-12)) for p, y in zip(ps, ys))
    base = sum(ys) / len(ys)
    print("Brier score %.5f (base rate alone %.5f); accounts with evidence z > -4 (%d): %.4f; "
          "log loss %.4f" % (brier, base * (1 - base), len(ev), brier_ev, ll))
    # AUC per run (as the grid reports it), and pooled
    runs = collections.defaultdict(list)
    for i, r in enumerate(rows):
        runs[(r[0], r[1])].append(i)
    aucs = [auc([ps[i] for i in idx], [ys[i] for i in idx]) for idx in runs.values()]
    aucs = [a for a in aucs if a == a]
    print("AUC: mean over %d runs %.3f" % (len(aucs), statistics.mean(aucs) if aucs else float("nan")))
    fl = sorted(p for p in ps if p >= flag)
    if fl:
        q = [fl[min(len(fl) - 1, int(f * len(fl)))] for f in (0.1, 0.25, 0.5, 0.75, 0.9)]
        prec = sum(ys[i] for i, p in enumerate(ps) if p >= flag) / len(fl)
        print("flagged: %d accounts (precision %.3f, mean score %.3f); >= 0.995: %d (%.1f %%); "
              ">= 0.99: %d (%.1f %%); quantiles 10/25/50/75/90 %%: %s" % (
                  len(fl), prec, statistics.mean(fl), sum(p >= 0.995 for p in fl),
                  100.0 * sum(p >= 0.995 for p in fl) / len(fl), sum(p >= 0.99 for p in fl),
                  100.0 * sum(p >= 0.99 for p in fl) / len(fl), " ".join("%.3f" % x for x in q)))
    clusters = collections.defaultdict(list)
    for i, r in enumerate(rows):
        if r[4] is not None:
            clusters[r[4]].append(i)
    if clusters:
        inside = 0
        gaps = []
        for idx in clusters.values():
            s = [ps[i] for i in idx]
            cs = statistics.mean(s)
            inside += min(s) - 1e-12 <= cs <= max(s) + 1e-12
            gaps.append(max(s) - cs)
            share = sum(ys[i] for i in idx) / len(idx)
        cal = [(statistics.mean(ps[i] for i in idx), sum(ys[i] for i in idx) / len(idx))
               for idx in clusters.values()]
        print("clusters: %d; score (mean of members) within its members' [min, max]: %d; "
              "largest gap to the best member %.3f; mean cluster score %.3f, mean campaign share %.3f"
              % (len(clusters), inside, max(gaps), statistics.mean(c for c, _ in cal),
                 statistics.mean(s for _, s in cal)))
    print()


def main():
    ap = argparse.ArgumentParser(description="calibration of the account score")
    ap.add_argument("work", help="the WORK directory of tools/fit/grid.py --dump")
    ap.add_argument("--fit", action="store_true", help="fit on the tuning seeds and print the constants")
    ap.add_argument("--header", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                      "..", "..", "src", "detect", "score", "score.h"))
    ap.add_argument("--format", choices=["v1", "io"], default="v1")
    ap.add_argument("--markdown", action="store_true")
    a = ap.parse_args()
    tune = read(a.work, set(grid.TUNE_SEEDS), a.format)
    held = read(a.work, set(grid.HELD_OUT_SEEDS), a.format)
    if not tune and not held:
        sys.exit("calibrate.py: no dumps in %s/dump (run tools/fit/grid.py BUILD %s --dump)" % (a.work, a.work))
    if a.fit:
        if not tune:
            sys.exit("calibrate.py: no tuning dumps")
        flag, neg, pos = do_fit(tune)
        print()
    else:
        flag, neg, pos = from_header(a.header)
    evaluate("tuning", tune, flag, neg, pos, a.markdown)
    evaluate("held-out", held, flag, neg, pos, a.markdown)


if __name__ == "__main__":
    main()
