"""Helpers for the dataplane system tests that speak raw frames to tcpterm:
a packet socket on a tap's kernel side, and a whole HTTP exchange over it."""
import json
import select
import socket
import struct
import subprocess
import time

from harness import check
from scapy.layers.inet import TCP
from scapy.layers.l2 import Ether

SOL_PACKET, PACKET_AUXDATA, TP_STATUS_VLAN_VALID = 263, 8, 0x10
ETH_P_ALL = 0x0003


class RawWire:
    """Frames into and out of tcpterm through a packet socket on one tap."""

    def __init__(self, interface):
        self.interface = interface
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


def from_server(port, server_port=80):
    """Matches the TCP segments tcpterm's listener sends to our `port`."""
    return lambda f: TCP in f and f[TCP].sport == server_port and f[TCP].dport == port


def http_exchange(wire, prefix, port, seq, each_segment=lambda segment: None):
    """Handshake, GET with Connection: close, the response up to tcpterm's FIN,
    our FIN and its ACK, all as raw frames below `prefix` (Ether [/ Dot1Q] / IP).
    `each_segment` sees every segment tcpterm sends. Returns the response."""
    def send(flags, payload=b""):
        wire.send(prefix / TCP(sport=port, dport=80, flags=flags, seq=seq, ack=ack) / payload)

    def expect(what, match):
        segment = wire.receive(lambda f: from_server(port)(f) and match(f))
        check(segment is not None, f"no {what} on {wire.interface}")
        each_segment(segment)
        return segment

    wire.send(prefix / TCP(sport=port, dport=80, flags="S", seq=seq, window=65535, options=[("MSS", 1460)]))
    synack = expect("SYN-ACK", lambda f: f[TCP].flags.S and f[TCP].flags.A)
    seq, ack = seq + 1, synack[TCP].seq + 1
    request = b"GET / HTTP/1.1\r\nHost: tcpterm\r\nConnection: close\r\n\r\n"
    send("PA", request)
    seq += len(request)
    response = b""
    deadline = time.monotonic() + 10
    while True:
        segment = wire.receive(from_server(port), timeout_s=max(0.1, deadline - time.monotonic()))
        check(segment is not None, f"the HTTP exchange on {wire.interface} stalled; response so far {response!r}")
        each_segment(segment)
        check(not segment[TCP].flags.R, "tcpterm reset the raw HTTP connection")
        payload = bytes(segment[TCP].payload)
        if segment[TCP].seq == ack and payload:
            response += payload
            ack += len(payload)
        if segment[TCP].flags.F and segment[TCP].seq + len(payload) == ack:
            ack += 1
            break
        if payload:
            send("A")
    send("FA")
    expect("ACK of our FIN", lambda f: f[TCP].flags.A and f[TCP].ack == seq + 1)
    return response
