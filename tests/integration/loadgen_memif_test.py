#!/usr/bin/python3
"""tcpterm-loadgen against tcpterm over memif: 2000 short HTTP connections
all succeed with no error on the loadgen's side, and tcpterm's counters agree:
2000 passive opens, 2000 normal closes, no RST either way."""
import harness
from harness import check, log
import loadgen_support

CONNECTIONS = 2000


def test(ctx):
    config = loadgen_support.write_tcpterm_config(ctx)
    tcpterm, socket = loadgen_support.start_tcpterm(ctx, config)
    run = loadgen_support.run_loadgen(
        ctx, socket, ["--connections", str(CONNECTIONS), "--concurrency", "100", "--duration", "30"])
    results = run.results
    check(run.code is None, f"tcpterm-loadgen exited early with {run.code}; output:\n{run.output}")
    check(results is not None, "tcpterm-loadgen wrote no --json results")
    http = results["http"]
    log(f"loadgen: {http['counters']['requests_ok']} requests, {http['errors']} errors, "
        f"{http['connections_per_second']:.0f} connections/s")
    check(http["counters"]["connections_opened"] == CONNECTIONS,
          f"connections_opened {http['counters']['connections_opened']}, expected {CONNECTIONS}")
    check(http["counters"]["requests_ok"] == CONNECTIONS,
          f"requests_ok {http['counters']['requests_ok']}, expected {CONNECTIONS}")
    check(http["errors"] == 0, f"loadgen counted {http['errors']} errors: {http['counters']}")
    check(results["engine"]["rst_in"] == 0 and results["engine"]["rst_out"] == 0,
          f"the loadgen's engine saw RSTs: in {results['engine']['rst_in']}, out {results['engine']['rst_out']}")
    harness.settle()
    tcpterm.stop()  # before the loadgen lets go of the memif link (loadgen_support.run_loadgen)
    code = run.release()
    check(code == 0, f"tcpterm-loadgen exited with {code} (expected 0); output:\n{run.output}")
    for name, want in (("passive_opens", CONNECTIONS), ("closed_normal", CONNECTIONS), ("rst_in", 0),
                       ("rst_out", 0), ("closed_reset", 0), ("closed_aborted", 0)):
        check(tcpterm.engine(name) == want, f"tcpterm {name} {tcpterm.engine(name)}, expected {want}")


harness.main(test)
