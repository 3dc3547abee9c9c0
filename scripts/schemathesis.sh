#!/usr/bin/env bash
# Conformance of the generated servers, judged by a tool we did not write:
# schemathesis (pinned, installed into target/conformance/venv when missing)
# runs against the mock server of each spec and the in-memory example, each
# started here on loopback, and this script fails on any failure it reports.
#
#   scripts/schemathesis.sh [-n N] [--server NAME]...
#
# -n N         test cases per operation and phase (default 10, or $SCHEMATHESIS_N)
# --server S   only this server: airbyte-api-mock, config-api-mock, config-in-memory
#
# Each server's run is bounded in count (-n) and in time ($SCHEMATHESIS_TIMEOUT
# seconds, default 900, enforced with `timeout`: schemathesis' own --max-time
# makes fuzzing repeat until the budget is spent, so it is not used as a bound).
# Schemathesis talks only to 127.0.0.1; the documents it reads are the
# effective specs (`cargo xtask spec`), written into target/conformance/.
# scripts/schemathesis/NAME.baseline.json lists the failures of server NAME
# that no implementation can avoid, each with its reason; they are reported
# as known and do not fail the run (a baseline entry that stops occurring
# should be deleted).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

VERSION=4.32.5
N=${SCHEMATHESIS_N:-10}
LIMIT=${SCHEMATHESIS_TIMEOUT:-900}
CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,negative_data_rejection
DIR=target/conformance
ST=$DIR/venv/bin/schemathesis

servers=()
while [ $# -gt 0 ]; do
  case "$1" in
    -n) N=$2; shift 2 ;;
    --server) servers+=("$2"); shift 2 ;;
    *) echo "usage: $0 [-n N] [--server airbyte-api-mock|config-api-mock|config-in-memory]..." >&2; exit 2 ;;
  esac
done
[ ${#servers[@]} -gt 0 ] || servers=(airbyte-api-mock config-api-mock config-in-memory)

mkdir -p "$DIR"
if ! "$ST" --version 2>/dev/null | grep -qx "schemathesis, version $VERSION"; then
  echo "installing schemathesis $VERSION into $DIR/venv"
  python3 -m venv "$DIR/venv"
  "$DIR/venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$VERSION"
fi

echo "building the servers"
cargo build --quiet \
  -p airbyte-api-server --example airbyte-api-mock-server \
  -p airbyte-config-api-server --example airbyte-config-api-mock-server \
  -p airbyte-examples --bin config-in-memory
cargo xtask spec --name airbyte-api --output "$DIR/airbyte-api.yaml" >/dev/null 2>&1
cargo xtask spec --name config-api --output "$DIR/config-api.yaml" >/dev/null 2>&1

pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT

# Start a server binary on a free loopback port; sets URL to its base URL.
# shellcheck source=scripts/serve.sh
. scripts/serve.sh # the working directory is the workspace root here
start() {
  serve "$1" "$DIR/$1.server.log" 200 "$2"
}

failed=()
run() {
  local name=$1 spec=$2 url=$3
  shift 3
  echo
  echo "== $name: schemathesis $VERSION, -n $N, against $url =="
  local out="$DIR/$name.txt" start_s=$SECONDS status=0
  # Failures no server can avoid, each with its reason (see README); any other failure fails the run.
  local baseline="$ROOT/scripts/schemathesis/$name.baseline.json"
  [ -f "$baseline" ] && set -- "$@" --baseline "$baseline"
  # Run inside $DIR: schemathesis keeps its cache in the working directory.
  (cd "$DIR" && timeout --signal=INT --kill-after=30 "$LIMIT" "$ROOT/$ST" run "$ROOT/$spec" \
    --url "$url" \
    --mode all -n "$N" --phases examples,coverage,fuzzing --seed 1 \
    --checks "$CHECKS" \
    --header "Authorization: Bearer conformance" \
    --request-timeout 10 \
    --report junit --report-junit-path "$ROOT/$DIR/$name.junit.xml" \
    "$@") >"$out" 2>&1 || status=$?
  grep -E "generated|passed|failures? in|Failures:|❌|Timed out" "$out" | grep -v "^ *✅" | tail -n 12 || true
  echo "($name took $((SECONDS - start_s)) s; full output in $out)"
  if [ "$status" -ne 0 ]; then
    [ "$status" -eq 124 ] && echo "$name: timed out after $LIMIT s"
    failed+=("$name")
  fi
}

ex=target/debug/examples
for s in "${servers[@]}"; do
  case "$s" in
    airbyte-api-mock)
      start "$s" "$ex/airbyte-api-mock-server"
      # Under the spec's base path (/v1), as a client with the real base URL calls it.
      run "$s" "$DIR/airbyte-api.yaml" "$URL/v1"
      ;;
    config-api-mock)
      start "$s" "$ex/airbyte-config-api-mock-server"
      run "$s" "$DIR/config-api.yaml" "$URL/api"
      ;;
    config-in-memory)
      start "$s" target/debug/config-in-memory
      # The operations the example implements (the others answer 501 by design).
      run "$s" "$DIR/config-api.yaml" "$URL" \
        --include-operation-id publicGetHealthCheck \
        --include-operation-id publicListWorkspaces \
        --include-operation-id publicCreateWorkspace \
        --include-operation-id publicGetWorkspace \
        --include-operation-id publicDeleteWorkspace
      ;;
    *)
      echo "unknown server $s" >&2
      exit 2
      ;;
  esac
done

echo
if [ ${#failed[@]} -gt 0 ]; then
  echo "schemathesis found failures in: ${failed[*]}"
  exit 1
fi
echo "schemathesis: no failures (${servers[*]})"
