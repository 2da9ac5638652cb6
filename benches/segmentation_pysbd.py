#!/usr/bin/env python3
"""Scores pySBD and a one-line regex on the segmentation gold set, with the metric of
tests/segmentation.rs (boundary = end offset of a trimmed segment, in characters; precision,
recall and F1 pooled over all texts, furniture included).

Usage:
    python3 -m venv target/pysbd-venv && target/pysbd-venv/bin/pip install pysbd
    target/pysbd-venv/bin/python benches/segmentation_pysbd.py

Not run in CI. The splitter's own figures come from
`cargo test --test segmentation -- --nocapture`.

Systems scored:
- pysbd (whole text): pysbd.Segmenter(language="en", clean=False, char_span=True) on the text.
- pysbd (per line): the same on each line, since every line break ends a segment in news
  copy (headlines, datelines, bylines); this is the fairer comparison.
- regex: a line break, or `[.!?]+` with closing quotes/brackets followed by whitespace and an
  uppercase letter, digit or opening quote.
"""
import glob
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOLD = os.path.join(ROOT, "tests", "segmentation", "gold")
REGEX = re.compile(r"""[.!?]+["'”’)\]]*(?=\s+["'“‘(\[]?[A-Z0-9])|\n""")


def trimmed(text, start, end):
    """(start, end) of text[start:end] without surrounding whitespace, or None if empty."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def spans_from_cuts(text, cuts):
    out, prev = [], 0
    for cut in sorted(set(cuts)) + [len(text)]:
        span = trimmed(text, prev, cut)
        if span:
            out.append(span)
        prev = cut
    return out


def regex_spans(text):
    return spans_from_cuts(text, [m.end() for m in REGEX.finditer(text)])


def pysbd_spans(segmenter, text, offset=0):
    out = []
    for s in segmenter.segment(text):
        span = trimmed(text, s.start, s.end)
        if span:
            out.append((span[0] + offset, span[1] + offset))
    return out


def pysbd_line_spans(segmenter, text):
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.extend(pysbd_spans(segmenter, line, pos))
        pos += len(line) + 1
    return out


def score(systems):
    files = sorted(glob.glob(os.path.join(GOLD, "*.json")))
    golds = [json.load(open(f, encoding="utf-8")) for f in files]
    rows = []
    for name, fn in systems:
        tp = n_pred = n_gold = 0
        for g in golds:
            gold_ends = {s["end"] for s in g["segments"]}
            pred_ends = {e for _, e in fn(g["text"])}
            tp += len(gold_ends & pred_ends)
            n_pred += len(pred_ends)
            n_gold += len(gold_ends)
        p, r = tp / n_pred, tp / n_gold
        f1 = 2 * p * r / (p + r)
        rows.append((name, n_gold, n_pred, tp, p, r, f1))
    print(f"gold: {len(golds)} texts")
    print("| system | gold | predicted | correct | precision | recall | F1 |")
    print("|---|---|---|---|---|---|---|")
    for name, n_gold, n_pred, tp, p, r, f1 in rows:
        print(f"| {name} | {n_gold} | {n_pred} | {tp} | {100*p:.1f} | {100*r:.1f} | {100*f1:.1f} |")


def main():
    systems = [("regex (one line)", regex_spans)]
    try:
        import pysbd
    except ImportError:
        print("pysbd not installed: scoring the regex only (see the usage above)", file=sys.stderr)
    else:
        seg = pysbd.Segmenter(language="en", clean=False, char_span=True)
        systems.append((f"pySBD {pysbd.__version__} (whole text)", lambda t: pysbd_spans(seg, t)))
        systems.append((f"pySBD {pysbd.__version__} (per line)", lambda t: pysbd_line_spans(seg, t)))
    score(systems)


if __name__ == "__main__":
    main()
