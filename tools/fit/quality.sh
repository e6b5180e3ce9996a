#!/bin/bash
# quality.sh — the coordination quality benchmark and the score-weight fit, end to end.
#
#   tools/fit/quality.sh BUILD_DIR WORK_DIR [fit] [-- EXTRA BENCH OPTIONS...]
#
# Generates the scenarios with BUILD_DIR/chorus-synth (once; kept in WORK_DIR), runs
# BUILD_DIR/bench_quality_coord on each in Twitter v1.1 and IO CSV, and prints one line per
# scenario plus pooled figures. bench_quality_coord runs the stages through ch_detect_run, the
# function `chorus scan` runs, so without extra options the figures are those of `chorus scan`
# with its defaults (parroting and narratives included). Extra options after `--` are passed to
# every run (e.g. `-- --window 3600` for one fixed window).
# With "fit", also dumps the features of seeds 1-8 and runs tools/fit/fit.py, training on the
# tuning seeds (1-4) and testing on 5-8 (the weights in score.c come from this).
# Scenario sets: seeds 1-8 with the generator's default campaign sizes (5:60), seeds 11-14
# with small campaigns (3:12), seeds 21-24 with large ones (40:150). Tuning used seeds 1-4
# only; the figures to quote are those of the other seeds.
set -euo pipefail
BUILD=${1:?usage: quality.sh BUILD_DIR WORK_DIR [fit] [-- OPTIONS]}
WORK=${2:?usage: quality.sh BUILD_DIR WORK_DIR [fit] [-- OPTIONS]}
shift 2
MODE=
if [ "${1:-}" = fit ]; then MODE=fit; shift; fi
[ "${1:-}" = -- ] && shift
EXTRA=("$@")
HERE=$(cd "$(dirname "$0")" && pwd)
SYNTH=$BUILD/chorus-synth
BENCH=$BUILD/bench_quality_coord
mkdir -p "$WORK"

gen() {  # gen DIR SEED SIZES
    [ -f "$1/truth.jsonl" ] && return 0
    "$SYNTH" -o "$1" --seed "$2" --campaign-size "$3" --format twitter-v1,io-csv --quiet
}
for s in 1 2 3 4 5 6 7 8; do gen "$WORK/s$s" $s 5:60; done
for s in 11 12 13 14; do gen "$WORK/s$s" $s 3:12; done
for s in 21 22 23 24; do gen "$WORK/s$s" $s 40:150; done

posts() {  # posts SEED FORMAT
    if [ "$2" = io ]; then echo "$WORK/s$1/posts.io.csv"; else echo "$WORK/s$1/posts.v1.jsonl"; fi
}

if [ "$MODE" = fit ]; then
    mkdir -p "$WORK/dump"
    for s in 1 2 3 4 5 6 7 8; do
        for f in v1 io; do
            "$BENCH" --truth "$WORK/s$s/truth.jsonl" --statements "$WORK/s$s/statements.jsonl" \
                ${EXTRA[@]+"${EXTRA[@]}"} --dump "$WORK/dump/s$s.$f.tsv" "$(posts $s $f)" > /dev/null
        done
    done
    python3 "$HERE/fit.py" --train "$WORK"/dump/s[1234].{v1,io}.tsv \
        --test "$WORK"/dump/s[5678].{v1,io}.tsv --out "$WORK/weights.txt" --c
fi

for f in v1 io; do
    for group in "tune:1 2 3 4" "test:5 6 7 8" "small:11 12 13 14" "large:21 22 23 24"; do
        name=${group%%:*}
        for s in ${group#*:}; do
            echo "$f $name s$s $("$BENCH" --truth "$WORK/s$s/truth.jsonl" \
                --statements "$WORK/s$s/statements.jsonl" --json ${EXTRA[@]+"${EXTRA[@]}"} \
                "$(posts $s $f)")"
        done
    done
done | python3 -c '
import sys, json, collections
pool = collections.OrderedDict()
HN = ["journalist", "news_outlet", "official", "lookalike", "viral_reposter", "news_sharer",
      "trend_user", "viral_author"]
for line in sys.stdin:
    fmt, group, seed, js = line.split(" ", 3)
    d = json.loads(js)
    c = d["campaign_accounts"]
    ctp, cfp, ftp, ffp = d["cluster_tp"], d["cluster_fp"], d["flag_tp"], d["flag_fp"]
    hn = " ".join("%s:%d/%d" % (k, d["hard_negatives_by"][k][0], d["hard_negatives_by"][k][1])
                  for k in HN if any(d["hard_negatives_by"][k]))
    print("%-2s %-5s %-3s clustered P %.3f R %.3f HN %2d | flagged P %.3f R %.3f HN %2d | purity %.3f split %d/%d %s" % (
        fmt, group, seed, d["cluster_precision"], d["cluster_recall"], d["cluster_hard_negatives"],
        d["flag_precision"], d["flag_recall"], d["flag_hard_negatives"], d["purity"], d["split"],
        d["campaigns"], hn))
    k = pool.setdefault((fmt, group), [0] * 11)
    for i, v in enumerate([c, ctp, cfp, d["cluster_hard_negatives"], ftp, ffp,
                           d["flag_hard_negatives"], d["split"], d["campaigns"],
                           d["purity"] * d["clustered_accounts"], d["clustered_accounts"]]):
        k[i] += v
print()
print("pooled (format group): clustered precision / recall / hard negatives | flagged ... | purity | campaigns split")
for (fmt, group), k in pool.items():
    c, ctp, cfp, chn, ftp, ffp, fhn, split, camps, pur, ncl = k
    print("%-2s %-5s clustered P %.3f R %.3f HN %2d | flagged P %.3f R %.3f HN %2d | purity %.3f | split %d/%d" % (
        fmt, group, ctp / max(1, ctp + cfp), ctp / max(1, c), chn, ftp / max(1, ftp + ffp),
        ftp / max(1, c), fhn, pur / max(1, ncl), split, camps))
'
