#!/usr/bin/python3
"""A port on 802.1Q VLAN 100: every frame tcpterm sends (ARP replies, ICMP
echo replies, Neighbour Advertisements, TCP) must carry tag 100, and frames
that are untagged or of another VLAN are dropped and counted as
drop_wrong_vlan, unanswered.

Two peers on the tap's kernel side:
- raw frames through a packet socket on the tap (always): tagged ARP, ping,
  NS and a whole HTTP exchange over TCP (handshake, GET, response, both
  FINs) with scapy-built frames, and untagged / VLAN 200 ARP requests. The
  kernel strips the tag before packet sockets see a frame and reports it in
  PACKET_AUXDATA; the test puts it back.
- the kernel's own stack through a VLAN sub-interface (ip link add link TAP
  name TAP.100 type vlan id 100): curl over IPv4 and IPv6, ping and a
  256 KiB echo, no resets. Only where the kernel has 802.1Q support
  (CONFIG_VLAN_8021Q); without it `ip link add ... type vlan` fails with
  "Unknown device type" and this part is skipped with that message."""
import json
import os
import select
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import harness  # noqa: E402
from harness import check, log  # noqa: E402
from scapy.layers.inet import ICMP, IP, TCP  # noqa: E402
from scapy.layers.inet6 import ICMPv6ND_NA, ICMPv6ND_NS, ICMPv6NDOptSrcLLAddr, IPv6  # noqa: E402
from scapy.layers.l2 import ARP, Dot1Q, Ether  # noqa: E402

CONFIG = """
workers: [1]
ports:
  - device: net_tap0
    addresses: [10.7.100.2/24, "fd00:7:100::2/64"]
    vlan: 100
listeners:
  - { port: 80, app: http }
  - { port: 7, app: echo }
log: { stats_interval_s: 0 }
"""


SOL_PACKET, PACKET_AUXDATA, TP_STATUS_VLAN_VALID = 263, 8, 0x10
ETH_P_ALL = 0x0003
OURS_V4, PEER_V4 = "10.7.100.2", "10.7.100.1"
OURS_V6, PEER_V6 = "fd00:7:100::2", "fd00:7:100::1"


class RawWire:
    """Frames into and out of tcpterm through a packet socket on its tap."""

    def __init__(self, interface):
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        self.sock.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
        self.sock.bind((interface, 0))
        shown = subprocess.run(["ip", "-j", "link", "show", "dev", interface], capture_output=True, text=True)
        self.mac = json.loads(shown.stdout)[0]["address"]

    def send(self, frame):
        self.sock.send(bytes(frame))

    def _next(self, deadline):
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self.sock], [], [], remaining)[0]:
                return None
            data, ancillary, _, address = self.sock.recvmsg(65536, socket.CMSG_SPACE(32))
            if address[2] == socket.PACKET_OUTGOING:
                continue  # our own frames
            for level, kind, value in ancillary:
                if level == SOL_PACKET and kind == PACKET_AUXDATA:
                    status, _, _, _, _, tci, _ = struct.unpack_from("IIIHHHH", value)
                    if status & TP_STATUS_VLAN_VALID:  # the kernel took the tag off: put it back
                        data = data[:12] + struct.pack("!HH", 0x8100, tci) + data[12:]
            return Ether(data)

    def receive(self, match, timeout_s=3.0):
        """The first frame from tcpterm that `match` accepts, or None."""
        deadline = time.monotonic() + timeout_s
        while (frame := self._next(deadline)) is not None:
            if match(frame):
                return frame
        return None


def vid(frame):
    return frame[Dot1Q].vlan if Dot1Q in frame else None


def raw_frames(tcpterm, mac):
    """Everything over raw tagged frames; returns how many wrong-VLAN frames were sent."""
    wire = RawWire(tcpterm.interface)
    eth = Ether(src=wire.mac, dst=mac)

    def expect(what, frame, match):
        wire.send(frame)
        reply = wire.receive(match)
        check(reply is not None, f"no {what} from tcpterm")
        check(vid(reply) == 100, f"{what} carries VLAN {vid(reply)}, expected 100: {reply!r}")
        return reply

    expect("ARP reply", Ether(src=wire.mac, dst="ff:ff:ff:ff:ff:ff") / Dot1Q(vlan=100) /
           ARP(op=1, hwsrc=wire.mac, psrc=PEER_V4, pdst=OURS_V4),
           lambda f: ARP in f and f[ARP].op == 2 and f[ARP].psrc == OURS_V4)
    expect("ICMP echo reply", eth / Dot1Q(vlan=100) / IP(src=PEER_V4, dst=OURS_V4) / ICMP(id=7, seq=1),
           lambda f: ICMP in f and f[ICMP].type == 0 and f[ICMP].id == 7)
    expect("Neighbour Advertisement",
           eth / Dot1Q(vlan=100) / IPv6(src=PEER_V6, dst=OURS_V6, hlim=255) / ICMPv6ND_NS(tgt=OURS_V6) /
           ICMPv6NDOptSrcLLAddr(lladdr=wire.mac),
           lambda f: ICMPv6ND_NA in f and f[ICMPv6ND_NA].tgt == OURS_V6)

    # HTTP over TCP, segment by segment.
    ip_layer = IP(src=PEER_V4, dst=OURS_V4)
    port, seq = 40000, 1000

    def from_server(f):
        return TCP in f and f[TCP].sport == 80 and f[TCP].dport == port

    synack = expect("SYN-ACK", eth / Dot1Q(vlan=100) / ip_layer / TCP(sport=port, dport=80, flags="S", seq=seq,
                                                                      window=65535, options=[("MSS", 1460)]),
                    lambda f: from_server(f) and f[TCP].flags.S and f[TCP].flags.A)
    seq, ack = seq + 1, synack[TCP].seq + 1
    request = b"GET / HTTP/1.1\r\nHost: tcpterm\r\nConnection: close\r\n\r\n"
    wire.send(eth / Dot1Q(vlan=100) / ip_layer / TCP(sport=port, dport=80, flags="PA", seq=seq, ack=ack) / request)
    seq += len(request)
    response = b""
    deadline = time.monotonic() + 10
    while True:
        segment = wire.receive(from_server, timeout_s=max(0.1, deadline - time.monotonic()))
        check(segment is not None, f"the HTTP exchange stalled; response so far {response!r}")
        check(vid(segment) == 100, f"a TCP segment carries VLAN {vid(segment)}, expected 100")
        check(not segment[TCP].flags.R, "tcpterm reset the raw HTTP connection")
        payload = bytes(segment[TCP].payload)
        if segment[TCP].seq == ack and payload:
            response += payload
            ack += len(payload)
        if segment[TCP].flags.F and segment[TCP].seq + len(payload) == ack:
            ack += 1
            break
        if payload:
            wire.send(eth / Dot1Q(vlan=100) / ip_layer / TCP(sport=port, dport=80, flags="A", seq=seq, ack=ack))
    check(b" 200 " in response and response.endswith(b"Hello from tcpterm\n"), f"HTTP response {response!r}")
    expect("ACK of our FIN", eth / Dot1Q(vlan=100) / ip_layer / TCP(sport=port, dport=80, flags="FA", seq=seq, ack=ack),
           lambda f: from_server(f) and f[TCP].flags.A and f[TCP].ack == seq + 1)

    # Untagged and VLAN 200: dropped, unanswered.
    wrong = [Ether(src=wire.mac, dst="ff:ff:ff:ff:ff:ff") / ARP(op=1, hwsrc=wire.mac, psrc=PEER_V4, pdst=OURS_V4),
             Ether(src=wire.mac, dst="ff:ff:ff:ff:ff:ff") / Dot1Q(vlan=200) /
             ARP(op=1, hwsrc=wire.mac, psrc=PEER_V4, pdst=OURS_V4),
             eth / IP(src=PEER_V4, dst=OURS_V4) / ICMP(id=8, seq=1)]
    for frame in wrong:
        wire.send(frame)
    check(wire.receive(lambda f: (ARP in f and f[ARP].op == 2) or (ICMP in f and f[ICMP].id == 8), 1.0) is None,
          "tcpterm answered a frame that is not of VLAN 100")
    return len(wrong)


def ip(*args):
    subprocess.run(["ip", *args], check=True)


def add_vlan(parent, vlan_id, addresses):
    """The sub-interface's name, or None when the kernel has no 802.1Q support."""
    name = f"{parent}.{vlan_id}"
    result = subprocess.run(["ip", "link", "add", "link", parent, "name", name, "type", "vlan", "id", str(vlan_id)],
                            capture_output=True, text=True)
    if "Unknown device type" in result.stderr:
        return None
    check(result.returncode == 0, f"ip link add ... type vlan failed: {result.stderr.strip()}")
    for address in addresses:
        ip("addr", "add", address, "dev", name, *(["nodad"] if ":" in address else []))
    ip("link", "set", name, "up")
    return name


def kernel_vlan(tcpterm):
    """curl, ping and echo from the kernel's stack over TAP.100; False when
    the kernel cannot make VLAN interfaces."""
    if add_vlan(tcpterm.interface, 100, [f"{PEER_V4}/24", f"{PEER_V6}/64"]) is None:
        log("SKIP (kernel part only): this kernel has no 802.1Q support (CONFIG_VLAN_8021Q): "
            "`ip link add ... type vlan` says \"Unknown device type\"; the raw-frame part covered VLAN 100")
        return False
    kernel_before = harness.kernel_tcp_counters()
    for url in (f"http://{OURS_V4}/", f"http://[{OURS_V6}]/"):
        status, body = harness.http_get(url)
        check(status == 200 and body == b"Hello from tcpterm\n", f"GET {url} over VLAN 100: {status} {body!r}")
    harness.ping(OURS_V4, count=2)
    harness.ping(OURS_V6, count=2)
    payload = os.urandom(256 * 1024)
    echoed = harness.exchange(OURS_V4, 7, payload, expect_echo=True)
    check(echoed == payload, f"echo over VLAN 100: first difference at {harness.first_difference(echoed, payload)}")
    harness.settle()
    tcpterm.kernel_counters = (kernel_before, harness.kernel_tcp_counters())
    return True


def test(ctx):
    path = ctx.write_config("vlan.yaml", CONFIG)
    tcpterm = ctx.tcpterm(path).start()
    ip("link", "set", tcpterm.interface, "up")
    mac = next(line.split("MAC ")[1].split(",")[0] for line in tcpterm.output().splitlines() if " MAC " in line)
    wrong_sent = raw_frames(tcpterm, mac)
    kernel_tested = kernel_vlan(tcpterm)
    tcpterm.stop()

    wrong = tcpterm.dataplane("drop_wrong_vlan")
    log(f"drop_wrong_vlan {wrong}, arp_replies_out {tcpterm.dataplane('arp_replies_out')}, "
        f"nd_advertisements_out {tcpterm.dataplane('nd_advertisements_out')}")
    check(wrong >= wrong_sent, f"drop_wrong_vlan is {wrong}; expected at least the {wrong_sent} frames sent untagged "
                               "or on VLAN 200")
    check(tcpterm.engine("rst_out") == 0 and tcpterm.engine("rst_in") == 0,
          f"resets: rst_in {tcpterm.engine('rst_in')}, rst_out {tcpterm.engine('rst_out')}")
    check(tcpterm.engine("passive_opens") == (4 if kernel_tested else 1),
          f"passive_opens {tcpterm.engine('passive_opens')}")
    if kernel_tested:
        harness.assert_no_resets(tcpterm, *tcpterm.kernel_counters)


harness.main(test)
