#!/usr/bin/env python3
"""scikit-learn baseline for newsstance, at the Rust pipeline's features.

What it does
------------
For each task of the labeled corpus (``labels/sentences.csv``: assad, russia,
sentiment; 3 classes each) it cross-validates a scikit-learn
``Pipeline(TfidfVectorizer -> LogisticRegression)`` built to reproduce the
features of the Rust ``train`` defaults (``src/features/``, ``src/text/``):

* tokens: maximal runs of Unicode letters/digits, lowercased character by
  character; an apostrophe (' ’ ‘ ` ʼ) between a word and a letter/digit is
  dropped ("Syria's" -> "syrias"); a token that starts with a digit and holds
  only digits, with '.' or ',' allowed between digits, becomes "<num>".  This
  is a port of the state machine of ``src/text/tokens.rs`` (same edge cases:
  "1990's" -> "<num>", "s"; "F-16" -> "f", "<num>").
* each token stemmed with the English Snowball (Porter2) stemmer:
  ``snowballstemmer`` 2.2.0, which gives the same stem as the Rust side's
  ``rust-stemmers`` 1.2.0 for all 20,645 distinct tokens of labels/ and data/
  (checked against the Rust tokenizer and stemmer when this was written);
  snowballstemmer 3.x implements Snowball 3 and differs on 16 of them
  ("added" -> "add" instead of "ad", "organization" -> "organiz" instead of
  "organ", ...), so do not upgrade it for this comparison;
* word n-grams 1-2 over the stems, no stop words (built in the analyzer, since
  a callable analyzer replaces scikit-learn's own n-gram step);
* TfidfVectorizer(min_df=2, max_df=1.0, max_features=20000, sublinear_tf=True,
  smooth_idf=True, norm="l2"): idf = ln((1+n)/(1+df)) + 1, as in Rust;
* LogisticRegression(solver="lbfgs", l1_ratio=0 i.e. L2, multinomial for 3
  classes, intercept unpenalized), C from the grid 0.3,1,3,10,30 chosen by the
  highest mean macro-F1 over the folds (a tie goes to the smaller C, as in
  Rust).  scikit-learn's C is on the summed log-loss, the same convention as
  Rust's alpha = 1/C.
* class imbalance: class_weight="balanced" (the Rust side oversamples minority
  classes in the training folds instead); the unweighted variant is reported
  too.
* CV: StratifiedKFold(5, shuffle=True, random_state=42); the vectorizer is
  fitted inside each fold (it is the first step of the cloned Pipeline).  The
  fold assignment is scikit-learn's, not the Rust SplitMix64 one, so fold
  membership differs from the Rust run even with the same seed.

Per task and variant it prints the mean macro-F1 for every C, the per-fold
macro-F1 at the chosen C, and for the pooled out-of-fold predictions at the
chosen C the scikit-learn ``classification_report`` and confusion matrix.

Finally it fits the balanced pipelines (chosen C) on all 2,173 sentences and
measures prediction throughput on pre-split sentences: the corpus sentences
replicated to ~50,000, single process, median of 3 timed runs, for (a) one
task's Pipeline.predict_proba (vectorize + classify) and (b) all three tasks
with the text vectorized once (the three pipelines' vectorizers are fitted on
the same sentences, so they are identical), which is what the Rust
``predict --unit sentence`` does.  The stem cache is warm from fitting (the
Rust scorer caches stems per token too).

How to run
----------
From the repository root (Python >= 3.10)::

    python3 -m venv /tmp/nsb && /tmp/nsb/bin/pip install -r models/baseline/requirements.txt
    /tmp/nsb/bin/python models/baseline/sklearn_baseline.py

Options: ``--labels PATH`` (default: labels/sentences.csv next to this
repository), ``--seed 42``, ``--folds 5``, ``--c-grid 0.3,1,3,10,30``,
``--throughput-target 50000``, ``--no-throughput``.  Everything runs in one
process with BLAS/OpenMP limited to one thread (n_jobs=1 everywhere).  The
cross-validation figures are deterministic; the throughput is not.  A run
takes a few minutes on 2 cores.

Versions it was run with
------------------------
Python 3.11.7, scikit-learn 1.9.1, numpy 2.4.6, scipy 1.17.1,
snowballstemmer 2.2.0 (all pins in requirements.txt; results in RESULTS.md).
"""

from __future__ import annotations

import os

# One thread for every numeric library, set before numpy is imported.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import csv
import importlib.metadata
import math
import platform
import re
import statistics
import sys
import time
import unicodedata
import warnings
from pathlib import Path

import numpy as np
import scipy
import sklearn
import snowballstemmer
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import classification_report, confusion_matrix, f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline

TASKS = ("assad", "russia", "sentiment")
NUMBER_TOKEN = "<num>"
APOSTROPHES = "'\u2019\u2018`\u02bc"  # ' ’ ‘ ` ʼ
DEFAULT_LABELS = Path(__file__).resolve().parents[2] / "labels" / "sentences.csv"

# --------------------------------------------------------------------------- tokens


def _is_numeric(ch: str) -> bool:
    """Rust's char::is_numeric: general category Nd, Nl or No."""
    if ch.isascii():
        return "0" <= ch <= "9"
    return unicodedata.category(ch)[0] == "N"


def _lower(token: str) -> str:
    # Rust lowercases char by char; str.lower() differs only for a final capital sigma.
    if "\u03a3" in token:
        return "".join(ch.lower() for ch in token)
    return token.lower()


def tokens_reference(text: str) -> list[str]:
    """Character-by-character port of Tokenizer::for_each_token (src/text/tokens.rs).

    Letters/digits are tested with str.isalnum() (Python's [^\\W_]); Rust's
    char::is_alphanumeric also counts the Other_Alphabetic combining marks, which
    differ only on non-Latin scripts (the corpus has none).
    """
    out: list[str] = []
    buf: list[str] = []
    numeric = True
    n = len(text)
    for i, ch in enumerate(text):
        if ch.isalnum():
            if not buf:
                numeric = _is_numeric(ch)
            elif not _is_numeric(ch):
                numeric = False
            buf.append(ch)
            continue
        if buf:
            nxt = text[i + 1] if i + 1 < n else ""
            if nxt and nxt.isalnum() and ch in APOSTROPHES and not numeric:
                continue
            if numeric and ch in ".," and nxt.isascii() and nxt.isdigit():
                continue
            out.append(NUMBER_TOKEN if numeric else _lower("".join(buf)))
            buf = []
    if buf:
        out.append(NUMBER_TOKEN if numeric else _lower("".join(buf)))
    return out


# A candidate span: letter/digit runs joined by a single apostrophe, or by '.'/','
# before a digit.  Every token lies inside one span; a span without separators is
# exactly one token, and the few spans with separators go through the reference port.
_SPAN = re.compile(r"[^\W_]+(?:(?:[" + APOSTROPHES + r"]|[.,](?=[0-9]))[^\W_]+)*")
_SEPARATOR = re.compile(r"[" + APOSTROPHES + r".,]")


def tokenize(text: str) -> list[str]:
    """Same tokens as tokens_reference(), faster (regex spans, reference port on separators)."""
    out: list[str] = []
    for span in _SPAN.findall(text):
        if _SEPARATOR.search(span):
            out.extend(tokens_reference(span))
        elif span.isascii():
            out.append(NUMBER_TOKEN if span.isdigit() else span.lower())
        elif all(_is_numeric(ch) for ch in span):
            out.append(NUMBER_TOKEN)
        else:
            out.append(_lower(span))
    return out


# Examples from the Rust unit tests in src/text/tokens.rs, plus edge cases of the state machine.
TOKEN_CASES = [
    ("Syria\u2019s war killed 250,000 people.", ["syrias", "war", "killed", "<num>", "people"]),
    ("Obama rejected Putin's support.", ["obama", "rejected", "putins", "support"]),
    ("pro-Russian rebels", ["pro", "russian", "rebels"]),
    ("Syria's Syria\u2019s Syrias", ["syrias", "syrias", "syrias"]),
    ("they\u2019d couldn't", ["theyd", "couldnt"]),
    ("\u201cde-conflicting\u201d 'terrorists'", ["de", "conflicting", "terrorists"]),
    ("250,000 people, 3.5 billion, 2011.", ["<num>", "people", "<num>", "billion", "<num>"]),
    ("F-16 jets", ["f", "<num>", "jets"]),
    ("1st 60mm", ["1st", "60mm"]),
    ("\u00c9TAT \u011eazi DAMASCUS", ["\u00e9tat", "\u011fazi", "damascus"]),
    ("\u0627\u0644\u0623\u0633\u062f", ["\u0627\u0644\u0623\u0633\u062f"]),
    ("", []),
    (" ... \u2014 !? ", []),
    ("'", []),
    ("1990's abc.5 3.5abc a''b x'1 1,2,3 4., snake_case", [
        "<num>", "s", "abc", "<num>", "35abc", "a", "b", "x1", "<num>", "<num>", "snake", "case"]),
]


def self_test() -> int:
    for text, expected in TOKEN_CASES:
        for fn in (tokens_reference, tokenize):
            got = fn(text)
            if got != expected:
                raise AssertionError(f"{fn.__name__}({text!r}) = {got}, expected {expected}")
    return len(TOKEN_CASES)


# --------------------------------------------------------------------------- analyzer


class StemNgramAnalyzer:
    """Callable analyzer for TfidfVectorizer: tokens -> Snowball English stems -> 1..2-grams.

    A bounded cache stems each distinct token once (as the Rust StemCache does).
    """

    def __init__(self, ngram_range: tuple[int, int] = (1, 2), cache_size: int = 1 << 18):
        self.ngram_range = ngram_range
        self.cache_size = cache_size
        self._stemmer = snowballstemmer.stemmer("english")
        self._cache: dict[str, str] = {}

    def stem(self, token: str) -> str:
        s = self._cache.get(token)
        if s is None:
            if len(self._cache) >= self.cache_size:
                self._cache.clear()
            s = self._cache[token] = self._stemmer.stemWord(token)
        return s

    def __call__(self, text: str) -> list[str]:
        stems = [self.stem(t) for t in tokenize(text)]
        lo, hi = self.ngram_range
        terms: list[str] = []
        for n in range(lo, hi + 1):
            if n == 1:
                terms.extend(stems)
            else:
                terms.extend(" ".join(stems[i:i + n]) for i in range(len(stems) - n + 1))
        return terms

    def __getstate__(self):  # picklable: the stemmer and cache are rebuilt on load
        return {"ngram_range": self.ngram_range, "cache_size": self.cache_size}

    def __setstate__(self, state):
        self.__init__(**state)


def make_pipeline(class_weight, c: float = 1.0, max_iter: int = 10_000) -> Pipeline:
    return Pipeline([
        ("tfidf", TfidfVectorizer(
            analyzer=StemNgramAnalyzer((1, 2)),
            lowercase=False,  # the analyzer lowercases
            min_df=2,
            max_df=1.0,
            max_features=20_000,
            sublinear_tf=True,
            smooth_idf=True,
            use_idf=True,
            norm="l2",
            dtype=np.float64,
        )),
        ("clf", LogisticRegression(
            C=c,
            l1_ratio=0.0,  # pure L2 (scikit-learn >= 1.8 spelling of penalty="l2")
            solver="lbfgs",  # multinomial for more than two classes
            class_weight=class_weight,
            max_iter=max_iter,
            tol=1e-4,  # scikit-learn's default; Rust stops at |gradient| <= 1e-4 x rows
        )),
    ])


# --------------------------------------------------------------------------- CV


def read_labels(path: Path) -> tuple[list[str], dict[str, np.ndarray]]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    texts = [r["text"] for r in rows]
    labels = {t: np.array([r[t] for r in rows]) for t in TASKS}
    for t, y in labels.items():
        if (y == "").any():
            raise SystemExit(f"task {t}: {int((y == '').sum())} unlabeled rows; expected none")
    return texts, labels


def cross_validate_task(texts, y, classes, grid, folds, seed, class_weight):
    """All C of the grid on the same folds. Returns per-C fold macro-F1s, per-C pooled
    out-of-fold predictions, fold vocabulary sizes and convergence-warning count."""
    skf = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    texts = np.asarray(texts, dtype=object)
    fold_f1 = {c: [] for c in grid}
    oof = {c: np.empty(len(y), dtype=object) for c in grid}
    vocab_sizes = []
    not_converged = 0
    base = make_pipeline(class_weight)
    for train, test in skf.split(texts, y):
        for c in grid:
            pipe = clone(base).set_params(clf__C=c)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", ConvergenceWarning)
                pipe.fit(texts[train], y[train])
            not_converged += sum(issubclass(w.category, ConvergenceWarning) for w in caught)
            pred = pipe.predict(texts[test])
            oof[c][test] = pred
            fold_f1[c].append(f1_score(y[test], pred, labels=classes, average="macro",
                                       zero_division=0))
        vocab_sizes.append(len(pipe.named_steps["tfidf"].vocabulary_))
    return fold_f1, oof, vocab_sizes, not_converged


def best_c(grid, fold_f1):
    """Highest mean macro-F1; a tie (within 1e-12) keeps the smaller C, as in Rust."""
    best, best_f1 = None, -math.inf
    for c in sorted(grid):
        m = float(np.mean(fold_f1[c]))
        if m > best_f1 + 1e-12:
            best, best_f1 = c, m
    return best, best_f1


# --------------------------------------------------------------------------- throughput


def median_rate(fn, n_items, runs=3):
    """Median over `runs` calls of the wall time, and of this process's CPU time (which a
    busy machine inflates less). Returns (wall rate, wall median, wall times, CPU rate)."""
    walls, cpus = [], []
    for _ in range(runs):
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    med = statistics.median(walls)
    return n_items / med, med, walls, n_items / statistics.median(cpus)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--c-grid", default="0.3,1,3,10,30")
    ap.add_argument("--throughput-target", type=int, default=50_000)
    ap.add_argument("--no-throughput", action="store_true")
    args = ap.parse_args(argv)
    grid = [float(c) for c in args.c_grid.split(",")]

    print(f"python {platform.python_version()}, scikit-learn {sklearn.__version__}, "
          f"numpy {np.__version__}, scipy {scipy.__version__}, "
          f"snowballstemmer {importlib.metadata.version('snowballstemmer')}")
    print(f"tokenizer self-test: {self_test()} cases ok")
    texts, labels = read_labels(args.labels)
    n_ref_diff = sum(tokenize(t) != tokens_reference(t) for t in texts)
    print(f"corpus: {len(texts)} sentences from {args.labels.name}; "
          f"fast tokenizer = reference port on {len(texts) - n_ref_diff}/{len(texts)}")
    full_vocab = make_pipeline(None).named_steps["tfidf"].fit(texts).vocabulary_
    print(f"features: 1-2-grams of Snowball English stems, min_df=2, max_df=1.0, "
          f"max_features=20000, sublinear tf, smooth idf, L2; "
          f"vocabulary on all rows: {len(full_vocab)} terms")
    print(f"CV: StratifiedKFold({args.folds}, shuffle=True, random_state={args.seed}); "
          f"C grid {grid}; choice by mean macro-F1")
    print()

    summary = []
    chosen = {}
    for task in TASKS:
        y = labels[task]
        classes = sorted(set(y))
        counts = ", ".join(f"{c} {int((y == c).sum())}" for c in classes)
        print(f"=== task {task}: {len(y)} rows ({counts})")
        for variant, cw in (("balanced", "balanced"), ("unweighted", None)):
            t0 = time.perf_counter()
            fold_f1, oof, vocab_sizes, not_conv = cross_validate_task(
                texts, y, classes, grid, args.folds, args.seed, cw)
            c, mean_f1 = best_c(grid, fold_f1)
            chosen[(task, variant)] = c
            summary.append((task, variant, c, mean_f1, float(np.std(fold_f1[c]))))
            print(f"--- {task} / class_weight={cw!r} ({time.perf_counter() - t0:.0f} s; "
                  f"fold vocabularies {vocab_sizes}; "
                  f"fits without convergence: {not_conv})")
            print("mean macro-F1 per C: " + ", ".join(
                f"C={g:g}: {np.mean(fold_f1[g]):.5f}" for g in grid))
            edge = " (edge of the grid)" if c in (min(grid), max(grid)) else ""
            print(f"chosen C = {c:g}{edge}: mean macro-F1 {mean_f1:.4f} "
                  f"(sd {np.std(fold_f1[c]):.4f}); folds "
                  + " ".join(f"{v:.4f}" for v in fold_f1[c]))
            print(f"pooled out-of-fold predictions at C = {c:g} "
                  f"(macro-F1 {f1_score(y, oof[c], labels=classes, average='macro'):.4f}):")
            print(classification_report(y, oof[c], labels=classes, digits=3, zero_division=0))
            cm = confusion_matrix(y, oof[c], labels=classes)
            width = max(len(x) for x in classes) + 2
            print("confusion matrix (rows true, columns predicted):")
            print(" " * width + "".join(f"{x:>{width}}" for x in classes))
            for cls, row in zip(classes, cm):
                print(f"{cls:>{width}}" + "".join(f"{v:>{width}}" for v in row))
            print()

    print("=== summary: mean macro-F1 over the folds at the chosen C")
    print(f"{'task':<10} {'variant':<11} {'C':>5} {'macro-F1':>9} {'sd':>7}")
    for task, variant, c, f1, sd in summary:
        print(f"{task:<10} {variant:<11} {c:>5g} {f1:>9.4f} {sd:>7.4f}")
    print()

    if args.no_throughput:
        return 0
    copies = max(1, round(args.throughput_target / len(texts)))
    big = texts * copies
    pipes = {}
    for task in TASKS:
        pipe = make_pipeline("balanced", chosen[(task, "balanced")])
        pipe.fit(texts, labels[task])
        pipes[task] = pipe
    first = pipes[TASKS[0]]
    vec = first.named_steps["tfidf"]
    clfs = [pipes[t].named_steps["clf"] for t in TASKS]
    for t in TASKS[1:]:
        assert pipes[t].named_steps["tfidf"].vocabulary_ == vec.vocabulary_

    def all_tasks():
        x = vec.transform(big)
        return [clf.predict_proba(x) for clf in clfs]

    print(f"=== throughput: {len(big)} pre-split sentences ({len(texts)} x {copies}), "
          f"single process, median of 3 runs (pipelines fitted on all rows, balanced, chosen C); "
          f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")

    def report(what, fn):
        rate, med, times, cpu_rate = median_rate(fn, len(big))
        print(f"{what}: {rate:,.0f} sentences/s (median {med:.2f} s; runs "
              + " ".join(f"{t:.2f}" for t in times) + f"); per CPU second: {cpu_rate:,.0f}")

    report(f"one task pipeline ({TASKS[0]}), Pipeline.predict_proba",
           lambda: first.predict_proba(big))
    report(f"all {len(TASKS)} tasks, text vectorized once, predict_proba", all_tasks)
    report("vectorizing alone (TfidfVectorizer.transform)", lambda: vec.transform(big))
    return 0


if __name__ == "__main__":
    sys.exit(main())
