#!/usr/bin/env bash
# Runs the unit and packetdrill suites under AddressSanitizer and
# UndefinedBehaviorSanitizer (debug build in build-asan/): memory errors,
# leaks and undefined behaviour in the engine, wire, table and timer code
# fail the run. The integration suites are left to tests/run-all.sh: they
# run DPDK processes, which ASan's shadow memory does not suit.
#   BUILD_DIR=build-x JOBS=4 tests/run-sanitizers.sh [extra meson test args]
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-build-asan}
jobs=${JOBS:-2}
cd "$repo"

log() { printf 'run-sanitizers: %s\n' "$*"; }
die() { printf 'run-sanitizers: %s\n' "$*" >&2; exit 1; }
started=$SECONDS

deploy/install-deps.sh || die "dependencies are missing and could not be installed (see above)."

if [[ ! -f "$build_dir/build.ninja" ]]; then
  log "configuring $build_dir (debug, address and undefined sanitizers)"
  wipe=()
  [[ -d "$build_dir/meson-private" ]] && wipe=(--wipe)
  meson setup "$build_dir" "${wipe[@]}" --buildtype=debug -Db_sanitize=address,undefined \
    -Dtests=enabled -Dbenchmarks=disabled ||
    die "meson setup $build_dir failed (see above)."
fi

log "building $build_dir with $jobs jobs"
ninja -C "$build_dir" -j "$jobs" || die "the build failed (see above); no tests were run."
built=$((SECONDS - started))

# Any sanitizer report is fatal; leaks are checked at exit.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
log "running the unit and packetdrill suites"
status=0
# Sanitized debug code runs about 10x slower (the engine's 1 M connection
# churn takes ~110 s here): triple every test's timeout.
meson test -C "$build_dir" --no-rebuild --print-errorlogs --num-processes "$jobs" \
  --timeout-multiplier 3 --suite unit --suite packetdrill "$@" || status=$?
log "build ${built}s, tests $((SECONDS - started - built))s; log: $build_dir/meson-logs/testlog.txt"
exit $((status != 0 ? 1 : 0))
