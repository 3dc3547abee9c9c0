#!/usr/bin/env bash
# Build time of generated crates, as a user feels it on a clean build of
# their own project: dependencies (serde, reqwest…, the runtime crates) built
# first, then the named crates rebuilt N times (CARGO_INCREMENTAL=0, every
# named crate's src/lib.rs touched, the last one built, which rebuilds the
# others it depends on). Prints wall and CPU (user + sys) medians and ratios.
#
#   scripts/bench-build.sh [RUNS] SPEC...
#   SPEC = CRATE[+CRATE...][:FEATURES]   FEATURES added to the defaults
#        | CRATE[+CRATE...]:=FEATURES    exactly FEATURES (no default features)
#
#   scripts/bench-build.sh 5 airbyte-config-api-types airbyte-config-api-types+airbyte-config-api-client \
#       airbyte-config-api-types+airbyte-config-api-client:=connection
#   scripts/bench-build.sh 3 airbyte-api-connectors:=source-postgres airbyte-api-connectors:=all-sources,all-destinations
#
# Ratios are to the first SPEC, or, with BASE=DIR (another checkout of this
# workspace, such as a worktree of the previous release), to the same SPEC
# built in DIR; the two trees are built alternately in the same run, so load
# from other processes falls on both alike.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}; shift
export CARGO_INCREMENTAL=0
# shellcheck source=scripts/build-time.sh
. scripts/build-time.sh # rebuild_time, median, ratio

# build DIR SPEC: prints "wall cpu" of one timed rebuild.
build() {
  local dir=$1 spec=$2 crates features args=() last
  crates=${spec%%:*}
  features=""
  [ "$spec" != "$crates" ] && features=${spec#*:}
  if [ "${features#=}" != "$features" ]; then
    args+=(--no-default-features)
    features=${features#=}
  fi
  [ -n "$features" ] && args+=(--features "$features")
  IFS=+ read -r -a list <<<"$crates"
  last=${list[${#list[@]}-1]}
  (
    cd "$dir"
    rebuild_time "$(printf 'generated/%s/src/lib.rs+' "${list[@]}")" cargo build -q -p "$last" "${args[@]}"
  )
}

here=$(pwd)
if [ -n "${BASE:-}" ]; then
  printf '%-75s %8s %8s %7s %8s %8s %7s  (median of %s)\n' spec wall base ratio cpu base ratio "$runs"
else
  printf '%-75s %8s %7s %8s %7s  (median of %s)\n' spec wall ratio cpu ratio "$runs"
fi
first_wall="" first_cpu=""
for spec in "$@"; do
  walls=() cpus=() bwalls=() bcpus=()
  for _ in $(seq "$runs"); do
    read -r w c < <(build "$here" "$spec")
    walls+=("$w"); cpus+=("$c")
    if [ -n "${BASE:-}" ]; then
      read -r w c < <(build "$BASE" "$spec")
      bwalls+=("$w"); bcpus+=("$c")
    fi
  done
  w=$(median "${walls[@]}"); c=$(median "${cpus[@]}")
  if [ -n "${BASE:-}" ]; then
    bw=$(median "${bwalls[@]}"); bc=$(median "${bcpus[@]}")
    printf '%-75s %8.2f %8.2f %6sx %8.2f %8.2f %6sx\n' "$spec" "$w" "$bw" "$(ratio "$w" "$bw")" "$c" "$bc" "$(ratio "$c" "$bc")"
  else
    [ -z "$first_wall" ] && first_wall=$w && first_cpu=$c
    printf '%-75s %8.2f %6sx %8.2f %6sx\n' "$spec" "$w" "$(ratio "$w" "$first_wall")" "$c" "$(ratio "$c" "$first_cpu")"
  fi
done
