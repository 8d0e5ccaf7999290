#!/usr/bin/python3
"""Broken configs are refused: tcpterm exits with status 1, its message names
the file and the key (or the line of a YAML syntax error), and it leaves no tap
interface behind."""
import re

import harness
from harness import check, log


def broken_configs(base):
    """(name, text, what the error must mention) for each broken variant of tap.yaml."""
    yield ("unknown-key.yaml", base.replace("  max_connections:", "  max_conections:", 1),
           [r"tcp\.max_conections", r"unknown key"])
    yield ("mtu-out-of-range.yaml", re.sub(r"mtu: \d+", "mtu: 100", base, count=1), [r"ports\[0\]\.mtu"])
    yield ("bad-address.yaml", base.replace("10.7.0.2/24", "10.7.0.300/24", 1), [r"ports\[0\]\.addresses"])
    yield ("syntax-error.yaml", base + "listeners: [ { port: 80\n", [r"syntax-error\.yaml"])


def test(ctx):
    with open(ctx.default_config) as f:
        base = f.read()
    for name, text, wanted in broken_configs(base):
        check(text != base, f"{name}: the test's edit did not apply to {ctx.default_config}")
        path = ctx.write_config(name, text)
        tcpterm = ctx.tcpterm(path).launch()
        code = tcpterm.wait_exit()
        output = tcpterm.output()
        error_lines = [line for line in output.splitlines() if line.startswith("tcpterm:")]
        log(f"{name}: exit {code}: {' | '.join(error_lines)}")
        check(code == 1, f"{name}: tcpterm exited with {code}, expected 1; its output:\n{output}")
        check(path in output, f"{name}: the error does not name the file {path}; output:\n{output}")
        for pattern in wanted:
            check(re.search(pattern, output), f"{name}: the error does not mention /{pattern}/; output:\n{output}")
        check(not harness.interface_exists(tcpterm.interface),
              f"{name}: tcpterm refused the config but left interface {tcpterm.interface} behind")


harness.main(test)
