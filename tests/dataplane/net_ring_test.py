#!/usr/bin/python3
"""tcpterm on a net_ring port (--vdev=net_ring0, a ring inside the process
that loops every queue's TX back to its RX), as a one-process setup uses
it: configs/ring.yaml with one worker, then two workers on two queues. Each
start reports the port as serving, DPDK telemetry lists net_ring0 with as
many queues as workers, and the stop is clean (exit 0, final counters).
On net_ring each worker keeps a stash of mbufs, and the pool must hold it:
one mbuf short of that is refused with an error naming the stash, while a
net_tap port (no stash) starts with fewer."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import harness  # noqa: E402
from harness import check, log  # noqa: E402
from control_plane_test_support import telemetry  # noqa: E402

TWO_WORKERS = """
workers: [1, 2]
ports:
  - device: net_ring0
    addresses: [10.8.0.2/24]
listeners:
  - { port: 80, app: http }
dataplane: { mbufs: 16383, idle_sleep_us: 100 }
log: { stats_interval_s: 0 }
"""


# Per queue pair with the default dataplane settings: 1024 + 1024 descriptors,
# two bursts of 32 and the mempool cache of 256; net_ring adds a stash of 64.
WITHOUT_STASH = 1024 + 1024 + 32 + 32 + 256
WITH_STASH = WITHOUT_STASH + 64

ONE_WORKER_MBUFS = """
workers: [1]
ports:
  - device: {device}
    addresses: [10.8.0.2/24]
listeners:
  - {{ port: 80, app: http }}
dataplane: {{ mbufs: {mbufs}, idle_sleep_us: 100 }}
log: {{ stats_interval_s: 0 }}
"""


def ring_tcpterm(ctx, config_path, workers=1):
    tcpterm = ctx.tcpterm(config_path)
    at = tcpterm.command.index(f"--vdev=net_tap0,iface={tcpterm.interface}")
    tcpterm.command[at] = "--vdev=net_ring0"
    if workers == 2:  # three lcores on a two-CPU machine: workers 1 and 2 share CPU 1
        at = tcpterm.command.index("-l")
        tcpterm.command[at:at + 2] = ["--lcores=0@0,1@1,2@1"]
    return tcpterm


def on_ring(ctx, config_path, workers):
    tcpterm = ring_tcpterm(ctx, config_path, workers).start()
    check("serving on net_ring0 10.8.0.2" in tcpterm.output() and f"with {workers} worker" in tcpterm.output(),
          f"tcpterm did not report serving on net_ring0 with {workers} worker(s); its output:\n{tcpterm.output()}")
    tcpterm.wait_output("is a ring inside this process")  # printed after the ready line
    ports = telemetry(tcpterm.file_prefix, "/ethdev/list")
    check(ports == [0], f"telemetry /ethdev/list: {ports}, expected [0]")
    info = telemetry(tcpterm.file_prefix, "/ethdev/info,0")
    log(f"/ethdev/info,0: name {info.get('name')}, rx queues {info.get('nb_rx_queues')}, "
        f"tx queues {info.get('nb_tx_queues')}, started {info.get('dev_started')}")
    check(info.get("name") == "net_ring0" and info.get("nb_rx_queues") == workers and
          info.get("nb_tx_queues") == workers and info.get("dev_started") == 1,
          f"telemetry /ethdev/info,0: {info}")
    tcpterm.stop()


def pool_holds_the_stash(ctx):
    short = ring_tcpterm(ctx, ctx.write_config("ring-short.yaml", ONE_WORKER_MBUFS.format(
        device="net_ring0", mbufs=WITH_STASH - 1))).launch()
    code = short.wait_exit()
    check(code == 1, f"net_ring with {WITH_STASH - 1} mbufs: exit {code}, expected 1; output:\n{short.output()}")
    check("stash of 64" in short.output() and f"need at least {WITH_STASH};" in short.output(),
          f"net_ring with {WITH_STASH - 1} mbufs: the error does not count the stash; output:\n{short.output()}")
    ring_tcpterm(ctx, ctx.write_config("ring-enough.yaml", ONE_WORKER_MBUFS.format(
        device="net_ring0", mbufs=WITH_STASH))).start().stop()
    ctx.tcpterm(ctx.write_config("tap-no-stash.yaml", ONE_WORKER_MBUFS.format(
        device="net_tap0", mbufs=WITHOUT_STASH))).start().stop()


def test(ctx):
    on_ring(ctx, os.path.join(ctx.source_dir, "configs", "ring.yaml"), 1)
    on_ring(ctx, ctx.write_config("ring2.yaml", TWO_WORKERS), 2)
    pool_holds_the_stash(ctx)


harness.main(test)
