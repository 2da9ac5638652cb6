"""spark/score.py in local mode gives the records that `predict` gives on one machine.

Run by .ci/run's Spark step (`python -m pytest tests/spark` in a venv with pyspark and pytest).
Every test runs spark/score.py as a user would (a subprocess with `--master local[2]`) and the
release `predict` binary on the same input, and compares the records: the same ids, sentence
indices, offsets, texts, mentions, labels and probabilities, each record once. Inputs are
written under target/spark-test/ (ignored by git).
"""

import collections
import glob
import json
import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORK = os.path.join(ROOT, "target", "spark-test")
# The predict binary under test (.ci/run builds one for this step; default: the release build).
PREDICT = os.path.abspath(os.environ.get("NEWSSTANCE_PREDICT",
                                         os.path.join(ROOT, "target", "release", "predict")))
SCORE = os.path.join(ROOT, "spark", "score.py")
MODEL = os.path.join(ROOT, "models", "default")

# predict's record fields; everything else in a Spark output row is an input column.
PREDICT_FIELDS = {"id", "sentence", "start", "end", "start_char", "end_char", "text",
                  "furniture", "mentions", "mention_chars", "predictions"}


@pytest.fixture(scope="session", autouse=True)
def built():
    """The predict binary (the CI step builds it; the release build is made here if missing)."""
    if not os.access(PREDICT, os.X_OK) and "NEWSSTANCE_PREDICT" not in os.environ:
        subprocess.run(["cargo", "build", "--release", "--locked", "--bin", "predict"],
                       cwd=ROOT, check=True)
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)


def predict(*args, model=MODEL):
    """predict's records (canonical JSON strings, counted) and its closing counts line."""
    run = subprocess.run([PREDICT, "--model", model, *args], cwd=ROOT, capture_output=True,
                         check=True)
    records = collections.Counter(canonical(json.loads(line)) for line in run.stdout.splitlines())
    return records, counts_of(run.stderr.decode(), "predict: ")


def score(*args):
    """Runs spark/score.py in local mode; returns the completed process (text stderr)."""
    return subprocess.run([sys.executable, SCORE, "--master", "local[2]", "--predict", PREDICT,
                           *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


def counts_of(stderr, prefix):
    """The "records read N, scored N, skipped N" figures of a closing line, as a tuple."""
    for line in stderr.splitlines():
        if line.startswith(prefix + "records read "):
            words = line.removeprefix(prefix + "records read ").replace(",", "").split()
            return int(words[0]), int(words[2]), int(words[4].rstrip(";"))
    raise AssertionError(f"no counts line with prefix {prefix!r} in:\n{stderr}")


def canonical(record):
    """A record as a comparable string (key order does not matter, values must be equal)."""
    return json.dumps(record, sort_keys=True, ensure_ascii=False)


def split_row(row):
    """(predict's part, the input columns) of one Spark output row."""
    return ({k: v for k, v in row.items() if k in PREDICT_FIELDS},
            {k: v for k, v in row.items() if k not in PREDICT_FIELDS})


def read_jsonl_dir(path):
    rows = []
    for part in sorted(glob.glob(os.path.join(path, "part-*"))):
        with open(part, encoding="utf-8") as f:
            rows.extend(json.loads(line) for line in f)
    return rows


def write_articles(path, copies, bad=False):
    """data/'s .txt articles repeated `copies` times with distinct ids and two extra columns
    (outlet: string, copy: number); with bad=True, bad lines among them, as a user's file
    might have. Returns {id: extra columns}."""
    sources = sorted(glob.glob(os.path.join(ROOT, "data", "**", "*.txt"), recursive=True))
    extras = {}
    with open(path, "w", encoding="utf-8") as f:
        for copy in range(copies):
            for source in sources:
                rel = os.path.relpath(source, ROOT)
                rid = f"{rel}#{copy}"
                extras[rid] = {"outlet": os.path.basename(source).split("-")[0], "copy": copy}
                with open(source, encoding="utf-8") as article:
                    text = article.read()
                f.write(json.dumps({"id": rid, "text": text, **extras[rid]}) + "\n")
            if bad and copy % 20 == 0:
                f.write("this line is not JSON\n")
                f.write(json.dumps({"id": f"empty#{copy}", "text": "  ", "outlet": "x",
                                    "copy": copy}) + "\n")
                f.write(json.dumps({"id": f"no-text#{copy}", "outlet": "x", "copy": copy}) + "\n")
                f.write("\n")
    return extras


def test_txt_directory_gives_predicts_records():
    """`score.py data OUT` against `predict data`: ids are the paths, as predict names them."""
    expected, expected_counts = predict("data")
    out = os.path.join(WORK, "data-out")
    run = score("--model", MODEL, "data", out)
    assert run.returncode == 0, run.stderr
    rows = read_jsonl_dir(out)
    assert all(set(row) <= PREDICT_FIELDS for row in rows), rows[0].keys()
    got = collections.Counter(canonical(row) for row in rows)
    assert len(got) == len(expected) > 700
    assert got == expected
    assert counts_of(run.stderr, "score.py: ") == expected_counts
    assert {json.loads(r)["id"] for r in got} == {json.loads(r)["id"] for r in expected}


def test_thousands_of_articles_with_columns_and_bad_records():
    """A few thousand articles in JSONL, with extra columns and bad lines: the same records
    and the same skip counts as predict, every row carries its article's columns, and the
    bad records are in the dead-letter directory."""
    articles = os.path.join(WORK, "articles.jsonl")
    extras = write_articles(articles, copies=60, bad=True)
    assert len(extras) >= 2500
    expected, expected_counts = predict(articles)
    # predict skips 3 records per bad block (not JSON, empty text, no text) and reads the rest.
    assert expected_counts == (len(extras) + 9, len(extras), 9)
    out = os.path.join(WORK, "articles-out")
    run = score("--model", MODEL, "--threads", "1", articles, out)
    assert run.returncode == 0, run.stderr
    rows = read_jsonl_dir(out)
    assert len(glob.glob(os.path.join(out, "part-*"))) >= 2, "want several partitions"
    got = collections.Counter()
    for row in rows:
        record, columns = split_row(row)
        assert columns == extras[record["id"]], record["id"]
        got[canonical(record)] += 1
    assert got == expected
    assert counts_of(run.stderr, "score.py: ") == expected_counts
    letters = read_jsonl_dir(os.path.join(out, "_skipped"))
    reasons = collections.Counter(letter["reason"].split(":")[0] for letter in letters)
    assert reasons == {'not a JSON object with a "text" field': 3, 'empty "text"': 3,
                       'no "text" field': 3}
    assert {letter["id"] for letter in letters if letter["id"]} == {
        f"{kind}#{copy}" for kind in ("empty", "no-text") for copy in (0, 20, 40)}


def test_parquet_in_and_out():
    """Parquet input and output: predict's fields become columns (probabilities a map) with
    the same values as predict's JSONL, and the input columns keep their types."""
    from pyspark.sql import SparkSession

    articles = os.path.join(WORK, "small.jsonl")
    extras = write_articles(articles, copies=2)
    expected, _ = predict(articles)
    parquet_in = os.path.join(WORK, "small.parquet")
    out = os.path.join(WORK, "small-out.parquet")
    spark = SparkSession.builder.master("local[1]").appName("test_score").getOrCreate()
    try:
        spark.read.json(articles).repartition(3).write.mode("overwrite").parquet(parquet_in)
        run = score("--model", MODEL, "--format", "parquet", parquet_in, out)
        assert run.returncode == 0, run.stderr
        df = spark.read.parquet(out)
        types = dict(df.dtypes)
        assert types["copy"] == "bigint" and types["outlet"] == "string"
        assert types["predictions"] == (
            "map<string,struct<label:string,probabilities:map<string,double>>>")
        assert types["mentions"] == "map<string,array<array<bigint>>>"
        got = collections.Counter()
        for row in df.collect():
            record, columns = split_row(row.asDict(recursive=True))
            assert columns == extras[record["id"]]
            if record["furniture"] is None:
                del record["furniture"]  # absent from predict's line, null in the column
            got[canonical(record)] += 1
    finally:
        spark.stop()
    assert got == expected


def test_failed_partition_fails_the_job_with_predicts_error():
    """A damaged model bundle: predict exits 3 on every partition, and score.py exits 1 with
    predict's error message in its log."""
    broken = os.path.join(WORK, "broken-model")
    os.makedirs(broken, exist_ok=True)
    with open(os.path.join(MODEL, "model.nsm"), "rb") as f:
        head = f.read(4096)
    with open(os.path.join(broken, "model.nsm"), "wb") as f:
        f.write(head)  # truncated: the checksum header no longer matches
    failed = subprocess.run([PREDICT, "--model", broken, "data"], capture_output=True, text=True)
    assert failed.returncode == 3
    # "predict: error: model PATH/model.nsm: truncated ...": the path is the shipped copy's.
    message = failed.stderr.strip().splitlines()[0].split("model.nsm: ", 1)[1]
    run = score("--model", broken, "data", os.path.join(WORK, "broken-out"))
    assert run.returncode == 1
    log = run.stderr[run.stderr.index("score.py: a partition failed"):]
    assert "predict exited with status 3" in log
    assert message in log, (message, log)
