#!/usr/bin/env bash
# The `rust` axis of `cargo xtask diff`, checked by the compiler's view.
#
# For the real update of each spec from ../shared/specs/history/<spec>-2026-02-05.yaml
# to the pinned ../shared/specs/<spec>.yaml, generate the crates of both
# versions into a temporary directory, run cargo-semver-checks on each crate
# (the old crates as --baseline-root) and print, per crate, the bump our
# report advises next to the one cargo-semver-checks requires. Disagreements
# are explained in ARCHITECTURE.md ("The Rust axis and cargo-semver-checks").
#
# Needs cargo-semver-checks $CSC_VERSION:
#   cargo install cargo-semver-checks --version 0.51.0 --locked
# (a long build; not part of .ci/run). The crates' dependencies are locked
# by the workspace's Cargo.lock; cargo may fetch crates it has not cached.
#
# usage: scripts/semver-check.sh [WORK_DIR]   (default: a fresh temporary directory)
set -euo pipefail

CSC_VERSION=0.51.0
root=$(cd "$(dirname "$0")/.." && pwd)
shared="$root/../shared/specs"
# spec name : crate stem (the manifest's crate names without -types/-client/-server) : history file
SPECS=(
  "airbyte-api:airbyte-api:airbyte-api-2026-02-05.yaml"
  "config-api:airbyte-config-api:config-api-2026-02-05.yaml"
)

if ! cargo semver-checks --version 2>/dev/null | grep -q " $CSC_VERSION"; then
  echo "error: cargo-semver-checks $CSC_VERSION is not installed;" \
    "run: cargo install cargo-semver-checks --version $CSC_VERSION --locked" >&2
  exit 2
fi

work=${1:-$(mktemp -d "${TMPDIR:-/tmp}/semver-check.XXXXXX")}
mkdir -p "$work/old" "$work/new" "$work/logs"
echo "work dir: $work" >&2

cargo build -q -p xtask --manifest-path "$root/Cargo.toml"
xtask="$root/target/debug/xtask"

crates=()
for entry in "${SPECS[@]}"; do
  IFS=: read -r spec stem history <<<"$entry"
  overlays=()
  for o in $(sed -n "/^name = \"$spec\"/,/^\[spec.upstream\]/p" "$root/specs/manifest.toml" |
    sed -n 's/^overlays = \[\(.*\)\]/\1/p' | tr -d '", ' | tr ',' ' '); do
    overlays+=(--overlay "$root/specs/$o")
  done
  "$xtask" codegen --spec "$shared/history/$history" --out "$work/old" --name "$stem" "${overlays[@]}" 2>/dev/null
  "$xtask" codegen --spec "$shared/$spec.yaml" --out "$work/new" --name "$stem" "${overlays[@]}" 2>/dev/null
  "$xtask" diff --base "$shared/history/$history" --head "$shared/$spec.yaml" --spec "$spec" \
    --format json --fail-on never --output "$work/$spec-diff.json" 2>/dev/null
  crates+=("$stem-types" "$stem-client" "$stem-server")
done

# Each side is a workspace of its crates, locked like the project.
for side in old new; do
  printf '[workspace]\nresolver = "2"\nmembers = ["*-types", "*-client", "*-server"]\n' >"$work/$side/Cargo.toml"
  cp "$root/Cargo.lock" "$work/$side/Cargo.lock"
done

# Our advice per crate, from the JSON reports.
ours() {
  python3 - "$work" "$1" <<'EOF'
import json, sys, glob
work, crate = sys.argv[1], sys.argv[2]
for f in glob.glob(f"{work}/*-diff.json"):
    for a in json.load(open(f))["semver"]:
        if a["crate"] == crate:
            print(f'{a["bump"]}\t{a["reason"]}')
EOF
}

printf '| crate | our advice | cargo-semver-checks | agree | failing lints |\n|---|---|---|---|---|\n'
for crate in "${crates[@]}"; do
  log="$work/logs/$crate.log"
  # --release-type patch: every minor or major change is reported, and the
  # summary names the bump it requires.
  nice cargo semver-checks check-release \
    --manifest-path "$work/new/Cargo.toml" --baseline-root "$work/old" \
    -p "$crate" --release-type patch --color never >"$log" 2>&1 || true
  if grep -q "requires new major version" "$log"; then
    theirs=major
  elif grep -q "requires new minor version" "$log"; then
    theirs=minor
  elif grep -qE "no semver update required|no semver violations" "$log"; then
    theirs=none
  else
    theirs="failed (see $log)"
  fi
  IFS=$'\t' read -r bump reason <<<"$(ours "$crate")"
  # `patch` and `none` both mean: no change to the API items.
  norm() { case "$1" in patch) echo none ;; *) echo "$1" ;; esac; }
  agree=no
  [ "$(norm "$bump")" = "$(norm "$theirs")" ] && agree=yes
  lints=$(grep -oE '^--- failure [a-z_]+' "$log" | awk '{print $3}' | sort | uniq | paste -sd, - || true)
  printf '| %s | %s (%s) | %s | %s | %s |\n' "$crate" "$bump" "$reason" "$theirs" "$agree" "${lints:--}"
done
