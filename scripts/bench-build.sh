#!/usr/bin/env bash
# Crate-alone build time of generated crates: dependencies built first, then
# the crate itself rebuilt N times (CARGO_INCREMENTAL=0, touch src/lib.rs);
# prints the median per crate and its ratio to the first crate named (the
# baseline, measured in the same run).
#
#   scripts/bench-build.sh [RUNS] CRATE...
#   scripts/bench-build.sh 3 airbyte-api-types airbyte-config-api-types
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}; shift
export CARGO_INCREMENTAL=0
base=""
printf '%-28s %10s %8s  (median of %s, dev profile)\n' crate seconds ratio "$runs"
for crate in "$@"; do
  cargo build -q -p "$crate"
  samples=()
  for _ in $(seq "$runs"); do
    touch "generated/$crate/src/lib.rs"
    start=$(date +%s.%N)
    cargo build -q -p "$crate"
    end=$(date +%s.%N)
    samples+=("$(awk -v a="$start" -v b="$end" 'BEGIN {print b - a}')")
  done
  med=$(printf '%s\n' "${samples[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  [ -z "$base" ] && base=$med
  printf '%-28s %10.2f %7.2fx\n' "$crate" "$med" "$(awk -v m="$med" -v b="$base" 'BEGIN {print m / b}')"
done
