#!/usr/bin/python3
"""A short, bounded ApacheBench run against the HTTP listener, once with a
new connection per request and once with keep-alive: every request
completes with the configured status, and no connection is reset."""
import re
import subprocess

import harness
from harness import check, log

REQUESTS = 2000
CONCURRENCY = 20


def ab(url, keep_alive):
    command = ["ab", "-q", "-n", str(REQUESTS), "-c", str(CONCURRENCY), "-s", "10", "-r"]
    command += ["-k"] if keep_alive else []
    result = subprocess.run(command + [url], capture_output=True, text=True, timeout=120)
    check(result.returncode == 0, f"{' '.join(command)} {url} failed (status {result.returncode}):\n"
                                  f"{result.stdout}{result.stderr}")

    def number(label):
        match = re.search(rf"^{label}:\s+(\d+)", result.stdout, re.MULTILINE)
        return int(match.group(1)) if match else 0

    rate = re.search(r"^Requests per second:\s+(\S+)", result.stdout, re.MULTILINE)
    log(f"ab {'-k ' if keep_alive else ''}-n {REQUESTS} -c {CONCURRENCY}: {number('Complete requests')} complete, "
        f"{number('Failed requests')} failed, {number('Non-2xx responses')} non-2xx, "
        f"{rate.group(1) if rate else '?'} requests/s")
    check(number("Complete requests") == REQUESTS and number("Failed requests") == 0,
          f"ab reported failures:\n{result.stdout}")
    check(number("Non-2xx responses") == 0, f"ab saw non-2xx responses:\n{result.stdout}")


def test(ctx):
    address = ctx.tcpterm_address(4)
    port = ctx.listener_port("http")
    url = f"http://{address}:{port}/"

    def exercise(tcpterm):
        ab(url, keep_alive=False)
        ab(url, keep_alive=True)

    tcpterm = harness.exercise_cleanly(ctx, exercise)
    check(tcpterm.engine("passive_opens") >= REQUESTS + CONCURRENCY,
          f"passive_opens {tcpterm.engine('passive_opens')}, expected at least {REQUESTS + CONCURRENCY}")


harness.main(test)
