#!/usr/bin/python3
"""tcpterm-loadgen against tcpterm over memif: 2000 short HTTP connections
all succeed with no error on the loadgen's side, and tcpterm's counters agree:
2000 passive opens, 2000 normal closes, no RST either way."""
import harness
from harness import check
import loadgen_support

CONNECTIONS = 2000


def test(ctx):
    config = loadgen_support.write_tcpterm_config(ctx)
    tcpterm, socket = loadgen_support.start_tcpterm(ctx, config)
    run = loadgen_support.run_loadgen(
        ctx, socket, ["--connections", str(CONNECTIONS), "--concurrency", "100", "--duration", "30"])
    results = run.results
    check(run.code is None, f"tcpterm-loadgen exited early with {run.code}; output:\n{run.output}")
    loadgen_support.check_clean_load(results, CONNECTIONS)
    harness.settle()
    tcpterm.stop()  # before the loadgen lets go of the memif link (loadgen_support.run_loadgen)
    code = run.release()
    check(code == 0, f"tcpterm-loadgen exited with {code} (expected 0); output:\n{run.output}")
    for name, want in (("passive_opens", CONNECTIONS), ("closed_normal", CONNECTIONS), ("rst_in", 0),
                       ("rst_out", 0), ("closed_reset", 0), ("closed_aborted", 0)):
        check(tcpterm.engine(name) == want, f"tcpterm {name} {tcpterm.engine(name)}, expected {want}")


harness.main(test)
