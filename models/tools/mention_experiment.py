#!/usr/bin/env python3
"""Mention-conditioned features for a stance task, measured with scikit-learn (an experiment,
not part of the pipeline).

Usage: target/sklearn-venv/bin/python models/tools/mention_experiment.py TASK MODE [SCALE]
[--with-written] (the venv of models/baseline/requirements.txt). TASK is an actor of models/actors.csv
(russia, assad); MODE:
  A  names as words (what scikit-learn's baseline does);
  B  every name replaced by its actor's placeholder, the task's own placeholder not a unigram
     feature (bigrams with it kept): the design of models/default, approximated here (the
     names are matched with one regular expression; not_after is not applied);
  C  B plus, in sentences that name the task's actor, a copy "M_<stem>" of every unigram,
     its TF-IDF value times SCALE (default 1): what is said in a sentence about the actor
     can differ from the same words elsewhere, while naming the actor alone still weighs
     nothing.
Prints the best mean macro-F1 over C in 0.3..30 (5 folds grouped by article, balanced class
weights, word 1-2-grams of stems) and the share of tests/probes/neutral-mentions.csv for the
actor scored neutral by a model fitted on all the rows it trains on. The folds hold the corpus
sentences of labels/sentences.csv only; with --with-written, the written sentences (outlet
`written`, labels/README.md round 3) are added to every training fold and to the final fit.
"""
import sys, csv, re
from pathlib import Path
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / 'models' / 'baseline'))
import numpy as np
import sklearn_baseline as base
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.metrics import f1_score
import snowballstemmer
stem = snowballstemmer.stemmer('english').stemWord
WITH_WRITTEN = '--with-written' in sys.argv
sys.argv = [a for a in sys.argv if a != '--with-written']
every = list(csv.DictReader(open(ROOT / 'labels' / 'sentences.csv')))
rows = [r for r in every if r['outlet'] != 'written']
extra = [r for r in every if r['outlet'] == 'written'] if WITH_WRITTEN else []
actors = list(csv.DictReader(open(ROOT / 'models' / 'actors.csv')))
aliases = sorted([(a['alias'], a['actor']) for a in actors if a['keep_words'] != 'yes'], key=lambda x: -len(x[0]))
pat = re.compile(r'(?<![\w])(?:the\s+)?(' + '|'.join(re.escape(a) for a, _ in aliases) + r')(?:[\'’]s)?(?![\w])', re.I)
amap = {a.lower(): act for a, act in aliases}
def sub(t):
    return pat.sub(lambda m: ' actor' + amap[m.group(1).lower()] + ' ', t)
if len(sys.argv) < 3 or sys.argv[2] not in ('A', 'B', 'C'):
    sys.exit(__doc__)
TASK = sys.argv[1]; MODE = sys.argv[2]; SCALE = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0
own = 'actor' + TASK
def analyzer(text):
    toks = [stem(w) if not w.startswith('actor') else w for w in base.tokenize(sub(text))]
    uni = [t for t in toks if not (MODE != 'A' and t == own)]
    bi = [a + ' ' + b for a, b in zip(toks, toks[1:])]
    out = uni + bi
    if MODE == 'C' and own in toks:
        out += ['M_' + t for t in uni if not t.startswith('actor')]
    return out
texts = [r['text'] for r in rows]
y = np.array([r[TASK] for r in rows]); groups = [r['article_id'] for r in rows]
xt = [r['text'] for r in extra]; xy = [r[TASK] for r in extra]
class V:
    def __init__(self): self.v = TfidfVectorizer(analyzer=analyzer, min_df=2, sublinear_tf=True)
    def _scale(self, X):
        import scipy.sparse as sp
        d = np.array([SCALE if t.startswith('M_') else 1.0 for t in self.v.get_feature_names_out()])
        return X @ sp.diags(d)
    def fit_transform(self, t): return self._scale(self.v.fit_transform(t))
    def transform(self, t): return self._scale(self.v.transform(t))
vec = V
best = None
for C in [0.3, 1, 3, 10, 30]:
    f1s = []
    for tr, te in StratifiedGroupKFold(5, shuffle=True, random_state=42).split(texts, y, groups):
        v = vec(); X = v.fit_transform([texts[i] for i in tr] + xt)
        m = LogisticRegression(C=C, class_weight='balanced', max_iter=5000).fit(X, list(y[tr]) + xy)
        p = m.predict(v.transform([texts[i] for i in te]))
        f1s.append(f1_score(y[te], p, average='macro'))
    f = np.mean(f1s)
    if best is None or f > best[0]: best = (f, C)
f, C = best
v = vec(); X = v.fit_transform(texts + xt)
m = LogisticRegression(C=C, class_weight='balanced', max_iter=5000).fit(X, list(y) + xy)
probe = [r for r in csv.DictReader(open(ROOT / 'tests' / 'probes' / 'neutral-mentions.csv')) if r['actor'] == TASK]
pp = m.predict(v.transform([r['text'] for r in probe]))
print(f'{TASK} mode {MODE} scale {SCALE}{" with written" if WITH_WRITTEN else ""}: CV macro-F1 {f:.3f} (C={C}); probe neutral {np.mean(pp == "neutral"):.3f}')
