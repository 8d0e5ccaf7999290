#!/usr/bin/python3
"""The discard listener takes 1 MiB, sends nothing back, and closes after the
client's FIN without a reset."""
import os

import harness
from harness import check

SIZE = 1 << 20


def test(ctx):
    address = ctx.tcpterm_address(4)
    port = ctx.listener_port("discard")

    def exercise(tcpterm):
        received = harness.exchange(address, port, os.urandom(SIZE), expect_echo=False)
        check(received == b"", f"discard sent back {len(received)} bytes")

    tcpterm = harness.exercise_cleanly(ctx, exercise)
    check(tcpterm.engine("payload_bytes_in") == SIZE,
          f"payload_bytes_in {tcpterm.engine('payload_bytes_in')}, expected {SIZE}")
    check(tcpterm.engine("closed_normal") == 1, f"closed_normal {tcpterm.engine('closed_normal')}, expected 1")


harness.main(test)
