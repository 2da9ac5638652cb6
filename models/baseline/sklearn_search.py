#!/usr/bin/env python3
"""Grouped cross-validated model search for newsstance, with scikit-learn.

The search space the Rust ``train`` is being rewritten to explore, run with
scikit-learn as a reference for both its scores and its speed.  The word
features and the tokenizer are those of ``sklearn_baseline.py`` (imported from
it, not copied; see its docstring for the tokenizer port and the stemmer pin).

What it does
------------
For each task of the labeled CSV (every column except id, article_id, outlet
and text; a blank cell is an unlabeled row for that task, left out of that
task only) it runs

    GridSearchCV(Pipeline(features -> LogisticRegression), scoring="f1_macro",
                 cv=StratifiedGroupKFold(5, shuffle=True, random_state=42),
                 groups=article_id, n_jobs=2, refit=True)

over exactly C in {0.3, 1, 3, 10, 30} x class_weight in {None, "balanced"} x
features in {word, word+char} (20 candidates, 100 fits, plus the refit of the
best on all rows):

* ``word``: TfidfVectorizer over the analyzer of sklearn_baseline.py (Snowball
  English stems of the ported tokens, word 1-2-grams), min_df=2, max_df=1.0,
  NO max_features cap, sublinear tf, smooth idf, L2.
* ``word+char``: FeatureUnion of that word block and a char block: a
  TfidfVectorizer with the same weighting (min_df=2, no cap, sublinear tf,
  smooth idf, L2) over ``CharWbAnalyzer``: the tokens of the same tokenizer
  port (lowercased, apostrophes folded, digit runs replaced by "<num>", NOT
  stemmed), each padded as " " + token + " ", n-grams of 2..5 Unicode
  characters (code points) taken within that padded token, with the rule of
  scikit-learn's analyzer="char_wb" for short tokens (a padded token shorter
  than n gives itself once, and no longer n-gram; checked against
  scikit-learn's own char_wb at start-up).  Each block is L2-normalized on its
  own and the two are concatenated (so a row's norm is sqrt(2), or 1 when one
  block is empty), which is what FeatureUnion does.

Every fit re-fits the vectorizers on its training fold (they are steps of the
cloned Pipeline); nothing is cached between candidates.

It prints every candidate's mean (and sd) macro-F1 over the 5 grouped folds,
the best candidate (a tie goes to the first in the listed order: word before
word+char, no weights before balanced, smaller C first), its per-fold macro-F1 (its mean is the "nested-free"
figure the Rust side reports: mean macro-F1 over the 5 grouped folds of the
chosen candidate; it is optimistic, since the same folds chose it), and the
scikit-learn classification report and confusion matrix of the best
candidate's pooled out-of-fold predictions (cross_val_predict on the same
splits).  It also reports the best word-only, balanced candidate.

Timings (wall clock, time.perf_counter; the loky worker pool is started and
warmed up before any timing):

(a) the whole search per task (GridSearchCV.fit: 100 fits + refit) and in
    total; the out-of-fold report is timed apart and not included;
(b) the reference "single 5-C grid" of sklearn_baseline.py: GridSearchCV over
    C in {0.3, 1, 3, 10, 30}, class_weight="balanced", word features as in
    sklearn_baseline.make_pipeline (max_features=20000, which the folds do not
    reach), cv=StratifiedKFold(5, shuffle=True, random_state=42), n_jobs=2,
    refit=True (the final fit), for all tasks.  It is run once before and once
    after the searches, to bracket the load of the shared machine; the smaller
    of the two is the reference.

It also writes a JSON file (default models/baseline/search-results.json) with,
per task, the best parameters, the best mean macro-F1 and its folds, every
candidate's mean/sd/folds/iterations, and the timings.

How to run
----------
From the repository root::

    python3 -m venv /root/.venvs/newsstance-baseline
    /root/.venvs/newsstance-baseline/bin/pip install -r models/baseline/requirements.txt
    /root/.venvs/newsstance-baseline/bin/python models/baseline/sklearn_search.py

Options: ``--labels PATH``, ``--json PATH``, ``--seed 42``, ``--folds 5``,
``--c-grid 0.3,1,3,10,30``, ``--n-jobs 2``, ``--no-reference``.  BLAS/OpenMP
are limited to one thread per process (set by sklearn_baseline on import).
The scores are deterministic; the timings are not.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# Imported first: it limits BLAS/OpenMP to one thread before numpy is loaded.
import sklearn_baseline as base  # noqa: E402

import argparse  # noqa: E402
import csv  # noqa: E402
import datetime  # noqa: E402
import importlib.metadata  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import scipy  # noqa: E402
import sklearn  # noqa: E402
from joblib import Parallel, delayed  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import classification_report, confusion_matrix, f1_score  # noqa: E402
from sklearn.model_selection import (  # noqa: E402
    GridSearchCV,
    StratifiedGroupKFold,
    StratifiedKFold,
    cross_val_predict,
)
from sklearn.pipeline import FeatureUnion, Pipeline  # noqa: E402

NON_TASK_COLUMNS = ("id", "article_id", "outlet", "text")
DEFAULT_JSON = Path(__file__).resolve().parent / "search-results.json"
MAX_ITER = 10_000

# --------------------------------------------------------------------------- features


class CharWbAnalyzer:
    """Tokens of the sklearn_baseline port -> char n-grams within " " + token + " ".

    Same n-grams, in the same order, as scikit-learn's analyzer="char_wb" applied to
    " ".join(tokens) with lowercase=False (the tokens hold no whitespace).
    """

    def __init__(self, ngram_range: tuple[int, int] = (2, 5)):
        self.ngram_range = ngram_range

    def __call__(self, text: str) -> list[str]:
        lo, hi = self.ngram_range
        grams: list[str] = []
        append = grams.append
        for token in base.tokenize(text):
            w = " " + token + " "
            w_len = len(w)
            for n in range(lo, hi + 1):
                if w_len <= n:  # a short padded token counts once, as itself
                    append(w)
                    break
                for i in range(w_len - n + 1):
                    append(w[i:i + n])
        return grams


def tfidf(analyzer, max_features=None) -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer=analyzer,
        lowercase=False,  # the tokenizer lowercases
        min_df=2,
        max_df=1.0,
        max_features=max_features,
        sublinear_tf=True,
        smooth_idf=True,
        use_idf=True,
        norm="l2",
        dtype=np.float64,
    )


def word_features() -> TfidfVectorizer:
    return tfidf(base.StemNgramAnalyzer((1, 2)))


def word_char_features() -> FeatureUnion:
    return FeatureUnion([
        ("word", tfidf(base.StemNgramAnalyzer((1, 2)))),
        ("char", tfidf(CharWbAnalyzer((2, 5)))),
    ])


FEATURE_SETS = {"word": word_features, "word+char": word_char_features}


def feature_name(step) -> str:
    return "word+char" if isinstance(step, FeatureUnion) else "word"


def search_pipeline() -> Pipeline:
    return Pipeline([
        ("features", word_features()),
        ("clf", LogisticRegression(l1_ratio=0.0, solver="lbfgs", max_iter=MAX_ITER, tol=1e-4)),
    ])


def n_iter_scorer(estimator, X, y):
    """Not a score: the lbfgs iteration count of the fitted fold model (convergence check)."""
    return float(np.max(estimator.named_steps["clf"].n_iter_))


def char_wb_self_test(texts) -> int:
    """CharWbAnalyzer == scikit-learn's char_wb (2-5, no lowercasing) on the joined tokens."""
    ours = CharWbAnalyzer((2, 5))
    ref = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=False).build_analyzer()
    extra = ["a I x <num> ab", "Syria's 1990's F-16 É ğ", "", "abcd abcde abcdef"]
    for t in list(texts) + extra:
        got, exp = ours(t), ref(" ".join(base.tokenize(t)))
        if got != exp:
            raise AssertionError(f"char_wb mismatch on {t!r}: {got[:20]} vs {exp[:20]}")
    return len(texts) + len(extra)


# --------------------------------------------------------------------------- data


def read_tasks(path: Path):
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
        columns = reader.fieldnames or []
    missing = [c for c in ("text", "article_id") if c not in columns]
    if missing:
        raise SystemExit(f"{path}: missing column(s) {missing}")
    tasks = [c for c in columns if c not in NON_TASK_COLUMNS]
    texts = np.array([r["text"] for r in rows], dtype=object)
    groups = np.array([r["article_id"] for r in rows], dtype=object)
    labels = {t: np.array([r[t].strip() for r in rows], dtype=object) for t in tasks}
    return texts, groups, tasks, labels


# --------------------------------------------------------------------------- output


def print_report(y, pred, classes):
    print(classification_report(y, pred, labels=classes, digits=3, zero_division=0))
    cm = confusion_matrix(y, pred, labels=classes)
    width = max(len(x) for x in classes) + 2
    print("confusion matrix (rows true, columns predicted):")
    print(" " * width + "".join(f"{x:>{width}}" for x in classes))
    for cls, row in zip(classes, cm):
        print(f"{cls:>{width}}" + "".join(f"{v:>{width}}" for v in row))


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def warm_up(n_jobs: int) -> None:
    """Start the loky workers and import this module's dependencies in them."""
    Parallel(n_jobs=n_jobs)(delayed(CharWbAnalyzer((2, 5)))("warm up " + str(i))
                            for i in range(4 * n_jobs))


def run_reference(texts, labels, tasks, grid, folds, seed, n_jobs):
    """(b): the single 5-C grid of sklearn_baseline.py, balanced, word features, refit."""
    out = {"load_before": load(), "tasks": {}}
    t_all = time.perf_counter()
    for task in tasks:
        keep = labels[task] != ""
        x, y = texts[keep], labels[task][keep]
        gs = GridSearchCV(
            base.make_pipeline("balanced"),
            {"clf__C": grid},
            scoring="f1_macro",
            cv=StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed),
            n_jobs=n_jobs,
            refit=True,
        )
        t0 = time.perf_counter()
        gs.fit(x, y)
        wall = time.perf_counter() - t0
        out["tasks"][task] = {
            "wall_s": round(wall, 2),
            "best_C": gs.best_params_["clf__C"],
            "best_mean_macro_f1": round(float(gs.best_score_), 5),
        }
    out["total_wall_s"] = round(time.perf_counter() - t_all, 2)
    out["load_after"] = load()
    return out


def print_reference(label, ref):
    parts = ", ".join(f"{t} {v['wall_s']:.1f} s (C={v['best_C']:g}, {v['best_mean_macro_f1']:.4f})"
                      for t, v in ref["tasks"].items())
    print(f"(b) reference, {label}: total {ref['total_wall_s']:.1f} s; {parts}; "
          f"load average before {ref['load_before']}, after {ref['load_after']}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--labels", type=Path, default=base.DEFAULT_LABELS)
    ap.add_argument("--json", type=Path, default=DEFAULT_JSON)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--c-grid", default="0.3,1,3,10,30")
    ap.add_argument("--n-jobs", type=int, default=2)
    ap.add_argument("--no-reference", action="store_true", help="skip the timing (b)")
    args = ap.parse_args(argv)
    grid = [float(c) for c in args.c_grid.split(",")]
    started = datetime.datetime.now(datetime.timezone.utc)

    versions = (f"python {platform.python_version()}, scikit-learn {sklearn.__version__}, "
                f"numpy {np.__version__}, scipy {scipy.__version__}, "
                f"snowballstemmer {importlib.metadata.version('snowballstemmer')}, "
                f"joblib {importlib.metadata.version('joblib')}")
    print(versions)
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs; n_jobs={args.n_jobs}; "
          f"load average at start {load()}")
    print(f"tokenizer self-test: {base.self_test()} cases ok")
    texts, groups, tasks, labels = read_tasks(args.labels)
    print(f"char_wb self-test: CharWbAnalyzer = scikit-learn char_wb on "
          f"{char_wb_self_test(texts)} texts")
    print(f"corpus: {len(texts)} rows, {len(set(groups))} articles, from {args.labels.name}; "
          f"tasks: {', '.join(tasks)}")
    wv = word_features().fit(texts)
    cv_ = tfidf(CharWbAnalyzer((2, 5))).fit(texts)
    print(f"features on all rows (min_df=2, no cap): word 1-2-grams {len(wv.vocabulary_)} terms, "
          f"char_wb 2-5-grams {len(cv_.vocabulary_)} terms")
    # One dict per (features, class_weight), in this order, C innermost: the candidates are
    # listed (and a tie is broken, GridSearchCV keeping the first) in the order word before
    # word+char, None before 'balanced', smaller C first.
    param_grid = [
        {"features": [make()], "clf__class_weight": [cw], "clf__C": grid}
        for make in (word_features, word_char_features)
        for cw in (None, "balanced")
    ]
    n_cand = len(grid) * 4
    print(f"search: GridSearchCV(n_jobs={args.n_jobs}, scoring='f1_macro', refit=True) over "
          f"features {{word, word+char}} x class_weight {{None, 'balanced'}} x C {grid} "
          f"= {n_cand} candidates; cv StratifiedGroupKFold({args.folds}, shuffle=True, "
          f"random_state={args.seed}) grouped by article_id")
    print()

    t0 = time.perf_counter()
    warm_up(args.n_jobs)
    print(f"worker pool warm-up: {time.perf_counter() - t0:.1f} s (not timed below)")
    results = {
        "script": "models/baseline/sklearn_search.py",
        "started_utc": started.strftime("%Y-%m-%d %H:%M"),
        "versions": versions,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
        "n_jobs": args.n_jobs,
        "cv": f"StratifiedGroupKFold({args.folds}, shuffle=True, random_state={args.seed}), "
              f"groups=article_id",
        "scoring": "f1_macro",
        "tasks": {},
    }
    refs = []
    if not args.no_reference:
        refs.append(run_reference(texts, labels, tasks, grid, args.folds, args.seed, args.n_jobs))
        print_reference("before the searches", refs[-1])
    print()

    search_total = 0.0
    summary = []
    for task in tasks:
        keep = labels[task] != ""
        x, y, g = texts[keep], labels[task][keep], groups[keep]
        classes = sorted(set(y))
        counts = ", ".join(f"{c} {int((y == c).sum())}" for c in classes)
        print(f"=== task {task}: {len(y)} labeled rows ({counts}), {len(set(g))} articles"
              + (f"; {int((~keep).sum())} unlabeled rows left out" if (~keep).any() else ""))
        cv = StratifiedGroupKFold(n_splits=args.folds, shuffle=True, random_state=args.seed)
        splits = list(cv.split(x, y, g))
        for i, (_, test) in enumerate(splits):
            tc = ", ".join(f"{c} {int((y[test] == c).sum())}" for c in classes)
            print(f"fold {i}: {len(test)} test rows, {len(set(g[test]))} articles ({tc})")

        gs = GridSearchCV(
            search_pipeline(),
            param_grid,
            scoring={"f1_macro": "f1_macro", "n_iter": n_iter_scorer},
            refit="f1_macro",
            cv=cv,
            n_jobs=args.n_jobs,
        )
        load_before = load()
        t0 = time.perf_counter()
        gs.fit(x, y, groups=g)
        wall = time.perf_counter() - t0
        search_total += wall
        load_after = load()
        res = gs.cv_results_
        print(f"search: {wall:.1f} s wall ({n_cand * args.folds} fits + refit); "
              f"load average before {load_before}, after {load_after}")
        max_iter_seen = int(max(np.max(res[f"split{i}_test_n_iter"]) for i in range(args.folds)))
        print(f"lbfgs iterations: at most {max_iter_seen} (max_iter {MAX_ITER}); "
              f"fits without convergence: "
              f"{sum(int((res[f'split{i}_test_n_iter'] >= MAX_ITER).sum()) for i in range(args.folds))}")
        print("mean macro-F1 over the grouped folds, every candidate:")
        print(f"  {'features':<10} {'class_weight':<12} {'C':>5} {'mean':>8} {'sd':>7} {'rank':>5}")
        candidates = []
        for i, p in enumerate(res["params"]):
            feats = feature_name(p["features"])
            cw = p["clf__class_weight"]
            folds_f1 = [float(res[f"split{k}_test_f1_macro"][i]) for k in range(args.folds)]
            cand = {
                "features": feats,
                "class_weight": cw,
                "C": p["clf__C"],
                "mean_macro_f1": round(float(res["mean_test_f1_macro"][i]), 5),
                "sd": round(float(res["std_test_f1_macro"][i]), 5),
                "rank": int(res["rank_test_f1_macro"][i]),
                "folds": [round(v, 5) for v in folds_f1],
                "max_lbfgs_iterations": int(max(res[f"split{k}_test_n_iter"][i]
                                                for k in range(args.folds))),
                "mean_fit_s": round(float(res["mean_fit_time"][i]), 2),
            }
            candidates.append(cand)
            print(f"  {feats:<10} {str(cw):<12} {cand['C']:>5g} {res['mean_test_f1_macro'][i]:>8.5f} "
                  f"{res['std_test_f1_macro'][i]:>7.4f} {cand['rank']:>5}")
        b = candidates[gs.best_index_]
        wb = max((c for c in candidates if c["features"] == "word" and c["class_weight"] == "balanced"),
                 key=lambda c: c["mean_macro_f1"])  # max() keeps the first (smaller C) on a tie
        edge = " (edge of the C grid)" if b["C"] in (min(grid), max(grid)) else ""
        print(f"best: features={b['features']}, class_weight={b['class_weight']!r}, "
              f"C={b['C']:g}{edge}: mean macro-F1 {gs.best_score_:.4f} (sd {b['sd']:.4f}); folds "
              + " ".join(f"{v:.4f}" for v in b["folds"]))
        print(f"best word-only balanced: C={wb['C']:g}: mean macro-F1 {wb['mean_macro_f1']:.4f} "
              f"(sd {wb['sd']:.4f})")

        t1 = time.perf_counter()
        oof = cross_val_predict(gs.best_estimator_, x, y, groups=g, cv=cv, n_jobs=args.n_jobs)
        oof_wall = time.perf_counter() - t1
        pooled = f1_score(y, oof, labels=classes, average="macro", zero_division=0)
        print(f"pooled out-of-fold predictions of the best ({oof_wall:.1f} s, not in the search "
              f"time; macro-F1 {pooled:.4f}):")
        print_report(y, oof, classes)
        print()
        summary.append((task, b, wb, wall))
        results["tasks"][task] = {
            "rows": int(len(y)),
            "articles": int(len(set(g))),
            "class_counts": {c: int((y == c).sum()) for c in classes},
            "best_params": {"features": b["features"], "class_weight": b["class_weight"],
                            "C": b["C"]},
            "best_mean_macro_f1": round(float(gs.best_score_), 5),
            "best_sd": b["sd"],
            "best_folds": b["folds"],
            "best_pooled_oof_macro_f1": round(float(pooled), 5),
            "best_word_balanced": {"C": wb["C"], "mean_macro_f1": wb["mean_macro_f1"],
                                   "sd": wb["sd"]},
            "candidates": candidates,
            "timings": {"search_wall_s": round(wall, 2), "oof_report_wall_s": round(oof_wall, 2),
                        "load_before": load_before, "load_after": load_after},
        }

    if not args.no_reference:
        refs.append(run_reference(texts, labels, tasks, grid, args.folds, args.seed, args.n_jobs))

    print("=== summary: mean macro-F1 over the 5 grouped folds (the nested-free figure)")
    print(f"{'task':<10} {'features':<10} {'class_weight':<12} {'C':>5} {'macro-F1':>9} {'sd':>7}"
          f" {'word+bal C':>11} {'word+bal F1':>12} {'search s':>9}")
    for task, b, wb, wall in summary:
        print(f"{task:<10} {b['features']:<10} {str(b['class_weight']):<12} {b['C']:>5g} "
              f"{b['mean_macro_f1']:>9.4f} {b['sd']:>7.4f} {wb['C']:>11g} "
              f"{wb['mean_macro_f1']:>12.4f} {wall:>9.1f}")
    print()
    print(f"(a) full search ({n_cand} candidates x {args.folds} folds + refit, per task): total "
          f"{search_total:.1f} s wall for {len(tasks)} tasks")
    timings = {"search_total_wall_s": round(search_total, 2)}
    if refs:
        print_reference("before the searches", refs[0])
        print_reference("after the searches", refs[1])
        ref_best = min(r["total_wall_s"] for r in refs)
        print(f"(b) reference (smaller of the two): {ref_best:.1f} s; (a)/(b) = "
              f"{search_total / ref_best:.1f}; a Rust default search 4x faster than (b) "
              f"takes at most {ref_best / 4:.1f} s")
        timings.update({"reference_runs": refs, "reference_wall_s": ref_best,
                        "reference_div_4_s": round(ref_best / 4, 2),
                        "reference_description":
                            "GridSearchCV over C, class_weight='balanced', word features "
                            "(sklearn_baseline.make_pipeline), StratifiedKFold(5, shuffle=True, "
                            "random_state=42), n_jobs=2, refit=True; all tasks"})
    results["timings"] = timings
    args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.json.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
