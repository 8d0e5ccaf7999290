#!/usr/bin/env bash
# The profile-guided build (deploy/build-pgo.sh) from scratch, then what
# tells whether its optimised code still does the same thing: every suite
# (unit and packetdrill linked against its profiled libraries; integration
# with its tcpterm and loadgen on net_tap, memif and net_ring, IPv4 and
# IPv6), and one bounded end-to-end run over memif with no errors.
#   BUILD_DIR=build-x JOBS=4 tests/run-pgo.sh
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-build-pgo}
jobs=${JOBS:-2}
cd "$repo"

log() { printf 'run-pgo: %s\n' "$*"; }
die() { printf 'run-pgo: %s\n' "$*" >&2; exit 1; }
started=$SECONDS

((EUID == 0)) || die "run as root: the training load and the end-to-end run use DPDK"
deploy/install-deps.sh || die "dependencies are missing and could not be installed (see above)."
deploy/build-pgo.sh --build "$build_dir" --duration 3 || die "deploy/build-pgo.sh failed (see above)."
log "building the tests in $build_dir with $jobs jobs"
ninja -C "$build_dir" -j "$jobs" || die "the build failed (see above); no tests were run."
built=$((SECONDS - started))

status=0
log "running every suite against the profiled build"
meson test -C "$build_dir" --no-rebuild --print-errorlogs --num-processes "$jobs" || status=1
log "running bench/run-e2e.sh --fast --duration 3 with the profiled tcpterm and loadgen"
bench/run-e2e.sh --build "$build_dir" --fast --duration 3 > "$build_dir/run-e2e.log" 2>&1 || {
  cat "$build_dir/run-e2e.log"
  log "the end-to-end run failed (above)"
  status=1
}
grep -E '^RESULT:' "$build_dir/run-e2e.log" || true
log "$( ((status == 0)) && echo passed || echo FAILED ) (build $built s, all $((SECONDS - started)) s)"
exit $status
