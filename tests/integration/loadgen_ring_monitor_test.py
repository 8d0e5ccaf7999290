#!/usr/bin/python3
"""The in-process server of tcpterm-loadgen --ring-server is watched like
tcpterm itself: with a server config that sets log.stats_interval_s and a
prometheus section, the run prints "server stats" lines and the server's
/metrics endpoint answers while the load runs, with the passive opens the
server's worker counted so far. Skips only when the DPDK EAL cannot start."""
import os
import re
import socket
import time
import urllib.request

import yaml

import harness
from harness import check
import loadgen_support

DURATION_S = 3


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test(ctx):
    with open(os.path.join(ctx.source_dir, "configs", "ring-server.yaml")) as f:
        config = yaml.safe_load(f)
    port = free_port()
    config["log"] = {"level": "info", "stats_interval_s": 1}
    config["prometheus"] = {"address": "127.0.0.1", "port": port}
    server_config = os.path.join(ctx.tmp.name, "ring-server-monitored.yaml")
    with open(server_config, "w") as f:
        yaml.safe_dump(config, f)

    scrapes = []

    def scrape():
        deadline = time.monotonic() + DURATION_S + 5
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=1) as reply:
                    scrapes.append(reply.read().decode())
            except OSError:
                pass  # not listening yet, or already gone
            time.sleep(0.2)

    run = loadgen_support.run_loadgen_ring(
        ctx, ["--duration", str(DURATION_S), "--concurrency", "100"], server_config=server_config,
        while_running=scrape)
    check(run.code == 0, f"tcpterm-loadgen exited with {run.code} (expected 0); output:\n{run.output}")
    check(f"the server's metrics at http://127.0.0.1:{port}/metrics" in run.output,
          f"the run does not name the server's metrics endpoint; output:\n{run.output}")
    stats = [line for line in run.output.splitlines() if "tcpterm: server stats:" in line]
    check(len(stats) >= 2, f"expected a server stats line a second for {DURATION_S} s, got {len(stats)}; "
          f"output:\n{run.output}")
    busy = [float(m.group(1)) for line in stats for m in [re.search(r"; busy ([0-9.]+) % since the last line", line)]
            if m]
    check(len(busy) == len(stats) and all(0 <= b <= 100 for b in busy) and max(busy) > 0,
          f"the server stats lines lack a busy share in 0..100 % that rose above 0: {stats}")
    opens = [int(m.group(1)) for body in scrapes
             for m in [re.search(r'^tcpterm_passive_opens_total\{lcore="1"\} (\d+)$', body, re.M)] if m]
    check(opens, f"no /metrics scrape during the run named tcpterm_passive_opens_total for lcore 1 "
          f"({len(scrapes)} scrapes)")
    check(max(opens) > 0, f"the server's passive opens never rose above 0 in /metrics: {opens}")
    server = run.results["server"]["engine"]
    check(max(opens) <= server["passive_opens"],
          f"/metrics showed {max(opens)} passive opens, more than the final {server['passive_opens']}")


harness.main(test)
