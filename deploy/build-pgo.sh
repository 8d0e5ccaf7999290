#!/usr/bin/env bash
# Builds tcpterm and tcpterm-loadgen with GCC profile-guided optimisation:
# an instrumented build (meson's b_pgo=generate) first runs a training load,
# tcpterm against the loadgen over memif and net_ring (bench/run-e2e.sh,
# bounded), and the counts it leaves (*.gcda beside the objects) then steer
# the optimised build (b_pgo=use, with b_lto): branch layout, inlining, hot
# and cold code apart. On this project's 2-CPU VM the profile took 5 to 10 %
# off tcpterm's time per connection over memif and 12 % in worker_bench, and
# link-time optimisation with it gave 2 to 9 % more connections/s on top
# (bench/RESULTS.md, "2026-12-03, late afternoon: profile-guided
# optimisation").
#
# Functions the training does not run (much of IPv6, echo, retransmission,
# SYN cookies, the control plane) are optimised as without a profile
# (-fprofile-partial-training), not shrunk as cold code; branches it never
# took inside the functions it ran are still laid out as cold.
#
# Usage (root: the training runs DPDK over memif):
#   deploy/build-pgo.sh [--build DIR] [--duration S]
#     --build     meson build dir to (re)create (default build-pgo)
#     --duration  seconds of each of the three training loads (default 5)
# Then run DIR/src/dataplane/tcpterm as usual; `bench/run-e2e-set.sh --build
# build-bench --build DIR` compares it with the plain build.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$repo/build-pgo" duration=5
usage() { sed -n '/^# Usage/,/^# build-bench/p' "$0" | sed 's/^# \{0,1\}//' >&2; exit "$1"; }
die() { echo "build-pgo.sh: $*" >&2; exit 1; }
while (($#)); do
  case $1 in
    --build) [[ $# -ge 2 ]] || usage 2; build=$(realpath -m "$2"); shift ;;
    --duration) [[ $# -ge 2 ]] || usage 2; duration=$2; shift ;;
    -h | --help) usage 0 ;;
    *) echo "build-pgo.sh: unknown argument $1" >&2; usage 2 ;;
  esac
  shift
done
if ! [[ $duration =~ ^[0-9]+$ ]] || ((duration < 1 || duration > 60)); then
  die "--duration must be a whole number of seconds from 1 to 60, got '$duration'"
fi
((EUID == 0)) || die "run as root: the training load runs DPDK (memif, --no-huge)"

executables=(src/dataplane/tcpterm src/loadgen/tcpterm-loadgen)
# Link-time optimisation as well: with the profile it lets hot calls into
# the wire and engine code of other files be inlined (2 and 9 % more
# connections/s than PGO alone in two alternated sets; LTO without a profile
# was not faster, bench/RESULTS.md).
meson_options=(-Dbuildtype=release -Dbenchmarks=enabled -Db_lto=true -Db_pgo=generate)
if [[ -f $build/build.ninja ]]; then
  # Only a dir this script made is reconfigured: never a plain build dir
  # (build-bench, say) that other measurements rely on.
  pgo=$(meson introspect --buildoptions "$build" |
    /usr/bin/python3 -c 'import json, sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "b_pgo"))')
  [[ $pgo != off ]] ||
    die "$build is a build dir without profile-guided optimisation; give a new one or one this script made"
  meson configure "$build" "${meson_options[@]}" -Dcpp_args= >/dev/null
else
  meson setup "$build" "$repo" "${meson_options[@]}" >/dev/null
fi
echo "build-pgo.sh: instrumented build in $build"
ninja -C "$build" "${executables[@]}"
find "$build" -name '*.gcda' -delete  # counts from an earlier training or source

# The training: both clients over memif with tcpterm the HTTP server, then
# the one-process net_ring form (tcpterm's server inside the loadgen, where
# frames are built in mbufs from a stash). run-e2e.sh bounds each run and
# fails on errors; its per-run report is kept short here.
for mode in "--fast" "" "--fast --ring"; do
  read -ra mode_options <<<"$mode"
  echo "build-pgo.sh: training: bench/run-e2e.sh --build $build $mode --duration $duration"
  out=$("$repo/bench/run-e2e.sh" --build "$build" "${mode_options[@]}" --duration "$duration" 2>&1) ||
    { echo "$out" >&2; die "the training run failed (above)"; }
  grep -E '^RESULT:' <<<"$out" || { echo "$out" >&2; die "the training run printed no RESULT line"; }
done
[[ -n $(find "$build" -name 'worker.cpp.gcda' -print -quit) ]] ||
  die "the training left no profile for the worker (src/dataplane/worker.cpp)"

echo "build-pgo.sh: optimised build in $build"
# No profile is expected for the objects of tests and tools the training
# does not run: -Wno-missing-profile keeps werror from failing on them.
meson configure "$build" -Db_pgo=use -Dcpp_args="-fprofile-partial-training -Wno-missing-profile" >/dev/null
ninja -C "$build" "${executables[@]}"
echo "build-pgo.sh: done: $build/src/dataplane/tcpterm and $build/src/loadgen/tcpterm-loadgen"
