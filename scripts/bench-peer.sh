#!/usr/bin/env bash
# Build time of our generated Configuration API crates side by side with the
# crates the peer generator oas3-gen (a crates.io CLI) makes from the same
# document: crate-alone rebuilds as in bench-build.sh (dev profile,
# CARGO_INCREMENTAL=0, dependencies built first, the crate's src/lib.rs
# touched), alternating ours and the peer's within every run, so load from
# other processes falls on both alike. Prints wall and CPU (user + sys)
# medians and the ratio ours/peer (below 1: ours builds faster).
#
#   scripts/bench-peer.sh [RUNS]          (default 3; OAS3_GEN_VERSION, default 0.29.0)
#
# Rows: client = airbyte-config-api-types + airbyte-config-api-client (both
# touched, the client built) against oas3-gen's `client-mod` crate (types
# and operations in one crate); server = types + airbyte-config-api-server
# against its `server-mod` crate (axum).
#
# Everything it makes is under target/peer/ and it can be run again:
# - installs oas3-gen into target/peer/tools unless that version is there
#   (`cargo install --locked`, a few minutes the first time);
# - writes the effective document our crates are generated from (`cargo
#   xtask spec --name config-api`, JSON). It is OpenAPI 3.0 (the upstream
#   file is); oas3-gen is a 3.1 tool but checks no version and generates
#   from it (and from the upstream YAML) with one warning, a regex it cannot
#   compile;
# - generates both peer crates with `--workspace --all-schemas` (our types
#   crate holds every schema too) and leaves their files as written: the
#   Cargo.toml oas3-gen writes lists the dependencies its code needs. They
#   are members of target/peer/Cargo.toml, a workspace of their own with a
#   copy of our [profile.*] tables; its Cargo.lock starts as a copy of ours,
#   so the dependencies both use resolve to our versions. Both trees build
#   into the same target directory;
# - a peer crate that does not compile as generated is not patched: its row
#   gives the error count and the first errors (all in target/peer/NAME.log).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
version=${OAS3_GEN_VERSION:-0.29.0}
export CARGO_INCREMENTAL=0
CARGO_TARGET_DIR=$(realpath -m "${CARGO_TARGET_DIR:-target}")
export CARGO_TARGET_DIR
# shellcheck source=scripts/build-time.sh
. scripts/build-time.sh # rebuild_time, median, ratio
peer=target/peer
bin=$peer/tools/bin/oas3-gen

mkdir -p "$peer"
if [ "$("$bin" --version 2>/dev/null)" != "oas3-gen $version" ]; then
  echo "installing oas3-gen $version into $peer/tools" >&2
  cargo install -q oas3-gen --version "$version" --locked --root "$peer/tools"
fi
cargo xtask spec --name config-api --output "$peer/config-api.json" --format json >/dev/null
for mode in client server; do
  "$bin" generate "$mode-mod" -q -i "$peer/config-api.json" -o "$peer/oas3-config-$mode" --workspace --all-schemas
done
{
  printf '# Written by scripts/bench-peer.sh: the oas3-gen crates as a workspace of their own.\n'
  printf '[workspace]\nresolver = "2"\nmembers = ["oas3-config-client", "oas3-config-server"]\n\n'
  awk '/^\[/ {p = /^\[profile/} p' Cargo.toml
} >"$peer/Cargo.toml"
[ -f "$peer/Cargo.lock" ] || cp Cargo.lock "$peer/Cargo.lock"

lines() { cat "$@" | wc -l | awk '{printf "%.1fk", $1 / 1000}'; }
echo "oas3-gen $version from $peer/config-api.json; lines of Rust:" \
  "ours client $(lines generated/airbyte-config-api-{types,client}/src/*.rs)," \
  "server $(lines generated/airbyte-config-api-{types,server}/src/*.rs);" \
  "peer client $(lines $peer/oas3-config-client/src/*.rs), server $(lines $peer/oas3-config-server/src/*.rs)"

# Each row: "label|our crates (+, the last built)|peer crate".
rows=(
  "client|airbyte-config-api-types+airbyte-config-api-client|oas3-config-client"
  "server|airbyte-config-api-types+airbyte-config-api-server|oas3-config-server"
)

# A peer crate that does not build is reported, not timed.
declare -A broken=()
for row in "${rows[@]}"; do
  IFS='|' read -r _ _ p <<<"$row"
  log=$peer/$p.log
  if ! cargo build -q --manifest-path "$peer/Cargo.toml" -p "$p" --message-format short >/dev/null 2>"$log"; then
    broken[$p]=$(grep -c ': error' "$log" || true)
    echo "$p does not compile as generated: ${broken[$p]} errors (all in $log); the first:" >&2
    grep ': error' "$log" | head -n 5 | sed 's/^/  /' >&2
  fi
done

# ours SPEC / theirs CRATE: print "wall cpu" of one timed rebuild.
ours() {
  local list last
  IFS=+ read -r -a list <<<"$1"
  last=${list[${#list[@]}-1]}
  rebuild_time "$(printf 'generated/%s/src/lib.rs+' "${list[@]}")" cargo build -q -p "$last"
}
theirs() {
  rebuild_time "$peer/$1/src/lib.rs" cargo build -q --manifest-path "$peer/Cargo.toml" -p "$1"
}

declare -A walls=() cpus=()
for i in $(seq "$runs"); do
  for row in "${rows[@]}"; do
    IFS='|' read -r label mine p <<<"$row"
    # Every other run starts with the peer, so neither side always goes first.
    sides=(ours theirs)
    [ $((i % 2)) -eq 0 ] && sides=(theirs ours)
    for side in "${sides[@]}"; do
      if [ "$side" = ours ]; then
        read -r w c < <(ours "$mine")
      else
        [ -n "${broken[$p]:-}" ] && continue
        read -r w c < <(theirs "$p")
      fi
      walls[$label.$side]+="$w "
      cpus[$label.$side]+="$c "
    done
  done
done

printf '%-42s %8s %8s %7s %8s %8s %7s  (median of %s, seconds; ratio ours/peer)\n' \
  "row: ours (airbyte-config-api-*) | peer" wall peer ratio cpu peer ratio "$runs"
for row in "${rows[@]}"; do
  IFS='|' read -r label mine p <<<"$row"
  # shellcheck disable=SC2086 # the lists are space-separated numbers
  w=$(median ${walls[$label.ours]}); c=$(median ${cpus[$label.ours]})
  name="$label: ${mine//airbyte-config-api-/} | $p"
  if [ -n "${broken[$p]:-}" ]; then
    printf '%-42s %8.2f %8s %7s %8.2f %8s %7s\n' "$name" "$w" "${broken[$p]} err" - "$c" - -
  else
    # shellcheck disable=SC2086
    pw=$(median ${walls[$label.theirs]}); pc=$(median ${cpus[$label.theirs]})
    printf '%-42s %8.2f %8.2f %6sx %8.2f %8.2f %6sx\n' "$name" "$w" "$pw" "$(ratio "$w" "$pw")" "$c" "$pc" "$(ratio "$c" "$pc")"
  fi
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
