#!/usr/bin/python3
"""Packet capture with the stock dpdk-dumpcap against a running tcpterm.

dumpcap is a DPDK secondary process: it attaches to tcpterm's shared memory
through the EAL's runtime directory, so tcpterm runs here with hugepages and
a --file-prefix, without --no-huge or --no-shconf (a --no-huge primary writes
no hugepage info a secondary can read: "EAL: Cannot get hugepage
information"). The test mounts its own hugetlbfs in a private mount
namespace, raises vm.nr_hugepages for its run if too few are free and puts
the old value back. It skips only when the kernel cannot supply the pages.

Checks: dumpcap -c 10 ends with a pcapng holding at least 10 packets,
one of them tcpterm's HTTP response, while curl talks to tcpterm, the requests still succeed, and a tcpterm started with
--no-shconf says in its log that capture is unavailable and why."""
import ctypes
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import harness  # noqa: E402
from harness import check, log  # noqa: E402

PACKETS = 10
PAGES_NEEDED = 128  # 2 MiB pages: tcpterm's pool and dumpcap's ring with room to spare
DUMPCAP_TIMEOUT_S = 30
_CLONE_NEWNS = 0x00020000
_libc = ctypes.CDLL(None, use_errno=True)


def meminfo(name):
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith(name + ":"):
                return int(line.split()[1])
    return 0


def private_hugetlbfs(directory):
    """A hugetlbfs of this test's own, in a private mount namespace: tcpterm
    and dumpcap (children) see it, its files vanish with the test."""
    if _libc.unshare(_CLONE_NEWNS) != 0:
        raise harness.TestFailure(f"unshare(CLONE_NEWNS) failed: {os.strerror(ctypes.get_errno())}")
    subprocess.run(["mount", "--make-rprivate", "/"], check=True)
    subprocess.run(["mount", "-t", "hugetlbfs", "-o", "pagesize=2M", "nodev", directory], check=True)


class HugepageReservation:
    """Raises vm.nr_hugepages so PAGES_NEEDED 2 MiB pages are free; restores it."""

    PATH = "/proc/sys/vm/nr_hugepages"

    def __init__(self):
        with open(self.PATH) as f:
            self.original = int(f.read())
        self.raised = False

    def reserve(self):
        free = meminfo("HugePages_Free")
        if free < PAGES_NEEDED:
            with open(self.PATH, "w") as f:
                f.write(str(self.original + PAGES_NEEDED - free))
            self.raised = True
        return meminfo("HugePages_Free")

    def release(self):
        if self.raised:
            with open(self.PATH, "w") as f:
                f.write(str(self.original))


def pcapng_packet_count(path):
    """Enhanced (6) and simple (3) packet blocks in a pcapng file."""
    with open(path, "rb") as f:
        data = f.read()
    check(len(data) >= 12 and struct.unpack_from("<I", data, 0)[0] == 0x0A0D0D0A,
          f"{path} is not a pcapng file ({len(data)} bytes)")
    order = "<" if struct.unpack_from("<I", data, 8)[0] == 0x1A2B3C4D else ">"
    offset, packets = 0, 0
    while offset + 12 <= len(data):
        block_type, length = struct.unpack_from(order + "II", data, offset)
        check(length >= 12 and offset + length <= len(data), f"{path}: truncated block at offset {offset}")
        packets += block_type in (3, 6)
        offset += length
    return packets


def capture_while_curling(tcpterm, pcap):
    command = ["dpdk-dumpcap", f"--file-prefix={tcpterm.file_prefix}", "-i", "net_tap0",
               "-c", str(PACKETS), "-w", pcap]
    log("running: " + " ".join(command))
    dumpcap = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, errors="replace")
    deadline = time.monotonic() + DUMPCAP_TIMEOUT_S
    requests = 0
    try:
        while dumpcap.poll() is None and time.monotonic() < deadline:
            status, _ = harness.http_get("http://10.7.0.2/", timeout_s=5)
            check(status == 200, f"GET / answered {status} while capturing")
            requests += 1
            time.sleep(0.2)
        if dumpcap.poll() is None:
            dumpcap.kill()
        output = dumpcap.communicate(timeout=10)[0]
    finally:
        if dumpcap.poll() is None:
            dumpcap.kill()
            dumpcap.wait()
    log(f"{requests} requests during the capture; dumpcap said:\n{output}")
    check(dumpcap.returncode == 0,
          f"dpdk-dumpcap exited with status {dumpcap.returncode} (or hit the {DUMPCAP_TIMEOUT_S} s limit); "
          f"its output:\n{output}\ntcpterm's output:\n{tcpterm.output()}")
    return requests


def test(ctx):
    tcpterm = ctx.tcpterm()
    eal = tcpterm.command[:tcpterm.command.index("--")]
    rest = tcpterm.command[len(eal):]
    at = eal.index("--no-huge")
    del eal[at:at + 4]  # --no-huge -m 512 --no-shconf
    tcpterm.command = eal + ["--huge-dir", HUGE_DIR] + rest
    tcpterm.start()
    check("packet capture: ready for dpdk-dumpcap" in tcpterm.output(),
          f"tcpterm did not log that capture is ready; its output:\n{tcpterm.output()}")
    pcap = os.path.join(ctx.tmp.name, "capture.pcapng")
    capture_while_curling(tcpterm, pcap)
    count = pcapng_packet_count(pcap)
    log(f"{pcap}: {count} packets")
    check(count >= PACKETS, f"{pcap} holds {count} packets, expected at least {PACKETS}")
    with open(pcap, "rb") as f:
        check(b"Hello from tcpterm" in f.read(), f"{pcap} holds no HTTP response sent by tcpterm")
    tcpterm.stop()

    # The harness's usual flags include --no-shconf: capture is off, and said so.
    plain = ctx.tcpterm().start()
    plain.stop()
    check("packet capture: unavailable" in plain.output() and "--no-shconf" in plain.output(),
          f"with --no-shconf tcpterm did not explain that capture is unavailable; its output:\n{plain.output()}")


if __name__ == "__main__":
    if shutil.which("dpdk-dumpcap") is None:
        print("FAIL: dpdk-dumpcap is not installed (Debian package dpdk; deploy/install-deps.sh)", flush=True)
        sys.exit(1)
    HUGE_DIR = tempfile.mkdtemp(prefix="tcpterm-huge-")
    reservation = HugepageReservation()
    try:
        private_hugetlbfs(HUGE_DIR)
        free = reservation.reserve()
        if free < PAGES_NEEDED:
            print(f"SKIP: the kernel could not supply {PAGES_NEEDED} free 2 MiB hugepages "
                  f"(HugePages_Free is {free} after raising vm.nr_hugepages); dpdk-dumpcap attaches to "
                  "tcpterm's hugepage memory as a secondary process and cannot work without it", flush=True)
            sys.exit(harness.SKIP)
        harness.main(test)
    finally:
        subprocess.run(["umount", HUGE_DIR], stderr=subprocess.DEVNULL)  # frees tcpterm's pages first
        reservation.release()
        os.rmdir(HUGE_DIR)
