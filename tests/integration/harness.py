"""Harness for tcpterm's integration tests: a real tcpterm on a net_tap device,
the Linux kernel as its peer. Each test process first moves into a network
namespace of its own, so its tap interface, addresses and the kernel's TCP
counters (/proc/net/snmp is per namespace) belong to that test alone, and
whatever is left over disappears with the namespace.

A test script is `harness.main(test)` where test(ctx: Context) raises on
failure. argv: the tcpterm executable, then the source directory. Exit codes
follow meson: 0 pass, 1 fail, 77 skip (when /dev/net/tun is absent, or a
test raises TestSkipped because the machine cannot run it).
"""

import ctypes
import errno
import os
import re
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback

import yaml

SKIP = 77
READY_PREFIX = "tcpterm: serving"
START_TIMEOUT_S = 30
STOP_TIMEOUT_S = 20

_CLONE_NEWNET = 0x40000000
_PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)


class TestFailure(Exception):
    """A check failed; the message says what was expected and what came."""


class TestSkipped(Exception):
    """The machine cannot run the test (the message says why): exit 77."""


def check(condition, message):
    if not condition:
        raise TestFailure(message)


def log(message):
    print(f"[test] {message}", flush=True)


def enter_private_network_namespace():
    """Moves this (still single-threaded) process into a new network
    namespace with loopback up; children started later inherit it."""
    if _libc.unshare(_CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise TestFailure(f"unshare(CLONE_NEWNET) failed: {os.strerror(err)}; "
                          "the integration tests need root (CAP_SYS_ADMIN) for a private network namespace")
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)


def _die_with_parent():
    # tcpterm busy-polls a core: never let it outlive a killed test.
    _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


def interface_exists(name):
    return os.path.exists(f"/sys/class/net/{name}") or subprocess.run(
        ["ip", "link", "show", "dev", name], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0


def interface_addresses(name):
    """The kernel's addresses on `name`, e.g. {"10.7.0.1/24", "fd00:7::1/64"}."""
    out = subprocess.run(["ip", "-o", "addr", "show", "dev", name], capture_output=True, text=True).stdout
    return set(re.findall(r"\binet6? (\S+)", out))


def kernel_tcp_counters():
    """The Tcp: line of /proc/net/snmp as a dict (OutRsts, EstabResets, ...)."""
    with open("/proc/net/snmp") as f:
        lines = [line.split() for line in f if line.startswith("Tcp:")]
    names, values = lines[0][1:], lines[1][1:]
    return {name: int(value) for name, value in zip(names, values)}


_TCP_STATES_AT_REST = {"06", "07", "0A"}  # TIME_WAIT, CLOSE, LISTEN in /proc/net/tcp


def wait_kernel_sockets_at_rest(timeout_s=10):
    """Waits until every kernel TCP socket in this namespace is in TIME-WAIT,
    CLOSED or LISTEN: the kernel has sent its last segment of every close."""
    deadline = time.monotonic() + timeout_s
    while True:
        busy = []
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            with open(table) as f:
                busy += [line.split()[1:4] for line in list(f)[1:] if line.split()[3] not in _TCP_STATES_AT_REST]
        if not busy:
            return
        if time.monotonic() > deadline:
            raise TestFailure(f"kernel sockets still closing after {timeout_s} s (local, remote, state): {busy}")
        time.sleep(0.05)


def parse_final_counters(lines):
    """tcpterm's final report after the stop signal: "section:" lines, then
    "  name value" lines (zeros are omitted), occupancy as name/value pairs.
    Returns {"dataplane": {...}, "tcp engine": {...}, "occupancy": {...}}."""
    sections = {}
    current = None
    for line in lines:
        if re.fullmatch(r"[a-z][a-z ]*:", line.strip()) and not line.startswith(" "):
            current = sections.setdefault(line.strip()[:-1], {})
        elif current is not None and line.startswith("  "):
            words = line.split()
            for name, value in zip(words[0::2], words[1::2]):
                if value.isdigit():
                    current[name] = int(value)
        elif line.startswith("tcpterm:"):
            current = None
    return sections


class Tcpterm:
    """One tcpterm process on its own net_tap interface and EAL file prefix."""

    _instances = 0

    def __init__(self, ctx, config_path, extra_eal_args=()):
        Tcpterm._instances += 1
        n = Tcpterm._instances
        self.ctx = ctx
        self.config_path = config_path
        self.interface = f"tt{os.getpid() % 1000000}n{n}"  # at most 15 characters
        self.file_prefix = f"tcpterm-it-{os.getpid()}-{n}"
        self.command = [ctx.exe, "-l", "0-1", "--no-pci", "--no-huge", "-m", "512", "--no-shconf",
                        "--file-prefix", self.file_prefix, f"--vdev=net_tap0,iface={self.interface}",
                        *extra_eal_args, "--", "--config", config_path]
        self.process = None
        self.lines = []
        self.exit_code = None
        self.counters = {}
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._reader = None

    def output(self):
        with self._lock:
            return "\n".join(self.lines)

    def wait_output(self, text, timeout_s=5):
        """Waits until the output holds `text`. The ready line comes with the
        first port; what tcpterm prints after it (further ports, notes) may
        not have been read yet when start() returns."""
        deadline = time.monotonic() + timeout_s
        while text not in self.output():
            if time.monotonic() > deadline:
                raise TestFailure(f"tcpterm never printed {text!r}; its output:\n{self.output()}")
            time.sleep(0.05)

    def _read_output(self):
        for raw in self.process.stdout:
            line = raw.rstrip("\n")
            print(f"[tcpterm] {line}", flush=True)
            with self._lock:
                self.lines.append(line)
            if line.startswith(READY_PREFIX):
                self._ready.set()

    def launch(self):
        """Starts the process without waiting for it to be ready."""
        log("starting: " + " ".join(self.command))
        self.process = subprocess.Popen(self.command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True, errors="replace",
                                        preexec_fn=_die_with_parent)
        self._reader = threading.Thread(target=self._read_output, daemon=True)
        self._reader.start()
        return self

    def start(self, timeout_s=START_TIMEOUT_S):
        """Starts tcpterm and waits for its ready line and for the kernel side
        of its tap to carry the config's kernel_side addresses."""
        self.launch()
        wanted = {str(a) for a in self.ctx.config_value(self.config_path, "ports", 0, "kernel_side") or []}
        deadline = time.monotonic() + timeout_s
        while True:
            if self.process.poll() is not None:
                self._reader.join(timeout=2)
                raise TestFailure(f"tcpterm exited with status {self.process.returncode} before it was ready; "
                                  f"its output:\n{self.output()}")
            have = interface_addresses(self.interface) if self._ready.is_set() else set()
            if self._ready.is_set() and wanted <= have:
                log(f"tcpterm ready on {self.interface} ({' '.join(sorted(have))})")
                return self
            if time.monotonic() > deadline:
                state = "no ready line" if not self._ready.is_set() else \
                    f"interface {self.interface} has {sorted(have)}, expected {sorted(wanted)}"
                raise TestFailure(f"tcpterm not ready after {timeout_s} s ({state}); its output:\n{self.output()}")
            time.sleep(0.05)

    def wait_exit(self, timeout_s=STOP_TIMEOUT_S):
        """Waits for the process to end on its own; returns its exit code."""
        try:
            self.exit_code = self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.kill()
            raise TestFailure(f"tcpterm still running after {timeout_s} s; killed it. Its output:\n{self.output()}")
        self._reader.join(timeout=5)
        return self.exit_code

    def stop(self, timeout_s=STOP_TIMEOUT_S):
        """SIGTERM, then checks the clean-stop contract: exit 0, final
        counters printed, tap interface removed. Returns the counters."""
        check(self.process.poll() is None,
              f"tcpterm died during the test with status {self.process.returncode}; its output:\n{self.output()}")
        self.process.send_signal(signal.SIGTERM)
        code = self.wait_exit(timeout_s)
        with self._lock:
            lines = list(self.lines)
        stop_index = next((i for i, line in enumerate(lines) if "SIGTERM received" in line), None)
        self.counters = parse_final_counters(lines[stop_index:] if stop_index is not None else [])
        check(code == 0, f"tcpterm exited with status {code} after SIGTERM (expected 0); its output:\n{self.output()}")
        check(stop_index is not None and "tcp engine" in self.counters,
              f"tcpterm printed no final counters after SIGTERM; its output:\n{self.output()}")
        check(not interface_exists(self.interface),
              f"tcpterm exited but left its tap interface {self.interface} behind")
        return self.counters

    def engine(self, name):
        """An engine counter from the final report (omitted means zero)."""
        return self.counters.get("tcp engine", {}).get(name, 0)

    def dataplane(self, name):
        return self.counters.get("dataplane", {}).get(name, 0)

    def kill(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if interface_exists(self.interface):
            subprocess.run(["ip", "link", "del", "dev", self.interface], stderr=subprocess.DEVNULL)


class Context:
    """What a test gets: the executable, the source tree, config helpers and
    tcpterm instances that are always cleaned up."""

    def __init__(self, exe, source_dir):
        self.exe = os.path.abspath(exe)
        self.source_dir = os.path.abspath(source_dir)
        self.default_config = os.path.join(self.source_dir, "configs", "tap.yaml")
        self.tmp = tempfile.TemporaryDirectory(prefix="tcpterm-it-")
        self._instances = []
        self._configs = {}

    def config(self, path=None):
        path = path or self.default_config
        if path not in self._configs:
            with open(path) as f:
                self._configs[path] = yaml.safe_load(f)
        return self._configs[path]

    def config_value(self, path, *keys):
        value = self.config(path)
        for key in keys:
            if value is None:
                return None
            value = value[key] if isinstance(key, int) else value.get(key)
        return value

    def tcpterm_address(self, family=4, path=None):
        """tcpterm's first address of that family from the config, without prefix."""
        for a in self.config_value(path or self.default_config, "ports", 0, "addresses"):
            address = str(a).split("/")[0]
            if (":" in address) == (family == 6):
                return address
        return None

    def listener_port(self, app, path=None):
        for listener in self.config_value(path or self.default_config, "listeners") or []:
            if listener["app"] == app:
                return int(listener["port"])
        raise TestFailure(f"{path or self.default_config} has no listener for app {app}")

    def write_config(self, name, text):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def tcpterm(self, config_path=None, extra_eal_args=()):
        instance = Tcpterm(self, config_path or self.default_config, extra_eal_args)
        self._instances.append(instance)
        return instance

    def cleanup(self):
        for instance in self._instances:
            instance.kill()
        self.tmp.cleanup()


def _raise_on_sigterm(signum, frame):
    raise SystemExit(f"test interrupted by signal {signum}")


def main(test):
    if len(sys.argv) != 3:
        print(f"usage: {sys.argv[0]} TCPTERM_EXECUTABLE SOURCE_DIR", file=sys.stderr)
        sys.exit(2)
    if not os.path.exists("/dev/net/tun"):
        print("SKIP: /dev/net/tun is absent (modprobe tun); net_tap needs it", flush=True)
        sys.exit(SKIP)
    signal.signal(signal.SIGTERM, _raise_on_sigterm)
    ctx = None
    status = 1
    try:
        enter_private_network_namespace()
        ctx = Context(sys.argv[1], sys.argv[2])
        test(ctx)
        status = 0
    except TestFailure as e:
        print(f"FAIL: {e}", flush=True)
    except TestSkipped as e:
        print(f"SKIP: {e}", flush=True)
        status = SKIP
    except BaseException:
        traceback.print_exc()
        print("FAIL: the test raised an exception (traceback above)", flush=True)
    finally:
        if ctx is not None:
            ctx.cleanup()
    print({0: "PASS", SKIP: "skipped"}.get(status, "test failed"), flush=True)
    sys.exit(status)


# Clients. Every one is bounded in time; none retries forever.

def http_get(url, timeout_s=10):
    """(status code, body bytes) fetched with curl."""
    with tempfile.NamedTemporaryFile() as body:
        result = subprocess.run(["curl", "-sS", "--max-time", str(timeout_s), "-o", body.name, "-w", "%{http_code}",
                                 url], capture_output=True, text=True, timeout=timeout_s + 5)
        check(result.returncode == 0, f"curl {url} failed with status {result.returncode}: {result.stderr.strip()}")
        return int(result.stdout.strip()), body.read()


class _Flow:
    """One client connection of exchange_many."""

    def __init__(self, index, sock, payload):
        self.index, self.sock, self.payload = index, sock, payload
        self.connected = False
        self.sent = 0
        self.received = bytearray()

    def describe(self, host, port):
        return (f"{host}:{port} connection {self.index}: {self.sent} of {len(self.payload)} bytes sent, "
                f"{len(self.received)} received")


def exchange_many(host, port, payloads, expect_echo, timeout_s=60, chunk=65536):
    """Opens one connection per payload, all at once, and on each sends its
    payload while reading concurrently, half-closes, and reads until the
    peer's FIN. Returns the bytes each received. A refused or reset
    connection, data from a discard server, or the deadline fails the test."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    deadline = time.monotonic() + timeout_s
    selector = selectors.DefaultSelector()
    results = [None] * len(payloads)
    try:
        for index, payload in enumerate(payloads):
            sock = socket.socket(family, socket.SOCK_STREAM)
            sock.setblocking(False)
            error = sock.connect_ex((host, port))
            if error not in (0, errno.EINPROGRESS):
                sock.close()
                raise TestFailure(f"{host}:{port} connection {index}: connect failed: {os.strerror(error)}")
            selector.register(sock, selectors.EVENT_READ | selectors.EVENT_WRITE, _Flow(index, sock, payload))
        open_flows = len(payloads)
        while open_flows:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                stuck = [key.data.describe(host, port) for key in selector.get_map().values()]
                raise TestFailure(f"timed out after {timeout_s} s with {open_flows} connections open: {stuck[:5]}")
            for key, events in selector.select(timeout=min(remaining, 1.0)):
                flow = key.data
                try:
                    if events & selectors.EVENT_WRITE:
                        if not flow.connected:
                            error = flow.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                            check(error == 0, f"{flow.describe(host, port)}: connect failed: {os.strerror(error)}")
                            flow.connected = True
                        try:
                            flow.sent += flow.sock.send(flow.payload[flow.sent:flow.sent + chunk])
                        except BlockingIOError:
                            pass
                        if flow.sent == len(flow.payload):
                            flow.sock.shutdown(socket.SHUT_WR)
                            selector.modify(flow.sock, selectors.EVENT_READ, flow)
                    if events & selectors.EVENT_READ:
                        try:
                            data = flow.sock.recv(chunk)
                        except BlockingIOError:
                            continue
                        if data:
                            flow.received += data
                            check(expect_echo, f"{flow.describe(host, port)}: data from a discard server")
                        else:
                            check(flow.sent == len(flow.payload),
                                  f"{flow.describe(host, port)}: the peer closed before all was sent")
                            results[flow.index] = bytes(flow.received)
                            selector.unregister(flow.sock)
                            flow.sock.close()
                            open_flows -= 1
                except ConnectionError as e:
                    raise TestFailure(f"{flow.describe(host, port)}: {e}")
    finally:
        for key in list(selector.get_map().values()):
            key.fileobj.close()
        selector.close()
    return results


def exchange(host, port, payload, expect_echo, timeout_s=30):
    """exchange_many with one connection."""
    return exchange_many(host, port, [payload], expect_echo, timeout_s)[0]


def first_difference(received, sent):
    """Offset of the first byte that differs (or where one ends), else None."""
    if received == sent:
        return None
    return next((i for i, (a, b) in enumerate(zip(received, sent)) if a != b), min(len(received), len(sent)))


def ping(address, count=3, timeout_s=10):
    result = subprocess.run(["ping", "-n", "-c", str(count), "-i", "0.2", "-W", "2", "-w", str(timeout_s), address],
                            capture_output=True, text=True, timeout=timeout_s + 5)
    check(result.returncode == 0, f"ping {address} failed (status {result.returncode}):\n{result.stdout}{result.stderr}")
    return result.stdout


def assert_no_resets(tcpterm, kernel_before, kernel_after=None):
    """No RST either way: tcpterm's rst_in/rst_out and the kernel's RST
    counters over the test (this namespace's only)."""
    kernel_after = kernel_after or kernel_tcp_counters()
    delta = {name: kernel_after[name] - kernel_before[name] for name in ("OutRsts", "EstabResets", "AttemptFails")}
    log(f"kernel TCP deltas: {delta}; tcpterm rst_in {tcpterm.engine('rst_in')} rst_out {tcpterm.engine('rst_out')}")
    check(tcpterm.engine("rst_in") == 0 and tcpterm.engine("rst_out") == 0,
          f"tcpterm counted RSTs: rst_in {tcpterm.engine('rst_in')}, rst_out {tcpterm.engine('rst_out')}")
    check(all(v == 0 for v in delta.values()), f"the kernel counted resets or failed connects: {delta}")


def settle():
    """Lets every close finish: the kernel's sockets at rest, then a short
    pause for tcpterm to take the last ACK off the tap."""
    wait_kernel_sockets_at_rest()
    time.sleep(0.3)


def exercise_cleanly(ctx, exercise, config_path=None):
    """The common test shape: start tcpterm, run exercise(tcpterm), let the
    closes finish, stop it, and check that no RST went either way.
    Returns the stopped instance, its final counters in .counters."""
    instance = ctx.tcpterm(config_path).start()
    kernel_before = kernel_tcp_counters()
    exercise(instance)
    settle()
    kernel_after = kernel_tcp_counters()
    instance.stop()
    assert_no_resets(instance, kernel_before, kernel_after)
    return instance
