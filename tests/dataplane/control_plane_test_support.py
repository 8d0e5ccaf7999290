"""Helpers for the dataplane system tests: DPDK telemetry over its socket."""
import json
import socket

from harness import check


def telemetry(prefix, command, timeout_s=10):
    """One DPDK telemetry command over the v2 socket; returns its value."""
    path = f"/var/run/dpdk/{prefix}/dpdk_telemetry.v2"
    with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as s:
        s.settimeout(timeout_s)
        s.connect(path)
        json.loads(s.recv(16384))  # greeting: version, pid, max_output_len
        s.send(command.encode())
        reply = json.loads(s.recv(1 << 20))
    key = command.split(",")[0]  # the reply is keyed without the parameters
    check(key in reply, f"telemetry {command}: unexpected reply {reply}")
    return reply[key]
