#!/usr/bin/python3
"""200 connections open at once to the echo listener, each with its own
16 KiB of random bytes: every one gets its own bytes back and closes without a
reset, and tcpterm counts 200 passive opens and normal closes."""
import os

import harness
from harness import check, log

CONNECTIONS = 200
SIZE = 16 * 1024


def test(ctx):
    address = ctx.tcpterm_address(4)
    port = ctx.listener_port("echo")
    payloads = [os.urandom(SIZE) for _ in range(CONNECTIONS)]

    def exercise(tcpterm):
        results = harness.exchange_many(address, port, payloads, expect_echo=True, timeout_s=60)
        wrong = [i for i, (got, sent) in enumerate(zip(results, payloads)) if got != sent]
        log(f"{CONNECTIONS} concurrent echo connections, {len(wrong)} with wrong bytes")
        check(not wrong, f"connections {wrong[:10]} got back other bytes than they sent "
                         f"(first: {len(results[wrong[0]]) if wrong else 0} bytes, first difference at "
                         f"{harness.first_difference(results[wrong[0]], payloads[wrong[0]]) if wrong else None})")

    tcpterm = harness.exercise_cleanly(ctx, exercise)
    for counter in ("passive_opens", "closed_normal"):
        check(tcpterm.engine(counter) == CONNECTIONS,
              f"{counter} {tcpterm.engine(counter)}, expected {CONNECTIONS}")


harness.main(test)
