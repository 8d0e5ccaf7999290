#!/usr/bin/python3
"""tcpterm answers ICMP echo on its IPv4 address."""
import harness
from harness import check, log

COUNT = 3


def test(ctx):
    address = ctx.tcpterm_address(4)

    def exercise(tcpterm):
        log(harness.ping(address, COUNT).strip().splitlines()[-2])

    tcpterm = harness.exercise_cleanly(ctx, exercise)
    check(tcpterm.dataplane("icmp_echo_in") >= COUNT,
          f"icmp_echo_in {tcpterm.dataplane('icmp_echo_in')}, expected at least {COUNT}")


harness.main(test)
