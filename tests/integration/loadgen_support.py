"""Shared setup for the loadgen integration tests: a tcpterm with two ports,
its usual tap (the kernel as a client) and a memif server that a
tcpterm-loadgen process joins as the memif client (configs/loadgen-memif.yaml:
tcpterm 192.168.50.2, loadgen 192.168.50.1). The loadgen executable comes
from the TCPTERM_LOADGEN environment variable (meson sets it)."""

import json
import os
import signal
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


HOLD_LINE = "tcpterm-loadgen: holding the ports open"


class LoadgenRun:
    """A finished load: exit code (None while the loadgen holds its port
    open), output, parsed --json results, and the still-running process."""

    def __init__(self, process, output, results):
        self.process = process
        self.output = output
        self.results = results
        self.code = process.poll()

    def release(self):
        """Lets a holding loadgen close its port and exit; returns its exit code."""
        if self.code is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.code = self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise TestFailure("tcpterm-loadgen did not exit within 20 s of SIGTERM")
        return self.code


def run_loadgen(ctx, socket, options, on_started=None):
    """Runs tcpterm-loadgen on the memif link until its final report. It is
    started with --hold: it then keeps its memif side open until release(),
    so the test stops tcpterm first. (DPDK 22.11's memif PMD unmaps a link's
    shared memory from its interrupt thread when the peer leaves, which can
    crash a worker that is inside rx_burst at that moment.) on_started() is
    called once the loadgen announces its run (its EAL and port are up)."""
    exe = os.environ.get("TCPTERM_LOADGEN")
    if not exe or not os.access(exe, os.X_OK):
        raise TestFailure(f"TCPTERM_LOADGEN={exe!r} is not an executable tcpterm-loadgen")
    result_path = os.path.join(ctx.tmp.name, "loadgen.json")
    command = [exe, "--lcores", "0@0,1@0", "--no-pci", "--no-huge", "-m", "256", "--no-shconf",
               "--file-prefix", f"loadgen-it-{os.getpid()}", f"--vdev=net_memif0,role=client,socket={socket}",
               "--", "--config", os.path.join(ctx.source_dir, "configs", "loadgen-memif.yaml"),
               "--json", result_path, "--quiet", "--hold", *options]
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
            if line.startswith(HOLD_LINE):
                break
    finally:
        killer.cancel()
    output = "\n".join(lines)
    if not any(line.startswith(HOLD_LINE) for line in lines):
        process.wait(timeout=20)
        if process.returncode == -9:
            raise TestFailure(f"tcpterm-loadgen did not finish within {LOADGEN_TIMEOUT_S} s; output:\n{output}")
    # The rest of its output (nothing, until release) must not fill the pipe.
    threading.Thread(target=lambda: [print(f"[loadgen] {l.rstrip()}", flush=True) for l in process.stdout],
                     daemon=True).start()
    results = None
    if os.path.exists(result_path):
        with open(result_path) as f:
            results = json.load(f)
    return LoadgenRun(process, output, results)
