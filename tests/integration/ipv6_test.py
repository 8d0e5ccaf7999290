#!/usr/bin/python3
"""IPv6, when the config gives tcpterm an IPv6 address: Neighbour Discovery
and ICMPv6 echo answer, curl gets the configured body, and 256 KiB echo back
intact, all without a reset."""
import os
import sys

import harness
from harness import check, log

SIZE = 256 * 1024


def test(ctx):
    address = ctx.tcpterm_address(6)
    if address is None:
        log(f"{ctx.default_config} gives tcpterm no IPv6 address: nothing to test")
        sys.exit(harness.SKIP)
    http_port = ctx.listener_port("http")
    echo_port = ctx.listener_port("echo")
    want_body = str(ctx.config_value(ctx.default_config, "http", "body") or "Hello from tcpterm\n").encode()
    payload = os.urandom(SIZE)

    def exercise(tcpterm):
        log(harness.ping(address).strip().splitlines()[-2])
        status, body = harness.http_get(f"http://[{address}]:{http_port}/")
        check(status == 200 and body == want_body, f"GET over IPv6: {status} {body!r}, expected 200 {want_body!r}")
        received = harness.exchange(address, echo_port, payload, expect_echo=True)
        offset = harness.first_difference(received, payload)
        check(offset is None, f"IPv6 echo: {len(received)} of {SIZE} bytes back, first difference at {offset}")

    tcpterm = harness.exercise_cleanly(ctx, exercise)
    check(tcpterm.dataplane("nd_solicitations_in") + tcpterm.dataplane("nd_advertisements_in") > 0,
          "tcpterm counted no Neighbour Discovery messages for an IPv6 exchange")
    check(tcpterm.engine("passive_opens") == 2, f"passive_opens {tcpterm.engine('passive_opens')}, expected 2")


harness.main(test)
