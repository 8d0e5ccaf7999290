#!/usr/bin/python3
"""tcpterm-loadgen --fast (the engine-less client, fast_http_load.hpp) in the
one-process mode: tcpterm's server and the load joined by a net_ring link
(configs/loadgen-ring.yaml with --ring-server configs/ring-server.yaml).
3000 short HTTP connections from only 100 source ports, so that every port
is reused 30 times while the server still holds its previous connection in
TIME-WAIT: all must succeed with no error and no stray segment, the server
must count 3000 passive opens and 3000 normal closes, reopen 2900 tuples
from TIME-WAIT (RFC 1122 4.2.2.13: our ISNs grow), and see no RST. Skips
only when the DPDK EAL cannot start here."""
import harness
from harness import check
import loadgen_support

CONNECTIONS = 3000
PORTS = 100


def test(ctx):
    run = loadgen_support.run_loadgen_ring(
        ctx, ["--fast", "--connections", str(CONNECTIONS), "--concurrency", "50",
              "--source-ports", f"20000-{20000 + PORTS - 1}", "--duration", "20"])
    check(run.code == 0, f"tcpterm-loadgen exited with {run.code} (expected 0); output:\n{run.output}")
    check("HTTP load (--fast)" in run.output, f"the loadgen did not announce --fast; output:\n{run.output}")
    results = run.results
    loadgen_support.check_clean_load(results, CONNECTIONS)
    counters = results["http"]["counters"]
    check(counters["stray_segments"] == 0, f"{counters['stray_segments']} segments came for no connection")
    check(results["http"]["latency_us"]["count"] == CONNECTIONS,
          f"latency samples {results['http']['latency_us']['count']}, expected {CONNECTIONS}")
    # The loadgen's own engine is not used by --fast.
    check(results["engine"]["active_opens"] == 0,
          f"the loadgen's engine opened {results['engine']['active_opens']} connections under --fast")
    check("server" in results, f"the --json results have no server section: {sorted(results)}")
    server = results["server"]["engine"]
    check(server["rst_in"] == 0 and server["rst_out"] == 0,
          f"the server's engine saw RSTs: in {server['rst_in']}, out {server['rst_out']}")
    for name, want in (("passive_opens", CONNECTIONS), ("closed_normal", CONNECTIONS), ("closed_reset", 0),
                       ("closed_aborted", 0), ("closed_timeout", 0),
                       ("time_wait_reused", CONNECTIONS - PORTS), ("challenge_acks", 0)):
        check(server[name] == want, f"server {name} {server[name]}, expected {want}")


harness.main(test)
