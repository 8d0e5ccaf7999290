#!/usr/bin/python3
"""Random bytes sent to the echo listener come back byte for byte while they
are still being sent, and the connection closes without a reset. The size is
ECHO_BYTES (default 1 MiB; meson also runs it with 10 MiB)."""
import os

import harness
from harness import check, log

SIZE = int(os.environ.get("ECHO_BYTES", 1 << 20))


def test(ctx):
    address = ctx.tcpterm_address(4)
    port = ctx.listener_port("echo")
    payload = os.urandom(SIZE)

    def exercise(tcpterm):
        received = harness.exchange(address, port, payload, expect_echo=True, timeout_s=60)
        log(f"echo: sent {len(payload)} bytes, received {len(received)}")
        check(len(received) == len(payload), f"echo returned {len(received)} bytes, expected {len(payload)}")
        offset = harness.first_difference(received, payload)
        check(offset is None, f"echo returned different bytes from offset {offset}")

    tcpterm = harness.exercise_cleanly(ctx, exercise)
    check(tcpterm.engine("closed_normal") == 1, f"closed_normal {tcpterm.engine('closed_normal')}, expected 1")
    check(tcpterm.engine("payload_bytes_in") == SIZE,
          f"payload_bytes_in {tcpterm.engine('payload_bytes_in')}, expected {SIZE}")


harness.main(test)
