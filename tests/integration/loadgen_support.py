"""Shared setup for the loadgen integration tests: a tcpterm with two ports,
its usual tap (the kernel as a client) and a memif server that a
tcpterm-loadgen process joins as the memif client (configs/loadgen-memif.yaml:
tcpterm 192.168.50.2, loadgen 192.168.50.1). The loadgen executable comes
from the TCPTERM_LOADGEN environment variable (meson sets it)."""

import json
import os
import subprocess
import threading

import harness
from harness import TestFailure, log

LOADGEN_TIMEOUT_S = 45


def write_tcpterm_config(ctx, syn_cookies="auto"):
    text = f"""
workers: [1]
ports:
  - device: net_tap0
    addresses: [10.7.0.2/24]
    gateway: 10.7.0.1
    mtu: 1500
    kernel_side: [10.7.0.1/24]
  - device: net_memif0
    addresses: [192.168.50.2/24]
    mtu: 1500
listeners:
  - {{ port: 80, app: http }}
http: {{ status: 200, content_type: text/plain, body: "hello\\n" }}
tcp: {{ max_connections: 16384, max_time_wait: 16384, buffer_count: 4096, buffer_size: 4096,
       msl_ms: 30000, syn_cookies: {syn_cookies} }}
dataplane: {{ mbufs: 8191, idle_sleep_us: 0 }}
log: {{ level: info, stats_interval_s: 0 }}
"""
    return ctx.write_config("tcpterm-memif.yaml", text)


def start_tcpterm(ctx, config_path):
    socket = os.path.join(ctx.tmp.name, "memif.sock")
    tcpterm = ctx.tcpterm(config_path, extra_eal_args=[f"--vdev=net_memif0,role=server,socket={socket}"])
    tcpterm.start()
    return tcpterm, socket


def run_loadgen(ctx, socket, options, on_started=None):
    """Runs tcpterm-loadgen to completion on the memif link; returns its exit
    code, output and parsed --json results. on_started() is called once the
    loadgen announces its run (its EAL and port are up)."""
    exe = os.environ.get("TCPTERM_LOADGEN")
    if not exe or not os.access(exe, os.X_OK):
        raise TestFailure(f"TCPTERM_LOADGEN={exe!r} is not an executable tcpterm-loadgen")
    result_path = os.path.join(ctx.tmp.name, "loadgen.json")
    command = [exe, "--lcores", "0@0,1@0", "--no-pci", "--no-huge", "-m", "256", "--no-shconf",
               "--file-prefix", f"loadgen-it-{os.getpid()}", f"--vdev=net_memif0,role=client,socket={socket}",
               "--", "--config", os.path.join(ctx.source_dir, "configs", "loadgen-memif.yaml"),
               "--json", result_path, "--quiet", *options]
    log("running: " + " ".join(command))
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, errors="replace", preexec_fn=harness._die_with_parent)
    killer = threading.Timer(LOADGEN_TIMEOUT_S, process.kill)
    killer.start()
    lines = []
    try:
        for raw in process.stdout:
            line = raw.rstrip("\n")
            lines.append(line)
            if not line.startswith(("EAL:", "TELEMETRY:")):
                print(f"[loadgen] {line}", flush=True)
            if on_started and line.startswith("tcpterm-loadgen: ") and " to " in line:
                on_started()
                on_started = None
        code = process.wait()
    finally:
        killer.cancel()
        if process.poll() is None:
            process.kill()
            process.wait()
    output = "\n".join(lines)
    if code == -9:
        raise TestFailure(f"tcpterm-loadgen did not finish within {LOADGEN_TIMEOUT_S} s; output:\n{output}")
    results = None
    if os.path.exists(result_path):
        with open(result_path) as f:
            results = json.load(f)
    return code, output, results
