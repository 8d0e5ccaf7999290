#!/usr/bin/python3
"""Two workers on one two-queue net_tap: the kernel spreads flows over the
queues by its own hash, and each worker's engine must see only its flows.
Many HTTP requests and parallel echo flows succeed, both workers take
connections, and nobody is reset (a flow landing on the wrong engine would be)."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import harness  # noqa: E402
from harness import check, log  # noqa: E402
from control_plane_test_support import telemetry  # noqa: E402

CONFIG = """
workers: [1, 2]
ports:
  - device: net_tap0
    addresses: [10.7.0.2/24]
    kernel_side: [10.7.0.1/24]
listeners:
  - { port: 80, app: http }
  - { port: 7, app: echo }
tcp: { max_connections: 4096, max_time_wait: 4096, buffer_count: 1024, buffer_size: 65536 }
dataplane: { mbufs: 16383, idle_sleep_us: 100 }
log: { stats_interval_s: 0 }
"""


def test(ctx):
    path = ctx.write_config("multiqueue.yaml", CONFIG)
    tcpterm = ctx.tcpterm(path)
    # Three lcores on a two-CPU machine: workers 1 and 2 share CPU 1.
    at = tcpterm.command.index("-l")
    tcpterm.command[at:at + 2] = ["--lcores=0@0,1@1,2@1"]
    tcpterm.start()

    requests = 40
    for _ in range(requests):
        status, body = harness.http_get("http://10.7.0.2/")
        check(status == 200, f"GET / answered {status}")
    payloads = [os.urandom(256 * 1024) for _ in range(8)]
    echoed = harness.exchange_many("10.7.0.2", 7, payloads, expect_echo=True)
    for i, (got, sent) in enumerate(zip(echoed, payloads)):
        check(got == sent, f"echo flow {i}: first difference at {harness.first_difference(got, sent)}")

    time.sleep(0.3)
    lcores = telemetry(tcpterm.file_prefix, "/tcpterm/lcores")
    opens = {name: values["passive_opens"] for name, values in lcores.items()}
    log(f"passive opens per lcore: {opens}")
    check(sorted(opens) == ["lcore_1", "lcore_2"], f"workers {sorted(opens)}, expected lcore_1 and lcore_2")
    check(all(n > 0 for n in opens.values()), f"one worker took no connection: {opens}")
    tcpterm.stop()
    check(tcpterm.engine("passive_opens") == requests + len(payloads),
          f"passive_opens {tcpterm.engine('passive_opens')}, expected {requests + len(payloads)}")
    check(tcpterm.engine("rst_out") == 0, f"tcpterm sent {tcpterm.engine('rst_out')} resets")


harness.main(test)
