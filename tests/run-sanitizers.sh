#!/usr/bin/env bash
# Runs the unit and packetdrill suites under AddressSanitizer and
# UndefinedBehaviorSanitizer (debug build in build-asan/): memory errors,
# leaks and undefined behaviour in the engine, wire, table and timer code
# fail the run. Then the whole dataplane in one DPDK process over net_ring
# (tcpterm-loadgen --ring-server, both clients). The other integration tests
# (net_tap, memif, two processes) are left to tests/run-all.sh.
#   BUILD_DIR=build-x JOBS=4 tests/run-sanitizers.sh [extra meson test args]
# (with extra args, only the meson tests they select run)
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
# The whole dataplane too (ports, worker, engine, apps, load generator), where
# no kernel or hugepages are needed: tcpterm's server and the loadgen in one
# process joined by net_ring, with the engine client and with --fast. A
# sanitizer report aborts the process; errors above --max-error-rate exit 1.
if [[ $# -eq 0 ]]; then
  for mode in engine fast; do
    log "running tcpterm-loadgen --ring-server (${mode} client), 20000 connections"
    flags=(--quiet)
    [[ $mode == fast ]] && flags+=(--fast)
    timeout 300 "$build_dir/src/loadgen/tcpterm-loadgen" --lcores=0@0,1@1,2@0 --no-pci --no-huge \
      -m 1024 --no-shconf -- --config configs/loadgen-ring.yaml \
      --ring-server configs/ring-server.yaml --connections 20000 "${flags[@]}" \
      > "$build_dir/meson-logs/ring-$mode.txt" 2>&1 ||
      { status=1; log "FAILED: see $build_dir/meson-logs/ring-$mode.txt"; tail -20 "$build_dir/meson-logs/ring-$mode.txt"; }
  done
fi
log "build ${built}s, tests $((SECONDS - started - built))s; log: $build_dir/meson-logs/testlog.txt"
exit $((status != 0 ? 1 : 0))
