#!/usr/bin/env python3
"""Check that the written sentences (labels/annotations/written-neutral.csv) share no run of N
words (default 5) with the probe sets of tests/probes/, and list each written sentence's
closest probe sentence by word overlap, for a reader to confirm that none is a paraphrase.

Words are runs of letters and digits, lowercased, with an apostrophe inside a word dropped
("Russia's" -> "russias"), as newsstance's tokenizer reads them. The alias-swap templates are
read both with "{A}" as a break between words and filled with each name the tests use.

Usage: python3 labels/tools/check_written_overlap.py [N] [--closest K]
Exit status 1 if any run of N words is shared.
"""
import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NAMES = ["Assad", "Bashar al-Assad", "the Syrian government", "President Assad", "Damascus",
         "Russia", "Putin", "the Kremlin", "Vladimir Putin", "Moscow"]


def words(text):
    text = re.sub(r"(?<=\w)['\u2019\u2018`\u02bc](?=\w)", "", text.lower())
    return re.findall(r"[^\W_]+", text)


def grams(ws, n):
    return {tuple(ws[i:i + n]) for i in range(len(ws) - n + 1)}


def main():
    args = [a for a in sys.argv[1:]]
    closest = 0
    if "--closest" in args:
        i = args.index("--closest")
        closest = int(args[i + 1])
        del args[i:i + 2]
    n = int(args[0]) if args else 5
    probes = []
    with open(ROOT / "tests/probes/neutral-mentions.csv", encoding="utf-8") as fh:
        probes += [(r["id"], r["text"]) for r in csv.DictReader(fh)]
    with open(ROOT / "tests/probes/alias-swap.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            probes.append((r["id"], r["template"].replace("{A}", " | ")))
            probes += [(f"{r['id']}:{name}", r["template"].replace("{A}", name)) for name in NAMES]
    index = {}
    for pid, text in probes:
        for g in grams(words(text), n):
            index.setdefault(g, pid)
    with open(ROOT / "labels/annotations/written-neutral.csv", encoding="utf-8") as fh:
        written = list(csv.DictReader(fh))
    shared = 0
    for row in written:
        for g in sorted(grams(words(row["text"]), n)):
            if g in index:
                shared += 1
                print(f"{row['id']} shares '{' '.join(g)}' with {index[g]}")
    print(f"{len(written)} written sentences, {len(probes)} probe texts: "
          f"{shared} shared runs of {n} words")
    if closest:
        pw = [(pid, text, set(words(text))) for pid, text in probes]
        scored = []
        for row in written:
            ws = set(words(row["text"]))
            best = max(pw, key=lambda p: len(ws & p[2]) / len(ws | p[2]))
            scored.append((len(ws & best[2]) / len(ws | best[2]), row["id"], row["text"], best[0], best[1]))
        for j, wid, wt, pid, pt in sorted(scored, reverse=True)[:closest]:
            print(f"{j:.2f} {wid}: {wt}\n     {pid}: {pt}")
    return 1 if shared else 0


if __name__ == "__main__":
    sys.exit(main())
