#!/usr/bin/python3
"""SIGHUP reloads the config: a new HTTP body is served without a restart; a
broken config on reload is refused, and tcpterm keeps serving the previous
one. No connection is reset along the way."""
import signal
import time

import yaml

import harness
from harness import check, log

NEW_BODY = "reloaded by SIGHUP\n"


def wait_for_body(url, body, timeout_s=10):
    """Polls (bounded) until GET url returns body; returns what came last."""
    deadline = time.monotonic() + timeout_s
    while True:
        status, got = harness.http_get(url)
        if (status, got) == (200, body.encode()) or time.monotonic() > deadline:
            return status, got
        time.sleep(0.2)


def test(ctx):
    config = ctx.config()
    old_body = config["http"]["body"]
    path = ctx.write_config("reload.yaml", yaml.safe_dump(config))
    url = f"http://{ctx.tcpterm_address(4)}:{ctx.listener_port('http')}/"

    def reload(tcpterm, text):
        with open(path, "w") as f:
            f.write(text)
        tcpterm.process.send_signal(signal.SIGHUP)

    def exercise(tcpterm):
        check(harness.http_get(url) == (200, old_body.encode()), "before reload: not the original body")
        reload(tcpterm, yaml.safe_dump({**config, "http": {**config["http"], "body": NEW_BODY}}))
        status, body = wait_for_body(url, NEW_BODY)
        log(f"after SIGHUP: {status} {body!r}")
        check((status, body) == (200, NEW_BODY.encode()), f"after SIGHUP: {status} {body!r}, expected {NEW_BODY!r}")

        reload(tcpterm, yaml.safe_dump({**config, "no_such_section": 1}))
        deadline = time.monotonic() + 10
        while "reload refused" not in tcpterm.output() and time.monotonic() < deadline:
            time.sleep(0.1)
        check("reload refused" in tcpterm.output() and "no_such_section" in tcpterm.output(),
              f"a broken config on SIGHUP was not refused with a message naming the key; output:\n{tcpterm.output()}")
        status, body = harness.http_get(url)
        check((status, body) == (200, NEW_BODY.encode()),
              f"after a refused reload: {status} {body!r}, expected the previous body {NEW_BODY!r}")

    harness.exercise_cleanly(ctx, exercise, path)


harness.main(test)
