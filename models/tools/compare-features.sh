#!/usr/bin/env bash
# Cross-validates the feature variants behind the default model's settings and prints one
# macro-F1 table. Each variant is one `train` run on labels/ with the default CV (5 folds,
# seed 42, C grid 0.3..30); only the flags in the table differ from the defaults.
#
# Usage: bash models/tools/compare-features.sh [OUT_DIR]   (about 5 minutes a variant on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-$(mktemp -d)}
cargo build --release --quiet --bin train
variants=(
  "default|"
  "no balancing|--balance none"
  "no stemming|--no-stem"
  "actor aliases|--aliases models/actor-aliases.csv"
  "word + char 3-5 n-grams|--char-ngrams 3,5 --max-features 40000"
)
printf '| variant | flags | assad | russia | sentiment | mean |\n|---|---|---|---|---|---|\n'
for v in "${variants[@]}"; do
  name=${v%%|*}; flags=${v#*|}
  dir="$out/$(echo "$name" | tr -c 'a-z0-9\n' '-')"
  # shellcheck disable=SC2086
  target/release/train --quiet --out "$dir" $flags > "$dir.txt"
  awk -v name="$name" -v flags="$flags" '
    /^== task /{task=$3; sub(":", "", task)}
    /macro-F1 [0-9]/{f[task]=$NF}
    END{m=(f["assad"]+f["russia"]+f["sentiment"])/3;
        printf "| %s | `%s` | %s | %s | %s | %.3f |\n", name, flags, f["assad"], f["russia"], f["sentiment"], m}' "$dir.txt"
done
