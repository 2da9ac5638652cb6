#!/usr/bin/env python3
"""Assemble labels/sentences.csv from the annotators' files and measure agreement.

No label is computed here: every label is copied from an annotator's file. For sentences read
twice, the final label is the one both readings agree on, or else the third reading's
(labels/annotations/adjudicated.csv). Last, the consistency review's re-readings
(labels/annotations/consistency-review.csv), made after the third reading settled new rules,
replace the labels of the sentences it lists.

The second round (pool-2.csv: sentences drawn by sample_round2.py; first-reading-7..10.csv;
second-reading-2.csv; adjudicated-2.csv) is assembled the same way and appended, and so is the
fourth (pool-4.csv from sample_round4.py; first-reading-11.csv, whose `decision` column drops
the lines that are not sentences of an article; second-reading-4.csv; adjudicated-4.csv).

Last come the written sentences (written-neutral.csv: sentences written to name Assad's side or
Russia's side without a stance, outlet `written`), with the labels of their reading
(written-reading.csv); those whose decision is `drop` are left out. They carry their stance
labels only (WRITTEN_TASKS): their sentiment cell is left blank, "not labeled for this task"
(labels/README.md, round 3).

Usage: python3 labels/tools/merge_annotations.py POOL.csv labels/annotations labels
(every labels/annotations/pool-*.csv next to POOL.csv is read as well)
"""
import collections
import csv
import sys
from pathlib import Path

TASKS = ["assad", "russia", "sentiment"]
# The tasks the written sentences are training data for; their other cells stay blank.
WRITTEN_TASKS = ["assad", "russia"]


def read(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def kappa(a, b):
    n = len(a)
    po = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = collections.Counter(a), collections.Counter(b)
    pe = sum(ca[k] * cb[k] for k in set(a) | set(b)) / (n * n)
    return po, (po - pe) / (1 - pe)


def append_written(ann, final, seen_text):
    """Appends the written sentences kept by their reading to `final`; returns a summary: how
    many were kept, and how often the reading agreed with what they were written to be
    (neutral / neutral / neutral: no stance, no tone)."""
    pool_path, reading_path = ann / "written-neutral.csv", ann / "written-reading.csv"
    if not pool_path.exists():
        return "written sentences: none"
    reading = {row["id"]: row for row in read(reading_path)}
    kept = polar = 0
    agree = {t: sum(row[t] == "neutral" for row in reading.values()) / len(reading) for t in TASKS}
    for p in read(pool_path):
        labels = reading[p["id"]]
        if labels["decision"] == "drop" or p["text"] in seen_text:
            continue
        seen_text.add(p["text"])
        kept += 1
        polar += any(labels[t] != "neutral" for t in TASKS)
        cells = [labels[t] if t in WRITTEN_TASKS else "" for t in TASKS]
        final.append([p["id"], p["article_id"], p["outlet"], p["text"]] + cells)
    return (f"written sentences kept: {kept} of {len(reading)}; labeled other than neutral on "
            f"any task by their reading: {polar}; the reading found neutral (as written): "
            + ", ".join(f"{t} {a:.3f}" for t, a in agree.items()))


def main():
    pool_path, ann, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    pool = {}
    for path in [pool_path] + sorted(pool_path.parent.glob("pool-*.csv")):
        for row in read(path):
            pool.setdefault(row["id"], row)
    first = {}
    for f in sorted(ann.glob("first-reading-*.csv")):
        for row in read(f):
            first.setdefault(row["id"], row)
    second, rounds = {}, []
    for path in sorted(ann.glob("second-reading*.csv")):
        rounds.append((path.name, [row["id"] for row in read(path)]))
        for row in read(path):
            second.setdefault(row["id"], row)
    adjudicated = {}
    for path in sorted(ann.glob("adjudicated*.csv")):
        for row in read(path):
            adjudicated[row["id"]] = row
    reviewed = {row["id"]: row for row in read(ann / "consistency-review.csv")}

    final, seen_text = [], set()
    for sid, p in pool.items():
        if p["text"] in seen_text:  # the same sentence published twice: keep one copy
            continue
        seen_text.add(p["text"])
        labels = first[sid]
        if labels.get("decision") == "drop":  # not a sentence of the article (round 4)
            continue
        if sid in second and any(second[sid][t] != first[sid][t] for t in TASKS):
            labels = adjudicated[sid]
        labels = reviewed.get(sid, labels)
        final.append([sid, p["article_id"], p["outlet"], p["text"]] + [labels[t] for t in TASKS])
    written = append_written(ann, final, seen_text)
    with open(out / "sentences.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "article_id", "outlet", "text"] + TASKS)
        w.writerows(final)

    lines = []
    for name, ids in rounds:
        both = list(dict.fromkeys(s for s in ids if s in first))
        lines.append(f"{name}: double-read sentences: {len(both)}")
        for t in TASKS:
            po, k = kappa([first[s][t] for s in both], [second[s][t] for s in both])
            lines.append(f"  {t}: observed agreement {po:.3f}, Cohen's kappa {k:.3f}")
        dis = sum(any(first[s][t] != second[s][t] for t in TASKS) for s in both)
        lines.append(f"  sentences with any disagreement: {dis} (settled by a third reading)")
    lines.append(f"sentences re-read in the consistency review and changed: {len(reviewed)}")
    lines.append(written)
    counts = {t: collections.Counter(r[4 + i] for r in final if r[4 + i])
              for i, t in enumerate(TASKS)}
    lines.append(f"sentences: {len(final)}, articles: {len({r[1] for r in final})}, "
                 f"outlets: {len({r[2] for r in final})}")
    for t in TASKS:
        lines.append(f"{t}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts[t].items())))
    about = sum(1 for r in final if r[4] != "neutral" or r[5] != "neutral")
    lines.append(f"sentences with a non-neutral stance toward Assad's side or Russia's side: {about}")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
