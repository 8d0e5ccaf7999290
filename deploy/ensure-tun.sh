#!/usr/bin/env bash
# Makes sure /dev/net/tun exists, which DPDK's net_tap needs: loads the tun
# module, or creates the device node when tun is built into the kernel.
# Exits non-zero with a sentence when neither works.
set -euo pipefail

[[ -c /dev/net/tun ]] && exit 0
if command -v modprobe >/dev/null 2>&1; then
  modprobe tun 2>/dev/null || true
fi
if [[ ! -c /dev/net/tun ]] && grep -qw tun /proc/misc 2>/dev/null; then
  mkdir -p /dev/net
  mknod -m 0666 /dev/net/tun c 10 200 2>/dev/null || true
fi
if [[ ! -c /dev/net/tun ]]; then
  echo "ensure-tun: /dev/net/tun is missing and could not be created (modprobe tun failed; in a container, pass --device /dev/net/tun)." >&2
  exit 1
fi
echo "ensure-tun: /dev/net/tun is ready"
