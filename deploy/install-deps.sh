#!/usr/bin/env bash
# Installs, on Debian 12 as root, every package tcpterm's build, tests and
# benchmarks need. Idempotent: it asks dpkg-query first and touches apt only
# when something is missing, so a second run is fast and works offline.
set -euo pipefail

# One package a line, grouped by what needs it.
readonly PACKAGES=(
  # build
  meson ninja-build pkg-config g++
  dpdk dpdk-dev libdpdk-dev
  libboost-dev libyaml-cpp-dev libcli11-dev libspdlog-dev libfmt-dev nlohmann-json3-dev
  # unit tests and benchmarks
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  # integration tests (/usr/bin/python3 with scapy) and the quick start
  python3 python3-scapy curl iproute2 iputils-ping netcat-openbsd util-linux
  iptables tcpdump wrk apache2-utils procps kmod
)

log() { printf 'install-deps: %s\n' "$*"; }
die() { printf 'install-deps: %s\n' "$*" >&2; exit 1; }

if [[ ! -r /etc/debian_version ]] || ! command -v apt-get >/dev/null 2>&1; then
  die "this script installs with apt-get on Debian 12; on another system install these by hand: ${PACKAGES[*]}"
fi

# One dpkg-query for all; unknown packages print nothing and count as missing.
declare -A installed=()
while read -r package status; do
  [[ "$status" == installed ]] && installed[${package%%:*}]=1
done < <(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${PACKAGES[@]}" 2>/dev/null || true)
missing=()
for package in "${PACKAGES[@]}"; do
  [[ -n "${installed[$package]:-}" ]] || missing+=("$package")
done

if ((${#missing[@]} == 0)); then
  log "all ${#PACKAGES[@]} packages are installed"
  exit 0
fi

if ((EUID != 0)); then
  die "missing packages: ${missing[*]}. Run this script as root (sudo $0) to install them."
fi

log "missing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
log "apt-get update"
apt-get update -q || die "apt-get update failed; check the network and /etc/apt/sources.list, then run $0 again."
log "apt-get install ${missing[*]}"
apt-get install -y -q --no-install-recommends "${missing[@]}" ||
  die "apt-get install failed for: ${missing[*]}; the messages above say why. Fix that and run $0 again."
log "installed ${#missing[@]} package(s)"
