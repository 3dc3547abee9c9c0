#!/usr/bin/env bash
# Whole-process codegen time per manifest spec: `xtask codegen --check
# --spec-name NAME` (load, overlays, IR, emit and format every file, compare
# with generated/), release build, N runs; prints wall and CPU medians and the
# wall ratio to the first spec named (the baseline, measured in the same run).
#
#   scripts/bench-codegen.sh [RUNS] NAME...
#   scripts/bench-codegen.sh 7 airbyte-api airbyte-api-sdk
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}; shift
cargo build -q --release -p xtask
bin=target/release/xtask
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
base=""
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
printf '%-20s %10s %10s %8s  (median of %s)\n' spec wall_s cpu_s ratio "$runs"
for name in "$@"; do
  walls=(); cpus=()
  for _ in $(seq "$runs"); do
    /usr/bin/time -o "$tmp" -f '%e %U %S' "$bin" codegen --check --spec-name "$name" >/dev/null 2>&1
    out=$(tail -1 "$tmp")
    walls+=("$(echo "$out" | awk '{print $1}')")
    cpus+=("$(echo "$out" | awk '{print $2 + $3}')")
  done
  w=$(printf '%s\n' "${walls[@]}" | median)
  c=$(printf '%s\n' "${cpus[@]}" | median)
  [ -z "$base" ] && base=$w
  printf '%-20s %10.2f %10.2f %7.2fx\n' "$name" "$w" "$c" "$(awk -v m="$w" -v b="$base" 'BEGIN {print m / b}')"
done
