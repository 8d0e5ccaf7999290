#!/usr/bin/python3
"""1 MiB sent to the echo listener comes back byte for byte while it is still
being sent, and the connection closes without a reset."""
import os

import harness
from harness import check, log

SIZE = 1 << 20


def test(ctx):
    address = ctx.tcpterm_address(4)
    port = ctx.listener_port("echo")
    payload = os.urandom(SIZE)

    def exercise(tcpterm):
        received = harness.exchange(address, port, payload, expect_echo=True)
        log(f"echo: sent {len(payload)} bytes, received {len(received)}")
        check(len(received) == len(payload), f"echo returned {len(received)} bytes, expected {len(payload)}")
        first_difference = next((i for i, (a, b) in enumerate(zip(received, payload)) if a != b), None)
        check(first_difference is None, f"echo returned different bytes from offset {first_difference}")

    tcpterm = harness.exercise_cleanly(ctx, exercise)
    check(tcpterm.engine("closed_normal") == 1, f"closed_normal {tcpterm.engine('closed_normal')}, expected 1")
    check(tcpterm.engine("payload_bytes_in") == SIZE,
          f"payload_bytes_in {tcpterm.engine('payload_bytes_in')}, expected {SIZE}")


harness.main(test)
