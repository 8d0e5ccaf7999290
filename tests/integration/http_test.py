#!/usr/bin/python3
"""curl gets the configured status and body from tcpterm's HTTP listener, over
connections that close without a reset."""
import harness
from harness import check, log


def test(ctx):
    address = ctx.tcpterm_address(4)
    port = ctx.listener_port("http")
    want_status = int(ctx.config_value(ctx.default_config, "http", "status") or 200)
    want_body = str(ctx.config_value(ctx.default_config, "http", "body") or "Hello from tcpterm\n").encode()
    url = f"http://{address}/" if port == 80 else f"http://{address}:{port}/"
    requests = 3

    def exercise(tcpterm):
        for _ in range(requests):
            status, body = harness.http_get(url)
            log(f"GET {url}: {status}, {len(body)} bytes")
            check(status == want_status, f"GET {url}: status {status}, expected {want_status}")
            check(body == want_body, f"GET {url}: body {body!r}, expected {want_body!r}")

    tcpterm = harness.exercise_cleanly(ctx, exercise)
    check(tcpterm.engine("passive_opens") == requests,
          f"passive_opens {tcpterm.engine('passive_opens')}, expected {requests} (one per curl)")
    check(tcpterm.engine("closed_normal") == requests,
          f"closed_normal {tcpterm.engine('closed_normal')}, expected {requests}")


harness.main(test)
