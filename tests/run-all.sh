#!/usr/bin/env bash
# Runs every test suite (unit, packetdrill, integration) from a release build
# in build-test/: installs missing packages, configures and builds if needed,
# runs `meson test`, prints a one-line summary and exits non-zero on any
# failure. Works from any directory.
#   BUILD_DIR=build-x JOBS=4 tests/run-all.sh [extra meson test args, e.g. --suite unit]
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-build-test}
jobs=${JOBS:-2}
cd "$repo"

log() { printf 'run-all: %s\n' "$*"; }
die() { printf 'run-all: %s\n' "$*" >&2; exit 1; }
started=$SECONDS

deploy/install-deps.sh || die "dependencies are missing and could not be installed (see above)."
# Without the tun device the integration tests skip; say so up front.
deploy/ensure-tun.sh || log "integration tests will be skipped: no /dev/net/tun"

if [[ ! -f "$build_dir/build.ninja" ]]; then
  log "configuring $build_dir (release, tests and benchmarks enabled)"
  wipe=()
  [[ -d "$build_dir/meson-private" ]] && wipe=(--wipe)  # a half-configured directory from an interrupted run
  meson setup "$build_dir" "${wipe[@]}" --buildtype=release -Dtests=enabled -Dbenchmarks=enabled ||
    die "meson setup $build_dir failed (see above)."
fi

log "building $build_dir with $jobs jobs"
ninja -C "$build_dir" -j "$jobs" || die "the build failed (see above); no tests were run."
built=$((SECONDS - started))

log "running the tests"
status=0
meson test -C "$build_dir" --no-rebuild --print-errorlogs --num-processes "$jobs" "$@" || status=$?

# Counts from meson's own record of this run.
testlog="$build_dir/meson-logs/testlog.json"
if [[ -f "$testlog" ]]; then
  read -r passed failed skipped total < <(/usr/bin/python3 - "$testlog" <<'EOF'
import json, sys
results = [json.loads(line)["result"] for line in open(sys.argv[1]) if line.strip()]
passed = sum(r in ("OK", "EXPECTEDFAIL") for r in results)
skipped = sum(r == "SKIP" for r in results)
print(passed, len(results) - passed - skipped, skipped, len(results))
EOF
  )
else
  passed=0 failed=0 skipped=0 total=0
fi

log "build ${built}s, tests $((SECONDS - started - built))s; log: $build_dir/meson-logs/testlog.txt"
if ((total == 0)); then
  log "no test ran"
  status=1
elif ((status != 0 && failed == 0)); then
  log "meson test exited with status $status without a failing test (see above)"
fi
echo "Summary: $passed passed, $failed failed, $skipped skipped"
exit $((status != 0 ? 1 : 0))
