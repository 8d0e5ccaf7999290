#!/usr/bin/env bash
# run-e2e-set.sh: bench/run-e2e.sh repeated, for figures that hold on a noisy
# machine. On the 2-vCPU VM of bench/RESULTS.md the same binaries swing by a
# factor of 1.5 from run to run with where the host places the two vCPUs, so
# one run says little and two builds are compared only alternated: run 1 of
# every build and mode, then run 2 of each, and so on. Each run prints one
# line (UTC time, build, mode, the core-to-core round trip run-e2e.sh measured
# first, conn/s, the busy shares of tcpterm's worker, the median of its
# full seconds over memif, and of the loadgen's, over its whole run, and
# each side's busy time per connection, share / rate);
# the end prints the median, minimum and maximum conn/s per build and mode.
#
# Usage: bench/run-e2e-set.sh [--build DIR]... [--runs N] [--duration S]
#                             [--mode MODE]...
#   --build     meson build dir (repeat to alternate builds; default build-bench)
#   --runs      runs of each build and mode (default 3)
#   --duration  seconds of load per run (default 8)
#   --mode      fast: --fast over memif; normal: the engine client over memif;
#               ring: --fast --ring; ring-normal: --ring (repeatable; default fast);
#               @C appended (fast@256) runs that mode at --concurrency C;
#               /lg appended (fast/lg, fast@1000/lg) makes the loadgen the
#               memif server and tcpterm the client (run-e2e.sh --memif-server),
#               /zc the same with tcpterm's side zero-copy (run-e2e.sh --zero-copy);
#               /hp runs tcpterm on 2 MiB hugepages (run-e2e.sh --hugepages);
#               /rN gives memif rings of N slots (run-e2e.sh --memif-ring N);
#               %N (fast%8192, before any @C) gives the loadgen N source ports
#               from 1024 (run-e2e.sh --source-ports)
# Example, an A/B of two commits' builds:
#   bench/run-e2e-set.sh --build /tmp/build-a --build /tmp/build-b --runs 5
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
builds=() modes=() runs=3 duration=8
while [[ $# -gt 0 ]]; do
  case $1 in
    --build) builds+=("$2"); shift ;;
    --runs) runs=$2; shift ;;
    --duration) duration=$2; shift ;;
    --mode) modes+=("$2"); shift ;;
    -h|--help) sed -n '2,29p' "$0"; exit 0 ;;
    *) echo "run-e2e-set.sh: unknown option '$1'; see --help." >&2; exit 2 ;;
  esac
  shift
done
(( ${#builds[@]} )) || builds=("$repo/build-bench")
(( ${#modes[@]} )) || modes=(fast)
if ! [[ $runs =~ ^[0-9]+$ ]] || (( runs < 1 || runs > 50 )); then
  echo "run-e2e-set.sh: --runs must be 1..50." >&2; exit 2
fi

mode_args() {
  local re='^(fast|normal|ring|ring-normal)(%([0-9]+))?(@([0-9]+))?((/(lg|zc|hp|r[0-9]+))*)$'
  if ! [[ $1 =~ $re ]]; then
    echo "run-e2e-set.sh: bad mode '$1' (fast, normal, ring or ring-normal, then %N, @C, /lg, /zc, /hp, /rN)." >&2
    return 1
  fi
  local name=${BASH_REMATCH[1]} ports=${BASH_REMATCH[3]} concurrency=${BASH_REMATCH[5]}
  local modifiers=${BASH_REMATCH[6]}
  if [[ -n $ports ]]; then
    if (( ports < 1 || ports > 64512 )); then
      echo "run-e2e-set.sh: bad port count in mode '$1' (1..64512)." >&2; return 1
    fi
    echo -n "--source-ports 1024-$((1023 + ports)) "
  fi
  if [[ -n $concurrency ]]; then
    (( concurrency >= 1 )) || { echo "run-e2e-set.sh: bad concurrency in mode '$1'." >&2; return 1; }
    echo -n "--concurrency $concurrency "
  fi
  if [[ -n $modifiers && $name == ring* ]]; then
    echo "run-e2e-set.sh: /lg, /zc, /hp and /rN are for the memif modes, not '$1'." >&2; return 1
  fi
  [[ $modifiers == */lg* ]] && echo -n "--memif-server loadgen "
  [[ $modifiers == */zc* ]] && echo -n "--zero-copy "
  [[ $modifiers == */hp* ]] && echo -n "--hugepages "
  [[ $modifiers =~ /r([0-9]+) ]] && echo -n "--memif-ring ${BASH_REMATCH[1]} "
  case $name in
    fast) echo "--fast" ;;
    normal) echo "" ;;
    ring) echo "--fast --ring" ;;
    ring-normal) echo "--ring" ;;
  esac
}
for mode in "${modes[@]}"; do mode_args "$mode" >/dev/null || exit 2; done

declare -A built_from  # build dir -> the commit run-e2e.sh says it was built from
results=$(mktemp /tmp/run-e2e-set.XXXXXX)
trap 'rm -f "$results"' EXIT
printf '%-8s  %-24s  %-11s  %10s  %10s  %13s  %8s  %s\n' "UTC" "build" "mode" "round trip" "conn/s" "tcpterm" "loadgen" \
  "ns per connection: tcpterm, loadgen"
for ((run = 1; run <= runs; ++run)); do
  for build in "${builds[@]}"; do
    for mode in "${modes[@]}"; do
      # shellcheck disable=SC2046  # mode_args is a list of words
      out=$("$repo/bench/run-e2e.sh" --build "$build" --duration "$duration" $(mode_args "$mode") 2>&1) || {
        echo "run-e2e-set.sh: run-e2e.sh failed ($build, $mode); its output:" >&2
        echo "$out" | tail -20 >&2
        exit 1
      }
      built_from[$build]=$(grep -oE '; commit .*' <<<"$out" | head -1 | sed 's/^; commit //')
      round_trip=$(grep -oE 'core 0 <-> 1: [0-9]+ ns' <<<"$out" | grep -oE '[0-9]+ ns' || echo "?")
      rate=$(grep -oE '^RESULT: [0-9]+' <<<"$out" | grep -oE '[0-9]+$' || echo 0)
      # tcpterm's busy share: the median of its per-second shares without the
      # first and last (partial) seconds where run-e2e.sh prints them (memif),
      # else the final report's whole-run share, which idle start and end dilute.
      server_busy=$(/usr/bin/python3 -c '
import statistics, sys
for line in sys.stdin:
    if "busy share each second:" in line:
        shares = [float(v) for v in line.split(":", 1)[1].replace("%", " ").split()][1:-1]
        if shares:
            print(f"{statistics.median(shares):.1f} %")
        break' <<<"$out")
      [[ -n $server_busy ]] || server_busy=$(awk '$1 == "busy" {print $2 " % (run)"; exit}' <<<"$out")
      client_busy=$(grep -oE '^loadgen workers: [0-9.]+ %' <<<"$out" | grep -oE '[0-9.]+ %' || echo "?")
      # Each side's busy time per connection: the host slows one vCPU at a
      # time, and this shows which (bench/RESULTS.md, "2026-12-03, midday").
      per_connection=$(awk -v r="$rate" -v s="${server_busy%% *}" -v c="${client_busy%% *}" \
        'BEGIN {if (r > 0 && s + 0 > 0 && c + 0 > 0) printf "%5.0f %5.0f", s * 1e7 / r, c * 1e7 / r; else print "    ?     ?"}')
      printf '%-8s  %-24s  %-11s  %10s  %10s  %13s  %8s  %s\n' "$(date -u +%H:%M:%S)" "$(basename "$build")" \
        "$mode" "$round_trip" "$rate" "${server_busy:-?}" "$client_busy" "$per_connection"
      echo "$(basename "$build") $mode $rate" >> "$results"
    done
  done
done

echo
for build in "${builds[@]}"; do echo "$(basename "$build"): commit ${built_from[$build]:-?}"; done
echo "conn/s per build and mode, $runs run(s) each of $duration s:"
/usr/bin/python3 - "$results" <<'EOF'
import statistics, sys
from collections import defaultdict
rates = defaultdict(list)
for line in open(sys.argv[1]):
    build, mode, rate = line.split()
    rates[(build, mode)].append(int(rate))
for (build, mode), values in rates.items():
    print(f"  {build:24s} {mode:11s} median {statistics.median(values):>10.0f}  "
          f"min {min(values):>9d}  max {max(values):>9d}  ({', '.join(map(str, values))})")
EOF
