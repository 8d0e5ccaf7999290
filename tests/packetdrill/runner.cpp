// The runner's semantics, as packetdrill's where it has them:
// - Script time 0 is the engine clock's start; `+t` is relative to the
//   previous event (to the actual emission time after a `*` or ranged
//   outbound line). The clock moves in 1 ms steps, running engine timers.
// - The local side's sequence numbers are relative to the engine's ISN,
//   learned from its first SYN or SYN-ACK; its TS val is not checked but
//   learned, and inbound TS ecr values are translated by it.
// - A segment emitted while the script injects a packet or makes a call, or
//   left over at the end, is unexpected and fails the script.
// - A blocking accept/connect/read is pending until it can complete; its
//   return value is checked then (and its end time if given as `t...end`).
#include "runner.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <memory>

#include "option_bytes.hpp"
#include "table/flow_hash.hpp"
#include "test_host.hpp"

namespace tcpterm::tcp {

/// The runner's view into the engine: which state holds a tuple.
struct EngineTestAccess {
  template <class Host>
  static TcpState state_of(const Engine<Host>& engine, const table::FlowKey& key) {
    uint32_t index = engine.lookup(key, table::flow_hash(key));
    if (index == table::FlowTable::kNotFound) {
      return engine.find_listener(key) != nullptr ? TcpState::kListen : TcpState::kClosed;
    }
    if (index >= engine.config_.max_connections) return TcpState::kTimeWait;
    return engine.tcbs_[index].state;
  }
};

}  // namespace tcpterm::tcp

namespace tcpterm::packetdrill {
namespace {

constexpr uint64_t kBaseUs = 1'000'000'000;  // engine clocks need not start at 0
constexpr int64_t kStepUs = 1000;
constexpr int64_t kMaxWaitUs = 600'000'000;  // how long a `*` outbound line waits
constexpr uint16_t kServerPort = 8080;       // packetdrill's bind() port
constexpr uint16_t kClientPort = 48888;      // the remote's port, or ours when we connect
constexpr uint16_t kAppId = 1;

struct RunFailure {
  int line;
  std::string message;
};

/// What a syscall returns: a value, or -1 and an errno name.
struct CallResult {
  int64_t value = 0;
  std::string errno_name;
};

struct Socket {
  enum class Kind : uint8_t { kFresh, kListener, kConnection };
  Kind kind = Kind::kFresh;
  bool nonblocking = false;
  bool bound = false;
  uint16_t port = 0;
  std::shared_ptr<Connection> conn;
};

struct Pending {
  const Event* event = nullptr;
  int fd = -1;
  int64_t started_us = 0;
};

std::string format_time(int64_t us) {
  std::string sign = us < 0 ? "-" : "";
  uint64_t a = static_cast<uint64_t>(us < 0 ? -us : us);
  std::string frac = std::to_string(a % 1'000'000);
  frac.insert(0, 6 - frac.size(), '0');
  return sign + std::to_string(a / 1'000'000) + "." + frac;
}

std::string describe(const CallResult& r) {
  return r.value == -1 ? "-1 " + r.errno_name : std::to_string(r.value);
}

class Runner {
 public:
  explicit Runner(const Script& script)
      : script_(script), now_(kBaseUs), engine_config_(script.options.engine) {
    host_.clock_us = &now_;
    host_.base_us = kBaseUs;
    engine_ = std::make_unique<TestHost::EngineT>(engine_config_, host_, now_);
    bool v6 = script.options.ip_version == IpVersion::kIpv6;
    remote_address_ = *wire::IpAddress::parse(v6 ? "2001:db8::1" : "192.0.2.1");
    local_address_ = *wire::IpAddress::parse(v6 ? "fd3d:fa7b:d17d::1" : "192.168.0.1");
    tuple_.remote_address = remote_address_;
    tuple_.local_address = local_address_;
    tuple_.remote_port = kClientPort;
    tuple_.local_port = kServerPort;
  }

  std::string run() {
    int line = 0;
    try {
      for (const Event& event : script_.events) {
        line = event.line;
        run_event(event);
      }
      check_nothing_emitted(line, "after the last event");
      if (pending_) {
        fail(pending_->event->line, "the blocking " + std::get<SyscallEvent>(pending_->event->body).name +
                                         "() never returned");
      }
    } catch (const RunFailure& f) {
      return script_.path + ":" + std::to_string(f.line) + ": " + f.message;
    }
    return {};
  }

 private:
  [[noreturn]] static void fail(int line, std::string message) { throw RunFailure{line, std::move(message)}; }

  int64_t script_now() const { return static_cast<int64_t>(now_ - kBaseUs); }

  // ---- time ----

  void step_to(int64_t target) {
    now_ = std::min(now_ + kStepUs, kBaseUs + static_cast<uint64_t>(target));
    engine_->advance(now_);
    poll_pending();
  }
  void advance_to(int64_t target) {
    while (script_now() < target) step_to(target);
  }

  /// [low, high] in script time for `t`, and whether it is a point.
  std::pair<int64_t, int64_t> resolve(const ScriptTime& t) const {
    switch (t.kind) {
      case ScriptTime::Kind::kAny: return {std::numeric_limits<int64_t>::min() / 2, script_now() + kMaxWaitUs};
      case ScriptTime::Kind::kRelative: return {last_event_us_ + t.low_us, last_event_us_ + t.high_us};
      case ScriptTime::Kind::kAbsolute: break;
    }
    return {t.low_us, t.high_us};
  }

  // ---- events ----

  void run_event(const Event& event) {
    if (const auto* fill = std::get_if<FillDirective>(&event.body)) {
      fill_ = fill->byte;
      return;
    }
    if (const auto* state = std::get_if<StateDirective>(&event.body)) {
      check_nothing_emitted(event.line, "before the state check");
      tcp::TcpState actual = tcp::EngineTestAccess::state_of(*engine_, tuple_);
      if (actual != state->state) {
        fail(event.line, std::string("expected state ") + tcp::to_string(state->state) + ", engine is in " +
                             tcp::to_string(actual));
      }
      return;
    }
    auto [low, high] = resolve(event.time);
    if (const auto* packet = std::get_if<PacketEvent>(&event.body); packet && !packet->inbound) {
      int64_t emitted_at = expect_outbound(event, *packet, low, high);
      bool exact = event.time.kind != ScriptTime::Kind::kAny && low == high;
      last_event_us_ = exact ? low : emitted_at;
      return;
    }
    int64_t at = event.time.kind == ScriptTime::Kind::kAny ? script_now() : low;
    advance_to(at);
    check_nothing_emitted(event.line, "before this event");
    if (const auto* packet = std::get_if<PacketEvent>(&event.body)) {
      inject(event.line, *packet);
      poll_pending();
    } else {
      run_syscall(event);
    }
    last_event_us_ = at;
  }

  void check_nothing_emitted(int line, std::string_view when) {
    if (host_.emitted.empty()) return;
    const Emission& e = host_.emitted.front();
    fail(line, "unexpected outbound segment " + std::string(when) + ": " + format_actual(e) + " at " +
                   format_time(e.time_us));
  }

  // ---- packets ----

  void inject(int line, const PacketEvent& p) {
    tcp::Segment s;
    s.key = tuple_;
    s.hash = table::flow_hash(s.key);
    s.seq = tcp::SeqNum(p.seq_start);
    if (p.ack) s.ack = tcp::SeqNum(*p.ack + iss_);
    s.flags = p.flags;
    s.window = *p.window;
    std::vector<ScriptOption> options = p.options;
    for (ScriptOption& o : options) {
      if (o.kind == ScriptOption::Kind::kTimestamp && ts_offset_ && o.second != 0) o.second += *ts_offset_;
      if (o.kind == ScriptOption::Kind::kSack) {
        for (auto& [left, right] : o.sack_blocks) {
          left += iss_;
          right += iss_;
        }
      }
    }
    std::vector<uint8_t> bytes = encode_script_options(options);
    if (wire::parse_tcp_options(bytes, s.options) != wire::TcpOptionsError::kNone) {
      fail(line, "the wire layer rejected the script's options <" + format_options(p.options) + ">");
    }
    std::vector<uint8_t> payload(p.payload_length, fill_);
    s.payload = payload;
    engine_->input(s, now_);
  }

  std::vector<ScriptOption> actual_options(const Emission& e) const {
    uint8_t bytes[40];
    size_t n = wire::encode_tcp_options(e.options, (e.flags & tcp::flags::kSyn) != 0, bytes);
    auto decoded = decode_option_bytes(std::span<const uint8_t>(bytes, n));
    return decoded ? *decoded : std::vector<ScriptOption>{};
  }

  std::string format_actual(const Emission& e) const {
    uint32_t seq = e.seq.raw() - iss_;
    std::string s = format_flags(e.flags) + " " + std::to_string(seq) + ":" +
                    std::to_string(seq + e.payload_length) + "(" + std::to_string(e.payload_length) + ")";
    if (e.flags & tcp::flags::kAck) s += " ack " + std::to_string(e.ack.raw());
    s += " win " + std::to_string(e.window);
    auto options = actual_options(e);
    if (!options.empty()) s += " <" + format_options(options) + ">";
    if (!(e.key == tuple_)) s += " (for " + e.key.remote_address.to_string() + ":" + std::to_string(e.key.remote_port) + ")";
    return s;
  }

  static std::string format_expected(const PacketEvent& p) {
    std::string s = format_flags(p.flags) + " " + std::to_string(p.seq_start) + ":" + std::to_string(p.seq_end) +
                    "(" + std::to_string(p.payload_length) + ")";
    if (p.ack) s += " ack " + std::to_string(*p.ack);
    if (p.window) s += " win " + std::to_string(*p.window);
    if (p.options_unchecked) {
      s += " <...>";
    } else if (!p.options.empty()) {
      s += " <" + format_options(p.options) + ">";
    }
    return s;
  }

  /// Waits for the next emitted segment and compares it; returns its time.
  int64_t expect_outbound(const Event& event, const PacketEvent& p, int64_t low, int64_t high) {
    int64_t tolerance = script_.options.tolerance_us;
    while (host_.emitted.empty()) {
      if (script_now() >= high + tolerance) {
        fail(event.line, "expected " + format_expected(p) + " at " + format_time(low) + ", nothing was sent by " +
                             format_time(script_now()));
      }
      step_to(high + tolerance);
    }
    Emission e = host_.emitted.front();
    host_.emitted.pop_front();
    if ((e.flags & tcp::flags::kSyn) && !iss_known_) {
      iss_ = e.seq.raw() - p.seq_start;
      iss_known_ = true;
    }
    std::string mismatch = compare(p, e);
    if (!mismatch.empty()) {
      fail(event.line, mismatch + "\n  expected: " + format_expected(p) + "\n  actual:   " + format_actual(e));
    }
    if (e.time_us < low - tolerance || e.time_us > high + tolerance) {
      fail(event.line, format_expected(p) + " expected at " + format_time(low) +
                           (high != low ? "~" + format_time(high) : "") + " (tolerance " +
                           std::to_string(tolerance) + " us), sent at " + format_time(e.time_us));
    }
    return e.time_us;
  }

  std::string compare(const PacketEvent& p, const Emission& e) {
    if (!(e.key == tuple_)) return "segment for another connection";
    if (e.flags != p.flags) return "flags differ";
    if (e.seq.raw() - iss_ != p.seq_start) return "sequence number differs";
    if (e.payload_length != p.payload_length) return "payload length differs";
    if ((p.flags & tcp::flags::kAck) && e.ack.raw() != *p.ack) return "ack number differs";
    if (p.window && e.window != *p.window) return "window differs";
    if (p.options_unchecked) return {};
    auto actual = actual_options(e);
    if (actual.size() != p.options.size()) return "options differ";
    for (size_t i = 0; i < actual.size(); ++i) {
      const ScriptOption& want = p.options[i];
      const ScriptOption& got = actual[i];
      if (want.kind != got.kind) return "options differ";
      if (want.kind == ScriptOption::Kind::kTimestamp) {
        if (want.second != got.second) return "TS ecr differs";
        if (!ts_offset_) ts_offset_ = got.first - want.first;  // TS val: learned, not checked
      } else if (!(want == got)) {
        return "options differ";
      }
    }
    return {};
  }

  // ---- syscalls ----

  Socket& socket_of(int line, const SyscallEvent& call) {
    if (call.args.empty() || call.args[0].kind != SyscallArg::Kind::kInteger) {
      fail(line, call.name + "() needs a file descriptor as its first argument");
    }
    auto it = sockets_.find(static_cast<int>(call.args[0].integer));
    if (it == sockets_.end()) fail(line, call.name + "(): fd " + std::to_string(call.args[0].integer) + " is not open");
    return it->second;
  }

  static int64_t integer_arg(int line, const SyscallEvent& call, size_t i, std::string_view what) {
    if (call.args.size() <= i || call.args[i].kind != SyscallArg::Kind::kInteger) {
      fail(line, call.name + "() needs an integer " + std::string(what) + " as argument " + std::to_string(i + 1));
    }
    return call.args[i].integer;
  }

  void check_result(const Event& event, const CallResult& actual) {
    const auto& call = std::get<SyscallEvent>(event.body);
    CallResult expected{call.result, call.errno_name};
    if (actual.value != expected.value || actual.errno_name != expected.errno_name) {
      fail(event.line, call.name + "() returned " + describe(actual) + ", expected " + describe(expected));
    }
  }

  void run_syscall(const Event& event) {
    const auto& call = std::get<SyscallEvent>(event.body);
    int line = event.line;
    if (pending_) {
      fail(line, call.name + "() issued while the blocking " +
                     std::get<SyscallEvent>(pending_->event->body).name + "() of line " +
                     std::to_string(pending_->event->line) + " has not returned");
    }
    if (call.name == "socket") {
      if (call.args.size() != 3 || (call.args[1].kind == SyscallArg::Kind::kSymbols &&
                                    !call.args[1].has_symbol("SOCK_STREAM"))) {
        fail(line, "socket() supports only (..., SOCK_STREAM, IPPROTO_TCP)");
      }
      int fd = 3;
      while (sockets_.contains(fd)) ++fd;
      sockets_[fd] = Socket{};
      return check_result(event, {fd, {}});
    }
    Socket& sock = socket_of(line, call);
    int fd = static_cast<int>(call.args[0].integer);
    if (call.name == "setsockopt") {
      if (call.args.size() != 5) fail(line, "setsockopt() takes 5 arguments");
      if (!call.args[2].has_symbol("SO_REUSEADDR") && !call.args[2].has_symbol("TCP_NODELAY")) {
        fail(line, "setsockopt option is not mapped to the engine (supported: SO_REUSEADDR, TCP_NODELAY)");
      }
      return check_result(event, {0, {}});
    }
    if (call.name == "getsockopt") {
      if (call.args.size() != 5 || !call.args[2].has_symbol("SO_ERROR") ||
          call.args[3].kind != SyscallArg::Kind::kArray || call.args[3].elements.size() != 1) {
        fail(line, "getsockopt is mapped only for (fd, SOL_SOCKET, SO_ERROR, [error], [4])");
      }
      std::string error = take_socket_error(sock);
      const SyscallArg& want = call.args[3].elements[0];
      bool match = error.empty() ? want.kind == SyscallArg::Kind::kInteger && want.integer == 0
                                 : want.has_symbol(error);
      if (!match) fail(line, "SO_ERROR is " + (error.empty() ? std::string("0") : error));
      return check_result(event, {0, {}});
    }
    if (call.name == "fcntl") {
      if (call.args.size() != 3 || !call.args[1].has_symbol("F_SETFL")) {
        fail(line, "fcntl is mapped only for (fd, F_SETFL, flags)");
      }
      sock.nonblocking = call.args[2].has_symbol("O_NONBLOCK");
      return check_result(event, {0, {}});
    }
    if (call.name == "bind") {
      sock.bound = true;
      sock.port = kServerPort;
      return check_result(event, {0, {}});
    }
    if (call.name == "listen") {
      uint16_t port = sock.bound ? sock.port : kServerPort;
      if (!engine_->listen(wire::IpAddress{}, port, kAppId)) return check_result(event, {-1, "EADDRINUSE"});
      sock.kind = Socket::Kind::kListener;
      sock.port = port;
      return check_result(event, {0, {}});
    }
    if (call.name == "connect") {
      tuple_.local_port = kClientPort;
      tuple_.remote_port = kServerPort;
      tcp::ConnRef c = engine_->connect(tuple_, kAppId, now_);
      if (c == tcp::kNoConn) return check_result(event, {-1, "EADDRNOTAVAIL"});
      auto conn = std::make_shared<Connection>();
      conn->ref = c;
      conn->accepted = true;
      host_.live[c] = conn;
      sock.kind = Socket::Kind::kConnection;
      sock.conn = conn;
      if (sock.nonblocking) return check_result(event, {-1, "EINPROGRESS"});
      return start_blocking(event, fd);
    }
    if (call.name == "accept" || call.name == "read") {
      if (auto r = try_complete(line, call, fd)) return check_result(event, *r);
      if (sock.nonblocking) return check_result(event, {-1, "EAGAIN"});
      return start_blocking(event, fd);
    }
    if (call.name == "write") return check_result(event, write(line, call, sock));
    if (call.name == "shutdown") {
      if (sock.kind != Socket::Kind::kConnection) return check_result(event, {-1, "ENOTCONN"});
      if (call.args.size() != 2) fail(line, "shutdown() takes 2 arguments");
      if (call.args[1].has_symbol("SHUT_WR") || call.args[1].has_symbol("SHUT_RDWR")) {
        if (sock.conn->live) engine_->shutdown_write(sock.conn->ref);
      } else if (!call.args[1].has_symbol("SHUT_RD")) {
        fail(line, "shutdown() how must be SHUT_RD, SHUT_WR or SHUT_RDWR");
      }
      return check_result(event, {0, {}});
    }
    if (call.name == "close") {
      close_socket(sock);
      sockets_.erase(fd);
      return check_result(event, {0, {}});
    }
    fail(line, "syscall " + call.name + "() is not mapped to the engine");
  }

  void start_blocking(const Event& event, int fd) {
    pending_ = Pending{&event, fd, script_now()};
    poll_pending();
  }

  /// Completes the pending call if it can; checks its result and end time.
  void poll_pending() {
    if (!pending_) return;
    const Event& event = *pending_->event;
    const auto& call = std::get<SyscallEvent>(event.body);
    std::optional<CallResult> r;
    if (call.name == "connect") {
      const Connection& conn = *sockets_.at(pending_->fd).conn;
      if (conn.established) {
        r = CallResult{0, {}};
      } else if (conn.closed) {
        r = CallResult{-1, close_errno(*conn.closed)};
      }
    } else {
      r = try_complete(event.line, call, pending_->fd);
    }
    if (!r) return;
    Pending done = *pending_;
    pending_.reset();
    check_result(event, *r);
    if (event.time.end_kind) {
      int64_t end = *event.time.end_kind == ScriptTime::Kind::kRelative ? done.started_us + event.time.end_us
                                                                         : event.time.end_us;
      int64_t tolerance = script_.options.tolerance_us;
      if (script_now() < end - tolerance || script_now() > end + tolerance) {
        fail(event.line, call.name + "() returned at " + format_time(script_now()) + ", expected at " +
                             format_time(end));
      }
    }
  }

  static std::string close_errno(tcp::CloseReason reason) {
    switch (reason) {
      case tcp::CloseReason::kRefused: return "ECONNREFUSED";
      case tcp::CloseReason::kTimeout: return "ETIMEDOUT";
      default: return "ECONNRESET";
    }
  }

  /// The pending socket error (SO_ERROR), cleared by reading it.
  static std::string take_socket_error(Socket& sock) {
    if (!sock.conn || !sock.conn->closed || sock.conn->error_reported) return {};
    if (*sock.conn->closed == tcp::CloseReason::kNormal) return {};
    sock.conn->error_reported = true;
    return close_errno(*sock.conn->closed);
  }

  std::optional<CallResult> try_complete(int line, const SyscallEvent& call, int fd) {
    Socket& sock = sockets_.at(fd);
    if (call.name == "accept") {
      if (sock.kind != Socket::Kind::kListener) return CallResult{-1, "EINVAL"};
      if (host_.accept_queue.empty()) return std::nullopt;
      auto conn = host_.accept_queue.front();
      host_.accept_queue.pop_front();
      conn->accepted = true;
      int new_fd = 3;
      while (sockets_.contains(new_fd)) ++new_fd;
      Socket accepted;
      accepted.kind = Socket::Kind::kConnection;
      accepted.conn = conn;
      sockets_[new_fd] = accepted;
      return CallResult{new_fd, {}};
    }
    // read
    if (sock.kind != Socket::Kind::kConnection) return CallResult{-1, "ENOTCONN"};
    Connection& conn = *sock.conn;
    int64_t count = integer_arg(line, call, 2, "count");
    if (conn.unread() > 0 && count > 0) {
      size_t n = std::min<size_t>(conn.unread(), static_cast<size_t>(count));
      std::string bytes = conn.received.substr(conn.read_offset, n);
      conn.read_offset += n;
      if (call.args.size() > 1 && call.args[1].kind == SyscallArg::Kind::kString && call.args[1].text != bytes) {
        fail(line, "read() returned the bytes \"" + bytes + "\", expected \"" + call.args[1].text + "\"");
      }
      return CallResult{static_cast<int64_t>(n), {}};
    }
    if (conn.peer_fin) return CallResult{0, {}};
    if (conn.closed) {
      std::string error = take_socket_error(sock);
      return error.empty() ? CallResult{0, {}} : CallResult{-1, error};
    }
    return std::nullopt;
  }

  CallResult write(int line, const SyscallEvent& call, Socket& sock) {
    if (sock.kind != Socket::Kind::kConnection) return {-1, "ENOTCONN"};
    int64_t count = integer_arg(line, call, 2, "count");
    Connection& conn = *sock.conn;
    if (!conn.live) {
      std::string error = take_socket_error(sock);
      return {-1, error.empty() ? "EPIPE" : error};
    }
    if (!conn.established) return {-1, sock.nonblocking ? "EAGAIN" : "ENOTCONN"};
    std::vector<uint8_t> bytes(static_cast<size_t>(count), 'y');
    size_t n = engine_->send(conn.ref, bytes);
    if (n == 0 && count > 0) {
      if (sock.nonblocking) return {-1, "EAGAIN"};
      fail(line, "write() would block: the engine's send buffer is full");
    }
    return {static_cast<int64_t>(n), {}};
  }

  void close_socket(Socket& sock) {
    if (sock.kind == Socket::Kind::kListener) {
      engine_->unlisten(sock.port);
      // As Linux: connections nobody accepted are reset with the listener.
      for (auto& conn : host_.accept_queue) {
        if (conn->live) engine_->abort(conn->ref);
      }
      host_.accept_queue.clear();
      return;
    }
    if (sock.kind != Socket::Kind::kConnection || !sock.conn->live) return;
    if (sock.conn->unread() > 0) {
      engine_->abort(sock.conn->ref);  // RFC 2525 2.17: close with unread data resets
    } else {
      engine_->close(sock.conn->ref);
    }
  }

  const Script& script_;
  uint64_t now_;
  tcp::EngineConfig engine_config_;
  TestHost host_;
  std::unique_ptr<TestHost::EngineT> engine_;
  wire::IpAddress remote_address_;
  wire::IpAddress local_address_;
  table::FlowKey tuple_;
  std::map<int, Socket> sockets_;
  std::optional<Pending> pending_;
  int64_t last_event_us_ = 0;
  uint32_t iss_ = 0;
  bool iss_known_ = false;
  std::optional<uint32_t> ts_offset_;
  uint8_t fill_ = 'x';
};

}  // namespace

std::string run_script(const Script& script) {
  Runner runner(script);
  return runner.run();
}

}  // namespace tcpterm::packetdrill
