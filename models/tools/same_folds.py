#!/usr/bin/env python3
"""newsstance's default search and scikit-learn's tuned search, scored on the same folds.

`train` and `models/baseline/sklearn_search.py` each cross-validate by article, but with folds
of their own (newsstance's greedy grouping, scikit-learn's StratifiedGroupKFold), and the
fold-to-fold spread (0.01 to 0.03 macro-F1) is larger than the differences to be judged. This
script removes that difference: for each task it computes the very folds of the scikit-learn
search (StratifiedGroupKFold(5, shuffle=True, random_state=42) on the task's labeled rows,
grouped by article_id, as the search does), writes them as a `fold` column, and runs the real
`train` with `--group-column fold`: five groups go to five folds, one each (each group fills an
empty fold: src/model/cv.rs `stratified_group_folds`), so newsstance is scored on exactly the
scikit-learn search's splits.

It prints, per task, newsstance's chosen candidate and its mean macro-F1 and folds beside the
scikit-learn search's best (read from the JSON that sklearn_search.py wrote), the folds paired
by their held-out rows.

Usage (after cargo build --release, with the scikit-learn venv of models/baseline/):
  /root/.venvs/newsstance-baseline/bin/python models/tools/same_folds.py \
      --sklearn-json models/baseline/search-results.json [--labels labels/sentences.csv] \
      [--task T]... [--train-flag=FLAG]...
`--train-flag` passes a flag to `train` (default: `--actors models/actors.csv`, the shipped
model's command).
"""
import argparse
import csv
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from sklearn.model_selection import StratifiedGroupKFold

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus_cv import stratified_group_folds  # noqa: E402  (train's own fold assignment)

ROOT = Path(__file__).resolve().parents[2]
TRAIN = ROOT / "target" / "release" / "train"
NON_TASK_COLUMNS = ("id", "article_id", "outlet", "text")


def sklearn_folds(y, groups, folds, seed):
    """The fold of each row, as GridSearchCV(cv=StratifiedGroupKFold(...)) splits them."""
    fold = np.full(len(y), -1)
    cv = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    for f, (_, test) in enumerate(cv.split(np.zeros(len(y)), y, groups)):
        fold[test] = f
    return fold


def chosen_figures(report, task):
    """(candidate line, mean macro-F1, fold macro-F1s) of `task` in a train report."""
    section = report.split(f"== task {task}:")[1].split("\n== task")[0]
    chosen = re.search(r"chosen \(cross-validation\): (.*)", section).group(1)
    folds = [float(v) for v in
             re.search(r"fold macro-F1 of the chosen candidate: ([0-9. ]+);", section)
             .group(1).split()]
    return chosen, sum(folds) / len(folds), folds


def run_task(rows, task, args, work):
    """Writes the task's labeled rows with their sklearn fold and trains on them."""
    labeled = [r for r in rows if r[task].strip()]
    y = np.array([r[task].strip() for r in labeled])
    groups = np.array([r["article_id"] for r in labeled])
    fold = sklearn_folds(y, groups, args.folds, args.seed)
    path = Path(work) / f"{task}.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "article_id", "fold", "text", task])
        for r, k in zip(labeled, fold):
            w.writerow([r["id"], r["article_id"], f"fold{k}", r["text"], r[task]])
    out = Path(work) / f"model-{task}"
    cmd = [str(TRAIN), "--input", str(path), "--task", task, "--group-column", "fold",
           "--meta", "article_id", "--cv", str(args.folds), "--seed", str(args.seed), "--out", str(out), "-q",
           *args.train_flag]
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    report = (out / "report.txt").read_text(encoding="utf-8")
    # newsstance numbers the five groups' folds its own way: train's assignment (ported in
    # corpus_cv.py, same seed) of the `fold` groups gives scikit-learn's fold of each of its.
    classes = sorted(set(y))
    dense = {}
    group_ids = [dense.setdefault(k, len(dense)) for k in fold]
    ours = stratified_group_folds([classes.index(c) for c in y], group_ids, len(classes),
                                  args.folds, args.seed)
    order = [int(fold[ours.index(f)]) for f in range(args.folds)]
    sizes = [int((fold == k).sum()) for k in range(args.folds)]
    return chosen_figures(report, task), order, sizes


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--labels", type=Path, default=ROOT / "labels" / "sentences.csv")
    ap.add_argument("--sklearn-json", type=Path, required=True)
    ap.add_argument("--task", action="append")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--train-flag", action="append")
    args = ap.parse_args()
    if args.train_flag is None:
        args.train_flag = ["--actors", "models/actors.csv"]
    if not TRAIN.exists():
        sys.exit(f"{TRAIN} is missing: run `cargo build --release` first")
    with args.labels.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
        tasks = args.task or [c for c in reader.fieldnames if c not in NON_TASK_COLUMNS]
    theirs = json.loads(args.sklearn_json.read_text(encoding="utf-8"))
    print(f"labels {args.labels} ({len(rows)} rows); train flags: {' '.join(args.train_flag)}")
    with tempfile.TemporaryDirectory(prefix="newsstance-same-folds-") as work:
        for task in tasks:
            (chosen, mean, folds), order, sizes = run_task(rows, task, args, work)
            sk = theirs["tasks"][task]
            sk_folds = [sk["best_folds"][k] for k in order]
            print(f"== {task}: folds of {' '.join(str(sizes[k]) for k in order)} rows")
            print(f"  newsstance   {mean:.4f}  folds {' '.join(f'{v:.3f}' for v in folds)}"
                  f"  ({chosen})")
            print(f"  scikit-learn {sk['best_mean_macro_f1']:.4f}  folds "
                  f"{' '.join(f'{v:.3f}' for v in sk_folds)}  ({sk['best_params']})")
            wins = sum(a > b for a, b in zip(folds, sk_folds))
            print(f"  difference   {mean - sk['best_mean_macro_f1']:+.4f}  (newsstance higher on "
                  f"{wins} of {len(folds)} folds)")


if __name__ == "__main__":
    main()
