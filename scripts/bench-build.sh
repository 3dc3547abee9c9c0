#!/usr/bin/env bash
# Crate-alone build time of generated crates: dependencies built first, then
# the crate itself rebuilt N times (CARGO_INCREMENTAL=0, touch src/lib.rs);
# prints the median per crate and its ratio to the first crate named (the
# baseline, measured in the same run).
#
#   scripts/bench-build.sh [RUNS] CRATE[:FEATURES]...
#   scripts/bench-build.sh 3 airbyte-api-types airbyte-config-api-types
#   scripts/bench-build.sh 3 airbyte-api-connectors airbyte-api-connectors:source-postgres \
#       airbyte-api-connectors:all-sources,all-destinations
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}; shift
export CARGO_INCREMENTAL=0
base=""
printf '%-60s %10s %8s  (median of %s, dev profile)\n' crate seconds ratio "$runs"
for spec in "$@"; do
  crate=${spec%%:*}
  features=""
  [ "$spec" != "$crate" ] && features=${spec#*:}
  cargo build -q -p "$crate" --features "$features"
  samples=()
  for _ in $(seq "$runs"); do
    touch "generated/$crate/src/lib.rs"
    start=$(date +%s.%N)
    cargo build -q -p "$crate" --features "$features"
    end=$(date +%s.%N)
    samples+=("$(awk -v a="$start" -v b="$end" 'BEGIN {print b - a}')")
  done
  med=$(printf '%s\n' "${samples[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  [ -z "$base" ] && base=$med
  printf '%-60s %10.2f %7.2fx\n' "$spec" "$med" "$(awk -v m="$med" -v b="$base" 'BEGIN {print m / b}')"
done
