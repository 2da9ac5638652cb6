#!/usr/bin/env python3
"""Draw the sentences to be annotated from the FA-KES corpus and the founding articles.

This script only *selects* sentences; it assigns no label. Labels are written by annotators
reading each sentence (see labels/README.md). Selection is seeded and deterministic.

Usage: python3 labels/tools/sample_sentences.py ../shared/corpus OUT_DIR
Writes OUT_DIR/pool.csv (id, article_id, outlet, text) and OUT_DIR/batch-N.tsv files.
"""
import csv
import random
import re
import sys
from pathlib import Path

# Selection only: sentences that name one of the actors are over-sampled so that at least
# half of the labeled set is about Assad's side or Russia's side.
ACTOR = re.compile(
    r"\b(assad|regime|damascus|syrian (?:arab )?(?:army|government|state|forces|troops|air force)|"
    r"government(?:-held)? forces|pro-government|loyalist|russia|russian|russians|moscow|kremlin|"
    r"putin|lavrov|shoigu|sana)\b",
    re.I,
)
ABBREV = {"u.s", "u.n", "mr", "mrs", "ms", "dr", "gen", "col", "lt", "sgt", "st", "jan", "feb",
          "aug", "sept", "sep", "oct", "nov", "dec", "no", "vs", "a.m", "p.m", "u.k", "e.g", "i.e"}
BOUNDARY = re.compile(r"([.!?][\"”’)]?)\s+(?=[\"“‘(]?[A-Z0-9])")


def split(text):
    parts, start = [], 0
    for m in BOUNDARY.finditer(text):
        before = text[start:m.start() + 1]
        last = before.rstrip(".").split()[-1].lower() if before.split() else ""
        if last in ABBREV or (len(last) == 1 and last.isalpha()):
            continue
        parts.append(text[start:m.end(1)].strip())
        start = m.end()
    parts.append(text[start:].strip())
    return [p for p in parts if p]


def main():
    corpus, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(20151928)
    pool = []
    # Every sentence of the two founding articles, in order (furniture lines excluded).
    furniture = re.compile(r"^(EDITORS:|Comments$|Error$|Sorry, your comment|Al Jazeera and wire|"
                           r"James Rosen contributed|[A-Z][a-z]+ (?:[A-Z]\. )?[A-Z][a-z]+: \d{3}-)")
    for f in sorted((corpus / "seed-articles").glob("*.txt")):
        n = 0
        for line in f.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if not line or furniture.match(line):
                continue
            for s in split(line):
                pool.append((f"seed-{f.stem[:3]}-{n:03d}", f"seed-{f.stem}", "seed", s))
                n += 1
    rows = list(csv.DictReader(open(corpus / "fa-kes-articles.csv", encoding="utf-8")))
    rng.shuffle(rows)
    for row in rows[:560]:
        sents = [s for s in split(row["article_content"]) if 40 <= len(s) <= 450]
        seen, uniq = set(), []
        for i, s in enumerate(sents):
            if s not in seen:
                seen.add(s)
                uniq.append((i, s))
        actor = [x for x in uniq if ACTOR.search(x[1])]
        other = [x for x in uniq if not ACTOR.search(x[1])]
        rng.shuffle(actor)
        rng.shuffle(other)
        pick = actor[:3] + other[:1]
        if len(pick) < 4:
            pick += (actor[3:] + other[1:])[: 4 - len(pick)]
        for i, s in sorted(pick):
            pool.append((f"fk-{row['unit_id']}-{i:03d}", f"fk-{row['unit_id']}", row["source"], s))
    with open(out / "pool.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "article_id", "outlet", "text"])
        w.writerows(pool)
    seeds = [p for p in pool if p[2] == "seed"]
    rest = [p for p in pool if p[2] != "seed"]
    nb = 6
    size = (len(pool) + nb - 1) // nb
    batches = [seeds + rest[: size - len(seeds)]]
    rest = rest[size - len(seeds):]
    for b in range(1, nb):
        batches.append(rest[(b - 1) * size: b * size])
    for b, items in enumerate(batches, 1):
        with open(out / f"batch-{b}.tsv", "w", encoding="utf-8") as fh:
            for p in items:
                fh.write(f"{p[0]}\t{p[3]}\n")
    # Independent second reading: a seeded sample across all batches, in shuffled order.
    second = rng.sample([p for p in pool], 300)
    with open(out / "second-reading.tsv", "w", encoding="utf-8") as fh:
        for p in second:
            fh.write(f"{p[0]}\t{p[3]}\n")
    n_actor = sum(1 for p in pool if ACTOR.search(p[3]))
    print(f"{len(pool)} sentences, {len({p[1] for p in pool})} articles, "
          f"{len({p[2] for p in pool})} outlets, {n_actor} naming an actor; batches "
          + ", ".join(str(len(b)) for b in batches))


if __name__ == "__main__":
    main()
