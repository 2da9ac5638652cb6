#!/usr/bin/env python3
"""Cross-validation scored on the corpus sentences alone, with and without extra training rows.

`train`'s report scores every labeled row, so once labels/ holds sentences written for training
(outlet `written`), its CV figure is no longer comparable with one measured on the corpus alone.
This script recomputes the figure on the corpus rows only, with the real pipeline
(target/release/train and evaluate):

- the folds are `train`'s own (a port of src/model/cv.rs `stratified_group_folds`: same seed,
  same dense group ids, same classes) computed on the corpus rows of the task, so the
  `corpus` condition reproduces what `train` reports on a labels/ without the extra rows;
- for each fold and candidate, `train --cv 0` fits the candidate on the training folds (plus,
  in the `+extra` condition, every extra row: they are never held out) and `evaluate` scores the
  held-out corpus fold; a candidate's figure is the mean macro-F1 over the folds, as in `train`.

The fits use `train`'s final tolerance, not the looser one of its cross-validation fits, so a
figure can differ from `train`'s report by a few thousandths.

Usage (after cargo build --release):
  python3 models/tools/corpus_cv.py [--labels labels/sentences.csv] [--extra-outlet written]
      [--task T]... [--feature-set words|words+chars]... [--c-grid 0.3,1,3,10,30]
      [--balance weighted] [--train-flag=FLAG]...
Prints, per task and condition, every candidate's mean macro-F1 and the best.
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TASKS = ("assad", "russia", "sentiment")
MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def shuffle(self, items):
        for i in range(len(items) - 1, 0, -1):
            j = self.next() % (i + 1)
            items[i], items[j] = items[j], items[i]


def stratified_group_folds(y, groups, n_classes, k, seed):
    """src/model/cv.rs stratified_group_folds, step for step."""
    n_groups = max(groups) + 1
    counts = [[0] * n_classes for _ in range(n_groups)]
    for c, g in zip(y, groups):
        counts[g][c] += 1
    totals = [float(sum(g[c] for g in counts)) for c in range(n_classes)]
    order = list(range(n_groups))
    SplitMix64(seed).shuffle(order)
    order.sort(key=lambda g: -sum(counts[g]))
    fold_counts = [[0] * n_classes for _ in range(k)]
    fold_of_group = [0] * n_groups
    for g in order:
        def cost(f):
            total = 0.0
            for c in range(n_classes):
                if totals[c] > 0.0:
                    before = fold_counts[f][c] / totals[c]
                    after = (fold_counts[f][c] + counts[g][c]) / totals[c]
                    total += after * after - before * before
            return total
        best = min(range(k), key=lambda f: (cost(f), sum(fold_counts[f]), f))
        for c in range(n_classes):
            fold_counts[best][c] += counts[g][c]
        fold_of_group[g] = best
    return [fold_of_group[g] for g in groups]


def folds_for(rows, task, k, seed):
    classes = sorted({r[task] for r in rows})
    y = [classes.index(r[task]) for r in rows]
    ids = {}
    dense = [ids.setdefault(r["article_id"], len(ids)) for r in rows]
    return stratified_group_folds(y, dense, len(classes), k, seed)


def write(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=header)
        w.writeheader()
        w.writerows(rows)


def fold_f1(tmp, header, task, train_rows, test_rows, fs, c, args):
    write(tmp / "train.csv", header, train_rows)
    write(tmp / "test.csv", header, test_rows)
    cmd = [str(ROOT / "target/release/train"), "--input", str(tmp / "train.csv"), "--task", task,
           "--cv", "0", "--c", str(c), "--feature-set", fs, "--balance", args.balance,
           "--actors", str(ROOT / "models/actors.csv"), "--out", str(tmp / "model"), "-q"]
    subprocess.run(cmd + args.train_flag, check=True, stdout=subprocess.DEVNULL)
    out = subprocess.run([str(ROOT / "target/release/evaluate"), "--model", str(tmp / "model"),
                          "--format", "json", "-q", str(tmp / "test.csv")],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)["tasks"][task]["macro_f1"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--labels", default=str(ROOT / "labels/sentences.csv"))
    ap.add_argument("--extra-outlet", default="written")
    ap.add_argument("--task", action="append")
    ap.add_argument("--feature-set", action="append")
    ap.add_argument("--c-grid", default="0.3,1,3,10,30")
    ap.add_argument("--balance", default="weighted")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--train-flag", action="append", default=[],
                    help="extra flag passed to train, e.g. --train-flag=--no-stem")
    args = ap.parse_args()
    with open(args.labels, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header, rows = reader.fieldnames, list(reader)
    corpus = [r for r in rows if r["outlet"] != args.extra_outlet]
    extra = [r for r in rows if r["outlet"] == args.extra_outlet]
    grid = [float(c) for c in args.c_grid.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for task in args.task or TASKS:
            folds = folds_for(corpus, task, args.folds, args.seed)
            for cond, added in (("corpus", []), (f"corpus+{len(extra)} {args.extra_outlet}", extra)):
                if cond != "corpus" and not extra:
                    continue
                best = None
                for fs in args.feature_set or ["words", "words+chars"]:
                    line = []
                    for c in grid:
                        f1s = [fold_f1(tmp, header, task,
                                       [r for r, f in zip(corpus, folds) if f != k] + added,
                                       [r for r, f in zip(corpus, folds) if f == k], fs, c, args)
                               for k in range(args.folds)]
                        mean = sum(f1s) / len(f1s)
                        line.append(f"C={c:g}: {mean:.3f}")
                        if best is None or mean > best[0] + 1e-12:
                            best = (mean, fs, c, f1s)
                    print(f"{task:9} {cond:22} {fs:11} " + "  ".join(line), flush=True)
                print(f"{task:9} {cond:22} best {best[0]:.3f} ({best[1]}, C={best[2]:g}; folds "
                      + " ".join(f"{x:.3f}" for x in best[3]) + ")", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
