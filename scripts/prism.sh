#!/usr/bin/env bash
# Both generated clients against Prism (a mock server we did not write):
# installs the pinned Prism under target/conformance/node if missing, writes
# the effective specs, starts one Prism per spec on loopback (dynamic mode,
# fixed seed), runs tests/it/prism.rs against them and stops them on exit.
# Fails on any failure. Bounded: Prism readiness, and the test run.
#
#   scripts/prism.sh            # the run CI does
#   PRISM_SEED=7 scripts/prism.sh
#
# Needs node and npm (the npm registry is the only network it uses, once).
set -euo pipefail
cd "$(dirname "$0")/.."

PRISM_VERSION=5.14.2
SEED=${PRISM_SEED:-1}
AIRBYTE_PORT=${AIRBYTE_PRISM_PORT:-4811}
CONFIG_PORT=${CONFIG_PRISM_PORT:-4812}
TEST_TIMEOUT=${PRISM_TEST_TIMEOUT:-1200}
dir=target/conformance
node_dir=$dir/node
prism=$node_dir/node_modules/.bin/prism

mkdir -p "$dir"
if ! [ -x "$prism" ] || [ "$("$prism" --version 2>/dev/null)" != "$PRISM_VERSION" ]; then
  echo "installing @stoplight/prism-cli@$PRISM_VERSION into $node_dir"
  npm install --prefix "$node_dir" --no-audit --no-fund --loglevel=error "@stoplight/prism-cli@$PRISM_VERSION"
fi

cargo xtask spec --name airbyte-api --format json --output "$dir/airbyte-api.json"
cargo xtask spec --name config-api --format json --output "$dir/config-api.json"

# Build the test binary before Prism starts, so the wait below is only Prism's.
cargo test -p tests --test it --no-run --quiet

pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

start() { # name port
  "$prism" mock --dynamic --seed "$SEED" --host 127.0.0.1 --port "$2" "$dir/$1.json" >"$dir/prism-$1.log" 2>&1 &
  pids+=("$!")
}
start airbyte-api "$AIRBYTE_PORT"
start config-api "$CONFIG_PORT"

ready() { # name port
  for _ in $(seq 1 240); do
    if grep -q "Prism is listening" "$dir/prism-$1.log" 2>/dev/null; then
      return 0
    fi
    if ! kill -0 "${pids[$3]}" 2>/dev/null; then
      echo "prism for $1 exited:"; cat "$dir/prism-$1.log"; return 1
    fi
    sleep 0.5
  done
  echo "prism for $1 did not start within 120 s:"; tail -n 20 "$dir/prism-$1.log"; return 1
}
ready airbyte-api "$AIRBYTE_PORT" 0
ready config-api "$CONFIG_PORT" 1

AIRBYTE_PRISM_URL="http://127.0.0.1:$AIRBYTE_PORT" \
CONFIG_PRISM_URL="http://127.0.0.1:$CONFIG_PORT" \
  timeout "$TEST_TIMEOUT" cargo test -p tests --test it --quiet prism:: -- --nocapture --test-threads 2
