#!/usr/bin/env python3
"""Writes a large labeled CSV for timing `train` (standard library only).

SYNTHETIC TIMING INPUT.  The labels of this file are drawn at random: they say
nothing about the sentences they sit next to.  Use it to time training (and
cross-validated search) at scale; never use it to train a model meant for use,
nor to measure accuracy (any score on it is chance level by construction).

  make_train_input.py OUT.csv [--rows 50000] [--tasks assad,russia,sentiment]
                              [--corpus ../shared/corpus/fa-kes-articles.csv]
                              [--labels labels/sentences.csv] [--seed 42]

OUT.csv may be "-" for standard output (the summary always goes to standard
error).  Example, one task and a million rows:

  python3 benches/make_train_input.py /tmp/train-1m.csv --rows 1000000 --tasks sentiment

Columns: id, article_id, outlet, text, then one column per task, in the order
of labels/sentences.csv (id,article_id,outlet,text,assad,russia,sentiment by
default; --tasks keeps only the named task columns, in the order given).

Text.  The sentences come from the FA-KES articles (read here, at benchmark
time, from --corpus; default ../shared/corpus/fa-kes-articles.csv next to the
repository, columns unit_id, article_content, source; the file is not in the
repository and nothing here is committed from it).  Each article_content is
split into sentences with a simple regex (a split after '.', '!' or '?'
followed by white space and a character that is not a lowercase letter: crude,
but enough for a timing input), whitespace is collapsed, sentences of fewer
than --min-words (3) words are dropped, and duplicates are removed (first
occurrence kept, articles in file order).  If that gives fewer than --rows
sentences, variants are added, round after round over the unique sentences
(round r = 1, 2, ...): each variant is the sentence with one word dropped, one
word drawn from the whole corpus inserted at a random place and, with
probability 1/2, two neighbouring words swapped (``perturb`` of
benches/make_inputs.py); a variant equal to any sentence already written is
drawn again (up to 20 times, then that sentence is skipped for that round), so
every text in the file is distinct.  Rows are written in that order, and the
file stops at exactly --rows rows.

Ids.  article_id is "fakes-<unit_id>" for the corpus sentences and
"fakes-<unit_id>-v<r>" for the variants of round r (so a round's variants of
an article form a group of article size, as for a grouped cross-validation);
id is "<article_id>-<sentence number>"; outlet is the article's source.

Labels.  For every row and task, a label drawn at random with the class
frequencies of that task's labeled rows in --labels (labels/sentences.csv),
from a random.Random seeded with --seed (the variants use another generator
seeded from --seed too).  The same arguments always give the same file.
"""
import argparse
import csv
import hashlib
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from make_inputs import perturb  # noqa: E402

DEFAULT_CORPUS = os.path.join(os.path.dirname(ROOT), "shared", "corpus", "fa-kes-articles.csv")
DEFAULT_LABELS = os.path.join(ROOT, "labels", "sentences.csv")
NON_TASK_COLUMNS = ("id", "article_id", "outlet", "text")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[^\sa-z])")
SPACES = re.compile(r"\s+")
RETRIES = 20


def read_label_frequencies(path):
    """Task columns of the labeled CSV and, per task, the classes and their counts."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
        columns = reader.fieldnames or []
    tasks = [c for c in columns if c not in NON_TASK_COLUMNS]
    freq = {}
    for t in tasks:
        counts = {}
        for r in rows:
            label = (r[t] or "").strip()
            if label:
                counts[label] = counts.get(label, 0) + 1
        freq[t] = sorted(counts.items())
    return tasks, freq


def corpus_sentences(path, min_words):
    """(unit_id, source, sentence) of the unique sentences of the corpus, in file order."""
    csv.field_size_limit(1 << 30)
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        need = [c for c in ("unit_id", "article_content", "source") if c not in (reader.fieldnames or [])]
        if need:
            sys.exit(f"make_train_input.py: {path}: missing column(s) {', '.join(need)} "
                     f"(expected the FA-KES articles CSV)")
        seen = set()
        out = []
        for row in reader:
            for piece in SENTENCE_END.split(row["article_content"] or ""):
                sentence = SPACES.sub(" ", piece).strip()
                if len(sentence.split(" ")) < min_words or sentence in seen:
                    continue
                seen.add(sentence)
                out.append((row["unit_id"].strip(), row["source"].strip(), sentence))
    return out


def key(text):
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()


def generate(sentences, n_rows, seed):
    """Yields (article_id, sentence number, outlet, text): the sentences, then variants."""
    seen = {key(s) for _, _, s in sentences}
    per_article = {}
    numbered = []
    for unit, source, text in sentences:
        k = per_article[unit] = per_article.get(unit, 0) + 1
        numbered.append((unit, k, source, text))
    written = 0
    for unit, k, source, text in numbered:
        if written == n_rows:
            return
        yield f"fakes-{unit}", k, source, text
        written += 1
    rng = random.Random(f"{seed}-variants")
    pool = [w for _, _, s in sentences for w in s.split(" ")]
    r = 0
    while written < n_rows:
        r += 1
        added = 0
        for unit, k, source, text in numbered:
            for _ in range(RETRIES):
                variant = perturb(text, rng, pool)
                h = key(variant)
                if h not in seen:
                    break
            else:
                continue
            seen.add(h)
            yield f"fakes-{unit}-v{r}", k, source, variant
            written += 1
            added += 1
            if written == n_rows:
                return
        if not added:
            sys.exit(f"make_train_input.py: round {r} added no new variant; stopping at {written} rows")


def main(argv=None):
    ap = argparse.ArgumentParser(
        prog="make_train_input.py",
        description="Writes a SYNTHETIC labeled CSV for timing `train` (random labels; never use "
                    "it to train or to measure accuracy). Details: the docstring at the top.")
    ap.add_argument("out", help='output CSV path, or "-" for standard output')
    ap.add_argument("--rows", type=int, default=50_000, help="number of data rows (default 50000)")
    ap.add_argument("--tasks", default=None,
                    help="comma-separated task columns to write (default: every task column of "
                         "--labels, i.e. assad,russia,sentiment)")
    ap.add_argument("--corpus", default=DEFAULT_CORPUS,
                    help="FA-KES articles CSV (default: %(default)s)")
    ap.add_argument("--labels", default=DEFAULT_LABELS,
                    help="labeled CSV giving the task columns and class frequencies "
                         "(default: labels/sentences.csv)")
    ap.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    ap.add_argument("--min-words", type=int, default=3,
                    help="drop corpus sentences with fewer words (default 3)")
    args = ap.parse_args(argv)
    if args.rows < 1:
        ap.error(f"--rows must be at least 1, not {args.rows}")
    if args.min_words < 1:
        ap.error(f"--min-words must be at least 1, not {args.min_words}")
    if not os.path.isfile(args.labels):
        ap.error(f"labels file not found: {args.labels}")
    all_tasks, freq = read_label_frequencies(args.labels)
    if args.tasks is None:
        tasks = all_tasks
    else:
        tasks = [t.strip() for t in args.tasks.split(",") if t.strip()]
        unknown = [t for t in tasks if t not in all_tasks]
        if not tasks or unknown or len(set(tasks)) != len(tasks):
            ap.error(f"--tasks {args.tasks!r}: give distinct names among {', '.join(all_tasks)}")
    empty = [t for t in tasks if not freq[t]]
    if empty:
        ap.error(f"task(s) without any label in {args.labels}: {', '.join(empty)}")
    if not os.path.isfile(args.corpus):
        sys.exit(f"make_train_input.py: corpus not found: {args.corpus}\n"
                 "This needs the FA-KES articles CSV (columns unit_id, article_title, "
                 "article_content, source, ...), read at benchmark time only; pass its path "
                 "with --corpus PATH.")

    sentences = corpus_sentences(args.corpus, args.min_words)
    if not sentences:
        sys.exit(f"make_train_input.py: no sentence of {args.min_words}+ words in {args.corpus}")
    label_rng = random.Random(args.seed)
    draws = {}
    for t in tasks:
        classes = [c for c, _ in freq[t]]
        cum, total = [], 0
        for _, n in freq[t]:
            total += n
            cum.append(total)
        draws[t] = (classes, cum)

    out = sys.stdout if args.out == "-" else open(args.out, "w", newline="", encoding="utf-8")
    n = 0
    try:
        w = csv.writer(out, lineterminator="\r\n")  # as labels/sentences.csv
        w.writerow(list(NON_TASK_COLUMNS) + tasks)
        for article_id, k, outlet, text in generate(sentences, args.rows, args.seed):
            labels = [label_rng.choices(draws[t][0], cum_weights=draws[t][1])[0] for t in tasks]
            w.writerow([f"{article_id}-{k:03d}", article_id, outlet, text] + labels)
            n += 1
    finally:
        if out is not sys.stdout:
            out.close()
    variants = max(0, n - len(sentences))
    freqs = "; ".join(f"{t}: " + ", ".join(f"{c} {m}" for c, m in freq[t]) for t in tasks)
    print(f"{args.out}: {n} rows ({min(n, len(sentences))} corpus sentences of "
          f"{len(sentences)} unique, {variants} variants), tasks {','.join(tasks)}; "
          f"labels drawn at random with the frequencies of {os.path.basename(args.labels)} "
          f"({freqs}); SYNTHETIC, for timing only", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
