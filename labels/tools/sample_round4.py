#!/usr/bin/env python3
"""Draw the fourth annotation round from the FA-KES corpus (the rare classes: positive
sentiment and Russia's side).

Like the other selection scripts, this one only *selects* sentences; it assigns no label.
Labels are written by annotators reading each sentence (labels/README.md). Seeded,
deterministic. None of the sentences was read in rounds 1 and 2 (by id or by text).

Two strata:
  russia    every remaining sentence of 30 to 600 characters that names Russia's side (rounds
            1 and 2 read those of 40 to 450 characters);
  positive  sentences with words of relief, return, agreement, aid or celebration, at most
            three per article (where positive sentiment is most likely to be found).
The words only decide which sentences are read; the annotator decides every label.

Usage: python3 labels/tools/sample_round4.py ../shared/corpus labels/annotations OUT_DIR
Writes OUT_DIR/pool-4.csv (id, article_id, outlet, text), OUT_DIR/batch-11.tsv (every
sentence) and OUT_DIR/second-reading-4.tsv (a random sample read again blind).
"""
import csv
import random
import re
import sys
from pathlib import Path

from sample_round2 import POSITIVE, RUSSIA, Picker, unread_sentences

MORE_POSITIVE = re.compile(r"\b(aid|humanitarian|evacuat\w*|truce|ceasefire|cease-fire|"
                           r"liberat\w*|reunit\w*|welcome|support\w*|friend\w*|cooperat\w*|"
                           r"donat\w*|volunteer\w*|rescued?|survived?|smil\w*)\b", re.I)


def main():
    corpus, ann, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(20161201)
    done = []
    for name in ("pool.csv", "pool-2.csv"):
        done += list(csv.DictReader(open(ann / name, encoding="utf-8", newline="")))
    cand = unread_sentences(corpus, done, 30, 600)
    rng.shuffle(cand)
    picker = Picker(cand)
    take, picked, per_article = picker.take, picker.picked, picker.per_article

    n_r = take(lambda s: RUSSIA.search(s), len(cand), len(cand))
    n_p = take(lambda s: POSITIVE.search(s) or MORE_POSITIVE.search(s), 200, 3)
    rng.shuffle(picked)
    with open(out / "pool-4.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "article_id", "outlet", "text"])
        w.writerows(picked)
    with open(out / "batch-11.tsv", "w", encoding="utf-8") as fh:
        for p in picked:
            fh.write(f"{p[0]}\t{p[3]}\n")
    second = rng.sample(picked, min(80, len(picked)))
    with open(out / "second-reading-4.tsv", "w", encoding="utf-8") as fh:
        for p in second:
            fh.write(f"{p[0]}\t{p[3]}\n")
    print(f"{len(picked)} sentences ({n_r} russia, {n_p} positive), "
          f"{len(per_article)} articles, {len({p[2] for p in picked})} outlets")


if __name__ == "__main__":
    main()
