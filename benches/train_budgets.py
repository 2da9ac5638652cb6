#!/usr/bin/env python3
"""Measures `train` against its budgets, side by side with the scikit-learn reference.

Usage: python3 benches/train_budgets.py [--skip-large]

1. `train` with no flags on labels/ (3 tasks, the full default search), and scikit-learn's
   single 5-C grid on the same rows (models/baseline/sklearn_search.py's reference run: word
   features, class_weight='balanced', 5 stratified folds, final fit, 2 jobs), in alternating
   rounds; medians of REPEATS rounds and the ratio of the medians. Budget: train <= 1/4 of
   scikit-learn. The scikit-learn side needs the baseline's venv (SKLEARN_PYTHON, default
   /root/.venvs/newsstance-baseline/bin/python, made as models/baseline/RESULTS.md says); without
   it that column is skipped.
2. 50,000 rows x 3 tasks, no flags (benches/make_inputs.py train): wall and peak RSS. Budget:
   120 s and 2 GB.
3. 1,000,000 rows x 1 task with `--cv 0 --c 3`: wall and peak RSS. Budget: 10 minutes and 8 GB.
--skip-large skips 2 and 3. Environment: REPEATS (default 3), CARGO_TARGET_DIR, BENCH_DIR.
Standard library only (besides the scikit-learn venv for the reference).
"""
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPEATS = int(os.environ.get("REPEATS", 3))
SKLEARN_PYTHON = os.environ.get("SKLEARN_PYTHON", "/root/.venvs/newsstance-baseline/bin/python")
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
TRAIN = os.path.join(TARGET, "release", "train")

REFERENCE = """
import sys
sys.path.insert(0, "models/baseline")
import sklearn_search as s, sklearn_baseline as base
texts, groups, tasks, labels = s.read_tasks(base.DEFAULT_LABELS)
s.warm_up(2)
ref = s.run_reference(texts, labels, tasks, [0.3, 1, 3, 10, 30], 5, 42, 2)
print(ref["total_wall_s"])
"""


def log(msg):
    print(f"[train_budgets] {msg}", file=sys.stderr, flush=True)


def timed(cmd):
    """Wall seconds and peak RSS (MB) of one child run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{done.stderr}")
    # ru_maxrss of children is the largest of any child so far: run the biggest job last.
    rss = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    return wall, rss


def sklearn_reference():
    done = subprocess.run([SKLEARN_PYTHON, "-c", REFERENCE], cwd=ROOT, capture_output=True,
                          text=True)
    if done.returncode != 0:
        sys.exit(f"scikit-learn reference failed:\n{done.stderr}")
    return float(done.stdout.strip().splitlines()[-1])


def main():
    if "--help" in sys.argv or "-h" in sys.argv:
        print(__doc__)
        return
    log("building the release binaries")
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "train"], cwd=ROOT,
                   check=True)
    work = os.environ.get("BENCH_DIR") or tempfile.mkdtemp(prefix="newsstance-train-")
    rows = []

    have_sklearn = os.path.exists(SKLEARN_PYTHON)
    ours, theirs = [], []
    for r in range(REPEATS):
        log(f"round {r + 1}/{REPEATS}: train on labels/ (no flags)")
        ours.append(timed([TRAIN, "--out", os.path.join(work, "m"), "-q"])[0])
        if have_sklearn:
            log(f"round {r + 1}/{REPEATS}: scikit-learn single 5-C grid")
            theirs.append(sklearn_reference())
    ours_m = statistics.median(ours)
    rows.append(("train, no flags, labels/ (3 tasks x 20 candidates x 5 folds)",
                 f"{ours_m:.1f} s", "", ""))
    if have_sklearn:
        theirs_m = statistics.median(theirs)
        ratio = theirs_m / ours_m
        rows.append(("scikit-learn single 5-C grid, same rows (reference)", f"{theirs_m:.1f} s",
                     "", ""))
        rows.append(("scikit-learn time / train time", f"{ratio:.2f}x", ">= 4x",
                     "met" if ratio >= 4 else "NOT met"))
    else:
        rows.append(("scikit-learn reference", "skipped (no venv at SKLEARN_PYTHON)", "", ""))

    if "--skip-large" not in sys.argv:
        make = [sys.executable, os.path.join(ROOT, "benches", "make_inputs.py"), "train"]
        csv50 = os.path.join(work, "train-50000.csv")
        subprocess.run(make + [csv50, "50000"], check=True, stdout=subprocess.DEVNULL)
        log("train on 50,000 rows x 3 tasks, no flags")
        wall, rss = timed([TRAIN, "--input", csv50, "--out", os.path.join(work, "m50"), "-q"])
        rows.append(("50,000 rows x 3 tasks, no flags: wall", f"{wall:.1f} s", "<= 120 s",
                     "met" if wall <= 120 else "NOT met"))
        rows.append(("50,000 rows x 3 tasks, no flags: peak RSS", f"{rss:.0f} MB", "<= 2048 MB",
                     "met" if rss <= 2048 else "NOT met"))
        csv1m = os.path.join(work, "train-1000000.csv")
        subprocess.run(make + [csv1m, "1000000"], check=True, stdout=subprocess.DEVNULL)
        log("train on 1,000,000 rows x 1 task, --cv 0 --c 3")
        wall, rss = timed([TRAIN, "--input", csv1m, "--task", "sentiment", "--cv", "0", "--c",
                           "3", "--out", os.path.join(work, "m1m"), "-q"])
        rows.append(("1,000,000 rows x 1 task, --cv 0 --c 3: wall", f"{wall:.1f} s", "<= 600 s",
                     "met" if wall <= 600 else "NOT met"))
        rows.append(("1,000,000 rows x 1 task, --cv 0 --c 3: peak RSS", f"{rss:.0f} MB",
                     "<= 8192 MB", "met" if rss <= 8192 else "NOT met"))

    print(f"| measure (medians of {REPEATS} rounds where repeated) | value | budget | |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(f"\n{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the end")
    if not os.environ.get("BENCH_DIR"):
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
