// The packetdrill script parser: one statement per line, `//` and `/* */`
// comments, `--name=value` header options, and the `// tcpterm...`
// directives described in tests/packetdrill/README.md.
#include "script.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <limits>

#include "option_bytes.hpp"
#include "tcp/segment.hpp"

namespace tcpterm::packetdrill {
namespace {

constexpr size_t kMaxOptionBytes = 40;  // RFC 9293 3.1: data offset is at most 15 words

constexpr std::array<std::string_view, 12> kSyscalls = {
    "socket", "setsockopt", "getsockopt", "fcntl", "bind",  "listen",
    "accept", "connect",    "read",       "write", "close", "shutdown"};

struct ParseFailure {
  std::string message;
};

[[noreturn]] void fail(std::string message) { throw ParseFailure{std::move(message)}; }

/// A cursor over one statement with the few token shapes scripts use.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool at_end() {
    skip_space();
    return pos_ >= text_.size();
  }
  char peek() {
    skip_space();
    return pos_ < text_.size() ? text_[pos_] : '\0';
  }
  bool starts_with(std::string_view s) {
    skip_space();
    return text_.substr(pos_).starts_with(s);
  }
  bool accept(std::string_view s) {
    if (!starts_with(s)) return false;
    pos_ += s.size();
    return true;
  }
  void expect(std::string_view s, std::string_view what) {
    if (!accept(s)) fail("expected `" + std::string(s) + "` " + std::string(what) + ", found " + rest_quoted());
  }
  std::string_view word() {
    skip_space();
    size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) {
      ++pos_;
    }
    return text_.substr(start, pos_ - start);
  }
  /// Characters up to the next blank (for flag letters).
  std::string_view until_space() {
    skip_space();
    size_t start = pos_;
    while (pos_ < text_.size() && !std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    return text_.substr(start, pos_ - start);
  }
  uint64_t unsigned_integer(std::string_view what, uint64_t max) {
    skip_space();
    uint64_t value = 0;
    const char* begin = text_.data() + pos_;
    auto [end, ec] = std::from_chars(begin, text_.data() + text_.size(), value);
    if (ec != std::errc{} || end == begin) fail("expected " + std::string(what) + ", found " + rest_quoted());
    if (value > max) fail(std::string(what) + " " + std::to_string(value) + " is larger than " + std::to_string(max));
    pos_ += static_cast<size_t>(end - begin);
    return value;
  }
  /// Seconds with up to six decimals, as microseconds.
  int64_t seconds(std::string_view what) {
    skip_space();
    size_t start = pos_;
    while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    int64_t us = 0;
    if (pos_ > start) {
      if (pos_ - start > 9) fail(std::string(what) + " is too large");
      us = std::stoll(std::string(text_.substr(start, pos_ - start))) * 1'000'000;
    }
    if (pos_ < text_.size() && text_[pos_] == '.' && !text_.substr(pos_).starts_with("...")) {
      ++pos_;
      int64_t scale = 100'000;
      size_t digits_start = pos_;
      while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
        if (scale == 0) fail(std::string(what) + " has more than six decimals");
        us += (text_[pos_] - '0') * scale;
        scale /= 10;
        ++pos_;
      }
      if (pos_ == digits_start && pos_ - 1 == start) fail("expected " + std::string(what));
    } else if (pos_ == start) {
      fail("expected " + std::string(what) + ", found " + rest_quoted());
    }
    return us;
  }
  std::string_view rest() {
    skip_space();
    return text_.substr(pos_);
  }
  std::string rest_quoted() {
    std::string_view r = rest();
    return r.empty() ? "end of line" : "`" + std::string(r.substr(0, 24)) + "`";
  }
  size_t position() const { return pos_; }
  void set_position(size_t p) { pos_ = p; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::optional<uint64_t> parse_number(std::string_view text) {
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

ScriptTime parse_time(Cursor& c) {
  ScriptTime t;
  if (c.accept("*")) {
    t.kind = ScriptTime::Kind::kAny;
    return t;
  }
  t.kind = c.accept("+") ? ScriptTime::Kind::kRelative : ScriptTime::Kind::kAbsolute;
  t.low_us = t.high_us = c.seconds("a time");
  if (c.accept("~")) {
    bool relative = c.accept("+");
    if (relative != (t.kind == ScriptTime::Kind::kRelative)) {
      fail("a time range must be both absolute or both relative (`0.1~0.2` or `+0.1~+0.2`)");
    }
    t.high_us = c.seconds("the end of the time range");
    if (t.high_us < t.low_us) fail("time range ends before it starts");
  } else if (c.accept("...")) {
    t.end_kind = c.accept("+") ? ScriptTime::Kind::kRelative : ScriptTime::Kind::kAbsolute;
    t.end_us = c.seconds("the end time of the blocking call");
  }
  return t;
}

uint8_t parse_flags(std::string_view letters) {
  if (letters.empty()) fail("expected TCP flags (S, F, R, P, ., U, E, W)");
  uint8_t f = 0;
  for (char ch : letters) {
    uint8_t bit = 0;
    switch (ch) {
      case 'S': bit = tcp::flags::kSyn; break;
      case 'F': bit = tcp::flags::kFin; break;
      case 'R': bit = tcp::flags::kRst; break;
      case 'P': bit = tcp::flags::kPsh; break;
      case '.': bit = tcp::flags::kAck; break;
      case 'U': bit = tcp::flags::kUrg; break;
      case 'E': bit = tcp::flags::kEce; break;
      case 'W': bit = tcp::flags::kCwr; break;
      default: fail(std::string("unknown TCP flag `") + ch + "` in `" + std::string(letters) + "`");
    }
    if (f & bit) fail(std::string("TCP flag `") + ch + "` repeated");
    f |= bit;
  }
  return f;
}

uint32_t parse_u32(Cursor& c, std::string_view what) {
  return static_cast<uint32_t>(c.unsigned_integer(what, std::numeric_limits<uint32_t>::max()));
}

std::vector<ScriptOption> parse_option_list(Cursor& c) {
  std::vector<ScriptOption> options;
  for (;;) {
    std::string_view name = c.word();
    ScriptOption o;
    if (name == "nop") {
      o.kind = ScriptOption::Kind::kNop;
    } else if (name == "eol") {
      o.kind = ScriptOption::Kind::kEol;
    } else if (name == "mss") {
      o.kind = ScriptOption::Kind::kMss;
      o.first = static_cast<uint32_t>(c.unsigned_integer("MSS", 65535));
    } else if (name == "wscale") {
      o.kind = ScriptOption::Kind::kWindowScale;
      o.first = static_cast<uint32_t>(c.unsigned_integer("window scale", 255));
    } else if (name == "sackOK") {
      o.kind = ScriptOption::Kind::kSackPermitted;
    } else if (name == "TS") {
      o.kind = ScriptOption::Kind::kTimestamp;
      c.expect("val", "after TS");
      o.first = parse_u32(c, "TS val");
      c.expect("ecr", "after TS val");
      o.second = parse_u32(c, "TS ecr");
    } else if (name == "sack") {
      o.kind = ScriptOption::Kind::kSack;
      while (std::isdigit(static_cast<unsigned char>(c.peek()))) {
        uint32_t left = parse_u32(c, "SACK block start");
        c.expect(":", "in a SACK block");
        uint32_t right = parse_u32(c, "SACK block end");
        o.sack_blocks.emplace_back(left, right);
      }
      if (o.sack_blocks.empty()) fail("sack needs at least one block `left:right`");
      if (o.sack_blocks.size() > 4) fail("at most four SACK blocks fit in the options (RFC 2018 3)");
    } else if (name.empty()) {
      fail("expected a TCP option, found " + c.rest_quoted());
    } else {
      fail("unsupported TCP option `" + std::string(name) +
           "` (supported: nop, eol, mss, wscale, sackOK, TS val X ecr Y, sack a:b)");
    }
    options.push_back(std::move(o));
    if (c.accept(">")) break;
    c.expect(",", "between TCP options");
  }
  if (encode_script_options(options).size() > kMaxOptionBytes) fail("TCP options exceed 40 bytes");
  return options;
}

PacketEvent parse_packet(Cursor& c) {
  PacketEvent p;
  p.inbound = c.accept("<");
  if (!p.inbound) c.expect(">", "for the packet direction");
  p.flags = parse_flags(c.until_space());
  p.seq_start = parse_u32(c, "start sequence number");
  c.expect(":", "between start and end sequence numbers");
  p.seq_end = parse_u32(c, "end sequence number");
  c.expect("(", "before the payload length");
  p.payload_length = static_cast<uint32_t>(c.unsigned_integer("payload length", 65535));
  c.expect(")", "after the payload length");
  if (p.seq_end - p.seq_start != p.payload_length) {
    fail("sequence range " + std::to_string(p.seq_start) + ":" + std::to_string(p.seq_end) +
         " does not match payload length " + std::to_string(p.payload_length));
  }
  bool have_options = false;
  while (!c.at_end()) {
    if (have_options) fail("unexpected " + c.rest_quoted() + " after the TCP options");
    if (c.accept("<")) {
      have_options = true;
      if (c.accept("...")) {
        c.expect(">", "after `<...`");
        if (p.inbound) fail("`<...>` (options not checked) is only meaningful for outbound packets");
        p.options_unchecked = true;
      } else {
        p.options = parse_option_list(c);
      }
      continue;
    }
    std::string_view w = c.word();
    if (w == "ack") {
      if (p.ack) fail("`ack` given twice");
      p.ack = parse_u32(c, "ack number");
    } else if (w == "win") {
      if (p.window) fail("`win` given twice");
      p.window = static_cast<uint16_t>(c.unsigned_integer("window", 65535));
    } else if (w.empty()) {
      fail("unexpected " + c.rest_quoted() + " in a packet line");
    } else {
      fail("unsupported packet field `" + std::string(w) + "` (supported: ack, win, <options>)");
    }
  }
  bool ack_flag = (p.flags & tcp::flags::kAck) != 0;
  if (ack_flag && !p.ack) fail("the ACK flag `.` needs `ack N`");
  if (!ack_flag && p.ack) fail("`ack N` without the ACK flag `.`");
  if (p.inbound && !p.window) fail("an inbound packet needs `win N`");
  return p;
}

SyscallArg parse_arg(Cursor& c) {
  SyscallArg a;
  if (c.accept("...")) return a;
  if (c.accept("[")) {
    a.kind = SyscallArg::Kind::kArray;
    if (!c.accept("]")) {
      do {
        a.elements.push_back(parse_arg(c));
      } while (c.accept(","));
      c.expect("]", "to close the array argument");
    }
    return a;
  }
  if (c.accept("\"")) {
    a.kind = SyscallArg::Kind::kString;
    std::string_view r = c.rest();
    size_t end = r.find('"');
    if (end == std::string_view::npos) fail("unterminated string argument");
    a.text = std::string(r.substr(0, end));
    c.set_position(c.position() + end + 1);
    return a;
  }
  char ch = c.peek();
  if (ch == '-' || std::isdigit(static_cast<unsigned char>(ch))) {
    bool negative = c.accept("-");
    a.kind = SyscallArg::Kind::kInteger;
    a.integer = static_cast<int64_t>(c.unsigned_integer("an integer argument", INT32_MAX));
    if (negative) a.integer = -a.integer;
    return a;
  }
  if (std::isalpha(static_cast<unsigned char>(ch)) || ch == '_') {
    a.kind = SyscallArg::Kind::kSymbols;
    do {
      std::string_view w = c.word();
      if (w.empty()) fail("expected a symbol after `|`");
      a.symbols.emplace_back(w);
    } while (c.accept("|"));
    return a;
  }
  fail("unsupported syscall argument " + c.rest_quoted() +
       " (supported: ..., integers, SYMBOLS|OR|ED, [arrays], \"strings\")");
}

SyscallEvent parse_syscall(Cursor& c, std::string_view name) {
  if (std::find(kSyscalls.begin(), kSyscalls.end(), name) == kSyscalls.end()) {
    fail("unsupported syscall `" + std::string(name) +
         "` (supported: socket, setsockopt, getsockopt, fcntl, bind, listen, accept, connect, "
         "read, write, close, shutdown)");
  }
  SyscallEvent s;
  s.name = std::string(name);
  c.expect("(", "after the syscall name");
  if (!c.accept(")")) {
    do {
      s.args.push_back(parse_arg(c));
    } while (c.accept(","));
    c.expect(")", "to close the syscall arguments");
  }
  c.expect("=", "before the expected return value");
  bool negative = c.accept("-");
  s.result = static_cast<int64_t>(c.unsigned_integer("return value", INT32_MAX));
  if (negative) s.result = -s.result;
  if (!c.at_end()) {
    std::string_view err = c.word();
    if (err.empty() || err[0] != 'E') fail("expected an errno name (EAGAIN, ...), found " + c.rest_quoted());
    if (s.result != -1) fail("an errno goes only with the return value -1");
    s.errno_name = std::string(err);
    if (c.accept("(")) {
      std::string_view r = c.rest();
      if (r.empty() || r.back() != ')') fail("unterminated errno text `(...`");
      c.set_position(c.position() + r.size());
    }
  }
  if (!c.at_end()) fail("unexpected " + c.rest_quoted() + " after the return value");
  if (s.result == -1 && s.errno_name.empty()) fail("a return value of -1 needs an errno name");
  return s;
}

/// `tcpterm...` directive text (after `//`). Returns an event for per-event
/// directives; engine knobs go straight into `options`.
std::optional<Event> parse_directive(std::string_view text, ScriptOptions& options, bool events_seen) {
  Event e;
  if (text.starts_with("tcpterm:")) {
    if (events_seen) fail("`// tcpterm:` engine knobs must come before the first event");
    std::string_view rest = trim(text.substr(8));
    if (rest.empty()) fail("`// tcpterm:` needs key=value knobs");
    while (!rest.empty()) {
      size_t end = rest.find_first_of(" \t");
      std::string_view item = rest.substr(0, end);
      rest = end == std::string_view::npos ? std::string_view{} : trim(rest.substr(end));
      size_t eq = item.find('=');
      if (eq == std::string_view::npos) fail("engine knob `" + std::string(item) + "` is not key=value");
      std::string err = apply_engine_knob(options.engine, item.substr(0, eq), item.substr(eq + 1));
      if (!err.empty()) fail(err);
    }
    return std::nullopt;
  }
  if (text.starts_with("tcpterm-fill:")) {
    std::string_view value = trim(text.substr(13));
    FillDirective f;
    if (value.size() == 1) {
      f.byte = static_cast<uint8_t>(value[0]);
    } else {
      fail("`// tcpterm-fill:` takes one character, found `" + std::string(value) + "`");
    }
    e.body = f;
    return e;
  }
  if (text.starts_with("tcpterm-state:")) {
    std::string_view value = trim(text.substr(14));
    auto state = parse_state_name(value);
    if (!state) fail("unknown TCP state `" + std::string(value) + "` in `// tcpterm-state:`");
    e.body = StateDirective{*state};
    return e;
  }
  fail("unknown tcpterm directive `" + std::string(text) +
       "` (known: `tcpterm:`, `tcpterm-fill:`, `tcpterm-state:`)");
}

/// Splits off a `//` comment; returns the code part and sets `comment`.
std::string_view split_comment(std::string_view line, std::string_view& comment) {
  size_t pos = line.find("//");
  if (pos == std::string_view::npos) {
    comment = {};
    return line;
  }
  comment = trim(line.substr(pos + 2));
  return line.substr(0, pos);
}

/// Removes `/* ... */` comments, which may span lines (`in_block` carries over).
std::string strip_block_comments(std::string_view line, bool& in_block) {
  std::string out;
  size_t i = 0;
  while (i < line.size()) {
    if (in_block) {
      size_t end = line.find("*/", i);
      if (end == std::string_view::npos) return out;
      in_block = false;
      i = end + 2;
      out += ' ';
      continue;
    }
    if (line.substr(i).starts_with("/*")) {
      in_block = true;
      i += 2;
      continue;
    }
    if (line.substr(i).starts_with("//")) {  // a line comment hides any `/*` after it
      out.append(line.substr(i));
      return out;
    }
    out += line[i++];
  }
  return out;
}

Event parse_event(Cursor& c) {
  Event e;
  e.time = parse_time(c);
  char ch = c.peek();
  if (ch == '<' || ch == '>') {
    e.body = parse_packet(c);
    if (e.time.end_kind) fail("`...` end times are only for blocking syscalls");
    return e;
  }
  std::string_view name = c.word();
  if (name.empty()) fail("expected a packet (`<` or `>`) or a syscall after the time, found " + c.rest_quoted());
  e.body = parse_syscall(c, name);
  return e;
}

template <class T>
std::string parse_bounded(std::string_view value, uint64_t max, T& out, std::string_view key) {
  auto n = parse_number(value);
  if (!n || *n > max) {
    return "engine knob `" + std::string(key) + "` needs an integer 0.." + std::to_string(max) +
           ", found `" + std::string(value) + "`";
  }
  out = static_cast<T>(*n);
  return {};
}

}  // namespace

bool SyscallArg::has_symbol(std::string_view name) const {
  return kind == Kind::kSymbols && std::find(symbols.begin(), symbols.end(), name) != symbols.end();
}

tcp::EngineConfig default_engine_config() {
  tcp::EngineConfig config;
  config.max_connections = 64;
  config.max_time_wait = 64;
  config.max_syn_backlog = 64;
  config.buffer_count = 64;
  config.secret = {0x74, 0x63, 0x70, 0x74, 0x65, 0x72, 0x6d, 0x2d,
                   0x70, 0x61, 0x63, 0x6b, 0x65, 0x74, 0x64, 0x72};
  return config;
}

std::string apply_option(ScriptOptions& options, std::string_view name, std::string_view value) {
  if (name == "ip_version") {
    if (value == "ipv4") {
      options.ip_version = IpVersion::kIpv4;
    } else if (value == "ipv6") {
      options.ip_version = IpVersion::kIpv6;
    } else {
      return "--ip_version must be ipv4 or ipv6, found `" + std::string(value) + "`";
    }
    return {};
  }
  if (name == "tolerance_usecs") {
    auto n = parse_number(value);
    if (!n || *n > 10'000'000) return "--tolerance_usecs needs microseconds 0..10000000";
    options.tolerance_us = static_cast<int64_t>(*n);
    return {};
  }
  return "unsupported option `--" + std::string(name) + "` (supported: --ip_version, --tolerance_usecs)";
}

std::string apply_engine_knob(tcp::EngineConfig& config, std::string_view key, std::string_view value) {
  struct Milliseconds {
    std::string_view key;
    uint64_t tcp::EngineConfig::*field;
  };
  static constexpr Milliseconds kMilliseconds[] = {
      {"msl_ms", &tcp::EngineConfig::msl_us},
      {"rto_initial_ms", &tcp::EngineConfig::rto_initial_us},
      {"rto_min_ms", &tcp::EngineConfig::rto_min_us},
      {"rto_max_ms", &tcp::EngineConfig::rto_max_us},
      {"delayed_ack_ms", &tcp::EngineConfig::delayed_ack_us},
      {"fin_wait2_timeout_ms", &tcp::EngineConfig::fin_wait2_timeout_us},
      {"keepalive_idle_ms", &tcp::EngineConfig::keepalive_idle_us},
      {"keepalive_interval_ms", &tcp::EngineConfig::keepalive_interval_us},
      {"idle_timeout_ms", &tcp::EngineConfig::idle_timeout_us},
  };
  struct Count {
    std::string_view key;
    uint32_t tcp::EngineConfig::*field;
  };
  static constexpr Count kCounts[] = {
      {"syn_ack_retries", &tcp::EngineConfig::syn_ack_retries},
      {"syn_retries", &tcp::EngineConfig::syn_retries},
      {"max_retransmits", &tcp::EngineConfig::max_retransmits},
      {"keepalive_probes", &tcp::EngineConfig::keepalive_probes},
      {"challenge_ack_limit", &tcp::EngineConfig::challenge_ack_limit},
      {"max_syn_backlog", &tcp::EngineConfig::max_syn_backlog},
      {"max_connections", &tcp::EngineConfig::max_connections},
      {"max_time_wait", &tcp::EngineConfig::max_time_wait},
      {"buffer_count", &tcp::EngineConfig::buffer_count},
      {"buffer_size", &tcp::EngineConfig::buffer_size},
  };
  for (const auto& m : kMilliseconds) {
    if (key != m.key) continue;
    uint64_t ms = 0;
    std::string err = parse_bounded(value, 3'600'000'000ull, ms, key);
    config.*m.field = ms * 1000;
    return err;
  }
  for (const auto& n : kCounts) {
    if (key == n.key) return parse_bounded(value, UINT32_MAX, config.*n.field, key);
  }
  if (key == "mss_v4") return parse_bounded(value, 65535, config.mss_v4, key);
  if (key == "mss_v6") return parse_bounded(value, 65535, config.mss_v6, key);
  if (key == "window_scale") return parse_bounded(value, 14, config.window_scale, key);
  if (key == "sack" || key == "timestamps") {
    bool& flag = key == "sack" ? config.sack : config.timestamps;
    if (value == "on" || value == "1") {
      flag = true;
    } else if (value == "off" || value == "0") {
      flag = false;
    } else {
      return "engine knob `" + std::string(key) + "` is on or off, found `" + std::string(value) + "`";
    }
    return {};
  }
  if (key == "syn_cookies") {
    if (value == "off") {
      config.syn_cookies = tcp::SynCookieMode::kOff;
    } else if (value == "auto") {
      config.syn_cookies = tcp::SynCookieMode::kAuto;
    } else if (value == "always") {
      config.syn_cookies = tcp::SynCookieMode::kAlways;
    } else {
      return "engine knob `syn_cookies` is off, auto or always, found `" + std::string(value) + "`";
    }
    return {};
  }
  return "unknown engine knob `" + std::string(key) + "` (see tests/packetdrill/README.md)";
}

std::optional<tcp::TcpState> parse_state_name(std::string_view name) {
  for (int i = 0; i < tcp::kTcpStateCount; ++i) {
    auto state = static_cast<tcp::TcpState>(i);
    std::string canonical = tcp::to_string(state);
    std::string underscored = canonical;
    std::replace(underscored.begin(), underscored.end(), '-', '_');
    if (name == canonical || name == underscored) return state;
  }
  return std::nullopt;
}

std::optional<Script> parse_script(std::string_view text, const std::string& path,
                                   const ScriptOptions& options, std::string& error) {
  Script script;
  script.path = path;
  script.options = options;
  bool in_block = false;
  int line_number = 0;
  size_t pos = 0;
  try {
    while (pos <= text.size()) {
      size_t end = text.find('\n', pos);
      if (end == std::string_view::npos) end = text.size();
      std::string_view raw = text.substr(pos, end - pos);
      pos = end + 1;
      ++line_number;
      std::string line = strip_block_comments(raw, in_block);
      std::string_view comment;
      std::string_view code = trim(split_comment(line, comment));
      std::optional<Event> directive;
      if (comment.starts_with("tcpterm")) {
        directive = parse_directive(comment, script.options, !script.events.empty());
        if (directive) directive->line = line_number;
      }
      if (!code.empty()) {
        if (code.starts_with("`")) fail("shell command lines are not supported by the tcpterm runner");
        if (code.starts_with("%{")) fail("%{ python }% blocks are not supported by the tcpterm runner");
        if (code.starts_with("--")) {
          if (!script.events.empty()) fail("`--option` lines must come before the first event");
          size_t eq = code.find('=');
          if (eq == std::string_view::npos) fail("option `" + std::string(code) + "` needs `=value`");
          std::string err = apply_option(script.options, code.substr(2, eq - 2), code.substr(eq + 1));
          if (!err.empty()) fail(err);
        } else if (char ch = code.front(); ch == '+' || ch == '*' || ch == '.' ||
                                           std::isdigit(static_cast<unsigned char>(ch))) {
          Cursor c(code);
          Event e = parse_event(c);
          e.line = line_number;
          script.events.push_back(std::move(e));
        } else {
          fail("unrecognized line `" + std::string(code.substr(0, 40)) +
               "`: expected a timed packet or syscall, an --option, or a comment");
        }
      }
      if (directive) script.events.push_back(std::move(*directive));
      if (end == text.size()) break;
    }
    if (in_block) {
      fail("unterminated `/*` comment");
    }
  } catch (const ParseFailure& f) {
    error = path + ":" + std::to_string(line_number) + ": " + f.message;
    return std::nullopt;
  }
  return script;
}

std::string format_flags(uint8_t f) {
  std::string s;
  if (f & tcp::flags::kSyn) s += 'S';
  if (f & tcp::flags::kFin) s += 'F';
  if (f & tcp::flags::kRst) s += 'R';
  if (f & tcp::flags::kPsh) s += 'P';
  if (f & tcp::flags::kUrg) s += 'U';
  if (f & tcp::flags::kEce) s += 'E';
  if (f & tcp::flags::kCwr) s += 'W';
  if (f & tcp::flags::kAck) s += '.';
  return s;
}

std::string format_options(const std::vector<ScriptOption>& options) {
  std::string s;
  for (const ScriptOption& o : options) {
    if (!s.empty()) s += ',';
    switch (o.kind) {
      case ScriptOption::Kind::kNop: s += "nop"; break;
      case ScriptOption::Kind::kEol: s += "eol"; break;
      case ScriptOption::Kind::kMss: s.append("mss ").append(std::to_string(o.first)); break;
      case ScriptOption::Kind::kWindowScale: s.append("wscale ").append(std::to_string(o.first)); break;
      case ScriptOption::Kind::kSackPermitted: s += "sackOK"; break;
      case ScriptOption::Kind::kTimestamp:
        s.append("TS val ").append(std::to_string(o.first)).append(" ecr ").append(std::to_string(o.second));
        break;
      case ScriptOption::Kind::kSack:
        s += "sack";
        for (auto [left, right] : o.sack_blocks) {
          s.append(" ").append(std::to_string(left)).append(":").append(std::to_string(right));
        }
        break;
    }
  }
  return s;
}

}  // namespace tcpterm::packetdrill
