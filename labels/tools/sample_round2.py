#!/usr/bin/env python3
"""Draw the second annotation round from the FA-KES corpus (issue: stance, not mention).

Like sample_sentences.py, this script only *selects* sentences; it assigns no label. Labels
are written by annotators reading each sentence (see labels/README.md). Seeded, deterministic.

Three strata, none overlapping the first round (by id or by text):
  mention   sentences that name Assad's side or Russia's side, so that the model sees many
            sentences that name an actor, whatever their stance;
  russia    every remaining sentence that names Russia's side (pro-Russia sentences are rare in
            this corpus: all of them are read);
  positive  sentences with words of relief, return, agreement or celebration (where positive
            sentiment is most likely to be found).
The words only decide which sentences are read; the annotator decides every label.

Usage: python3 labels/tools/sample_round2.py ../shared/corpus labels/annotations OUT_DIR
Writes OUT_DIR/pool-2.csv (id, article_id, outlet, text), OUT_DIR/batch-7..10.tsv and
OUT_DIR/second-reading-2.tsv.
"""
import csv
import random
import re
import sys
from pathlib import Path

from sample_sentences import ACTOR, split

RUSSIA = re.compile(r"\b(russia|russian|russians|moscow|kremlin|putin|lavrov|shoigu|"
                    r"peskov|zakharova|nebenzia|churkin)\b", re.I)
POSITIVE = re.compile(r"\b(welcom\w*|celebrat\w*|return(?:ed|ing)? (?:home|to their)|reopen\w*|"
                      r"rebuil\w*|restor\w*|peace\w*|agreement|success\w*|hope\w*|relief|"
                      r"reconcil\w*|freed|released|safe(?:ly|ty)?|improv\w*|recover\w*|"
                      r"festival|wedding|joy\w*|thank\w*|grateful|praised?|achiev\w*|"
                      r"progress|breakthrough|normal life|back to school)\b", re.I)


def unread_sentences(corpus, done, min_len, max_len):
    """The FA-KES sentences of min_len to max_len characters that no row of `done` (rows with
    `id` and `text`) holds, by id or by text, each text once, in corpus order, as
    (id, article_id, outlet, text)."""
    seen_ids = {r["id"] for r in done}
    seen_text = {r["text"] for r in done}
    rows = list(csv.DictReader(open(corpus / "fa-kes-articles.csv", encoding="utf-8")))
    cand = []
    for row in rows:
        for i, s in enumerate(split(row["article_content"])):
            sid = f"fk-{row['unit_id']}-{i:03d}"
            if not min_len <= len(s) <= max_len or sid in seen_ids or s in seen_text:
                continue
            seen_text.add(s)
            cand.append((sid, f"fk-{row['unit_id']}", row["source"], s))
    return cand


class Picker:
    """Takes candidates in their order into `picked`: none twice, at most `cap` per article."""

    def __init__(self, cand):
        self.cand, self.picked, self.picked_set, self.per_article = cand, [], set(), {}

    def take(self, pred, n, cap):
        """Takes up to n more candidates whose text `pred` accepts; returns how many."""
        got = 0
        for c in self.cand:
            if got == n:
                break
            if c in self.picked_set or self.per_article.get(c[1], 0) >= cap or not pred(c[3]):
                continue
            self.picked.append(c)
            self.picked_set.add(c)
            self.per_article[c[1]] = self.per_article.get(c[1], 0) + 1
            got += 1
        return got


def main():
    corpus, ann, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(20161130)
    done = list(csv.DictReader(open(ann / "pool.csv", encoding="utf-8", newline="")))
    cand = unread_sentences(corpus, done, 40, 450)
    rng.shuffle(cand)
    picker = Picker(cand)
    take, picked, per_article = picker.take, picker.picked, picker.per_article
    n_r = take(lambda s: RUSSIA.search(s), len(cand), len(cand))
    n_p = take(lambda s: POSITIVE.search(s), 260, 4)
    n_m = take(lambda s: ACTOR.search(s), 640, 5)
    rng.shuffle(picked)
    with open(out / "pool-2.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "article_id", "outlet", "text"])
        w.writerows(picked)
    nb = 4
    size = (len(picked) + nb - 1) // nb
    for b in range(nb):
        with open(out / f"batch-{7 + b}.tsv", "w", encoding="utf-8") as fh:
            for p in picked[b * size:(b + 1) * size]:
                fh.write(f"{p[0]}\t{p[3]}\n")
    second = rng.sample(picked, 250)
    with open(out / "second-reading-2.tsv", "w", encoding="utf-8") as fh:
        for p in second:
            fh.write(f"{p[0]}\t{p[3]}\n")
    print(f"{len(picked)} sentences ({n_r} russia, {n_p} positive, {n_m} mention), "
          f"{len(per_article)} articles, {len({p[2] for p in picked})} outlets")


if __name__ == "__main__":
    main()
