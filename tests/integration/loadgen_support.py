"""Shared setup for the loadgen integration tests: a tcpterm with two ports,
its usual tap (the kernel as a client) and a memif server that a
tcpterm-loadgen process joins as the memif client (configs/loadgen-memif.yaml:
tcpterm 192.168.50.2, loadgen 192.168.50.1); or the loadgen's one-process
mode, tcpterm's server inside it on a net_ring link (configs/loadgen-ring.yaml,
configs/ring-server.yaml). The loadgen executable comes from the
TCPTERM_LOADGEN environment variable (meson sets it)."""

import json
import os
import signal
import subprocess
import threading

import harness
from harness import TestFailure, TestSkipped, check, log

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


def memif_socket(ctx):
    return os.path.join(ctx.tmp.name, "memif.sock")


def start_tcpterm(ctx, config_path, role="server"):
    """tcpterm on the memif link, by default as its server (started first);
    role="client" joins a loadgen that run_loadgen(role="server") started."""
    socket = memif_socket(ctx)
    tcpterm = ctx.tcpterm(config_path, extra_eal_args=[f"--vdev=net_memif0,role={role},socket={socket}"])
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


def run_loadgen(ctx, socket, options, on_started=None, role="client"):
    """Runs tcpterm-loadgen on the memif link until its final report. It is
    started with --hold: it then keeps its memif side open until release(),
    so the test stops tcpterm first. (DPDK 22.11's memif PMD unmaps a link's
    shared memory from its interrupt thread when the peer leaves, which can
    crash a worker that is inside rx_burst at that moment.) on_started() is
    called once the loadgen announces its run (its EAL and port are up);
    with role="server" the loadgen is the memif server, and on_started is
    where tcpterm joins it."""
    result_path = os.path.join(ctx.tmp.name, "loadgen.json")
    command = [loadgen_executable(), "--lcores", "0@0,1@0", "--no-pci", "--no-huge", "-m", "256", "--no-shconf",
               "--file-prefix", f"loadgen-it-{os.getpid()}", f"--vdev=net_memif0,role={role},socket={socket}",
               "--", "--config", os.path.join(ctx.source_dir, "configs", "loadgen-memif.yaml"),
               "--json", result_path, "--quiet", "--hold", *options]
    process = _spawn(command)
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
    return LoadgenRun(process, output, _read_results(result_path))


def check_clean_load(results, connections):
    """The loadgen's side of a clean HTTP run (its --json results): every one
    of `connections` opened and answered, no error, no RST either way."""
    check(results is not None, "tcpterm-loadgen wrote no --json results")
    http = results["http"]
    log(f"loadgen: {http['counters']['requests_ok']} requests, {http['errors']} errors, "
        f"{http['connections_per_second']:.0f} connections/s")
    check(http["counters"]["connections_opened"] == connections,
          f"connections_opened {http['counters']['connections_opened']}, expected {connections}")
    check(http["counters"]["requests_ok"] == connections,
          f"requests_ok {http['counters']['requests_ok']}, expected {connections}")
    check(http["errors"] == 0, f"loadgen counted {http['errors']} errors: {http['counters']}")
    check(results["engine"]["rst_in"] == 0 and results["engine"]["rst_out"] == 0,
          f"the loadgen's engine saw RSTs: in {results['engine']['rst_in']}, out {results['engine']['rst_out']}")


EAL_FAILED = "the DPDK EAL could not start"


def run_loadgen_ring(ctx, options, server_config=None, while_running=None):
    """Runs tcpterm-loadgen's one-process mode to its end: the shipped
    configs/loadgen-ring.yaml with --ring-server configs/ring-server.yaml
    (or `server_config`), the server's worker on CPU 1 and the loadgen's on
    CPU 0 (both on CPU 0 on a one-CPU machine). `while_running`, if given,
    runs on a thread of its own while the process does. Raises TestSkipped
    when the EAL cannot start here."""
    result_path = os.path.join(ctx.tmp.name, "loadgen.json")
    lcores = "0@0,1@1,2@0" if (os.cpu_count() or 1) >= 2 else "0@0,1@0,2@0"
    configs = os.path.join(ctx.source_dir, "configs")
    command = [loadgen_executable(), f"--lcores={lcores}", "--no-pci", "--no-huge", "-m", "1024", "--no-shconf",
               "--file-prefix", f"loadgen-ring-it-{os.getpid()}",
               "--", "--config", os.path.join(configs, "loadgen-ring.yaml"),
               "--ring-server", server_config or os.path.join(configs, "ring-server.yaml"),
               "--json", result_path, "--quiet", *options]
    process = _spawn(command)
    watcher = threading.Thread(target=while_running, daemon=True) if while_running else None
    if watcher:
        watcher.start()
    try:
        output, _ = process.communicate(timeout=LOADGEN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        raise TestFailure(f"tcpterm-loadgen did not finish within {LOADGEN_TIMEOUT_S} s; output:\n{output}")
    finally:
        if watcher:
            watcher.join(timeout=10)
    for line in output.splitlines():
        if not line.startswith(("EAL:", "TELEMETRY:")):
            print(f"[loadgen] {line}", flush=True)
    if process.returncode == 2 and EAL_FAILED in output:
        raise TestSkipped(f"the DPDK EAL cannot start here; tcpterm-loadgen said:\n{output}")
    return LoadgenRun(process, output, _read_results(result_path))


def loadgen_executable():
    exe = os.environ.get("TCPTERM_LOADGEN")
    if not exe or not os.access(exe, os.X_OK):
        raise TestFailure(f"TCPTERM_LOADGEN={exe!r} is not an executable tcpterm-loadgen")
    return exe


def _spawn(command):
    log("running: " + " ".join(command))
    return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, errors="replace", preexec_fn=harness._die_with_parent)


def _read_results(path):
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)
