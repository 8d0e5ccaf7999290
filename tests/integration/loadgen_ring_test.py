#!/usr/bin/python3
"""tcpterm-loadgen's one-process mode: tcpterm's server and the load in one
process, joined by a net_ring link (configs/loadgen-ring.yaml with
--ring-server configs/ring-server.yaml). 2000 short HTTP connections all
succeed with no error, the server side's counters agree (2000 passive opens,
2000 normal closes), no RST either way, both workers' busy shares are
counted and printed, and the process exits 0 on its own.
Skips only when the DPDK EAL cannot start here."""
import harness
from harness import check
import loadgen_support

CONNECTIONS = 2000


def test(ctx):
    run = loadgen_support.run_loadgen_ring(
        ctx, ["--connections", str(CONNECTIONS), "--concurrency", "100", "--duration", "20"])
    check(run.code == 0, f"tcpterm-loadgen exited with {run.code} (expected 0); output:\n{run.output}")
    results = run.results
    loadgen_support.check_clean_load(results, CONNECTIONS)
    check("server" in results, f"the --json results have no server section: {sorted(results)}")
    server = results["server"]["engine"]
    check(server["rst_in"] == 0 and server["rst_out"] == 0,
          f"the server's engine saw RSTs: in {server['rst_in']}, out {server['rst_out']}")
    for name, want in (("passive_opens", CONNECTIONS), ("closed_normal", CONNECTIONS), ("closed_reset", 0),
                       ("closed_aborted", 0), ("closed_timeout", 0)):
        check(server[name] == want, f"server {name} {server[name]}, expected {want}")
    check("server side (tcpterm, same process): 2000 passive opens, 2000 closed normally" in run.output,
          f"the text report lacks the server side's totals; output:\n{run.output}")
    # Both workers account their poll loops: busy (iterations that received
    # or sent frames) is a real part of the loop's cycles, and both reports show it.
    for side, dataplane in (("loadgen", results["dataplane"]), ("server", results["server"]["dataplane"])):
        poll, busy = dataplane.get("poll_cycles", 0), dataplane.get("busy_cycles", 0)
        check(0 < busy < poll, f"{side}: busy_cycles {busy} not within poll_cycles {poll}")
    check("loadgen workers: " in run.output and "% of the poll loops' time (busy_cycles" in run.output,
          f"the text report lacks the busy shares; output:\n{run.output}")


harness.main(test)
