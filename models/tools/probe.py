#!/usr/bin/env python3
"""Probe figures of a model bundle: share of tests/probes/neutral-mentions.csv scored neutral toward
the named actor, and the largest probability move when one name of an actor is swapped for another
(tests/probes/alias-swap.csv). Usage: python3 models/tools/probe.py MODEL_DIR (after cargo build --release)."""
import csv, json, subprocess, sys, collections, os
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
model = sys.argv[1]
rows = list(csv.DictReader(open(ROOT + '/tests/probes/neutral-mentions.csv')))
inp = '\n'.join(json.dumps({'id': r['id'], 'text': r['text']}) for r in rows)
out = subprocess.run([ROOT + '/target/release/predict', '--model', model, '--unit', 'sentence', '-'], input=inp, capture_output=True, text=True).stdout
pred = {json.loads(l)['id']: json.loads(l) for l in out.splitlines()}
res = collections.Counter(); tot = collections.Counter()
for r in rows:
    p = pred[r['id']]['predictions'][r['actor']]
    tot[r['actor']] += 1
    res[r['actor']] += p['label'] == 'neutral'
print('probe neutral:', {a: f"{res[a]/tot[a]:.3f}" for a in tot})
sw = list(csv.DictReader(open(ROOT + '/tests/probes/alias-swap.csv')))
names = {'assad': ['Assad', 'the Syrian government', 'Damascus', 'Bashar al-Assad'], 'russia': ['Russia', 'Moscow', 'the Kremlin', 'Putin']}
recs = []
for r in sw:
    for n in names[r['actor']]:
        t = r['template'].replace('{A}', n)
        t = t[0].upper() + t[1:]
        recs.append({'id': f"{r['id']}|{n}", 'text': t})
out = subprocess.run([ROOT + '/target/release/predict', '--model', model, '--unit', 'sentence', '-'], input='\n'.join(map(json.dumps, recs)), capture_output=True, text=True).stdout
by = collections.defaultdict(list)
for l in out.splitlines():
    j = json.loads(l); by[j['id'].split('|')[0]].append(j['predictions'])
worst = 0; over = 0
for tid, ps in by.items():
    m = 0
    for task in ps[0]:
        for c in ps[0][task]['probabilities']:
            vals = [p[task]['probabilities'][c] for p in ps]
            m = max(m, max(vals) - min(vals))
    worst = max(worst, m); over += m > 0.05
print(f'alias swap: worst {worst:.3f}, templates over 0.05: {over}/{len(by)}')
