#!/usr/bin/python3
"""The exception path: a second net_tap gets what is not tcpterm's. Its kernel
interface is moved into a namespace of its own that plays the host's network
stack (10.7.0.3, same MAC as the port); the peer reaches both tcpterm
(10.7.0.2) and the host stack through the one port."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import harness  # noqa: E402
from harness import check, log  # noqa: E402

CONFIG = """
workers: [1]
ports:
  - device: net_tap0
    addresses: [10.7.0.2/24]
    kernel_side: [10.7.0.1/24]
    exception: { device: net_tap1 }
listeners:
  - { port: 80, app: http }
log: { stats_interval_s: 0 }
"""

HOST_SERVER = """
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.7.0.3", 5000))
s.listen()
s.settimeout(20)
c, _ = s.accept()
c.settimeout(20)
data = b""
while True:
    b = c.recv(65536)
    if not b:
        break
    data += b
c.sendall(b"host stack got %d bytes" % len(data))
c.close()
"""


def run(*args):
    subprocess.run(args, check=True, timeout=10)


def test(ctx):
    exception_interface = f"tx{os.getpid() % 1000000}"
    host_namespace = f"tcpterm-host-{os.getpid()}"
    path = ctx.write_config("exception.yaml", CONFIG)
    tcpterm = ctx.tcpterm(path, extra_eal_args=[f"--vdev=net_tap1,iface={exception_interface}"]).start()
    run("ip", "netns", "add", host_namespace)
    server = None
    try:
        run("ip", "link", "set", exception_interface, "netns", host_namespace)
        in_host = ["ip", "netns", "exec", host_namespace]
        run(*in_host, "ip", "addr", "add", "10.7.0.3/24", "dev", exception_interface)
        run(*in_host, "ip", "link", "set", exception_interface, "up")
        server = subprocess.Popen([*in_host, sys.executable, "-c", HOST_SERVER])

        ping = subprocess.run(["ping", "-c", "2", "-W", "2", "10.7.0.3"], capture_output=True, text=True, timeout=15)
        check(ping.returncode == 0, f"ping 10.7.0.3 through the exception path failed:\n{ping.stdout}")
        reply = harness.exchange("10.7.0.3", 5000, b"x" * 100000, expect_echo=True)
        log(f"host stack replied {reply!r}")
        check(reply == b"host stack got 100000 bytes", f"host stack replied {reply!r}")
        status, body = harness.http_get("http://10.7.0.2/")
        check(status == 200, f"tcpterm itself answered {status} while the exception path was in use")
    finally:
        if server is not None:
            server.kill()
            server.wait()
        subprocess.run(["ip", "netns", "del", host_namespace], timeout=10)
    tcpterm.stop()
    to_kernel, from_kernel = tcpterm.dataplane("exception_to_kernel"), tcpterm.dataplane("exception_from_kernel")
    log(f"exception_to_kernel {to_kernel}, exception_from_kernel {from_kernel}")
    check(to_kernel > 50 and from_kernel > 5, f"exception counters {to_kernel}/{from_kernel} too low")


harness.main(test)
