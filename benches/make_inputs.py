#!/usr/bin/env python3
"""Builds large benchmark inputs from the committed corpus (standard library only).

  make_inputs.py sentences OUT.jsonl MB   labeled sentences (labels/sentences.csv), one per record
  make_inputs.py articles  OUT.jsonl MB   articles (data/**/*.txt), one per record
  make_inputs.py huge      OUT.jsonl MB   one single record holding MB of article text
  make_inputs.py train     OUT.csv ROWS   labeled rows for `train`, see perturb()

Records are replicated until the file holds about MB megabytes of text; ids stay unique
(`<id>#<replica>`), so every output line can be traced to its input record.
"""
import csv
import json
import os
import random
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def labeled_rows():
    with open(os.path.join(ROOT, "labels", "sentences.csv"), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def articles():
    out = []
    for dirpath, _, files in os.walk(os.path.join(ROOT, "data")):
        for name in sorted(files):
            if name.endswith(".txt"):
                path = os.path.join(dirpath, name)
                with open(path, encoding="utf-8", errors="replace") as f:
                    out.append((os.path.relpath(path, ROOT), f.read()))
    out.sort()
    return out


def write_jsonl(path, records, megabytes):
    target = int(megabytes * 1e6)
    lines = [(rid, json.dumps({"id": rid, "text": text}, ensure_ascii=False), len(text.encode()))
             for rid, text in records]
    written = count = replica = 0
    with open(path, "w", encoding="utf-8") as f:
        while written < target:
            for rid, line, n in lines:
                # Only the id changes between replicas: `"id": "<id>#<replica>"`.
                f.write(line.replace(json.dumps(rid), json.dumps(f"{rid}#{replica}"), 1))
                f.write("\n")
                written += n
                count += 1
                if written >= target:
                    break
            replica += 1
    print(f"{path}: {count} records, {written} bytes of text")


def perturb(text, rng, pool):
    """A replica of a labeled sentence: one word dropped, one word (drawn from the whole corpus)
    inserted at a random place, and with probability 1/2 two neighbours swapped. Labels stay;
    the vocabulary grows the way a larger corpus's would (new words and bigrams)."""
    words = text.split()
    if len(words) > 3:
        del words[rng.randrange(len(words))]
    words.insert(rng.randrange(len(words) + 1), rng.choice(pool))
    if len(words) > 2 and rng.random() < 0.5:
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words)


def write_train(path, n_rows):
    rows = labeled_rows()
    rng = random.Random(42)
    pool = [w for r in rows for w in r["text"].split()]
    fields = list(rows[0].keys())
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        for i in range(n_rows):
            base = rows[i % len(rows)]
            replica = i // len(rows)
            row = dict(base)
            if replica:
                row["id"] = f"{base['id']}#{replica}"
                row["text"] = perturb(base["text"], rng, pool)
            w.writerow(row)
    print(f"{path}: {n_rows} labeled rows")


def main():
    if len(sys.argv) != 4 or sys.argv[1] in ("-h", "--help"):
        sys.exit(__doc__)
    kind, path = sys.argv[1], sys.argv[2]
    try:
        size = float(sys.argv[3])
    except ValueError:
        sys.exit(f"make_inputs.py: size {sys.argv[3]!r} is not a number\n{__doc__}")
    if kind == "sentences":
        write_jsonl(path, [(r["id"], r["text"]) for r in labeled_rows()], size)
    elif kind == "articles":
        write_jsonl(path, articles(), size)
    elif kind == "huge":
        body = "\n\n".join(text for _, text in articles())
        reps = int(size * 1e6 / len(body.encode())) + 1
        with open(path, "w", encoding="utf-8") as f:
            f.write(json.dumps({"id": "huge", "text": "\n\n".join([body] * reps)}, ensure_ascii=False))
            f.write("\n")
        print(f"{path}: 1 record, {reps * len(body.encode())} bytes of text")
    elif kind == "train":
        write_train(path, int(size))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
