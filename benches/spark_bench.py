#!/usr/bin/env python3
"""Times spark/score.py in local mode against `predict` alone, on the same articles.

    target/spark-venv/bin/python benches/spark_bench.py [--mb 256] [--repeats 3]

Run it with a Python that has pyspark (the venv that .ci/run's Spark step makes). The input is
the articles of data/ repeated to MB megabytes of text (benches/make_inputs.py articles), one
JSONL file under target/spark-bench/ (made once, not committed). Configurations, all writing
JSONL to files under target/spark-bench/:

  predict, 1 thread       target/release/predict --threads 1 IN > out.jsonl
  predict, 2 threads      the same with --threads 2
  spark local[1]          spark/score.py --master local[1] IN OUT (one task, predict --threads 1)
  spark local[2]          spark/score.py --master local[2] IN OUT (two tasks at a time)

The runs go in rounds (each round runs every configuration once) and the table gives the
median wall time of the rounds, with the input MB per second; "job" is the part of a Spark run
after its session started (score.py's own closing line), "wall" includes starting the JVM.
Every run must write the same number of records as predict.
"""

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, "target", "spark-bench")
PREDICT = os.path.join(ROOT, "target", "release", "predict")
MODEL = os.path.join(ROOT, "models", "default")


def timed(command, stdout=None):
    """(wall seconds, stderr text) of one run that must succeed."""
    started = time.monotonic()
    run = subprocess.run(command, cwd=ROOT, stdout=stdout, stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - started
    if run.returncode != 0:
        sys.exit(f"spark_bench.py: {' '.join(command)} failed:\n{run.stderr}")
    return wall, run.stderr


def warm(path):
    """Reads the input once so that every run finds it in the page cache."""
    with open(path, "rb") as f:
        while f.read(1 << 24):
            pass


def run_predict(path, threads):
    out = os.path.join(WORK, "predict-out.jsonl")
    with open(out, "wb") as f:
        wall, stderr = timed([PREDICT, "--model", MODEL, "--threads", str(threads), path], f)
    units = int(re.search(r"(\d+) units written", stderr).group(1))
    return wall, None, units


def run_spark(path, cores):
    out = os.path.join(WORK, f"spark-out-{cores}")
    wall, stderr = timed([sys.executable, os.path.join(ROOT, "spark", "score.py"),
                          "--master", f"local[{cores}]", "--model", MODEL, "--overwrite",
                          path, out])
    found = re.search(r"(\d+) rows written from (\d+) partitions in ([\d.]+) s", stderr)
    if not found:
        sys.exit(f"spark_bench.py: no closing line from score.py:\n{stderr}")
    return wall, float(found.group(3)), int(found.group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=256, help="MB of article text (256)")
    parser.add_argument("--repeats", type=int, default=3, help="rounds (3)")
    args = parser.parse_args()

    subprocess.run(["cargo", "build", "--release", "--locked", "--bin", "predict"], cwd=ROOT,
                   check=True)
    os.makedirs(WORK, exist_ok=True)
    path = os.path.join(WORK, f"articles-{args.mb:g}mb.jsonl")
    if not os.path.exists(path):
        subprocess.run([sys.executable, os.path.join(ROOT, "benches", "make_inputs.py"),
                        "articles", path, str(args.mb)], check=True)
    text_mb = args.mb  # make_inputs.py counts MB of article text (1 MB = 1e6 bytes)

    configs = [
        ("predict, 1 thread", lambda: run_predict(path, 1)),
        ("predict, 2 threads", lambda: run_predict(path, 2)),
        ("spark/score.py local[1]", lambda: run_spark(path, 1)),
        ("spark/score.py local[2]", lambda: run_spark(path, 2)),
    ]
    loads = [open("/proc/loadavg").read().split()[:3]]
    results = {name: [] for name, _ in configs}
    units = set()
    for round_no in range(args.repeats):
        for name, run in configs:
            warm(path)
            wall, job, n = run()
            units.add(n)
            results[name].append((wall, job))
            print(f"round {round_no + 1}: {name}: wall {wall:.1f} s"
                  + (f", job {job:.1f} s" if job is not None else "") + f", {n} records",
                  file=sys.stderr, flush=True)
    if len(units) != 1:
        sys.exit(f"spark_bench.py: the runs wrote different record counts: {sorted(units)}")

    loads.append(open("/proc/loadavg").read().split()[:3])
    print(f"load average (1, 5, 15 min) before: {' '.join(loads[0])}, after: {' '.join(loads[1])}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs; input {path} "
          f"({text_mb:g} MB of article text, {os.path.getsize(path) / 1e6:.0f} MB of JSONL); "
          f"{units.pop()} records written by every run; medians of {args.repeats} rounds")
    print()
    print("| run | wall (s) | MB/s (wall) | Spark job (s) | MB/s (job) "
          "| wall / predict, same cores |")
    print("|---|---|---|---|---|---|")
    base = {1: statistics.median(w for w, _ in results["predict, 1 thread"]),
            2: statistics.median(w for w, _ in results["predict, 2 threads"])}
    for name, _ in configs:
        wall = statistics.median(w for w, _ in results[name])
        jobs = [j for _, j in results[name] if j is not None]
        job = statistics.median(jobs) if jobs else None
        cores = 1 if ("1 thread" in name or "[1]" in name) else 2
        print(f"| {name} | {wall:.1f} | {text_mb / wall:.1f} | "
              + (f"{job:.1f} | {text_mb / job:.1f}" if job else "- | -")
              + f" | {wall / base[cores]:.2f}x |")


if __name__ == "__main__":
    main()
