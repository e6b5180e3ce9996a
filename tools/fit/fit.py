#!/usr/bin/env python3
"""fit.py — fit the account-score weights (src/detect/score.c) on labelled generated data.

Input: TSV dumps written by `bench_quality_coord --dump FILE` (one row per account: the
generator's label, whether it is a campaign member, every score feature). Standard library
only (numpy is not guaranteed on the build machines).

The model is the one score.c computes:
    z = bias + sum_{coordination f} w_f x_f + clamp(sum_{other f} w_f x_f, -NEG, cap)
    cap = logit(SUPPORT_MAX) - bias,  score = 1 / (1 + exp(-z))
so content, timing and metadata together can lift an account without coordination evidence
at most to SUPPORT_MAX (0.4 < the 0.5 flag threshold). The loss is the logistic loss, with
hard negatives (journalists, lookalikes, viral reposters, news sharers, trend users, news
outlets, officials) weighted HN_WEIGHT because flagging one is the costly mistake, plus an L2
penalty LAMBDA on the weights (not the bias). It is minimized by Gauss-Newton steps with a
backtracking line search (the clamp makes z piecewise linear in the weights).

usage:
  fit.py --train A.tsv B.tsv ... [--test C.tsv ...] [--out weights.txt] [--c]
Prints the weights, the training loss, and precision / recall / hard negatives flagged at
score >= 0.5 on every test file and pooled. --out writes one number per line (features in
score.c order, bias last), the format of `bench_quality_coord --weights`. --c prints the C
initializer for score.c.
"""
import argparse
import math
import sys

COORD = ["coord_partners", "coord_strength", "cluster", "institutional"]
SUPPORT = ["parrot_share", "dup_share", "echo_speed", "regularity", "burstiness",
           "round_seconds", "rate", "hours_window", "hours_entropy", "young", "follow_ratio",
           "default_image", "handle_digits", "empty_desc", "created_burst"]
FEATURES = COORD + SUPPORT          # score.c's order (ch_score_feature)
SUPPORT_MAX = 0.4
NEG = 3.0                           # CH_SCORE_SUPPORT_NEG
HN_WEIGHT = 10.0
LAMBDA = 0.5
FLAG = 0.5


def read(paths):
    rows = []
    for path in paths:
        with open(path) as f:
            head = f.readline().rstrip("\n").split("\t")
            idx = [head.index(name) for name in FEATURES]
            ipos, ihn = head.index("positive"), head.index("hard_negative")
            for line in f:
                c = line.rstrip("\n").split("\t")
                x = [float(c[i]) for i in idx]
                rows.append((x, int(c[ipos]), int(c[ihn]), path))
    return rows


def logit(p):
    return math.log(p / (1 - p))


NC = len(COORD)
D = len(FEATURES) + 1               # weights then bias


def z_and_grad(theta, x):
    """z and dz/dtheta for one row (the clamp picks the branch)."""
    b = theta[-1]
    zc = b + sum(theta[i] * x[i] for i in range(NC))
    s = sum(theta[i] * x[i] for i in range(NC, len(FEATURES)))
    cap = logit(SUPPORT_MAX) - b
    if cap < 0:
        cap = 0.0
    g = [0.0] * D
    for i in range(NC):
        g[i] = x[i]
    if s > cap:
        z = zc + cap
        g[-1] = 0.0 if logit(SUPPORT_MAX) - b > 0 else 1.0
    elif s < -NEG:
        z = zc - NEG
        g[-1] = 1.0
    else:
        z = zc + s
        g[-1] = 1.0
        for i in range(NC, len(FEATURES)):
            g[i] = x[i]
    return z, g


def sigmoid(z):
    if z >= 0:
        return 1 / (1 + math.exp(-z))
    e = math.exp(z)
    return e / (1 + e)


def loss(theta, rows):
    total = 0.0
    for x, y, hn, _ in rows:
        z, _ = z_and_grad(theta, x)
        w = HN_WEIGHT if hn else 1.0
        # log(1 + e^z) - y z, stable
        total += w * ((max(z, 0) + math.log1p(math.exp(-abs(z)))) - y * z)
    return total + 0.5 * LAMBDA * sum(t * t for t in theta[:-1])


def solve(a, b):
    """Solves a x = b (a symmetric positive definite) by Gaussian elimination with pivoting."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        piv = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[piv] = m[piv], m[col]
        if abs(m[col][col]) < 1e-12:
            m[col][col] = 1e-12
        for r in range(col + 1, n):
            f = m[r][col] / m[col][col]
            if f:
                for k in range(col, n + 1):
                    m[r][k] -= f * m[col][k]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (m[r][n] - sum(m[r][k] * x[k] for k in range(r + 1, n))) / m[r][r]
    return x


def fit(rows, iters=40):
    theta = [0.0] * D
    theta[-1] = -4.0
    cur = loss(theta, rows)
    for it in range(iters):
        grad = [0.0] * D
        hess = [[0.0] * D for _ in range(D)]
        for x, y, hn, _ in rows:
            z, g = z_and_grad(theta, x)
            p = sigmoid(z)
            w = HN_WEIGHT if hn else 1.0
            r = w * (p - y)
            h = w * p * (1 - p)
            nz = [i for i in range(D) if g[i] != 0.0]
            for i in nz:
                grad[i] += r * g[i]
                hi = h * g[i]
                row = hess[i]
                for j in nz:
                    row[j] += hi * g[j]
        for i in range(D - 1):
            grad[i] += LAMBDA * theta[i]
            hess[i][i] += LAMBDA
        hess[-1][-1] += 1e-6
        step = solve(hess, grad)
        t = 1.0
        while t > 1e-4:
            cand = [theta[i] - t * step[i] for i in range(D)]
            new = loss(cand, rows)
            if new < cur:
                break
            t /= 2
        if t <= 1e-4:
            break
        improvement = cur - new
        theta, cur = cand, new
        print("iteration %d: loss %.3f (step %.3g)" % (it + 1, cur, t), file=sys.stderr)
        if improvement < 1e-6 * max(1.0, cur):
            break
    return theta, cur


def evaluate(theta, rows):
    out = {}
    for x, y, hn, path in rows:
        z, _ = z_and_grad(theta, x)
        flag = sigmoid(z) >= FLAG
        k = out.setdefault(path, [0, 0, 0, 0])   # tp fp fn hn
        if flag and y:
            k[0] += 1
        elif flag:
            k[1] += 1
            k[3] += hn
        elif y:
            k[2] += 1
    pooled = [sum(v[i] for v in out.values()) for i in range(4)]
    return out, pooled


def fmt(k):
    tp, fp, fn, hn = k
    p = tp / (tp + fp) if tp + fp else 0
    r = tp / (tp + fn) if tp + fn else 0
    return "precision %.4f recall %.4f (tp %d fp %d fn %d) hard negatives flagged %d" % (
        p, r, tp, fp, fn, hn)


def main():
    global HN_WEIGHT, LAMBDA
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--train", nargs="+", required=True)
    ap.add_argument("--test", nargs="*", default=[])
    ap.add_argument("--out")
    ap.add_argument("--c", action="store_true")
    ap.add_argument("--hn-weight", type=float, default=HN_WEIGHT)
    ap.add_argument("--l2", type=float, default=LAMBDA)
    a = ap.parse_args()
    HN_WEIGHT, LAMBDA = a.hn_weight, a.l2
    train = read(a.train)
    print("training on %d accounts (%d positive, %d hard negatives) from %d files" % (
        len(train), sum(r[1] for r in train), sum(r[2] for r in train), len(a.train)))
    theta, cur = fit(train)
    for name, w in zip(FEATURES + ["bias"], theta):
        print("  %-15s %8.3f" % (name, w))
    print("training loss %.3f" % cur)
    _, pooled = evaluate(theta, train)
    print("train pooled: " + fmt(pooled))
    if a.test:
        per, pooled = evaluate(theta, read(a.test))
        for path in a.test:
            print("test %s: %s" % (path, fmt(per.get(path, [0, 0, 0, 0]))))
        print("test pooled: " + fmt(pooled))
    if a.out:
        with open(a.out, "w") as f:
            for w in theta:
                f.write("%.6f\n" % w)
    if a.c:
        print("static const double fitted_weights[CH_SF__COUNT + 1] = {")
        for name, w in zip(FEATURES + ["bias"], theta):
            print("    /* %-15s */ %.3f," % (name, w))
        print("};")


if __name__ == "__main__":
    main()
