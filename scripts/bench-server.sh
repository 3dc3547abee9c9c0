#!/usr/bin/env bash
# Throughput of the generated server against the hand-written axum baseline
# doing the same work (`examples/src/in_memory.rs` vs `examples/src/baseline.rs`):
# both release binaries run on loopback, wrk loads each route for a fixed time,
# servers alternated within every round; prints per-route medians (requests/s)
# and the ratio generated/baseline (1.00 = as fast as the hand-written handler).
#
#   scripts/bench-server.sh [ROUNDS] [SECONDS]          (defaults 5 and 5)
#   scripts/bench-server.sh --instructions [REQUESTS]   (default 2000)
#
# Routes: `GET /public/v1/workspaces/{id}` (path parameter, stored workspace
# as JSON) and `POST /public/v1/workspaces` (JSON body decoded, stored, echoed).
# wrk: $WRK_THREADS threads (default 1), $WRK_CONNECTIONS connections (default 16).
# With two or more cores the server is pinned to the last core and wrk to the
# others (taskset), so the two do not share one.
#
# --instructions runs each server under `valgrind --tool=callgrind` and counts
# instructions per request: the difference between a run of REQUESTS and one of
# 3×REQUESTS requests (curl, one keep-alive connection), divided by 2×REQUESTS,
# so start-up and router construction cancel out. Repeatable on a busy machine,
# where requests/s are not.
#
# Bounded: ROUNDS × 2 servers × 2 routes × SECONDS of load, plus the build.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=throughput
if [ "${1:-}" = "--instructions" ]; then
  mode=instructions
  requests=${2:-2000}
else
  rounds=${1:-5}
  seconds=${2:-5}
fi
threads=${WRK_THREADS:-1}
connections=${WRK_CONNECTIONS:-16}

# ONE_PASS=1: the server checks JSON bodies while decoding them (openapi-runtime's `one-pass`).
cargo build -q --release -p airbyte-examples ${ONE_PASS:+--features one-pass} --bin config-in-memory --bin config-in-memory-baseline
gen=target/release/config-in-memory
base=target/release/config-in-memory-baseline

tmp=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT

body='{"name":"Benchmark workspace","organizationId":"9924bcd0-99be-453d-ba47-c2c9766f7da5","notifications":{"failure":{"email":{"enabled":true},"webhook":{"enabled":true,"url":"https://hooks.example.com/failure"}},"success":{"email":{"enabled":false}}}}'
printf '%s' "$body" >"$tmp/body.json"
cat >"$tmp/post.lua" <<EOF
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '$body'
EOF

cores=$(nproc)
server_cpu=()
client_cpu=()
if [ "$cores" -ge 2 ] && command -v taskset >/dev/null; then
  server_cpu=(taskset -c "$((cores - 1))")
  client_cpu=(taskset -c "0-$((cores - 2))")
fi

# Start binary $2 (under the command prefix in the remaining arguments) on a
# free port; sets URL and PID.
# shellcheck source=scripts/serve.sh
. scripts/serve.sh # the working directory is the workspace root here
start() {
  local name=$1 binary=$2
  shift 2
  serve "$name" "$tmp/$name.log" 600 "$@" "$binary"
}

stop() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# Create one workspace; prints the URL of the GET route for it.
seed() {
  local id
  id=$(curl -sf -H 'Content-Type: application/json' --data-binary @"$tmp/body.json" "$1/public/v1/workspaces" |
    grep -o '"workspaceId":"[0-9a-f-]*"' | cut -d'"' -f4)
  [ -n "$id" ] || { echo "seeding $1 failed" >&2; exit 1; }
  echo "$1/public/v1/workspaces/$id"
}

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

if [ "$mode" = instructions ]; then
  command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }
  # Instructions of a whole server process that answered N requests of one route.
  count() {
    local name=$1 binary=$2 route=$3 n=$4 out="$tmp/callgrind.$1.$3.$4"
    start "$name" "$binary" valgrind --tool=callgrind --callgrind-out-file="$out" --dump-instr=no
    local get_url urls=()
    get_url=$(seed "$URL")
    local target=$URL/public/v1/workspaces
    [ "$route" = GET ] && target=$get_url
    for _ in $(seq "$n"); do urls+=("$target"); done
    if [ "$route" = GET ]; then
      curl -sf "${urls[@]}" >/dev/null
    else
      curl -sf -H 'Content-Type: application/json' --data-binary @"$tmp/body.json" "${urls[@]}" >/dev/null
    fi
    stop "$PID"
    grep -m1 '^summary:' "$out" | awk '{print $2}'
  }
  printf '%-6s %14s %14s %8s  (instructions per request)\n' route generated baseline ratio
  for route in GET POST; do
    declare -A per=()
    for server in generated baseline; do
      bin=$gen
      [ "$server" = baseline ] && bin=$base
      small=$(count "$server" "$bin" "$route" "$requests")
      large=$(count "$server" "$bin" "$route" "$((3 * requests))")
      per[$server]=$(((large - small) / (2 * requests)))
    done
    printf '%-6s %14s %14s %7.2fx\n' "$route" "${per[generated]}" "${per[baseline]}" \
      "$(awk -v g="${per[generated]}" -v b="${per[baseline]}" 'BEGIN {print g / b}')"
  done
  exit 0
fi

command -v wrk >/dev/null || { echo "wrk is not installed (Debian: apt-get install wrk)" >&2; exit 1; }
# Requests per second of one wrk run.
load() {
  local url=$1 route=$2 extra=()
  [ "$route" = POST ] && extra=(-s "$tmp/post.lua")
  "${client_cpu[@]}" wrk -t"$threads" -c"$connections" -d"${seconds}s" "${extra[@]}" "$url" |
    awk '/^Requests\/sec:/ {print $2}'
}

declare -A results=()
for round in $(seq "$rounds"); do
  # Alternate which server goes first, so a drift in machine load favours neither.
  order=(generated baseline)
  [ $((round % 2)) -eq 0 ] && order=(baseline generated)
  for server in "${order[@]}"; do
    bin=$gen
    [ "$server" = baseline ] && bin=$base
    start "$server" "$bin" "${server_cpu[@]}"
    get_url=$(seed "$URL")
    g=$(load "$get_url" GET)
    p=$(load "$URL/public/v1/workspaces" POST)
    stop "$PID"
    results[$server.GET]+="$g "
    results[$server.POST]+="$p "
    echo "round $round $server: GET $g/s POST $p/s" >&2
  done
done

printf '%-6s %12s %12s %8s  (requests/s, median of %s rounds of %ss; wrk -t%s -c%s)\n' \
  route generated baseline ratio "$rounds" "$seconds" "$threads" "$connections"
for route in GET POST; do
  g=$(printf '%s\n' ${results[generated.$route]} | median)
  b=$(printf '%s\n' ${results[baseline.$route]} | median)
  printf '%-6s %12.0f %12.0f %7.2fx\n' "$route" "$g" "$b" "$(awk -v g="$g" -v b="$b" 'BEGIN {print g / b}')"
done
