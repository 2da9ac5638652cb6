#!/usr/bin/env python3
"""Score news articles with newsstance's `predict` binary as a stage of an Apache Spark job.

    python3 spark/score.py --master 'local[2]' --model models/default INPUT OUTPUT_DIR
    spark-submit spark/score.py --predict target/release/predict --model models/default \\
        hdfs:///news/articles.parquet hdfs:///news/scored

INPUT holds articles: JSONL (one {"id": ..., "text": ...} object per line), Parquet, or a
directory of .txt files (one article each, as `predict DIR` reads them). JSONL and Parquet
need a `text` column and an `id` column; every other column is kept and copied to each
output row. OUTPUT_DIR gets one row per sentence: the input's `id` and other columns, then
the fields of predict's JSONL record (`sentence`, `start`, `end`, `text`, `mentions`,
`mention_chars`, `predictions`: per task a `label` and the `probabilities` of every class,
as a map). See README.md, "More than one machine".

How it works. Each partition of the input is one run of `predict --model DIR -`: a thread
writes the partition's records to predict's stdin as JSONL (each with its line number as a
temporary id), and the rows are made from predict's stdout, which comes in input order, so
the input columns are put back onto each output line by string splicing (no JSON is parsed
in Python). The binary and the model bundle reach the executors through SparkContext.addFile
(the Python form of spark-submit's --files), or, with --shared, are found at the same paths
on every executor. The records come out exactly as `predict` writes them on one machine.

Bad records are skipped as on one machine: predict's `--skipped FILE` dead-letter of every
partition is read back, the counts (read, scored, skipped, by reason) are summed in an
accumulator and reported on the driver's stderr, and the dead-letter records (id, the other
input columns, reason) are written to OUTPUT_DIR/_skipped/ (a directory that Spark readers
ignore). A partition whose predict exits non-zero fails the job; its stderr is printed in
the driver log.

Counts come from accumulators updated inside a transformation: if Spark re-runs a task
(a lost executor, speculation), its records are counted again. The output rows are not
duplicated by re-runs.
"""

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

from pyspark import AccumulatorParam, SparkFiles
from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

# Columns of predict's JSONL output, after `id`, as Spark types.
PREDICT_FIELDS = [
    T.StructField("sentence", T.IntegerType()),
    T.StructField("start", T.LongType()),
    T.StructField("end", T.LongType()),
    T.StructField("start_char", T.LongType()),
    T.StructField("end_char", T.LongType()),
    T.StructField("text", T.StringType()),
    T.StructField("furniture", T.StringType()),
    T.StructField("mentions", T.MapType(T.StringType(), T.ArrayType(T.ArrayType(T.LongType())))),
    T.StructField(
        "mention_chars", T.MapType(T.StringType(), T.ArrayType(T.ArrayType(T.LongType())))
    ),
    T.StructField(
        "predictions",
        T.MapType(
            T.StringType(),
            T.StructType(
                [
                    T.StructField("label", T.StringType()),
                    T.StructField("probabilities", T.MapType(T.StringType(), T.DoubleType())),
                ]
            ),
        ),
    ),
]
PREDICT_NAMES = {f.name for f in PREDICT_FIELDS}

# Spark's name for the raw text of a JSONL line it could not parse (PERMISSIVE mode).
CORRUPT = "_corrupt_record"

# At most this many dead-letter records per partition travel back to the driver (all are
# counted).
MAX_DEAD_LETTERS_PER_PARTITION = 10_000

# predict's closing line on stderr: "predict: records read N, scored N, skipped N; N units ..."
COUNTS_LINE = re.compile(
    r"records read (\d+), scored (\d+), skipped (\d+); (\d+) units written"
)


class PredictFailed(RuntimeError):
    """predict exited non-zero on a partition; the message carries its stderr."""


class CounterParam(AccumulatorParam):
    """Accumulates dicts of counts: {"read": 10, "skipped": 1, "reason: empty file": 1}."""

    def zero(self, value):
        return {}

    def addInPlace(self, a, b):
        for key, n in b.items():
            a[key] = a.get(key, 0) + n
        return a


class ListParam(AccumulatorParam):
    """Accumulates lists (the dead-letter records sent back to the driver)."""

    def zero(self, value):
        return []

    def addInPlace(self, a, b):
        a.extend(b)
        return a


def log(message):
    """The driver's log: one line on stderr."""
    print(f"score.py: {message}", file=sys.stderr, flush=True)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="score.py",
        description=__doc__.split("\n\n")[0].strip(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="""\
examples:
  # local mode, 2 cores: JSONL in, JSONL out
  python3 spark/score.py --master 'local[2]' --model models/default articles.jsonl out/
  # a directory of .txt articles (ids are the paths, as `predict data` names them)
  python3 spark/score.py --master 'local[2]' data out/
  # a cluster: Parquet in and out, 2 predict threads per task (give tasks 2 cores)
  spark-submit --master yarn --conf spark.task.cpus=2 --executor-cores 4 \\
      spark/score.py --predict target/release/predict --model models/default \\
      --format parquet hdfs:///news/articles.parquet hdfs:///news/scored
  # binary and model already on every executor (shared file system or the image)
  spark-submit ... spark/score.py --shared --predict /opt/newsstance/predict \\
      --model /opt/newsstance/models/default IN OUT

input: JSONL (.jsonl/.json, may be compressed), Parquet (.parquet), or a directory of .txt
files; a directory is read by its contents when local, else give --input-format.
output rows: id, the other input columns, sentence, start, end, start_char, end_char, text,
furniture (its kind, only with --keep-furniture), mentions, mention_chars, predictions (map task -> {label,
probabilities: map class -> p}); same values as `predict` on one machine.
skips: counted on stderr; dead-letter records in OUTPUT_DIR/_skipped/. Exit status 1 when a
partition fails (predict's stderr is printed) or the input is unusable.
""",
    )
    parser.add_argument("input", metavar="INPUT", help="articles: JSONL, Parquet or a .txt dir")
    parser.add_argument("output", metavar="OUTPUT_DIR", help="where the rows are written")
    parser.add_argument(
        "--master",
        help="Spark master, e.g. 'local[2]' (default: spark-submit's, else local[*])",
    )
    parser.add_argument(
        "--model",
        default="models/default",
        metavar="DIR",
        help="model bundle directory (default: models/default); shipped to executors",
    )
    parser.add_argument(
        "--predict",
        default="target/release/predict",
        metavar="PATH",
        help="the predict binary built for the executors' OS and CPU "
        "(default: target/release/predict); shipped to executors",
    )
    parser.add_argument(
        "--shared",
        action="store_true",
        help="do not ship: --predict and --model are paths that exist on every executor "
        "(a shared file system, the container image, or files placed by spark-submit "
        "--files/--archives in the task's working directory)",
    )
    parser.add_argument(
        "--format",
        choices=["jsonl", "parquet"],
        default="jsonl",
        help="output format (default: jsonl, predict's lines with the input columns added)",
    )
    parser.add_argument(
        "--input-format",
        choices=["auto", "jsonl", "parquet", "text"],
        default="auto",
        help="how INPUT is read (default: by its name, or a local directory's contents)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        metavar="N",
        help="predict threads per task (default: spark.task.cpus, i.e. 1)",
    )
    parser.add_argument(
        "--partitions",
        type=int,
        metavar="N",
        help="repartition the input into N partitions first (a shuffle; default: as read)",
    )
    parser.add_argument(
        "--unit",
        choices=["article", "sentence"],
        default="article",
        help="predict's --unit: split records into sentences, or score each whole",
    )
    parser.add_argument(
        "--keep-furniture",
        action="store_true",
        help="predict's --keep-furniture: also write page-furniture lines, unscored",
    )
    parser.add_argument(
        "--overwrite", action="store_true", help="replace OUTPUT_DIR if it exists"
    )
    parser.add_argument(
        "--log-level", default="WARN", help="Spark's log level (default: WARN)"
    )
    args = parser.parse_args(argv)
    if args.threads is not None and args.threads < 1:
        parser.error("--threads must be at least 1")
    if args.partitions is not None and args.partitions < 1:
        parser.error("--partitions must be at least 1")
    return args


def input_format(path, requested):
    """jsonl, parquet or text, from --input-format or from INPUT's name and contents."""
    if requested != "auto":
        return requested
    name = path.rstrip("/").lower()
    for suffix in (".gz", ".bz2", ".zst", ".xz"):
        name = name.removesuffix(suffix)
    if name.endswith((".jsonl", ".json", ".ndjson")):
        return "jsonl"
    if name.endswith(".parquet"):
        return "parquet"
    if name.endswith(".txt"):
        return "text"
    if os.path.isdir(path):
        names = [n for _, _, files in os.walk(path) for n in files]
        if any(n.endswith(".parquet") for n in names):
            return "parquet"
        if any(n.endswith((".jsonl", ".json")) for n in names):
            return "jsonl"
        return "text"
    raise SystemExit(
        f"score.py: cannot tell how to read {path}: name it .jsonl or .parquet, "
        "or give --input-format"
    )


def read_articles(spark, path, fmt):
    """The articles as a DataFrame with `id`, `text` and any other columns.

    JSONL is read in Spark's PERMISSIVE mode, so a line that is not JSON becomes a row with
    only `_corrupt_record` set; it is counted as a skip, as predict counts it. A directory of
    .txt files gives one row per file, its id the path as `predict DIR` names it (DIR joined
    with the path below it).
    """
    if fmt == "jsonl":
        df = spark.read.option("mode", "PERMISSIVE").json(path)
    elif fmt == "parquet":
        df = spark.read.parquet(path)
    else:
        df = spark.read.text(
            path, wholetext=True, pathGlobFilter="*.txt", recursiveFileLookup=True
        )
        hadoop_path = spark._jvm.org.apache.hadoop.fs.Path(path)
        fs = hadoop_path.getFileSystem(spark._jsc.hadoopConfiguration())
        if not fs.getFileStatus(hadoop_path).isDirectory():
            return df.select(F.lit(path).alias("id"), F.col("value").alias("text"))
        # input_file_name() is a URI; what follows the directory's own path is the file's
        # path below it.
        uri = fs.makeQualified(hadoop_path).toUri().toString()
        base = urllib.parse.unquote(urllib.parse.urlparse(uri).path)
        base = base.rstrip("/") + "/"
        decoded = "url_decode(replace(input_file_name(), '+', '%2B'))"
        below = f"substring({decoded}, instr({decoded}, {_quote(base)}) + {len(base)})"
        prefix = path.rstrip("/") + "/"
        df = df.select(
            F.concat(F.lit(prefix), F.expr(below)).alias("id"),
            F.col("value").alias("text"),
        )
    missing = [c for c in ("id", "text") if c not in df.columns]
    if missing:
        raise SystemExit(
            f"score.py: {path} has no column {' or '.join(missing)} (columns: "
            f"{', '.join(df.columns)}); the input needs `id` and `text`"
        )
    return df


def _quote(text):
    """A SQL string literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def plan(df):
    """(records, kept columns, input schema) for scoring.

    records is an RDD of (meta_json, record_json) pairs; the kept columns are `id` and the
    input's other columns but `text`, copied to every output row.

    meta_json is the JSON object of `id` and the other input columns (computed by Spark, in
    the JVM); record_json is `{"text": ...}`, to which the partition adds its temporary id, or
    None for a line Spark could not parse.
    """
    kept = ["id"] + [c for c in df.columns if c not in ("id", "text", CORRUPT)]
    clash = sorted(PREDICT_NAMES & set(kept))
    if clash:
        raise SystemExit(
            f"score.py: input column(s) {', '.join(clash)} would clash with predict's output "
            "fields; rename them (e.g. withColumnRenamed) before scoring"
        )
    no_nulls_dropped = {"ignoreNullFields": "false"}
    meta = F.to_json(F.struct(*[F.col(f"`{c}`") for c in kept]), no_nulls_dropped)
    record = F.to_json(F.struct(F.col("text")), no_nulls_dropped)
    if CORRUPT in df.columns:
        record = F.when(F.col(CORRUPT).isNull(), record)
    return df.select(meta.alias("meta"), record.alias("record")).rdd, kept, df.schema


def output_schema(input_schema, kept):
    """The DataFrame schema of the output rows: kept input columns, then predict's fields."""
    by_name = {f.name: f for f in input_schema.fields}
    return T.StructType([by_name[c] for c in kept] + PREDICT_FIELDS)


def make_scorer(predict, model, predict_args, shipped, counts, dead_letters):
    """The function that mapPartitions runs: one predict process per partition.

    It yields one JSON line per output record: the meta object of the input row, spliced
    in front of predict's fields.
    """

    def locate():
        if not shipped:
            return predict, model
        binary = SparkFiles.get(os.path.basename(predict))
        if not os.access(binary, os.X_OK):
            os.chmod(binary, 0o755)
        return binary, SparkFiles.get(os.path.basename(model.rstrip("/")))

    def score_partition(index, rows):
        binary, model_dir = locate()
        local = collections.Counter()
        letters = []
        with tempfile.TemporaryDirectory(prefix="newsstance-") as tmp:
            skipped_path = os.path.join(tmp, "skipped.jsonl")
            command = [binary, "--model", model_dir, "--skipped", skipped_path, *predict_args, "-"]
            proc = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                bufsize=1 << 20,
            )
            # (line number, meta) of the records written and not yet seen in the output;
            # predict's output comes in input order, so the head is the record being read.
            pending = collections.deque()
            unmatched = {}  # line number -> meta of records with no output (skipped ones)
            stderr_tail = collections.deque(maxlen=40)
            counts_line = []
            feed_error = []

            def feed():
                line_no = 0
                try:
                    for meta, record in rows:
                        if record is None:
                            # Spark could not parse this JSONL line: a skip, as in predict.
                            local["read"] += 1
                            local["skipped"] += 1
                            local["reason: not a JSON object with a \"text\" field"] += 1
                            if len(letters) < MAX_DEAD_LETTERS_PER_PARTITION:
                                letters.append(
                                    _dead_letter(
                                        meta, 'not a JSON object with a "text" field', index
                                    )
                                )
                            continue
                        pending.append((line_no, meta))
                        proc.stdin.write(f'{{"id":"{line_no}",{record[1:]}\n'.encode())
                        line_no += 1
                    proc.stdin.close()
                except BrokenPipeError:
                    pass  # predict stopped reading; its exit status tells why
                except BaseException as e:  # noqa: BLE001 - re-raised in the reading thread
                    feed_error.append(e)
                    proc.kill()

            def drain_stderr():
                for raw in proc.stderr:
                    line = raw.decode("utf-8", "replace").rstrip("\n")
                    stderr_tail.append(line)
                    if COUNTS_LINE.search(line):
                        counts_line.append(line)

            feeder = threading.Thread(target=feed, daemon=True)
            drainer = threading.Thread(target=drain_stderr, daemon=True)
            feeder.start()
            drainer.start()
            finished = False
            try:
                for raw in proc.stdout:
                    line = raw.decode("utf-8")
                    # predict's record starts {"id":"<line number>",...
                    close = line.index('"', 7)
                    line_no = int(line[7:close])
                    while pending[0][0] < line_no:
                        gone = pending.popleft()
                        unmatched[gone[0]] = gone[1]
                    meta = pending[0][1]
                    local["rows"] += 1
                    yield meta[:-1] + "," + line[close + 2 :].rstrip("\n")
                finished = True
            finally:
                if not finished:  # the consumer stopped early (or failed): end predict
                    proc.kill()
                feeder.join()
                drainer.join()
                status = proc.wait()
            if feed_error:
                raise feed_error[0]
            if status != 0:
                raise PredictFailed(
                    f"predict exited with status {status} on partition {index} "
                    f"({' '.join(command)}); its stderr:\n" + "\n".join(stderr_tail)
                )
            for line_no, meta in pending:
                unmatched[line_no] = meta
            if counts_line:
                found = COUNTS_LINE.search(counts_line[-1])
                read, scored, skipped, units = map(int, found.groups())
                local["read"] += read
                local["scored"] += scored
                local["skipped"] += skipped
                local["units"] += units
            with open(skipped_path, encoding="utf-8") as f:
                for raw in f:
                    skip = json.loads(raw)
                    reason = skip["reason"]
                    local["reason: " + reason.split(":")[0]] += 1
                    if len(letters) < MAX_DEAD_LETTERS_PER_PARTITION:
                        meta = unmatched.get(skip["line"] - 1) if skip["line"] else None
                        letters.append(_dead_letter(meta, reason, index))
        local["partitions"] += 1
        counts.add(dict(local))
        dead_letters.add(letters)

    return score_partition


def _dead_letter(meta, reason, partition):
    """A dead-letter line: the input row's id and other columns, why, and where."""
    record = json.loads(meta) if meta else {"id": None}
    record["reason"] = reason
    record["partition"] = partition
    return json.dumps(record, ensure_ascii=False)


def remove_output(spark, path):
    hadoop_path = spark._jvm.org.apache.hadoop.fs.Path(path)
    fs = hadoop_path.getFileSystem(spark._jsc.hadoopConfiguration())
    if fs.exists(hadoop_path):
        fs.delete(hadoop_path, True)


def predict_failure(error):
    """predict's message from a Spark job failure, if a partition's predict failed."""
    text = str(error)
    found = re.search(r"PredictFailed: (.*?)(?:\n\s+at |\n\n|\Z)", text, re.S)
    return found.group(1).rstrip() if found else None


def main(argv=None):
    args = parse_args(argv)
    if not args.shared:
        for path, what in ((args.predict, "--predict"), (args.model, "--model")):
            if not os.path.exists(path):
                raise SystemExit(
                    f"score.py: {what} {path} does not exist on the driver (build it with "
                    "`cargo build --release`, or give --shared for paths on the executors)"
                )
    if (args.master or "").startswith("local") and "PYSPARK_PYTHON" not in os.environ:
        os.environ["PYSPARK_PYTHON"] = sys.executable  # local workers: this interpreter

    builder = SparkSession.builder.appName("newsstance-score").config(
        "spark.ui.showConsoleProgress", "false"
    )
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel(args.log_level)
    sc = spark.sparkContext
    started = time.monotonic()

    predict, model = args.predict, args.model
    if not args.shared:
        predict, model = os.path.abspath(predict), os.path.abspath(model.rstrip("/"))
        sc.addFile(predict)
        sc.addFile(model, recursive=True)
    threads = args.threads or int(sc.getConf().get("spark.task.cpus", "1"))
    predict_args = ["--threads", str(threads), "--unit", args.unit]
    if args.keep_furniture:
        predict_args.append("--keep-furniture")

    fmt = input_format(args.input, args.input_format)
    df = read_articles(spark, args.input, fmt)
    if args.partitions:
        df = df.repartition(args.partitions)
    records, kept, input_schema = plan(df)
    counts = sc.accumulator({}, CounterParam())
    dead_letters = sc.accumulator([], ListParam())
    scorer = make_scorer(predict, model, predict_args, not args.shared, counts, dead_letters)
    lines = records.mapPartitionsWithIndex(scorer)

    log(
        f"scoring {args.input} ({fmt}, {records.getNumPartitions()} partitions) with "
        f"{model}, predict --threads {threads}, into {args.output} ({args.format})"
    )
    if args.overwrite:
        remove_output(spark, args.output)
    try:
        if args.format == "jsonl":
            lines.saveAsTextFile(args.output)
        else:
            schema = output_schema(input_schema, kept)
            rows = spark.read.schema(schema).option("mode", "FAILFAST").json(lines)
            rows.write.parquet(args.output)
    except Exception as e:  # a Py4JJavaError wraps the executor's Python traceback
        failure = predict_failure(e)
        if failure is None:
            raise
        log("a partition failed, so the job did:\n" + failure)
        spark.stop()
        return 1

    total = counts.value
    letters = dead_letters.value
    if letters:
        skipped_dir = args.output.rstrip("/") + "/_skipped"
        sc.parallelize(letters, 1).saveAsTextFile(skipped_dir)
    log(
        f"records read {total.get('read', 0)}, scored {total.get('scored', 0)}, "
        f"skipped {total.get('skipped', 0)}; {total.get('rows', 0)} rows written "
        f"from {total.get('partitions', 0)} partitions in {time.monotonic() - started:.1f} s"
    )
    for key in sorted(k for k in total if k.startswith("reason: ")):
        log(f"  skipped, {key.removeprefix('reason: ')}: {total[key]}")
    if letters:
        log(f"dead-letter records: {args.output.rstrip('/')}/_skipped/ ({len(letters)})")
        for letter in letters[:5]:
            log(f"  {letter}")
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
