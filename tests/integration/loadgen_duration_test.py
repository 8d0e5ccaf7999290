#!/usr/bin/python3
"""tcpterm-loadgen --duration counts from its first connection, not from its
start: the loadgen starts first (as the memif server) and tcpterm joins it
3 s later, so for those seconds the loadgen has no server MAC. With
--duration 2 it must still run a full 2 s of load (it once stopped 2 s after
its own start, before tcpterm was up, having opened nothing), every
connection clean."""
import time

import harness
from harness import check
import loadgen_support

DURATION_S = 2
SERVER_DELAY_S = 3


def test(ctx):
    config = loadgen_support.write_tcpterm_config(ctx)
    socket = loadgen_support.memif_socket(ctx)
    started = {}

    def join():  # the loadgen's port is up: tcpterm joins it later
        time.sleep(SERVER_DELAY_S)
        started["tcpterm"], _ = loadgen_support.start_tcpterm(ctx, config, role="client")

    run = loadgen_support.run_loadgen(
        ctx, socket, ["--concurrency", "20", "--rate", "500", "--duration", str(DURATION_S),
                      "--wait-neighbour", "15"],
        on_started=join, role="server")
    tcpterm = started.get("tcpterm")
    check(tcpterm is not None, f"tcpterm did not join the loadgen; output:\n{run.output}")
    check(run.code is None, f"tcpterm-loadgen exited early with {run.code}; output:\n{run.output}")
    results = run.results
    check(results is not None, "tcpterm-loadgen wrote no --json results")
    opened = results["http"]["counters"]["connections_opened"]
    check(results["seconds"] >= DURATION_S * 0.9,
          f"{results['seconds']:.2f} s of load, expected about {DURATION_S} s after the first connection")
    # --rate 500 for 2 s: about 1000 connections, none while tcpterm was away.
    check(opened >= 500 * DURATION_S * 0.8, f"only {opened} connections opened in {results['seconds']:.2f} s")
    loadgen_support.check_clean_load(results, opened)
    harness.settle()
    tcpterm.stop()  # before the loadgen lets go of the memif link
    code = run.release()
    check(code == 0, f"tcpterm-loadgen exited with {code} (expected 0); output:\n{run.output}")


harness.main(test)
