#!/usr/bin/env bash
# Cross-validates the variants behind the default model's settings and prints one macro-F1
# table. Each variant is one `train` run on labels/ with the default search (5 folds grouped by
# article_id, seed 42, feature sets x balancing x C) unless its flags narrow it; the figure is
# the mean macro-F1 over the folds of each task's chosen candidate.
#
# Usage: bash models/tools/compare-features.sh [OUT_DIR]   (about 10 to 20 s a variant on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-$(mktemp -d)}
mkdir -p "$out"
cargo build --release --quiet --bin train
variants=(
  "default search (actor aliases)|--actors models/actors.csv"
  "without actor aliases|"
  "no stemming|--actors models/actors.csv --no-stem"
  "words only|--actors models/actors.csv --feature-set words"
  "no balancing|--actors models/actors.csv --balance none"
  "character 2-5-grams|--actors models/actors.csv --char-ngrams 2,5"
  "character 3-5-grams|--actors models/actors.csv --char-ngrams 3,5"
  "search fast|--actors models/actors.csv --search fast"
)
printf '| variant | flags | assad | russia | sentiment | mean |\n|---|---|---|---|---|---|\n'
for v in "${variants[@]}"; do
  name=${v%%|*}; flags=${v#*|}
  dir="$out/$(echo "$name" | tr -c 'a-z0-9\n' '-')"
  # shellcheck disable=SC2086
  target/release/train --quiet --out "$dir" $flags > "$dir.txt"
  awk -v name="$name" -v flags="$flags" '
    /^== task /{task=$3; sub(":", "", task)}
    /^fold macro-F1 of the chosen candidate/{split($0, a, ";"); n=split(a[1], b, " "); s=0; for(i=7;i<=n;i++) s+=b[i]; f[task]=sprintf("%.3f", s/(n-6))}
    END{m=(f["assad"]+f["russia"]+f["sentiment"])/3;
        printf "| %s | `%s` | %s | %s | %s | %.3f |\n", name, flags, f["assad"], f["russia"], f["sentiment"], m}' "$dir.txt"
done
