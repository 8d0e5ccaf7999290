#!/usr/bin/python3
"""SYN flood: tcpterm (syn_cookies: always) takes a flood of spoofed SYNs from
tcpterm-loadgen over memif (--background-flood: SYNs from 198.18.0.0/16 whose
SYN-ACKs nobody answers) while real clients keep being served: the same
loadgen's 2000 HTTP connections on that link and curl from the kernel over
the tap. Every request must be answered, cookies must have been sent to the
flood and validated for the real clients, and no RST may go either way."""
import threading

import harness
from harness import check, log
import loadgen_support

CONNECTIONS = 2000
CURL_REQUESTS = 20


def test(ctx):
    config = loadgen_support.write_tcpterm_config(ctx, syn_cookies="always")
    tcpterm, socket = loadgen_support.start_tcpterm(ctx, config)
    curl_results = []

    def kernel_client():
        for _ in range(CURL_REQUESTS):
            try:
                curl_results.append(harness.http_get("http://10.7.0.2/"))
            except Exception as e:  # recorded, checked below
                curl_results.append((None, str(e).encode()))

    # curl starts once the loadgen runs, so its handshakes meet the flood.
    curl = threading.Thread(target=kernel_client)
    run = loadgen_support.run_loadgen(
        ctx, socket, ["--connections", str(CONNECTIONS), "--rate", "1000", "--concurrency", "100",
                      "--background-flood", "20000", "--duration", "30"], on_started=curl.start)
    curl.join(timeout=30)
    check(not curl.is_alive(), "curl over the tap did not finish within 30 s")
    results = run.results
    check(run.code is None, f"tcpterm-loadgen exited early with {run.code}; output:\n{run.output}")
    check(results is not None, "tcpterm-loadgen wrote no --json results")
    http, flood = results["http"], results["syn_flood"]
    log(f"loadgen: {http['counters']['requests_ok']} requests, {http['errors']} errors; flood: "
        f"{flood['syns_sent']} SYNs, {flood['syn_acks_received']} SYN-ACKs back")
    check(http["counters"]["requests_ok"] == CONNECTIONS and http["errors"] == 0,
          f"loadgen requests_ok {http['counters']['requests_ok']} of {CONNECTIONS}, errors {http['errors']}")
    check(flood["syns_sent"] > 1000, f"only {flood['syns_sent']} flood SYNs were sent")
    check(flood["syn_acks_received"] > 0, "no SYN-ACK came back to the spoofed addresses")
    bad = [(status, body) for status, body in curl_results if status != 200 or body != b"hello\n"]
    check(len(curl_results) == CURL_REQUESTS and not bad,
          f"curl over the tap: {len(curl_results)} of {CURL_REQUESTS} done, failures {bad[:3]}")
    harness.settle()
    tcpterm.stop()  # before the loadgen lets go of the memif link (loadgen_support.run_loadgen)
    code = run.release()
    check(code == 0, f"tcpterm-loadgen exited with {code} (expected 0); output:\n{run.output}")
    sent, valid = tcpterm.engine("syn_cookies_sent"), tcpterm.engine("syn_cookies_valid")
    log(f"tcpterm: syn_cookies_sent {sent}, syn_cookies_valid {valid}")
    check(sent >= flood["syn_acks_received"] and sent > CONNECTIONS,
          f"syn_cookies_sent {sent}: expected a cookie per SYN-ACK ({flood['syn_acks_received']} to the flood)")
    check(valid == CONNECTIONS + CURL_REQUESTS,
          f"syn_cookies_valid {valid}, expected {CONNECTIONS + CURL_REQUESTS} (every real client's handshake)")
    check(tcpterm.engine("passive_opens") == CONNECTIONS + CURL_REQUESTS,
          f"passive_opens {tcpterm.engine('passive_opens')}, expected {CONNECTIONS + CURL_REQUESTS}")
    for name in ("rst_in", "rst_out", "closed_reset"):
        check(tcpterm.engine(name) == 0, f"tcpterm {name} {tcpterm.engine(name)}, expected 0")


harness.main(test)
