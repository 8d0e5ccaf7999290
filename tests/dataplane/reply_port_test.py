#!/usr/bin/python3
"""Two ports that carry the same address (the config allows it, e.g. two
links to one subnet): a segment tcpterm sends while handling a received one
of the same flow leaves by the port that segment came in on, to the MAC it
came from (Worker::emit's reply path). Before that path existed the reply
left by the first port owning the address, net_tap0, whatever port the
segment came in on. A reply to a segment without data is built in that
segment's own mbuf (counted as tx_reused_rx_frames).

Raw frames through packet sockets on both taps' kernel sides: a SYN on each
port is answered on that port alone, and a whole HTTP exchange on the second
port (handshake, GET, response with FIN, ACK of our FIN) never shows a frame
on the first."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import harness  # noqa: E402
from harness import check, log  # noqa: E402
from raw_wire import RawWire, from_server, http_exchange  # noqa: E402
from scapy.layers.inet import IP, TCP  # noqa: E402
from scapy.layers.l2 import Ether  # noqa: E402

CONFIG = """
workers: [1]
ports:
  - device: net_tap0
    addresses: [10.7.61.2/24]
  - device: net_tap1
    addresses: [10.7.61.2/24]
listeners:
  - { port: 80, app: http }
log: { stats_interval_s: 0 }
"""

OURS, PEER = "10.7.61.2", "10.7.61.1"


def syn_answered_on(wire, other, mac, port):
    """A SYN on `wire`: the SYN-ACK comes back on it, to its MAC, and not on `other`."""
    wire.send(Ether(src=wire.mac, dst=mac) / IP(src=PEER, dst=OURS) /
              TCP(sport=port, dport=80, flags="S", seq=5000, window=65535, options=[("MSS", 1460)]))
    synack = wire.receive(lambda f: from_server(port)(f) and f[TCP].flags.S and f[TCP].flags.A)
    check(synack is not None, f"no SYN-ACK on {wire.interface} for a SYN sent there")
    check(synack[Ether].dst == wire.mac, f"SYN-ACK on {wire.interface} to {synack[Ether].dst}, expected {wire.mac}")
    stray = other.receive(from_server(port), timeout_s=0.5)
    check(stray is None, f"a reply to a SYN on {wire.interface} left by {other.interface}: {stray!r}")
    # Reset the half-open flow so it leaves no retransmission behind.
    wire.send(Ether(src=wire.mac, dst=mac) / IP(src=PEER, dst=OURS) /
              TCP(sport=port, dport=80, flags="R", seq=5001))


def http_on(wire, other, mac):
    """A whole HTTP exchange on `wire`, every segment to its MAC; `other` sees none of it."""
    def to_wire(segment):
        check(segment[Ether].dst == wire.mac, f"segment on {wire.interface} to {segment[Ether].dst}")

    response = http_exchange(wire, Ether(src=wire.mac, dst=mac) / IP(src=PEER, dst=OURS), 41000, 1000, to_wire)
    check(b" 200 " in response, f"HTTP response {response!r}")
    stray = other.receive(from_server(41000), timeout_s=0.5)
    check(stray is None, f"a segment of the flow on {wire.interface} left by {other.interface}: {stray!r}")


def test(ctx):
    path = ctx.write_config("reply_port.yaml", CONFIG)
    tcpterm = ctx.tcpterm(path)
    second = tcpterm.interface[:-1] + "s"  # the harness names the first tap; same length, still <= 15
    tcpterm.command.insert(tcpterm.command.index("--"), f"--vdev=net_tap1,iface={second}")
    tcpterm.start()
    tcpterm.wait_output("serving on net_tap1 ")  # the ready line is net_tap0's
    macs = [line.split("MAC ")[1].split(",")[0].split()[0] for line in tcpterm.output().splitlines()
            if " MAC " in line]
    check(len(macs) == 2, f"expected two ports in the output, found MACs {macs}")
    for name in (tcpterm.interface, second):
        subprocess.run(["ip", "link", "set", name, "up"], check=True)
    first_wire, second_wire = RawWire(tcpterm.interface), RawWire(second)
    log(f"ports: {tcpterm.interface} (tcpterm MAC {macs[0]}), {second} (tcpterm MAC {macs[1]})")

    syn_answered_on(first_wire, second_wire, macs[0], 40001)
    syn_answered_on(second_wire, first_wire, macs[1], 40002)
    http_on(second_wire, first_wire, macs[1])
    tcpterm.stop()
    # The two half-open flows were reset before they were established.
    check(tcpterm.engine("passive_opens") == 1, f"passive_opens {tcpterm.engine('passive_opens')}, expected 1")
    check(tcpterm.engine("rst_in") == 2, f"rst_in {tcpterm.engine('rst_in')}, expected our 2 resets")
    # Replies to data-less segments are built in the received frame: the three
    # SYN-ACKs and the ACK of our FIN (the response answers the GET, which has data).
    reused = tcpterm.dataplane("tx_reused_rx_frames")
    check(reused == 4, f"tx_reused_rx_frames {reused}, expected 4")
    check(tcpterm.engine("rst_out") == 0, f"tcpterm sent {tcpterm.engine('rst_out')} resets")


harness.main(test)
