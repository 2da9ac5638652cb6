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
medians of the rounds: wall time with the input MB per second; "job", the part of a Spark run
after its session started (score.py's own closing line; "wall" includes starting the JVM);
and the CPU time of the whole process tree (JVM, Python workers, predict processes), sampled
from /proc, which measures the cost of a run even on a machine shared with other work, where
wall time measures the contention too. Every run must write the same number of records.
"""

import argparse
import collections
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


TICKS = os.sysconf("SC_CLK_TCK")


def tree_cpu(root, seen):
    """Updates seen[pid] with the CPU seconds used so far by root and by every process below
    it, from /proc (each process's own time; a process's last moments before it exits, and
    processes that live less than a sampling interval, are missed)."""
    stats = {}
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            # after "(comm)": state ppid ... utime stime (fields 14 and 15 of proc(5))
            stats[int(pid)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / TICKS)
    children = collections.defaultdict(list)
    for pid, (ppid, _) in stats.items():
        children[ppid].append(pid)
    todo = [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            seen[pid] = max(seen.get(pid, 0.0), stats[pid][1])
            todo.extend(children[pid])


def timed(command, stdout=None):
    """(wall seconds, CPU seconds, stderr text) of one run that must succeed.

    CPU time is that of the whole process tree (the JVM, Python workers, predict), sampled
    from /proc every 0.2 s: on a machine shared with other work it measures the cost
    of a run where wall time measures the contention too.
    """
    started = time.monotonic()
    with open(os.path.join(WORK, "stderr.txt"), "w+") as err:
        proc = subprocess.Popen(command, cwd=ROOT, stdout=stdout, stderr=err, text=True)
        seen = {}
        while proc.poll() is None:
            tree_cpu(proc.pid, seen)
            time.sleep(0.2)
        wall = time.monotonic() - started
        err.seek(0)
        stderr = err.read()
    if proc.returncode != 0:
        sys.exit(f"spark_bench.py: {' '.join(command)} failed:\n{stderr}")
    return wall, sum(seen.values()), stderr


def warm(path):
    """Reads the input once so that every run finds it in the page cache."""
    with open(path, "rb") as f:
        while f.read(1 << 24):
            pass


def run_predict(path, threads):
    out = os.path.join(WORK, "predict-out.jsonl")
    with open(out, "wb") as f:
        wall, cpu, stderr = timed([PREDICT, "--model", MODEL, "--threads", str(threads), path],
                                  f)
    units = int(re.search(r"(\d+) units written", stderr).group(1))
    return wall, cpu, None, units


def run_spark(path, cores):
    out = os.path.join(WORK, f"spark-out-{cores}")
    wall, cpu, stderr = timed([sys.executable, os.path.join(ROOT, "spark", "score.py"),
                          "--master", f"local[{cores}]", "--model", MODEL, "--overwrite",
                          path, out])
    found = re.search(r"(\d+) rows written from (\d+) partitions in ([\d.]+) s", stderr)
    if not found:
        sys.exit(f"spark_bench.py: no closing line from score.py:\n{stderr}")
    return wall, cpu, float(found.group(3)), int(found.group(1))


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
            wall, cpu, job, n = run()
            units.add(n)
            results[name].append((wall, cpu, job))
            print(f"round {round_no + 1}: {name}: wall {wall:.1f} s, CPU {cpu:.1f} s"
                  + (f", job {job:.1f} s" if job is not None else "") + f", {n} records",
                  file=sys.stderr, flush=True)
    if len(units) != 1:
        sys.exit(f"spark_bench.py: the runs wrote different record counts: {sorted(units)}")
    loads.append(open("/proc/loadavg").read().split()[:3])

    print(f"load average (1, 5, 15 min) before: {' '.join(loads[0])}, "
          f"after: {' '.join(loads[1])}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs; input {path} "
          f"({text_mb:g} MB of article text, {os.path.getsize(path) / 1e6:.0f} MB of JSONL); "
          f"{units.pop()} records written by every run; medians of {args.repeats} round(s)")
    print()
    print("| run | wall (s) | MB/s | Spark job (s) | CPU (s) | MB per CPU-second "
          "| CPU / predict's, same threads |")
    print("|---|---|---|---|---|---|---|")
    median = {name: [statistics.median(r[k] for r in rows) if rows[0][k] is not None else None
                     for k in range(3)]
              for name, rows in results.items()}
    for name, _ in configs:
        wall, cpu, job = median[name]
        base = median["predict, 1 thread" if ("1 thread" in name or "[1]" in name)
                      else "predict, 2 threads"][1]
        print(f"| {name} | {wall:.1f} | {text_mb / wall:.1f} | "
              + (f"{job:.1f}" if job is not None else "-")
              + f" | {cpu:.1f} | {text_mb / cpu:.2f} | {cpu / base:.2f}x |")

if __name__ == "__main__":
    main()
