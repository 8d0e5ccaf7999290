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
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import harness  # noqa: E402
from harness import check, log  # noqa: E402
from raw_wire import RawWire, http_exchange  # noqa: E402
from scapy.layers.inet import ICMP, IP  # noqa: E402
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


OURS_V4, PEER_V4 = "10.7.100.2", "10.7.100.1"
OURS_V6, PEER_V6 = "fd00:7:100::2", "fd00:7:100::1"


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
    def tagged(segment):
        check(vid(segment) == 100, f"a TCP segment carries VLAN {vid(segment)}, expected 100: {segment!r}")

    response = http_exchange(wire, eth / Dot1Q(vlan=100) / IP(src=PEER_V4, dst=OURS_V4), 40000, 1000, tagged)
    check(b" 200 " in response and response.endswith(b"Hello from tcpterm\n"), f"HTTP response {response!r}")

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
