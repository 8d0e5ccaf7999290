#!/usr/bin/env bash
# Quick start: installs what is missing, builds, and runs tcpterm in the
# foreground on a net_tap device (kernel side tcpterm0, 10.7.0.1; tcpterm
# answers on 10.7.0.2). Ctrl-C or SIGTERM stops it cleanly: the script execs
# tcpterm, so the signal reaches it directly.
#   deploy/quickstart.sh [tcpterm options, default: --config configs/tap.yaml]
# Environment: BUILD_DIR (build), JOBS (2), TCPTERM_IFACE (tcpterm0),
# TCPTERM_LCORES (0-1; the EAL's --lcores, so 0@0,1@1,2@1 puts three lcores
# on two CPUs), TCPTERM_NO_HUGE=1 to skip hugepages.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-build}
jobs=${JOBS:-2}
iface=${TCPTERM_IFACE:-tcpterm0}
lcores=${TCPTERM_LCORES:-0-1}
hugepages_wanted=512
cd "$repo"

log() { printf 'quickstart: %s\n' "$*"; }
die() { printf 'quickstart: %s\n' "$*" >&2; exit 1; }

((EUID == 0)) || die "tcpterm needs root for the tap device and hugepages; run: sudo $0 $*"
deploy/install-deps.sh || die "dependencies are missing and could not be installed (see above)."

if [[ ! -f "$build_dir/build.ninja" ]]; then
  log "configuring $build_dir (release)"
  meson setup "$build_dir" --buildtype=release || die "meson setup $build_dir failed (see above)."
fi
log "building $build_dir"
ninja -C "$build_dir" -j "$jobs" || die "the build failed (see above)."
exe=$(find "$build_dir" -name tcpterm -type f -perm -u+x -print -quit)
[[ -n "$exe" ]] || die "the build produced no tcpterm executable in $build_dir (is src/dataplane complete?)."

deploy/ensure-tun.sh || die "net_tap needs /dev/net/tun (see above)."
if ip link show dev "$iface" >/dev/null 2>&1; then
  die "interface $iface already exists: is another tcpterm running? Stop it, or pick another name with TCPTERM_IFACE=tcpterm1."
fi

# Hugepages if they can be had (512 of the default size, hugetlbfs mounted);
# otherwise ordinary memory, which is slower but needs nothing.
memory_args=(--no-huge -m 512 --no-shconf)
nr_hugepages=/proc/sys/vm/nr_hugepages
if [[ -z "${TCPTERM_NO_HUGE:-}" ]] && grep -qs ' hugetlbfs ' /proc/mounts && [[ -w "$nr_hugepages" ]]; then
  before=$(<"$nr_hugepages")
  if ((before < hugepages_wanted)); then
    echo "$hugepages_wanted" >"$nr_hugepages" 2>/dev/null || true
  fi
  free_pages=$(awk '/^HugePages_Free:/ {print $2}' /proc/meminfo)
  if ((free_pages >= hugepages_wanted)); then
    memory_args=(--file-prefix tcpterm)
    log "using hugepages ($free_pages free; vm.nr_hugepages is $(<"$nr_hugepages"), was $before)"
  else
    ((before < hugepages_wanted)) && echo "$before" >"$nr_hugepages" 2>/dev/null || true
    log "only ${free_pages:-0} hugepages free (wanted $hugepages_wanted): using ordinary memory (--no-huge)"
  fi
else
  log "hugetlbfs not mounted or vm.nr_hugepages not writable: using ordinary memory (--no-huge)"
fi

app_args=("$@")
config_given=false
for arg in "${app_args[@]}"; do
  [[ "$arg" == --config || "$arg" == --config=* || "$arg" == -c* ]] && config_given=true
done
$config_given || app_args=(--config configs/tap.yaml "${app_args[@]}")

cat <<EOF
quickstart: starting tcpterm in the foreground; stop it with Ctrl-C.
quickstart: from another shell, try (with configs/tap.yaml):
    curl http://10.7.0.2/
    ping -c 3 10.7.0.2
    echo hello | nc -N 10.7.0.2 7        (echo)
    head -c 1M /dev/zero | nc -N 10.7.0.2 9   (discard)
EOF
command=("$exe" "--lcores=$lcores" --no-pci "--vdev=net_tap0,iface=$iface" "${memory_args[@]}" -- "${app_args[@]}")
log "${command[*]}"
exec "${command[@]}"
