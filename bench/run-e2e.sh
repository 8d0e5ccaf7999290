#!/usr/bin/env bash
# run-e2e.sh: the end-to-end benchmark of issue 5. tcpterm and tcpterm-loadgen
# run as two processes joined by a memif link (tcpterm the memif server, one
# worker pinned to core 1; the loadgen the client, its worker on core 0; each
# with its own --file-prefix, --no-huge), short HTTP connections (one request
# each, the server closes first). Prints the loadgen's connections/s,
# requests/s, latency and errors, the spread of its per-second rates, then
# tcpterm's own counters; the commit it names is the one the --build dir was
# built from.
# With --ring, the same in one process: tcpterm-loadgen --ring-server runs
# tcpterm's server (configs/ring-server.yaml) beside the load
# (configs/loadgen-ring.yaml), joined by a net_ring link; with
# --lcores=0@0,1@1,2@0 the server's worker (lcore 1) has CPU 1 and the
# loadgen's worker (lcore 2) shares CPU 0 with the control thread, which
# sleeps. The loadgen prints the server side's counters itself.
# With --tap, the loadgen instead drives the Linux kernel's epoll server
# (bench/linux/epoll_http_server, pinned to core 1) over net_tap in a
# throwaway network namespace: the Linux side of the same measurement.
# With --fast, the loadgen runs its engine-less client (tcpterm-loadgen
# --fast, docs/loadgen.md) instead of a TCP engine per connection, so that
# tcpterm's worker, not the loadgen, is the limit; for the lossless links
# here (memif, net_ring), with --ring or without.
# Before the load it prints what the two CPUs give a polling pair on this
# machine: a cache line's round trip between them (bench/core_pingpong_probe)
# and the time each loses to scheduling gaps in 1 s (bench/cpu_gap_probe).
# Every process runs under `timeout`; the load is bounded by --duration or
# --connections. Builds the executables first when they are missing.
#
# Usage: bench/run-e2e.sh [--build DIR] [--duration S] [--connections N]
#                         [--concurrency C] [--rate R] [--nice N] [--ring | --tap]
#                         [--fast] [--perf]
#   --build        meson build dir (default build-bench; configured with
#                  -Dbenchmarks=enabled if it does not exist)
#   --duration     seconds of load (default 10, at most 60)
#   --connections  stop after N connections instead (0 = use --duration)
#   --concurrency  connections in flight (default 256; see bench/RESULTS.md,
#                  "2026-12-03, late morning", for 1000 against 256)
#   --rate         new connections per second, 0 = as fast as possible (default)
#   --nice         run both sides at this nice value (default 0; -10 keeps them
#                  from being starved by builds on a shared machine)
#   --ring         tcpterm's server inside the loadgen's process, over net_ring
#   --tap          loadgen on net_tap against the kernel's epoll server
#   --fast         the loadgen's engine-less client (tcpterm-loadgen --fast)
#   --memif-server tcpterm|loadgen
#                  which process is the memif server (default tcpterm; the
#                  client side owns the shared memory regions and rings)
#   --zero-copy    tcpterm is the memif client in zero-copy mode (its mbufs are
#                  the shared buffers; implies --memif-server loadgen)
#   --source-ports P-Q  the loadgen's source ports (default 1024-65535: 64,512
#                  tuples, each reopened from TIME-WAIT; fewer shrink tcpterm's
#                  working set)
#   --hugepages    tcpterm's DPDK memory (its mbuf pool; the engine's tables
#                  are heap memory) on 2 MiB hugetlbfs pages (the script
#                  reserves 600 for the run and returns them); the loadgen
#                  stays on --no-huge
#   --memif-ring N slots in each memif ring, a power of two from 256 to 4096
#                  (the PMD's rsize; default 1024)
#   --perf         record tcpterm's worker with `perf record` (memif mode) and
#                  print the top symbols
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build="$repo/build-bench" duration=10 connections=0 concurrency="" rate=0 mode=memif perf=0 niceness=0 fast=()
memif_server=tcpterm zero_copy=0 source_ports=() hugepages=0 memif_ring=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --build) build=$2; shift ;;
    --duration) duration=$2; shift ;;
    --connections) connections=$2; shift ;;
    --concurrency) concurrency=$2; shift ;;
    --rate) rate=$2; shift ;;
    --nice) niceness=$2; shift ;;
    --ring) mode=ring ;;
    --tap) mode=tap ;;
    --perf) perf=1 ;;
    --fast) fast=(--fast) ;;
    --memif-server) memif_server=$2; shift ;;
    --zero-copy) zero_copy=1 memif_server=loadgen ;;
    --source-ports) source_ports=(--source-ports "$2"); shift ;;
    --hugepages) hugepages=1 ;;
    --memif-ring) memif_ring=$2; shift ;;
    -h|--help) sed -n '2,59p' "$0"; exit 0 ;;
    *) echo "run-e2e.sh: unknown option '$1'; see --help." >&2; exit 2 ;;
  esac
  shift
done
# 256 in flight keep tcpterm's worker saturated; 1000 (the default until
# 98eb946) queue ~1000 frames in the link, whose buffers, mbufs and TCBs then
# outgrow the worker's L2: 256 gave 21 to 22 % more conn/s here. The kernel server drops
# SYNs (and the loadgen waits out 1 s RTOs) well below 1000 in flight too.
[[ -n $concurrency ]] || concurrency=256
if (( duration < 1 || duration > 60 )); then
  echo "run-e2e.sh: --duration must be 1..60 s." >&2; exit 2
fi
if [[ $mode == tap && ${#fast[@]} -gt 0 ]]; then
  echo "run-e2e.sh: --fast needs a lossless link (memif or --ring); net_tap to the kernel is not one." >&2; exit 2
fi
if [[ $mode != memif ]] && { (( hugepages || zero_copy )) || [[ $memif_server != tcpterm || -n $memif_ring ]]; }; then
  echo "run-e2e.sh: --memif-server, --zero-copy, --hugepages and --memif-ring are for the memif mode" \
    "(not --ring or --tap)." >&2
  exit 2
fi
memif_args=""
if [[ -n $memif_ring ]]; then
  case $memif_ring in
    256) memif_args=",rsize=8" ;; 512) memif_args=",rsize=9" ;; 1024) memif_args=",rsize=10" ;;
    2048) memif_args=",rsize=11" ;; 4096) memif_args=",rsize=12" ;;
    *) echo "run-e2e.sh: --memif-ring is 256, 512, 1024, 2048 or 4096." >&2; exit 2 ;;
  esac
fi
if [[ $memif_server != tcpterm && $memif_server != loadgen ]]; then
  echo "run-e2e.sh: --memif-server is tcpterm or loadgen." >&2; exit 2
fi
if (( zero_copy )) && [[ $memif_server != loadgen ]]; then
  echo "run-e2e.sh: --zero-copy is a memif client mode: tcpterm must be the client (--memif-server loadgen)." >&2; exit 2
fi
(( EUID == 0 )) || { echo "run-e2e.sh: run as root (DPDK vdevs, network namespaces)." >&2; exit 1; }

tcpterm_exe="$build/src/dataplane/tcpterm"
loadgen_exe="$build/src/loadgen/tcpterm-loadgen"
epoll_exe="$build/bench/epoll_http_server"
if [[ ! -f $build/build.ninja ]]; then
  meson setup "$build" "$repo" -Dbenchmarks=enabled -Dbuildtype=release
fi
ninja -C "$build" -j2 src/dataplane/tcpterm src/loadgen/tcpterm-loadgen bench/epoll_http_server \
  bench/core_pingpong_probe bench/cpu_gap_probe >/dev/null

tmp=$(mktemp -d /tmp/run-e2e.XXXXXX)
server_pid="" netns="" perf_pid="" hugepages_before="" loadgen_pid=""
cleanup() {
  [[ -n $perf_pid ]] && kill -INT "$perf_pid" 2>/dev/null || true
  [[ -n $server_pid ]] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  # A loadgen started first (the memif server) whose tcpterm then failed.
  [[ -n $loadgen_pid ]] && kill -TERM "$loadgen_pid" 2>/dev/null && wait "$loadgen_pid" 2>/dev/null || true
  [[ -n $netns ]] && ip netns del "$netns" 2>/dev/null || true
  [[ -n $hugepages_before ]] && echo "$hugepages_before" > /proc/sys/vm/nr_hugepages || true
  rm -rf "$tmp"
}
trap cleanup EXIT

bound=(--duration "$duration")
(( connections > 0 )) && bound=(--connections "$connections" --duration 60)
load_args=(--concurrency "$concurrency" --rate "$rate" "${bound[@]}" --json "$tmp/result.json" --max-error-rate 0.001
  "${fast[@]}" "${source_ports[@]}")
limit=$(( (connections > 0 ? 60 : duration) + 30 ))

# The commit the executables are built from: the build dir's own source tree
# (a --build of another worktree is not this checkout).
source_dir=$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["directories"]["source"])' \
  "$build/meson-info/meson-info.json" 2>/dev/null || echo "$repo")
commit=$(git -C "$source_dir" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$source_dir" diff --quiet HEAD -- src 2>/dev/null || commit+=" plus uncommitted changes under src/"
[[ $(realpath "$source_dir") == "$(realpath "$repo")" ]] || commit+=" (built from $source_dir)"
echo "machine: $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2}'), $(nproc) cores; commit $commit"
echo "load before: $(uptime)"
# What this run's two CPUs give a polling pair (bench/RESULTS.md: the rate
# follows them on a VM): a cache line's round trip between the worker CPUs,
# and the time each CPU loses to gaps in 1 s of spinning.
echo "core 0 <-> 1: $("$build/bench/core_pingpong_probe" --round-trips 200000 | sed 's/^CPU 0 <-> CPU 1: //')"
taskset -c 0 "$build/bench/cpu_gap_probe" --seconds 1 > "$tmp/gaps0" &
gap_pid=$!
taskset -c 1 "$build/bench/cpu_gap_probe" --seconds 1 > "$tmp/gaps1"
wait "$gap_pid" || true
echo "gaps, core 0: $(cat "$tmp/gaps0")"
echo "gaps, core 1: $(cat "$tmp/gaps1")"

# Steadiness: the loadgen's per-second rates in its output $1, the first
# (start-up) second left out (with --connections the last one may be
# partial). Seconds before the first connection (a loadgen started first,
# waiting for tcpterm) are left out with the first, partial one.
per_second_summary() {
  echo "loadgen conn/s each second after the first: $(grep -oE '^\[ *[0-9.]+s\] conn/s +[0-9]+' "$1" |
    awk '$NF > 0 {seen++} seen > 1 {print $NF}' | sort -n | awk '{v[NR] = $1; m += ($1 >= 1000000)}
      END {if (NR) printf "min %d, median %d, max %d over %d s, %d of them at 1 M or more", v[1], v[int((NR + 1) / 2)], v[NR], NR, m}')"
}

summary() {  # the loadgen's JSON as one line
  /usr/bin/python3 - "$tmp/result.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
h = r["http"]
print(f"RESULT: {h['connections_per_second']:.0f} connections/s, {h['requests_per_second']:.0f} requests/s, "
      f"{h['counters']['requests_ok']} requests in {r['seconds']:.2f} s, errors {h['errors']}, "
      f"latency p50 {h['latency_us']['p50']} us p99 {h['latency_us']['p99']} us p99.9 {h['latency_us']['p99_9']} us")
if "server" in r:  # --ring: the server side's engine, same process
    e = r["server"]["engine"]
    print(f"SERVER: {e['passive_opens']} passive opens, {e['closed_normal']} closed normally, "
          f"{e['closed_reset']} reset, rst_in {e['rst_in']}, rst_out {e['rst_out']}")
EOF
}

if [[ $mode == memif ]]; then
  cat > "$tmp/tcpterm.yaml" <<EOF
workers: [1]
ports:
  - device: net_memif0
    addresses: [192.168.50.2/24]
    gateway: 192.168.50.1
    mtu: 1500
listeners:
  - { port: 80, app: http }
http: { status: 200, content_type: text/plain, body: "hello\n" }
tcp: { max_connections: 65536, max_time_wait: 524288, buffer_count: 8192, buffer_size: 4096, msl_ms: 30000, syn_cookies: auto }
dataplane: { rx_burst: 32, tx_burst: 32, mbufs: 16383, idle_sleep_us: 0 }
log: { level: info, stats_interval_s: 1 }
EOF
  socket="$tmp/memif.sock"
  # The memif server side creates the socket, so it starts first; the loadgen
  # starts its clock only once it has the server's MAC.
  tcpterm_role=server loadgen_role=client
  [[ $memif_server == loadgen ]] && tcpterm_role=client loadgen_role=server
  tcpterm_memif_extra="" tcpterm_eal_extra=()
  # DPDK 22.11's memif zero-copy shares the EAL's memory as one file.
  (( zero_copy )) && tcpterm_memif_extra=",zero-copy=yes" tcpterm_eal_extra=(--single-file-segments)
  tcpterm_memory=(--no-huge -m 1024)
  if (( hugepages )); then
    hugepages_before=$(cat /proc/sys/vm/nr_hugepages)
    echo $((hugepages_before + 600)) > /proc/sys/vm/nr_hugepages
    free_pages=$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)
    (( free_pages >= 520 )) || { echo "run-e2e.sh: only $free_pages free hugepages (520 wanted)" >&2; exit 1; }
    tcpterm_memory=(-m 1024 --huge-unlink)  # no files left behind to hold the pages
  fi
  server_cmd=(nice -n "$niceness" timeout $((limit + 10)) "$tcpterm_exe" --lcores 0@0,1@1 --no-pci "${tcpterm_memory[@]}"
    "${tcpterm_eal_extra[@]}" --file-prefix "e2e-tt-$$" --vdev=net_memif0,role=$tcpterm_role,socket="$socket"$memif_args$tcpterm_memif_extra -- --config "$tmp/tcpterm.yaml")
  loadgen_cmd=(nice -n "$niceness" timeout "$limit" "$loadgen_exe" --lcores 0@1,1@0 --no-pci --no-huge -m 512
    --file-prefix "e2e-lg-$$" --vdev=net_memif0,role=$loadgen_role,socket="$socket"$memif_args
    -- --config "$repo/configs/loadgen-memif.yaml" "${load_args[@]}" --hold)
  # --hold: the loadgen keeps its memif side open after its report until
  # tcpterm has stopped (DPDK 22.11's memif PMD can crash a worker polling a
  # link whose peer just left; docs/loadgen.md).
  start_tcpterm() {
    echo "tcpterm: ${server_cmd[*]:5}"
    "${server_cmd[@]}" > "$tmp/tcpterm.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 100); do grep -q "tcpterm: serving" "$tmp/tcpterm.log" && break; sleep 0.1; done
    grep -q "tcpterm: serving" "$tmp/tcpterm.log" || { cat "$tmp/tcpterm.log"; echo "run-e2e.sh: tcpterm did not start" >&2; exit 1; }
    if (( perf )); then
      # server_pid is `timeout` (nice execs it); tcpterm is its child.
      perf record -g -o "$tmp/perf.data" -p "$(pgrep -P "$server_pid")" > "$tmp/perf.log" 2>&1 &
      perf_pid=$!
    fi
  }
  start_loadgen() {
    echo "loadgen: ${loadgen_cmd[*]:5}"
    "${loadgen_cmd[@]}" > "$tmp/loadgen.log" 2>&1 &
    loadgen_pid=$!
  }
  if [[ $memif_server == tcpterm ]]; then
    start_tcpterm; start_loadgen
  else
    # DPDK 22.11's memif socket is abstract (no file to wait for): the
    # loadgen's banner comes once its port is up.
    loadgen_cmd+=(--wait-neighbour 20)
    start_loadgen
    for _ in $(seq 100); do grep -q "^tcpterm-loadgen: .* load" "$tmp/loadgen.log" && break; sleep 0.1; done
    grep -q "^tcpterm-loadgen: .* load" "$tmp/loadgen.log" || { cat "$tmp/loadgen.log"; echo "run-e2e.sh: the loadgen did not start" >&2; exit 1; }
    start_tcpterm
  fi
  tail -n +1 -f --pid="$loadgen_pid" "$tmp/loadgen.log" > >(grep --line-buffered -v -E '^(EAL|TELEMETRY):') &
  tail_pid=$!
  # Checked every 0.5 s, not faster: on this 2-core VM a grep and a sleep
  # forked ten times a second took about 8 % of both CPUs (perf record -a),
  # time the two workers under test lose.
  while kill -0 "$loadgen_pid" 2>/dev/null && ! grep -q "holding the ports open" "$tmp/loadgen.log"; do
    sleep 0.5
  done
  sleep 0.2; kill "$tail_pid" 2>/dev/null || true
  if [[ -n $perf_pid ]]; then
    kill -INT "$perf_pid"; wait "$perf_pid" || true; perf_pid=""
    perf report -i "$tmp/perf.data" --no-children --sort symbol --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -25
  fi
  kill -INT "$server_pid"; wait "$server_pid" || true; server_pid=""
  kill -TERM "$(pgrep -P "$loadgen_pid")" 2>/dev/null || true  # the loadgen, child of timeout
  status=0
  wait "$loadgen_pid" || status=$?
  loadgen_pid=""
  # The final report's busy share averages over tcpterm's whole run, idle
  # start and end included; its stats line gives each second's.
  echo "tcpterm's worker, busy share each second: $(grep -oE 'busy [0-9.]+ % since the last line' \
    "$tmp/tcpterm.log" | awk '{printf "%s%% ", $2}')"
  per_second_summary "$tmp/loadgen.log"
  echo "tcpterm's counters:"
  sed -n '/received, stopping/,$p' "$tmp/tcpterm.log" | grep -v -E '^(EAL|TELEMETRY):'
elif [[ $mode == ring ]]; then
  loadgen_cmd=(nice -n "$niceness" timeout "$limit" "$loadgen_exe" --lcores=0@0,1@1,2@0 --no-pci --no-huge -m 1024
    --no-shconf --file-prefix "e2e-ring-$$" -- --config "$repo/configs/loadgen-ring.yaml"
    --ring-server "$repo/configs/ring-server.yaml" "${load_args[@]}")
  echo "one process: tcpterm's server worker on lcore 1 (CPU 1), the loadgen's on lcore 2 (CPU 0, beside the control thread); nice $niceness"
  echo "loadgen: ${loadgen_cmd[*]:5}"
  status=0
  "${loadgen_cmd[@]}" 2>&1 | grep --line-buffered -v -E '^(EAL|TELEMETRY):' | tee "$tmp/loadgen.log" || status=${PIPESTATUS[0]}
  per_second_summary "$tmp/loadgen.log"
else
  netns="run-e2e-$$"
  ip netns add "$netns"
  in_ns=(ip netns exec "$netns")
  "${in_ns[@]}" ip link set lo up
  cat > "$tmp/loadgen.yaml" <<EOF
workers: [1]
ports:
  - device: net_tap0
    addresses: [10.78.0.2/24]
    mtu: 1500
    kernel_side: [10.78.0.1/24]
tcp: { max_connections: 65536, max_time_wait: 65536, buffer_count: 8192, buffer_size: 4096, msl_ms: 500, syn_cookies: off }
dataplane: { rx_burst: 32, tx_burst: 32, mbufs: 16383, idle_sleep_us: 0 }
log: { level: warning, stats_interval_s: 0 }
loadgen: { server: 10.78.0.1, port: 80, source_ports: 1024-65535 }
EOF
  # The tap's kernel address exists once the loadgen configured it; the
  # server binds the wildcard address so it can start first.
  "${in_ns[@]}" sysctl -q -w net.ipv4.tcp_tw_reuse=1 net.core.somaxconn=4096 net.ipv4.tcp_max_syn_backlog=4096
  "${in_ns[@]}" nice -n "$niceness" timeout $((limit + 10)) taskset -c 1 "$epoll_exe" 0.0.0.0 80 > "$tmp/epoll.log" 2>&1 &
  server_pid=$!
  sleep 0.5
  loadgen_cmd=(nice -n "$niceness" timeout "$limit" "$loadgen_exe" --lcores 0@1,1@0 --no-pci --no-huge -m 512 --no-shconf
    --file-prefix "e2e-lg-$$" --vdev=net_tap0,iface=e2etap0 -- --config "$tmp/loadgen.yaml" "${load_args[@]}")
  echo "epoll server: taskset -c 1 $epoll_exe 0.0.0.0 80 (network namespace $netns); nice $niceness for both"
  echo "loadgen: ${loadgen_cmd[*]:5}"
  status=0
  "${in_ns[@]}" "${loadgen_cmd[@]}" 2>&1 | grep --line-buffered -v -E '^(EAL|TELEMETRY):' | tee "$tmp/loadgen.log" || status=${PIPESTATUS[0]}
  per_second_summary "$tmp/loadgen.log"
  # The server's CPU time: what one core would serve if the server had it alone.
  epoll_pid=$(pgrep -P "$server_pid" || true)  # server_pid is `timeout` (ip netns exec and nice exec)
  cpu_s=$(awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$epoll_pid/stat" 2>/dev/null || echo 0)
  kill -INT "$server_pid"; wait "$server_pid" || true; server_pid=""
  echo "epoll server's counters (CPU time ${cpu_s} s):"; cat "$tmp/epoll.log"
  /usr/bin/python3 -c "import json,sys; r=json.load(open(sys.argv[1])); c=r['http']['counters']['requests_ok']; print(f'epoll server: {c} connections in {sys.argv[2]} server CPU-seconds = {c/float(sys.argv[2]):.0f} per server CPU-second' if float(sys.argv[2]) > 0 else '')" "$tmp/result.json" "$cpu_s" || true
fi
echo "load after: $(uptime)"
[[ -s $tmp/result.json ]] && summary
exit "$status"
