# Sourced by the build-time benchmarks (bench-build.sh, bench-peer.sh), so
# both time a rebuild and summarise runs the same way.
#
# rebuild_time TOUCH CMD...: runs CMD once untimed, so that everything it
# needs (dependencies, the crates it does not touch) is built, touches every
# file of TOUCH (a `+`-separated list), then times CMD again. Prints
# "wall cpu": cpu is the user + sys seconds of CMD and its children (cargo,
# rustc), which other processes on a shared machine disturb less than wall.
# CMD's output is dropped; when the untimed run fails it says so and fails.
#
# median X...: the middle value (the lower middle of an even count).
# ratio A B: A / B with two decimals.
rebuild_time() {
  local touch=$1 files wall user sys TIMEFORMAT='%R %U %S'
  shift
  if ! "$@" >/dev/null 2>&1; then
    echo "rebuild_time: \`$*\` fails" >&2
    return 1
  fi
  IFS=+ read -r -a files <<<"$touch"
  touch "${files[@]}"
  read -r wall user sys < <({ time "$@" >/dev/null 2>&1; } 2>&1)
  echo "$wall $(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')"
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v m="$1" -v b="$2" 'BEGIN {printf "%.2f", m / b}'; }
