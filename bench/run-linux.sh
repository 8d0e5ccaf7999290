#!/usr/bin/env bash
# run-linux.sh: the Linux kernel baseline of issue 5, side by side on this
# machine: short HTTP connections over loopback (one request each, the server
# closes first) against bench/linux/epoll_http_server and, when installed,
# nginx with one worker. Server pinned to core 1, client (wrk, ab) to core 0.
# With --tcpterm, the same clients also drive tcpterm itself over net_tap (its
# worker lcore on core 1) in a throwaway network namespace, for the side by side.
# Every run is bounded (<= 20 s); each measurement runs --runs times and the
# median is reported. Sysctls it raises are restored on exit.
#
# Usage: bench/run-linux.sh [--record] [--runs N] [--duration S] [--connections C]
#                           [--ab-requests N] [--build DIR] [--nice N] [--tcpterm]
#   --record       append a dated section with the summary to bench/RESULTS.md
#   --runs         repetitions per measurement (default 3; the median is reported)
#   --duration     wrk run length in seconds (default 10, at most 15)
#   --connections  concurrent client connections for wrk and ab (default 256)
#   --ab-requests  ab -n (default 50000; ab is also stopped after 20 s)
#   --build        meson build dir holding bench/epoll_http_server (default build-bench)
#   --nice         run server and client at this nice value (default 0); on a
#                  machine shared with builds, -10 keeps them from being starved
#   --tcpterm      also measure tcpterm (build-dir/src/dataplane/tcpterm) on net_tap
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
invocation="bench/run-linux.sh $*"
record=0 runs=3 duration=10 connections=256 ab_requests=50000 build="$repo/build-bench" niceness=0 with_tcpterm=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --record) record=1 ;;
    --runs) runs=$2; shift ;;
    --duration) duration=$2; shift ;;
    --connections) connections=$2; shift ;;
    --ab-requests) ab_requests=$2; shift ;;
    --build) build=$2; shift ;;
    --nice) niceness=$2; shift ;;
    --tcpterm) with_tcpterm=1 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "run-linux.sh: unknown option '$1'; see --help." >&2; exit 2 ;;
  esac
  shift
done
if (( duration < 1 || duration > 15 )); then
  echo "run-linux.sh: --duration must be 1..15 s so that each run stays under 20 s." >&2; exit 2
fi

server_core=1 client_core=0
epoll_port=18080 nginx_port=18081
epoll_server="$build/bench/epoll_http_server"
tcpterm_exe="$build/src/dataplane/tcpterm"
for tool in taskset wrk ab curl; do
  command -v "$tool" >/dev/null || { echo "run-linux.sh: '$tool' is missing; apt-get install -y wrk apache2-utils curl util-linux." >&2; exit 1; }
done
if [[ ! -x $epoll_server ]]; then
  echo "run-linux.sh: $epoll_server not found; build it: meson setup $build -Dbenchmarks=enabled -Dbuildtype=release && ninja -C $build bench/epoll_http_server" >&2
  exit 1
fi

if (( with_tcpterm )) && [[ ! -x $tcpterm_exe || ! -e /dev/net/tun ]]; then
  echo "run-linux.sh: --tcpterm needs $tcpterm_exe (ninja -C $build src/dataplane/tcpterm) and /dev/net/tun (deploy/ensure-tun.sh)." >&2
  exit 1
fi

tmp=$(mktemp -d /tmp/run-linux.XXXXXX)
server_pid=""
netns=""
client_prefix=()  # runs clients inside tcpterm's namespace when set
saved_port_range=$(sysctl -n net.ipv4.ip_local_port_range | tr -s '\t ' ' ')
saved_tw_reuse=$(sysctl -n net.ipv4.tcp_tw_reuse)

stop_server() {
  if [[ -n $server_pid ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
cleanup() {
  stop_server
  [[ -n $netns ]] && ip netns del "$netns" 2>/dev/null
  sysctl -q -w net.ipv4.ip_local_port_range="$saved_port_range" net.ipv4.tcp_tw_reuse="$saved_tw_reuse" || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Short connections: many client ports, TIME-WAIT reuse on the client side, descriptors.
ulimit -n "$(ulimit -Hn)"  # the container may cap the hard limit (20000 here): enough for -c <= 1000
sysctl -q -w net.ipv4.ip_local_port_range="1024 65535" net.ipv4.tcp_tw_reuse=1

wait_listening() {  # url
  for _ in $(seq 100); do
    "${client_prefix[@]}" curl -s -m 1 -o /dev/null "$1" && return 0
    sleep 0.1
  done
  echo "run-linux.sh: nothing answers on $1 after 10 s; see $tmp for logs." >&2
  return 1
}

cpu_ticks() {  # pid -> utime + stime of the process, in clock ticks
  awk '{print $14 + $15}' "/proc/$1/stat"
}
core_busy_idle() {  # core -> "busy idle" jiffies from /proc/stat
  awk -v c="cpu$1" '$1 == c {print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6}' /proc/stat
}

# measure NAME PID CLIENT-COMMAND...: runs the client on the client core, prints
# "conns_per_s errors server_cpu_pct core_busy_pct" and keeps the raw output.
measure() {
  local name=$1 pid=$2; shift 2
  local t0 c0 b0 i0 t1 c1 b1 i1 out rate errors
  t0=$(date +%s.%N); c0=$(cpu_ticks "$pid"); read -r b0 i0 < <(core_busy_idle $server_core)
  out=$(timeout 20 "${client_prefix[@]}" nice -n "$niceness" taskset -c $client_core "$@" 2>&1 || true)
  t1=$(date +%s.%N); c1=$(cpu_ticks "$pid"); read -r b1 i1 < <(core_busy_idle $server_core)
  printf '%s\n' "$out" >> "$tmp/$name.log"
  case $1 in
    wrk)
      rate=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
      errors=$(awk '/Socket errors:/ {gsub(",", ""); e += $4 + $6 + $8 + $10} /Non-2xx/ {e += $NF} END {print e + 0}' <<<"$out") ;;
    ab)
      rate=$(awk '/^Requests per second:/ {print $4}' <<<"$out")
      errors=$(awk '/^Failed requests:/ {e += $3} /^Non-2xx responses:/ {e += $3} END {print e + 0}' <<<"$out") ;;
  esac
  local hz; hz=$(getconf CLK_TCK)
  awk -v r="${rate:-0}" -v e="$errors" -v c="$((c1 - c0))" -v hz="$hz" -v t="$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')" \
      -v b="$((b1 - b0))" -v i="$((i1 - i0))" \
      'BEGIN {printf "%.0f %d %.0f %.0f\n", r, e, 100 * c / hz / t, (b + i) ? 100 * b / (b + i) : 0}'
}

median_row() {  # file with one "rate errors cpu busy" line per run -> the median run by rate
  sort -n "$1" | awk '{rows[NR] = $0} END {print rows[int((NR + 1) / 2)]}'
}

declare -a summary
# run_clients SERVER-NAME PID URL: wrk and ab against the server, $runs times each.
run_clients() {
  local server=$1 pid=$2 url=$3
  local -A commands=(
    [wrk]="wrk -t1 -c$connections -d${duration}s --timeout 2s -H 'Connection: close' $url"
    [ab]="ab -q -r -s 5 -n $ab_requests -c $connections $url"
  )
  for client in wrk ab; do
    : > "$tmp/$server-$client.runs"
    for run in $(seq "$runs"); do
      # wrk reconnects per request when the response says Connection: close;
      # ab (no -k) speaks HTTP/1.0, so every request is its own connection.
      if [[ $client == wrk ]]; then
        row=$(measure "$server-$client" "$pid" wrk -t1 "-c$connections" "-d${duration}s" --timeout 2s -H 'Connection: close' "$url")
      else
        row=$(measure "$server-$client" "$pid" ab -q -r -s 5 -n "$ab_requests" -c "$connections" "$url")
      fi
      echo "  $server / $client run $run: conn/s errors server-cpu% core$server_core-busy% = $row"
      echo "$row" >> "$tmp/$server-$client.runs"
    done
    summary+=("$server|$client|${commands[$client]}|$(median_row "$tmp/$server-$client.runs")")
  done
}

start_epoll() {
  nice -n "$niceness" taskset -c $server_core "$epoll_server" 127.0.0.1 $epoll_port 2> "$tmp/epoll.log" &
  server_pid=$!
  wait_listening "http://127.0.0.1:$epoll_port/"
}

start_nginx() {  # a throwaway nginx: one worker on the server core, the same 6-byte body
  mkdir -p "$tmp/nginx/logs"
  local affinity=1 k
  for ((k = 0; k < server_core; ++k)); do affinity+=0; done  # binary CPU mask
  cat > "$tmp/nginx/nginx.conf" <<EOF
daemon off;
worker_processes 1;
worker_cpu_affinity $affinity;
worker_rlimit_nofile $(ulimit -n);
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/logs/error.log warn;
events { worker_connections 16384; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$nginx_port reuseport;
    location / { default_type text/plain; return 200 "hello\n"; }
  }
}
EOF
  nice -n "$niceness" taskset -c $server_core nginx -p "$tmp/nginx" -e "$tmp/nginx/logs/error.log" -c "$tmp/nginx/nginx.conf" &
  server_pid=$!
  wait_listening "http://127.0.0.1:$nginx_port/"
  worker_pid=$(pgrep -P "$server_pid" | head -1)
}

# tcpterm on net_tap in a namespace of its own: worker lcore 1 (core 1), main
# lcore 0; the kernel side of the tap (10.77.0.1) is the client. Same body,
# TIME-WAIT like Linux (2 x 30 s), room for the TIME-WAIT a 10 s run leaves.
start_tcpterm() {
  netns="run-linux-$$"
  ip netns add "$netns"
  client_prefix=(ip netns exec "$netns")
  "${client_prefix[@]}" ip link set lo up
  "${client_prefix[@]}" sysctl -q -w net.ipv4.ip_local_port_range="1024 65535" net.ipv4.tcp_tw_reuse=1
  cat > "$tmp/tcpterm.yaml" <<EOF
workers: [$server_core]
ports:
  - device: net_tap0
    addresses: [10.77.0.2/24]
    gateway: 10.77.0.1
    mtu: 1500
    kernel_side: [10.77.0.1/24]
listeners:
  - { port: 80, app: http }
http: { status: 200, content_type: text/plain, body: "hello\n" }
tcp: { max_connections: 65536, max_time_wait: 524288, buffer_count: 4096, buffer_size: 16384, msl_ms: 30000, syn_cookies: auto }
dataplane: { rx_burst: 32, tx_burst: 32, mbufs: 8191, idle_sleep_us: 0 }
log: { level: warning, stats_interval_s: 0 }
EOF
  "${client_prefix[@]}" nice -n "$niceness" "$tcpterm_exe" -l "0-$server_core" --no-pci --no-huge -m 1024 --no-shconf \
    --file-prefix "run-linux-$$" --vdev=net_tap0,iface=rlbench0 -- --config "$tmp/tcpterm.yaml" > "$tmp/tcpterm.log" 2>&1 &
  server_pid=$!
  wait_listening "http://10.77.0.2/"
}

machine="$(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2}'), $(nproc) cores, kernel $(uname -r)"
load_before=$(uptime)
echo "machine: $machine"
echo "load before: $load_before"

echo "epoll_http_server on core $server_core, clients on core $client_core:"
start_epoll
run_clients epoll "$server_pid" "http://127.0.0.1:$epoll_port/"
stop_server
grep accepted "$tmp/epoll.log" || true

nginx_note=""
if command -v nginx >/dev/null; then
  echo "nginx ($(nginx -v 2>&1 | sed 's/.*: //')), 1 worker on core $server_core:"
  start_nginx
  run_clients nginx "$worker_pid" "http://127.0.0.1:$nginx_port/"
  stop_server
else
  nginx_note="nginx not installed (apt-get install -y nginx-light): skipped"
  echo "$nginx_note"
fi
if (( with_tcpterm )); then
  echo "tcpterm on net_tap, worker lcore $server_core:"
  start_tcpterm
  run_clients tcpterm "$server_pid" "http://10.77.0.2/"
  stop_server
  tail -5 "$tmp/tcpterm.log"
  ip netns del "$netns"
  netns="" client_prefix=()
fi
load_after=$(uptime)
echo "load after: $load_after"

table=$(
  echo "| server | client | conn/s, server on 1 core (median of $runs) | errors | server process CPU % | core $server_core busy % (all tasks) | conn per server-process CPU-second |"
  echo "|---|---|---:|---:|---:|---:|---:|"
  for row in "${summary[@]}"; do
    IFS='|' read -r server client _ result <<<"$row"
    read -r rate errors cpu busy <<<"$result"
    echo "| $server | $client | $rate | $errors | $cpu | $busy | $(awk -v r="$rate" -v c="$cpu" 'BEGIN {print (c > 0 ? int(r * 100 / c) : "n/a")}') |"
  done
)
echo
echo "$table"

if (( record )); then
  build_shown=${build#"$repo"/}  # the build dir as given, relative to the repo when inside it
  {
    echo
    echo "## Linux baseline: bench/run-linux.sh, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "Command: \`$invocation\`. Machine: $machine. Load before: \`${load_before#*load average: }\`, after: \`${load_after#*load average: }\` (1/5/15 min)."
    echo "Server pinned to core $server_core, client to core $client_core, both at nice $niceness; loopback$( (( with_tcpterm )) && echo ' (tcpterm: net_tap)'), one request per connection, server closes first."
    echo "Each figure is the median of $runs runs. Commands (client side, each under \`timeout 20 nice -n $niceness taskset -c $client_core\`):"
    echo
    for row in "${summary[@]}"; do
      IFS='|' read -r server client command _ <<<"$row"
      echo "- $server / $client: \`$command\`"
    done
    echo "- epoll server: \`nice -n $niceness taskset -c $server_core $build_shown/bench/epoll_http_server 127.0.0.1 $epoll_port\`"
    echo "- nginx: 1 worker, \`worker_cpu_affinity\` core $server_core, \`return 200 \"hello\\n\"\` with \`default_type text/plain\`, access_log off"
    [[ -n $nginx_note ]] && echo "- $nginx_note"
    if (( with_tcpterm )); then
      echo "- tcpterm: \`nice -n $niceness $build_shown/src/dataplane/tcpterm -l 0-$server_core --no-pci --no-huge -m 1024 --no-shconf --vdev=net_tap0,iface=rlbench0 -- --config tcpterm.yaml\`"
      echo "  in a throwaway network namespace (clients reach it over the tap, not loopback); worker lcore $server_core, main lcore 0;"
      printf '%s\n' "  config: http body \"hello\\n\", max_time_wait 524288, msl_ms 30000, idle_sleep_us 0 (the script's start_tcpterm)"
    fi
    echo
    echo "$table"
    echo
    echo "conn per server-process CPU-second = conn/s / (server process CPU % / 100): what one core would serve if the"
    echo "server had it to itself. On loopback part of the server's kernel receive work runs in the client's softirq"
    echo "context and is not charged to the server, so this figure flatters Linux."
    if (( with_tcpterm )); then
      echo "tcpterm's worker busy-polls and does a tap read()/write() per burst: its process CPU % counts the polling"
      echo "and the tap syscalls, so its per-CPU-second figure is a floor, not its cost per connection."
    fi
  } >> "$repo/bench/RESULTS.md"
  echo "appended to bench/RESULTS.md"
fi
