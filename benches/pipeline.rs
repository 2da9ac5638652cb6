//! Criterion benches of each stage of `predict` and of the whole path, on committed fixtures:
//! `benches/fixtures/articles.jsonl` (24 articles) and the labeled sentences of
//! `labels/sentences.csv`. Every iteration checks its result, so a bench that gets faster by
//! doing less fails instead.
//!
//! The scorer is trained in-process on `labels/sentences.csv` with the default feature settings
//! and a short solver run: the vocabulary (and so the work per sentence) is the one of a model
//! trained with `train` defaults; only the weights are less converged, which costs nothing here.
//! Set `NEWSSTANCE_BENCH_MODEL=DIR` to bench a saved model bundle instead.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use newsstance::features::{SparseRow, VectorizerScratch};
use newsstance::model::{train, ScoreScratch};
use newsstance::text::StemCache;
use newsstance::{
    InputReader, InputSource, LabeledCsvOptions, LabeledSet, ModelBundle, OutputFormat,
    PredictSettings, Predictor, Scorer, SentenceSplitter, Stemmer, Tokenizer, TrainSettings, Unit,
};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

struct Fixtures {
    articles: Vec<String>,
    sentences: Vec<String>,
    article_bytes: u64,
    sentence_bytes: u64,
}

fn fixtures() -> Fixtures {
    let path = root().join("benches/fixtures/articles.jsonl");
    let articles: Vec<String> = std::fs::read_to_string(path)
        .expect("fixture")
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("fixture line");
            v["text"].as_str().expect("text").to_string()
        })
        .collect();
    let set = labeled();
    let sentences = set.texts;
    Fixtures {
        article_bytes: articles.iter().map(|a| a.len() as u64).sum(),
        sentence_bytes: sentences.iter().map(|s| s.len() as u64).sum(),
        articles,
        sentences,
    }
}

fn labeled() -> LabeledSet {
    LabeledSet::read(&[root().join("labels/sentences.csv")], &LabeledCsvOptions::default())
        .expect("labels/sentences.csv")
}

fn scorer() -> Scorer {
    if let Some(dir) = std::env::var_os("NEWSSTANCE_BENCH_MODEL") {
        return ModelBundle::load(Path::new(&dir)).expect("NEWSSTANCE_BENCH_MODEL").scorer();
    }
    // Without cross-validation, one candidate: word n-grams, weighted balancing (what `train
    // --cv 0` picks).
    let settings = TrainSettings {
        folds: 0,
        c: Some(3.0),
        max_iterations: 15,
        feature_sets: vec![newsstance::model::FeatureSet::Words],
        balances: vec![newsstance::model::Balance::Weighted],
        ..Default::default()
    };
    let trained = train(&labeled(), &settings, &|_| {}).expect("training the bench model");
    let provenance = newsstance::model::Provenance {
        crate_version: env!("CARGO_PKG_VERSION").into(),
        inputs: Vec::new(),
        text_column: "text".into(),
        sentences: 0,
        seed: 0,
    };
    ModelBundle::new(trained, provenance).scorer()
}

fn stages(c: &mut Criterion) {
    let f = fixtures();
    let scorer = scorer();
    let splitter = SentenceSplitter::new();
    let n_sentences: usize = f.articles.iter().map(|a| splitter.split(a).len()).sum();
    let n_tokens: usize = f.sentences.iter().map(|s| Tokenizer::new().tokens(s).len()).sum();
    // The articles fixture is frozen: its sentence count only changes with the splitter.
    assert_eq!(n_sentences, 468, "the splitter's output on the fixture changed");
    assert!(n_tokens > 10_000, "labels/sentences.csv shrank: {n_tokens} tokens");

    let mut g = c.benchmark_group("stage");
    g.sample_size(20).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));

    g.throughput(Throughput::Bytes(f.article_bytes));
    let mut spans = Vec::new();
    g.bench_function("split", |b| {
        b.iter(|| {
            let mut n = 0;
            for a in &f.articles {
                splitter.split_into(black_box(a), &mut spans);
                n += spans.len();
            }
            assert_eq!(n, n_sentences);
        })
    });

    g.throughput(Throughput::Bytes(f.sentence_bytes));
    g.bench_function("tokenize", |b| {
        b.iter(|| {
            let mut n = 0;
            for s in &f.sentences {
                Tokenizer::new().for_each_token(black_box(s), |_| n += 1);
            }
            assert_eq!(n, n_tokens);
        })
    });

    let stemmer = Stemmer::new(newsstance::Language::English);
    let expected_stem_bytes: usize = f
        .sentences
        .iter()
        .flat_map(|s| Tokenizer::new().tokens(s))
        .map(|t| stemmer.stem(&t).len())
        .sum();
    let mut cache: StemCache<usize> = StemCache::with_capacity(1 << 18);
    g.bench_function("tokenize+stem", |b| {
        b.iter(|| {
            let mut stem_bytes = 0;
            for s in &f.sentences {
                Tokenizer::new().for_each_token(black_box(s), |t| {
                    stem_bytes += cache.get_or_insert_with(t, |t| stemmer.stem(t).len());
                });
            }
            assert_eq!(stem_bytes, expected_stem_bytes);
        })
    });

    let index = scorer.features();
    let mut vs = VectorizerScratch::default();
    let mut row = SparseRow::default();
    let expected_nnz: usize = f.sentences.iter().map(|s| index.transform(s).nnz()).sum();
    g.bench_function("vectorize", |b| {
        b.iter(|| {
            let mut nnz = 0;
            for s in &f.sentences {
                index.transform_into(black_box(s), &mut vs, &mut row);
                nnz += row.nnz();
            }
            assert_eq!(nnz, expected_nnz);
        })
    });

    let mut scratch = ScoreScratch::default();
    let n_tasks = scorer.tasks().len() as f64;
    g.bench_function("vectorize+score", |b| {
        b.iter(|| {
            let mut total = 0.0;
            for s in &f.sentences {
                total += scorer.score(black_box(s), &mut scratch).iter().sum::<f64>();
            }
            // Each task's probabilities sum to one.
            let expected = n_tasks * f.sentences.len() as f64;
            assert!((total - expected).abs() < 1e-6 * expected, "{total} vs {expected}");
        })
    });
    g.finish();
}

fn whole_path(c: &mut Criterion) {
    let f = fixtures();
    let dir = tempfile::tempdir().expect("temp dir");
    let sentences = dir.path().join("sentences.jsonl");
    let mut jsonl = String::new();
    for (i, s) in f.sentences.iter().enumerate() {
        jsonl.push_str(&serde_json::json!({"id": i.to_string(), "text": s}).to_string());
        jsonl.push('\n');
    }
    std::fs::write(&sentences, jsonl).expect("write fixture");
    let articles = root().join("benches/fixtures/articles.jsonl");
    let n_articles = f.articles.len();
    let n_sentences = f.sentences.len();

    let mut g = c.benchmark_group("predict");
    g.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(4));
    for (name, unit, input, bytes, records, scored) in [
        ("sentence", Unit::Sentence, &sentences, f.sentence_bytes, n_sentences, true),
        ("article", Unit::Article, &articles, f.article_bytes, n_articles, true),
        ("split-only", Unit::Article, &articles, f.article_bytes, n_articles, false),
    ] {
        for threads in [1, 2] {
            let settings = PredictSettings {
                unit,
                format: OutputFormat::Jsonl,
                threads,
                keep_furniture: false,
                explain: 0,
                progress: false,
            };
            let predictor = Predictor::new(scored.then(scorer), settings).expect("predictor");
            g.throughput(Throughput::Bytes(bytes));
            g.bench_function(format!("{name}/{threads}t"), |b| {
                b.iter_batched_ref(
                    || Vec::with_capacity(8 << 20),
                    |out| {
                        let mut reader =
                            InputReader::new(vec![InputSource::Jsonl(input.to_path_buf())]);
                        let stats =
                            predictor.run(&mut reader, out, &mut |w| panic!("{w}")).unwrap();
                        assert_eq!(stats.records_scored as usize, records);
                        let lines = out.iter().filter(|&&b| b == b'\n').count() as u64;
                        assert_eq!(lines, stats.units);
                    },
                    BatchSize::LargeInput,
                )
            });
        }
    }
    g.finish();
}

criterion_group!(benches, stages, whole_path);
criterion_main!(benches);
