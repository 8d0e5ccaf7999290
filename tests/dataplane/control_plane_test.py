#!/usr/bin/python3
"""The control plane of a running tcpterm: DPDK telemetry (/tcpterm/stats,
/tcpterm/lcores, /tcpterm/connections), the Prometheus endpoint, and SIGHUP
reload (listeners, HTTP body and log level applied, restart-only changes
reported, a broken file refused while the old config keeps serving, and a
log level set by the EAL's --log-level kept over the file's)."""
import os
import re
import signal
import socket
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import harness  # noqa: E402
from harness import check, log  # noqa: E402
from control_plane_test_support import telemetry  # noqa: E402

CONFIG = """
workers: [1]
ports:
  - device: net_tap0
    addresses: [10.7.0.2/24]
    kernel_side: [10.7.0.1/24]
    mtu: {mtu}
listeners:
  - {{ port: 80, app: http }}
{extra_listener}
http: {{ body: "{body}\\n" }}
log: {{ level: {level}, stats_interval_s: 1 }}
prometheus: {{ address: 127.0.0.1, port: 9109 }}
"""


def test(ctx):
    path = ctx.write_config("control.yaml", CONFIG.format(mtu=1500, extra_listener="", body="first", level="info"))
    tcpterm = ctx.tcpterm(path).start()

    status, body = harness.http_get("http://10.7.0.2/")
    check((status, body) == (200, b"first\n"), f"GET /: {status} {body!r}")
    time.sleep(0.3)  # snapshots are refreshed every 100 ms
    stats = telemetry(tcpterm.file_prefix, "/tcpterm/stats")
    log(f"/tcpterm/stats: passive_opens {stats.get('passive_opens')}, rx_packets {stats.get('rx_packets')}")
    check(stats.get("passive_opens") == 1, f"/tcpterm/stats passive_opens {stats.get('passive_opens')}, expected 1")
    lcores = telemetry(tcpterm.file_prefix, "/tcpterm/lcores")
    check(list(lcores) == ["lcore_1"], f"/tcpterm/lcores keys {list(lcores)}, expected ['lcore_1']")

    held = [socket.create_connection(("10.7.0.2", 80), timeout=5) for _ in range(2)]
    time.sleep(0.2)
    connections = telemetry(tcpterm.file_prefix, "/tcpterm/connections")
    log(f"/tcpterm/connections: {connections}")
    established = [c for c in connections if "ESTABLISHED" in c]
    check(len(established) == 2, f"/tcpterm/connections lists {connections}, expected two ESTABLISHED")
    for s in held:
        s.close()

    metrics = urllib.request.urlopen("http://127.0.0.1:9109/metrics", timeout=5).read().decode()
    check('tcpterm_passive_opens_total{lcore="1"}' in metrics and "# TYPE tcpterm_connections gauge" in metrics,
          f"/metrics lacks the expected families:\n{metrics[:500]}")
    # The port's own counters: the tap received the GET and the held connections' frames.
    port_rx = re.search(r'^tcpterm_port_rx_packets_total\{port="\d+",device="net_tap0"\} (\d+)$', metrics, re.M)
    check(port_rx is not None and int(port_rx.group(1)) > 0,
          f"/metrics lacks a non-zero tcpterm_port_rx_packets_total for net_tap0:\n{metrics[-800:]}")
    check('# TYPE tcpterm_port_rx_missed_total counter' in metrics, "/metrics lacks tcpterm_port_rx_missed_total")

    # Reload: new body, new listener, log level, and an MTU change that needs a restart.
    with open(path, "w") as f:
        f.write(CONFIG.format(mtu=1400, extra_listener="  - { port: 8080, app: echo }", body="second",
                              level="debug"))
    tcpterm.process.send_signal(signal.SIGHUP)
    tcpterm.wait_output("reload: listener echo:8080 added")
    tcpterm.wait_output("reload: log level debug\n")
    tcpterm.wait_output("reload: ports changed: restart tcpterm to apply it")
    status, body = harness.http_get("http://10.7.0.2/")
    check((status, body) == (200, b"second\n"), f"GET / after reload: {status} {body!r}")
    echoed = harness.exchange("10.7.0.2", 8080, b"reloaded echo" * 1000, expect_echo=True)
    check(echoed == b"reloaded echo" * 1000, "echo on the reloaded listener returned other bytes")

    # A broken file is refused whole; the running config stays.
    with open(path, "w") as f:
        f.write("ports: [\n")
    tcpterm.process.send_signal(signal.SIGHUP)
    tcpterm.wait_output("reload refused, still running the previous config")
    status, body = harness.http_get("http://10.7.0.2/")
    check((status, body) == (200, b"second\n"), f"GET / after a refused reload: {status} {body!r}")

    tcpterm.wait_output("tcpterm: stats: ")
    tcpterm.wait_output("% since the last line")  # the interval busy share
    tcpterm.stop()
    check(tcpterm.engine("passive_opens") == 6, f"passive_opens {tcpterm.engine('passive_opens')}, expected 6")

    # The EAL's --log-level wins over log.level at start, and on reload too.
    path = ctx.write_config("pinned.yaml", CONFIG.format(mtu=1500, extra_listener="", body="x", level="info"))
    pinned = ctx.tcpterm(path, extra_eal_args=("--log-level=tcpterm:info",)).start()
    with open(path, "w") as f:
        f.write(CONFIG.format(mtu=1500, extra_listener="", body="x", level="debug"))
    pinned.process.send_signal(signal.SIGHUP)
    pinned.wait_output("reload: log level debug: the EAL's --log-level set it")
    check("reload: log level debug\n" not in pinned.output(), "a pinned log level was changed on reload")
    pinned.stop()


harness.main(test)
