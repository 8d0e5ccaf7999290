#!/usr/bin/env python3
"""Writes the state-by-event matrix (scripts/matrix/<state>/<event>_<point>.pkt)
in the manner of FreeBSD's tcp-testsuite: every state crossed with SYN,
SYN-ACK, SYN-FIN, ACK, FIN, FIN-ACK, RST and RST-ACK at RCV.NXT-1, RCV.NXT,
RCV.NXT+WND-1 and RCV.NXT+WND. Each expected reaction is derived here from
the rule it cites, and the rule is written into the script.

Run: python3 tests/packetdrill/gen_matrix.py   (rewrites the files it owns)

Conventions: the peer's ISN is 0; options are off (no timestamps, SACK or
window scaling) so every window is exact: RCV.WND = RCV.ADV - RCV.NXT with
RCV.ADV = 65536 (the SYN-ACK's 65535 from RCV.NXT 1, never moved right by
less than an MSS, RFC 9293 3.8.6.2.2). ACK-bearing events acknowledge SND.UNA
(a duplicate ACK) so that only the control bits are under test.
"""
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "scripts", "matrix")
KNOBS = "// tcpterm: timestamps=off window_scale=0 sack=off"
RCV_ADV = 65536

EVENTS = {  # name: (flags, sequence space length)
    "syn": ("S", 1),
    "syn_ack": ("S.", 1),
    "syn_fin": ("SF", 2),
    "ack": (".", 0),
    "fin": ("F", 1),
    "fin_ack": ("F.", 1),
    "rst": ("R", 0),
    "rst_ack": ("R.", 0),
}

LISTEN_PRELUDE = [
    "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3",
    "+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0",
    "+0 bind(3, ..., ...) = 0",
    "+0 listen(3, 1) = 0",
]
SYN_RECEIVED_PRELUDE = LISTEN_PRELUDE + [
    "+.01 < S 0:0(0) win 65535",
    "+0 > S. 0:0(0) ack 1 win 65535 <mss 1460>",
]
ESTABLISHED_PRELUDE = SYN_RECEIVED_PRELUDE + [
    "+.01 < . 1:1(0) ack 1 win 65535",
    "+0 accept(3, ..., ...) = 4",
]
FIN_WAIT_1_PRELUDE = ESTABLISHED_PRELUDE + [
    "+.01 close(4) = 0",
    "+0 > F. 1:1(0) ack 1 win 65535",
]
CLOSE_WAIT_PRELUDE = ESTABLISHED_PRELUDE + [
    "+.01 < F. 1:1(0) ack 1 win 65535",
    "+0 > . 1:1(0) ack 2 win 65534",
]

# name: (prelude, RCV.NXT, SND.UNA, SND.MAX) for the synchronized states (passive side).
SYNCHRONIZED = {
    "SYN-RECEIVED": (SYN_RECEIVED_PRELUDE, 1, 1, 1),
    "ESTABLISHED": (ESTABLISHED_PRELUDE, 1, 1, 1),
    "FIN-WAIT-1": (FIN_WAIT_1_PRELUDE, 1, 1, 2),
    "FIN-WAIT-2": (FIN_WAIT_1_PRELUDE + ["+.01 < . 1:1(0) ack 2 win 65535"], 1, 2, 2),
    "CLOSING": (FIN_WAIT_1_PRELUDE + ["+.01 < F. 1:1(0) ack 1 win 65535",
                                      "+0 > . 2:2(0) ack 2 win 65534"], 2, 1, 2),
    "TIME-WAIT": (FIN_WAIT_1_PRELUDE + ["+.01 < . 1:1(0) ack 2 win 65535",
                                        "+.01 < F. 1:1(0) ack 2 win 65535",
                                        "+0 > . 2:2(0) ack 2 win 65534"], 2, 2, 2),
    "CLOSE-WAIT": (CLOSE_WAIT_PRELUDE, 2, 1, 1),
    "LAST-ACK": (CLOSE_WAIT_PRELUDE + ["+.01 close(4) = 0",
                                       "+0 > F. 1:1(0) ack 2 win 65534"], 2, 1, 2),
}

POINTS = ["rcv_nxt_minus_1", "rcv_nxt", "rcv_nxt_plus_wnd_minus_1", "rcv_nxt_plus_wnd"]

# After a reset or a silent return to LISTEN no connection holds the tuple;
# the runner reports the listener that would take the next SYN.
NO_CONNECTION = "LISTEN"


def ack_line(snd_max, rcv_nxt):
    return f"+0 > . {snd_max}:{snd_max}(0) ack {rcv_nxt} win {RCV_ADV - rcv_nxt}"


def in_window(seq, rcv_nxt, wnd):
    return (seq - rcv_nxt) % 2**32 < wnd


def synchronized_reaction(state, event, seq, rcv_nxt, snd_max):
    """(rule, expected outbound lines, state after) per RFC 9293 3.10.7.4 + RFC 5961."""
    flags, length = EVENTS[event]
    syn, ack, fin, rst = "S" in flags, "." in flags, "F" in flags, "R" in flags
    wnd = RCV_ADV - rcv_nxt
    challenge = ack_line(snd_max, rcv_nxt)
    if state == "TIME-WAIT" and syn and not ack and not rst:
        if 0 < (seq - rcv_nxt) % 2**32 < 2**31 and not fin:  # SEG.SEQ > RCV.NXT
            isn = snd_max + 65535 + 2
            return ("RFC 1122 4.2.2.13 (no timestamps): a SYN above RCV.NXT may reopen the tuple; "
                    "the new ISN lies above the old incarnation's SND.NXT (engine: +65537)",
                    [f"+0 > S. {isn}:{isn}(0) ack {seq + 1} win 65535 <mss 1460>"], "SYN-RECEIVED")
        why = "a SYN+FIN is not a valid open, so it cannot reopen the tuple" if fin else \
            "a SYN at or below RCV.NXT cannot reopen the tuple (RFC 1122 4.2.2.13)"
        return (f"RFC 5961 4.2 / RFC 9293 3.10.7.4 fourth: {why}; challenge ACK, stay in TIME-WAIT",
                [challenge], "TIME-WAIT")
    if length == 0:
        acceptable = in_window(seq, rcv_nxt, wnd)
    else:
        acceptable = in_window(seq, rcv_nxt, wnd) or in_window(seq + length - 1, rcv_nxt, wnd)
    if not acceptable:
        if state == "SYN-RECEIVED" and syn and not ack and not rst and seq == rcv_nxt - 1:
            return ("RFC 9293 3.10.7.4 first: unacceptable; the engine answers a repeated SYN "
                    "(SEG.SEQ = IRS) with its SYN-ACK again, as Linux, instead of a bare ACK "
                    "(documented in engine_input.hpp)",
                    ["+0 > S. 0:0(0) ack 1 win 65535 <mss 1460>"], state)
        if rst:
            return ("RFC 9293 3.10.7.4 first: unacceptable segment with RST: drop it silently", [], state)
        return ("RFC 9293 3.10.7.4 first: unacceptable segment: send <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> "
                "and drop it", [challenge], state)
    if rst:
        if seq == rcv_nxt:
            if state == "SYN-RECEIVED":
                return ("RFC 9293 3.10.7.4 second / RFC 5961 3.2: RST at exactly RCV.NXT; a passive "
                        "SYN-RECEIVED returns to LISTEN", [], NO_CONNECTION)
            return ("RFC 9293 3.10.7.4 second / RFC 5961 3.2: RST at exactly RCV.NXT resets the "
                    "connection (CLOSED, no segment)", [], NO_CONNECTION)
        return ("RFC 5961 3.2: RST in the window but not at RCV.NXT: challenge ACK, keep the connection",
                [challenge], state)
    if syn:
        if state == "SYN-RECEIVED":
            return ("RFC 9293 3.10.7.4 fourth: SYN in a passive SYN-RECEIVED: return to LISTEN "
                    "(silently)", [], NO_CONNECTION)
        return ("RFC 9293 3.10.7.4 fourth / RFC 5961 4.2: SYN in a synchronized state: challenge ACK "
                "<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, drop", [challenge], state)
    if not ack:
        return ("RFC 9293 3.10.7.4 fifth: the ACK bit is off: drop the segment", [], state)
    rule = "RFC 9293 3.10.7.4 fifth: duplicate ACK (SEG.ACK = SND.UNA) is ignored"
    after = state
    if state == "SYN-RECEIVED":
        rule = "RFC 9293 3.10.7.4 fifth: SYN-RECEIVED and SND.UNA < SEG.ACK =< SND.NXT: ESTABLISHED"
        after = "ESTABLISHED"
    if not fin:
        return (rule, [], after)
    if seq != rcv_nxt:
        return (rule + "; RFC 9293 3.10.7.4 eighth: a FIN beyond RCV.NXT is not processed; "
                "RFC 5681 4.2: out-of-order segment: immediate ACK of RCV.NXT", [challenge], after)
    fin_next = {"ESTABLISHED": "CLOSE-WAIT", "FIN-WAIT-1": "CLOSING", "FIN-WAIT-2": "TIME-WAIT"}
    if after in fin_next:
        return (rule + f"; RFC 9293 3.10.7.4 eighth: FIN at RCV.NXT: {after} -> {fin_next[after]}, "
                "ACK the FIN", [ack_line(snd_max, rcv_nxt + 1)], fin_next[after])
    return (rule + f"; RFC 9293 3.10.7.4 eighth: {after}: a FIN was already received: remain, "
            "acknowledge (RCV.NXT unchanged)" + ("; TIME-WAIT restarts 2 MSL" if after == "TIME-WAIT" else ""),
            [challenge], after)


def syn_sent_cases():
    """RFC 9293 3.10.7.3 with RFC 5961 3.2; peer ISN 0; ack 1 = ISS+1 is acceptable, ack 0 = ISS is not."""
    cases = []
    for event, (flags, _) in EVENTS.items():
        acks = [("ack_ok", 1), ("ack_bad", 0)] if "." in flags else [("", None)]
        for suffix, ack in acks:
            syn, fin, rst = "S" in flags, "F" in flags, "R" in flags
            if ack == 0:
                if rst:
                    rule, out, after = "first: unacceptable ACK with RST: drop", [], "SYN-SENT"
                else:
                    rule = "first: SEG.ACK =< ISS: send <SEQ=SEG.ACK><CTL=RST>, drop"
                    out, after = ["+0 > R 0:0(0) win 0"], "SYN-SENT"
            elif rst:
                if ack is None:
                    rule, out, after = "second: RST without an acceptable ACK: drop", [], "SYN-SENT"
                else:
                    rule, out, after = "second: RST with acceptable ACK: connection refused", [], "CLOSED"
            elif syn and ack == 1:
                rule = "fourth: SYN with acceptable ACK: ESTABLISHED, send <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>"
                out, after = ["+0 > . 1:1(0) ack 1 win 65535"], "ESTABLISHED"
            elif syn:
                rule = ("fourth: SYN without ACK: simultaneous open, SYN-RECEIVED, send <SEQ=ISS><ACK=RCV.NXT>"
                        "<CTL=SYN,ACK>" + (" (the FIN is not processed before ESTABLISHED)" if fin else ""))
                out, after = ["+0 > S. 0:0(0) ack 1 win 65535 <mss 1460>"], "SYN-RECEIVED"
            else:
                rule, out, after = "fifth: neither SYN nor RST: drop", [], "SYN-SENT"
            name = event + ("_" + suffix if suffix else "")
            ack_text = f" ack {ack}" if ack is not None else ""
            cases.append((name, "RFC 9293 3.10.7.3 " + rule, f"+.01 < {flags} 0:0(0){ack_text} win 65535",
                          out, after))
    return cases


def listen_cases(with_listener):
    """RFC 9293 3.10.7.2 (LISTEN) or 3.10.7.1 (CLOSED, no listener); peer ISN 0, ack 1."""
    cases = []
    for event, (flags, length) in EVENTS.items():
        syn, ack, fin, rst = "S" in flags, "." in flags, "F" in flags, "R" in flags
        ack_text = " ack 1" if ack else ""
        if rst:
            rule, out = "an incoming RST is ignored", []
        elif with_listener and ack:
            rule, out = "any ACK in LISTEN is bad: send <SEQ=SEG.ACK><CTL=RST>", ["+0 > R 1:1(0) win 0"]
        elif not with_listener and ack:
            rule, out = "ACK on: send <SEQ=SEG.ACK><CTL=RST>", ["+0 > R 1:1(0) win 0"]
        elif not with_listener:
            rule = "ACK off: send <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>"
            out = [f"+0 > R. 0:0(0) ack {length} win 0"]
        elif syn and fin:
            rule = ("SYN: the engine drops SYN+FIN as Linux and FreeBSD do, although 3.10.7.2 would "
                    "queue the FIN (documented in engine_listen.hpp)")
            out = []
        elif syn:
            rule = "SYN: SYN-RECEIVED, send <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>"
            out = ["+0 > S. 0:0(0) ack 1 win 65535 <mss 1460>"]
        else:
            rule, out = "fourth, other text or control: drop", []
        after = "SYN-RECEIVED" if with_listener and syn and not fin and not ack and not rst else \
            ("LISTEN" if with_listener else "CLOSED")
        section = "3.10.7.2 LISTEN" if with_listener else "3.10.7.1 CLOSED"
        cases.append((event, f"RFC 9293 {section}: {rule}", f"+.01 < {flags} 0:0(0){ack_text} win 65535",
                      out, after))
    return cases


def write_script(path, title, prelude, state, rule, event_line, out, after):
    lines = [f"// Generated by tests/packetdrill/gen_matrix.py; do not edit.",
             f"// {title}",
             f"// Expected: {rule}.",
             KNOBS]
    lines += prelude
    lines.append(f"// tcpterm-state: {state}")
    lines.append(event_line)
    lines += out
    lines.append(f"// tcpterm-state: {after}")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def known_failures():
    """Scripts named as `- `path`` bullets in KNOWN_FAILURES.md (relative to scripts/)."""
    path = os.path.join(HERE, "KNOWN_FAILURES.md")
    if not os.path.exists(path):
        return set()
    names = set()
    with open(path) as f:
        for line in f:
            if line.startswith("- `") and "`" in line[3:]:
                names.add(line[3:line.index("`", 3)])
    return names


def main():
    if os.path.isdir(OUT):
        for entry in os.listdir(OUT):
            if os.path.isdir(os.path.join(OUT, entry)):
                shutil.rmtree(os.path.join(OUT, entry))
    written = []
    for state, (prelude, rcv_nxt, snd_una, snd_max) in SYNCHRONIZED.items():
        wnd = RCV_ADV - rcv_nxt
        seqs = [rcv_nxt - 1, rcv_nxt, rcv_nxt + wnd - 1, rcv_nxt + wnd]
        for event, (flags, _) in EVENTS.items():
            for point, seq in zip(POINTS, seqs):
                rule, out, after = synchronized_reaction(state, event, seq, rcv_nxt, snd_max)
                ack_text = f" ack {snd_una}" if "." in flags else ""
                event_line = f"+.01 < {flags} {seq}:{seq}(0){ack_text} win 65535"
                rel = f"{state.lower()}/{event}_{point}.pkt"
                title = (f"{state} x {event.upper().replace('_', '-')} at {point.upper().replace('_', ' ')} "
                         f"(RCV.NXT={rcv_nxt}, RCV.WND={wnd}, SEG.SEQ={seq})")
                write_script(os.path.join(OUT, rel), title, prelude, state, rule, event_line, out, after)
                written.append(rel)
    syn_sent_prelude = ["0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3",
                        "+0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0",
                        "+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)",
                        "+0 > S 0:0(0) win 65535 <mss 1460>"]
    groups = [("syn-sent", "SYN-SENT", syn_sent_prelude, syn_sent_cases()),
              ("listen", "LISTEN", LISTEN_PRELUDE, listen_cases(True)),
              ("closed", "CLOSED", [], listen_cases(False))]
    for folder, state, prelude, cases in groups:
        for name, rule, event_line, out, after in cases:
            rel = f"{folder}/{name}.pkt"
            title = f"{state} x {name.upper().replace('_', '-')}"
            write_script(os.path.join(OUT, rel), title, prelude, state, rule, event_line, out, after)
            written.append(rel)
    known = known_failures()
    with open(os.path.join(OUT, "meson.build"), "w") as f:
        f.write("# Written by tests/packetdrill/gen_matrix.py; do not edit.\n")
        f.write("# Scripts listed in KNOWN_FAILURES.md are generated but not registered.\n")
        f.write("packetdrill_scripts += [\n")
        for rel in sorted(written):
            if "matrix/" + rel not in known:
                f.write(f"  'matrix/{rel}',\n")
        f.write("]\n")
    print(f"wrote {len(written)} scripts under {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
