#!/usr/bin/env bash
# Crate-alone build time of generated crates: dependencies built first, then
# the crate itself rebuilt N times (CARGO_INCREMENTAL=0, touch src/lib.rs);
# prints the median per crate and its ratio to the first crate named (the
# baseline, measured in the same run). Wall time is what a user waits; CPU
# time (user + sys of cargo and rustc) moves less when the machine is shared.
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
printf '%-60s %10s %8s %10s %8s  (median of %s, dev profile)\n' crate wall ratio cpu ratio "$runs"
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v m="$1" -v b="$2" 'BEGIN {print m / b}'; }
cpu_base=""
TIMEFORMAT='%R %U %S'
for spec in "$@"; do
  crate=${spec%%:*}
  features=""
  [ "$spec" != "$crate" ] && features=${spec#*:}
  cargo build -q -p "$crate" --features "$features"
  samples=()
  cpus=()
  for _ in $(seq "$runs"); do
    touch "generated/$crate/src/lib.rs"
    read -r wall user sys < <({ time cargo build -q -p "$crate" --features "$features" 2>/dev/null; } 2>&1)
    samples+=("$wall")
    cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')")
  done
  med=$(median "${samples[@]}")
  cpu=$(median "${cpus[@]}")
  [ -z "$base" ] && base=$med
  [ -z "$cpu_base" ] && cpu_base=$cpu
  printf '%-60s %10.2f %7.2fx %10.2f %7.2fx\n' "$spec" "$med" "$(ratio "$med" "$base")" "$cpu" "$(ratio "$cpu" "$cpu_base")"
done
