#!/usr/bin/env python3
"""Measures `predict` and `train` against the performance budgets and prints one table.

Usage: python3 benches/budgets.py [--quick]

Builds the release binaries, builds large inputs from the corpus (benches/make_inputs.py) in a
temporary directory, runs each measurement REPEATS times and reports medians (the predict
runs in rounds, each round running every configuration once, 1 and 2 threads side by side; a
thread ratio is the median of the rounds' ratios; each input is read once before each run,
so that the page cache holds it). Uses
models/default when it exists, else trains a model from labels/sentences.csv (`--cv 0 --c 3`).
Environment: CARGO_TARGET_DIR (where the binaries are), BENCH_DIR (work directory, default a
fresh temp dir), SIZE_MB (throughput inputs, default 256), MEMORY_MB (memory input, default
1024), REPEATS (default 5), TRAIN_ROWS (default 50000), TRAIN_FLAGS (the flags of the
training run, default below), TRAIN_CV (folds of a second, cross-validated training run with
the same flags, reported as context; default 3, 0 skips it). --quick: 64 MB inputs, 256 MB
memory input, 1 repeat, 10,000
training rows (a smoke test, not the budget figures).
Standard library only.
"""
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QUICK = "--quick" in sys.argv
SIZE_MB = float(os.environ.get("SIZE_MB", 64 if QUICK else 256))
MEMORY_MB = float(os.environ.get("MEMORY_MB", 256 if QUICK else 1024))
REPEATS = int(os.environ.get("REPEATS", 1 if QUICK else 5))
TRAIN_ROWS = int(os.environ.get("TRAIN_ROWS", 10000 if QUICK else 50000))
TRAIN_FLAGS = os.environ.get(
    "TRAIN_FLAGS", ""
).split()
# Folds of the cross-validated training run reported as context (0 skips it).
TRAIN_CV = int(os.environ.get("TRAIN_CV", 0))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
BIN = os.path.join(TARGET, "release")


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def timed(cmd, stdout=subprocess.DEVNULL):
    """Runs cmd under /usr/bin/time; returns (stderr text, wall seconds, peak RSS in MB)."""
    full = ["/usr/bin/time", "-f", "TIME %e %M %U %S"] + cmd
    p = subprocess.run(full, stdout=stdout, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr}")
    m = re.search(r"TIME ([\d.]+) (\d+)", p.stderr)
    return p.stderr, float(m.group(1)), int(m.group(2)) / 1024


def cpu_seconds(stderr):
    user, sys_ = map(float, re.search(r"TIME [\d.]+ \d+ ([\d.]+) ([\d.]+)", stderr).groups())
    return user + sys_


def stats_of(stderr):
    m = re.search(
        r"units (\d+)\s+bytes (\d+)\s+seconds ([\d.]+)\s+units/s (\d+)\s+MB/s ([\d.]+)\s+threads (\d+)",
        stderr,
    )
    if not m:
        sys.exit(f"no --stats line in:\n{stderr}")
    return {"units": int(m.group(1)), "bytes": int(m.group(2)), "seconds": float(m.group(3)),
            "units_s": float(m.group(4)), "mb_s": float(m.group(5))}


def warm(path):
    """Reads a file once, so that a run measures predict, not the disk: the machine's memory
    manager may page cold file pages out between runs."""
    with open(path, "rb") as f:
        while f.read(8 << 20):
            pass


def predict_once(model, inp, unit, threads, split_only=False):
    cmd = [os.path.join(BIN, "predict"), "--model", model, "--unit", unit,
           "--threads", str(threads), "--stats", "-q", inp]
    if split_only:
        cmd.append("--split-only")
    warm(inp)
    err = timed(cmd)[0]
    st = stats_of(err)
    cpu = max(cpu_seconds(err), 1e-9)
    # Throughput per CPU-second the process got: what it does with the cores it is given.
    st["units_cpu_s"] = st["units"] / cpu
    st["mb_cpu_s"] = st["bytes"] / 1e6 / cpu
    st["cpu_share"] = cpu / max(st["seconds"], 1e-9)
    return st


def medians(runs):
    keys = ("units_s", "mb_s", "seconds", "units_cpu_s", "mb_cpu_s", "cpu_share")
    return {k: statistics.median(r[k] for r in runs) for k in keys}


def main():
    args = [a for a in sys.argv[1:] if a != "--quick"]
    if args in (["-h"], ["--help"]):
        print(__doc__)
        return
    if args:
        sys.exit(f"budgets.py: unknown argument {args[0]!r}\n\n{__doc__}")
    work = os.environ.get("BENCH_DIR") or tempfile.mkdtemp(prefix="newsstance-bench-")
    os.makedirs(work, exist_ok=True)
    log(f"work directory {work}")
    log("building release binaries")
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bins"], cwd=ROOT, check=True)

    model = os.path.join(ROOT, "models", "default")
    if not os.path.exists(os.path.join(model, "model.nsm")):
        model = os.path.join(work, "model")
        if not os.path.exists(os.path.join(model, "model.nsm")):
            log("no models/default: training one (--cv 0 --c 3)")
            subprocess.run([os.path.join(BIN, "train"), "--input",
                            os.path.join(ROOT, "labels", "sentences.csv"), "--out", model,
                            "--cv", "0", "--c", "3", "-q"], check=True, stdout=subprocess.DEVNULL)

    make = [sys.executable, os.path.join(ROOT, "benches", "make_inputs.py")]
    inputs = {}
    for kind, mb in (("sentences", SIZE_MB), ("articles", SIZE_MB), ("articles", MEMORY_MB)):
        path = os.path.join(work, f"{kind}-{int(mb)}.jsonl")
        if not os.path.exists(path):
            log(f"building {path}")
            subprocess.run(make + [kind, path, str(mb)], check=True, stdout=subprocess.DEVNULL)
        inputs[(kind, mb)] = path
    train_csv = os.path.join(work, f"train-{TRAIN_ROWS}.csv")
    if not os.path.exists(train_csv):
        subprocess.run(make + ["train", train_csv, str(TRAIN_ROWS)], check=True,
                       stdout=subprocess.DEVNULL)

    # Each round runs every configuration once, 1 and 2 threads side by side, so that a slow
    # spell of the machine hits both; the thread ratios are medians of per-round ratios.
    configs = [(kind, threads) for kind in ("sentence", "article", "split") for threads in (1, 2)]
    runs = {c: [] for c in configs}
    for round_ in range(REPEATS):
        for kind, threads in configs:
            log(f"round {round_ + 1}/{REPEATS}: predict "
                f"{'--split-only' if kind == 'split' else '--unit ' + kind}, {threads} thread(s)")
            source = inputs[("sentences" if kind == "sentence" else "articles", SIZE_MB)]
            runs[(kind, threads)].append(predict_once(
                model, source, "sentence" if kind == "sentence" else "article", threads,
                split_only=kind == "split"))
    r = {c: medians(v) for c, v in runs.items()}
    paired = {kind: statistics.median(two["units_s"] / one["units_s"] for one, two in
                                      zip(runs[(kind, 1)], runs[(kind, 2)]))
              for kind in ("sentence", "article")}

    log(f"memory: predict --unit article on {MEMORY_MB:.0f} MB, output counted")
    big = inputs[("articles", MEMORY_MB)]
    with open(big, "rb") as f:
        records = sum(1 for _ in f)
    counter = os.path.join(work, "lines.txt")
    cmd = (f"/usr/bin/time -f 'TIME %e %M' {BIN}/predict --model {model} --unit article "
           f"--threads 2 --stats {big} | wc -l > {counter}")
    p = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit(p.stderr)
    mem_rss = int(re.search(r"TIME [\d.]+ (\d+)", p.stderr).group(1)) / 1024
    counts = re.search(r"records read (\d+), scored (\d+), skipped (\d+); (\d+) units", p.stderr)
    read, scored, skipped, units = map(int, counts.groups())
    with open(counter) as f:
        lines = int(f.read().split()[0])
    accounted = read == records and scored + skipped == read and units == lines

    log(f"train on {TRAIN_ROWS} rows: {' '.join(TRAIN_FLAGS)}")
    train_err, train_s, train_rss = timed(
        [os.path.join(BIN, "train"), "--input", train_csv, "--out", os.path.join(work, "m-train"),
         "-q"] + TRAIN_FLAGS)

    cv_flags = list(TRAIN_FLAGS)
    if "--cv" in cv_flags:
        cv_flags[cv_flags.index("--cv") + 1] = str(TRAIN_CV)
    else:
        cv_flags += ["--cv", str(TRAIN_CV)]
    if TRAIN_CV:
        log(f"train on {TRAIN_ROWS} rows with cross-validation: {' '.join(cv_flags)}")
        cv_err, cv_s, cv_rss = timed(
            [os.path.join(BIN, "train"), "--input", train_csv, "--out",
             os.path.join(work, "m-train-cv"), "-q"] + cv_flags)

    rows = []

    def row(name, value, budget, ok):
        rows.append((name, value, budget, "pass" if ok else "FAIL"))

    s2, s1 = r[("sentence", 2)], r[("sentence", 1)]
    a2, a1 = r[("article", 2)], r[("article", 1)]
    sp2, sp1 = r[("split", 2)], r[("split", 1)]
    row("predict --unit sentence, 2 threads: sentences/s", f"{s2['units_s']:,.0f} ({s2['mb_s']:.1f} MB/s)",
        ">= 300,000", s2["units_s"] >= 300_000)
    row("predict --unit sentence, 1 thread: sentences/s", f"{s1['units_s']:,.0f} ({s1['mb_s']:.1f} MB/s)",
        "(reference)", True)
    row("predict --unit article, 2 threads: MB/s", f"{a2['mb_s']:.1f}", ">= 40", a2["mb_s"] >= 40)
    row("predict --unit article, 1 thread: MB/s", f"{a1['mb_s']:.1f}", "(reference)", True)
    row("sentence splitting (predict --split-only), 2 threads: MB/s", f"{sp2['mb_s']:.1f}",
        ">= 100", sp2["mb_s"] >= 100)
    row("sentence splitting (predict --split-only), 1 thread: MB/s", f"{sp1['mb_s']:.1f}",
        "(reference)", True)
    for name in ("sentence", "article"):
        ratio = paired[name]
        row(f"2 threads / 1 thread, --unit {name}", f"{ratio:.2f}x", ">= 1.8x", ratio >= 1.8)
    for name, two, one in (("sentence", s2, s1), ("article", a2, a1)):
        eff = two["units_cpu_s"] / one["units_cpu_s"]
        row(f"--unit {name}: per CPU-second, 1 / 2 threads",
            f"{one['units_cpu_s']:,.0f} / {two['units_cpu_s']:,.0f} units, "
            f"{one['mb_cpu_s']:.1f} / {two['mb_cpu_s']:.1f} MB (2-thread efficiency {eff:.2f}; "
            f"CPUs obtained {one['cpu_share']:.2f} / {two['cpu_share']:.2f})", "(context)", True)
    row(f"predict peak RSS, {MEMORY_MB:.0f} MB input", f"{mem_rss:.0f} MB", "<= 200 MB",
        mem_rss <= 200)
    row("every input record accounted for", f"{records} records, {read} read, {scored} scored, "
        f"{skipped} skipped; {units} units = {lines} lines", "all", accounted)
    train_cpu = cpu_seconds(train_err)
    row(f"train {TRAIN_ROWS} rows x 3 tasks: wall", f"{train_s:.1f} s (CPU {train_cpu:.1f} s, "
        f"CPUs obtained {train_cpu / max(train_s, 1e-9):.2f})", "<= 120 s", train_s <= 120)
    row(f"train {TRAIN_ROWS} rows x 3 tasks: peak RSS", f"{train_rss:.0f} MB", "<= 2048 MB",
        train_rss <= 2048)
    if TRAIN_CV:
        cv_cpu = cpu_seconds(cv_err)
        row(f"train {TRAIN_ROWS} rows x 3 tasks with --cv {TRAIN_CV} (one run)",
            f"{cv_s:.1f} s (CPU {cv_cpu:.1f} s), {cv_rss:.0f} MB", "(context)", True)

    load = os.getloadavg()
    print(f"date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs ({cpu_model()}), "
          f"load average before the table {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"inputs: {SIZE_MB:.0f} MB of text for throughput, {MEMORY_MB:.0f} MB for memory; "
          f"medians of {REPEATS} runs; model {os.path.relpath(model, ROOT) if model.startswith(ROOT) else 'trained (--cv 0 --c 3)'}")
    print(f"train flags: {' '.join(TRAIN_FLAGS)}")
    print()
    widths = [max(len(x[i]) for x in rows + [("budget", "measured", "target", "ok")])
              for i in range(4)]
    header = ("budget", "measured (median)", "target", "ok")
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for x in rows:
        print("| " + " | ".join(v.ljust(w) for v, w in zip(x, widths)) + " |")
    if not os.environ.get("BENCH_DIR"):
        shutil.rmtree(work, ignore_errors=True)


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


if __name__ == "__main__":
    main()
