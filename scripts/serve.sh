# Sourced by the scripts that start a generated server on loopback.
#
# serve NAME LOG TRIES [PREFIX...] BINARY: start BINARY (behind PREFIX, such as
# `taskset -c 0` or valgrind) on 127.0.0.1 with a free port, logging to LOG;
# waits up to TRIES × 50 ms for the URL it prints. Sets URL and PID, and
# appends PID to the caller's `pids` array (the caller's EXIT trap stops them).
URL=""
PID=""
serve() {
  local name=$1 log=$2 tries=$3
  shift 3
  "$@" --host 127.0.0.1 --port 0 >"$log" 2>&1 &
  PID=$!
  pids+=("$PID")
  URL=""
  for _ in $(seq "$tries"); do
    URL=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$log" | head -n1 || true)
    [ -n "$URL" ] && return 0
    sleep 0.05
  done
  echo "$name did not start:" >&2
  cat "$log" >&2
  exit 1
}
