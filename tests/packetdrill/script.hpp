// Script: the parsed form of a packetdrill script (the subset tcpterm runs)
// and its parser. Parsing is strict: anything the runner cannot execute
// faithfully (shell lines, %{ python }%, unknown syscalls' syntax, unknown
// words) is an error naming file:line, never silently skipped.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "tcp/engine_config.hpp"
#include "tcp/tcp_state.hpp"

namespace tcpterm::packetdrill {

/// When an event happens. Times are microseconds of script time; relative
/// times are offsets from the previous event. `*` (kAny) matches any time.
struct ScriptTime {
  enum class Kind : uint8_t { kAbsolute, kRelative, kAny };
  Kind kind = Kind::kAbsolute;
  int64_t low_us = 0;   // a range `a~b` has low < high, a point low == high
  int64_t high_us = 0;
  /// `t...end` for a blocking syscall: when it is expected to return.
  std::optional<ScriptTime::Kind> end_kind;
  int64_t end_us = 0;
};

/// One TCP option as written in a script, in script order.
struct ScriptOption {
  enum class Kind : uint8_t { kNop, kEol, kMss, kWindowScale, kSackPermitted, kTimestamp, kSack };
  Kind kind = Kind::kNop;
  uint32_t first = 0;   // mss, wscale, TS val
  uint32_t second = 0;  // TS ecr
  std::vector<std::pair<uint32_t, uint32_t>> sack_blocks;  // [left, right)

  friend bool operator==(const ScriptOption&, const ScriptOption&) = default;
};

/// `< S 0:0(0) win 32792 <mss 1000>` (inbound) or `> S. 0:0(0) ack 1 <...>` (outbound).
struct PacketEvent {
  bool inbound = true;
  uint8_t flags = 0;                  // tcp::flags bits
  uint32_t seq_start = 0;
  uint32_t seq_end = 0;
  uint32_t payload_length = 0;
  std::optional<uint32_t> ack;
  std::optional<uint16_t> window;     // outbound: unchecked when absent (as packetdrill)
  bool options_unchecked = false;     // `<...>`
  std::vector<ScriptOption> options;  // empty and checked: the segment has no options
};

/// One syscall argument: `...`, 42, SO_REUSEADDR, O_RDWR|O_NONBLOCK, [1], "text".
struct SyscallArg {
  enum class Kind : uint8_t { kEllipsis, kInteger, kSymbols, kArray, kString };
  Kind kind = Kind::kEllipsis;
  int64_t integer = 0;
  std::vector<std::string> symbols;  // kSymbols: the names joined by `|`
  std::vector<SyscallArg> elements;  // kArray
  std::string text;                  // kString

  bool has_symbol(std::string_view name) const;
};

/// `accept(3, ..., ...) = 4` or `connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)`.
struct SyscallEvent {
  std::string name;
  std::vector<SyscallArg> args;
  int64_t result = 0;
  std::string errno_name;  // empty unless result is -1
};

/// `// tcpterm-fill: c`: payload byte of the following inbound segments.
struct FillDirective {
  uint8_t byte = 'x';
};

/// `// tcpterm-state: ESTABLISHED`: the engine's state for the script's tuple
/// (LISTEN or CLOSED when no connection holds it).
struct StateDirective {
  tcp::TcpState state = tcp::TcpState::kClosed;
};

struct Event {
  int line = 0;
  ScriptTime time;
  std::variant<PacketEvent, SyscallEvent, FillDirective, StateDirective> body;
};

enum class IpVersion : uint8_t { kIpv4, kIpv6 };

struct ScriptOptions {
  IpVersion ip_version = IpVersion::kIpv4;
  int64_t tolerance_us = 4000;
  tcp::EngineConfig engine;  // runner defaults with `// tcpterm:` knobs applied
};

struct Script {
  std::string path;
  ScriptOptions options;
  std::vector<Event> events;
};

/// The engine configuration a script starts from before its knobs.
tcp::EngineConfig default_engine_config();

/// Applies one `--name=value` option (header line or command line). Returns
/// an error sentence, or an empty string on success.
std::string apply_option(ScriptOptions& options, std::string_view name, std::string_view value);

/// Applies one `key=value` engine knob of a `// tcpterm:` directive.
std::string apply_engine_knob(tcp::EngineConfig& config, std::string_view key, std::string_view value);

/// Parses a whole script. On failure returns nullopt and sets `error` to
/// "path:line: message". `options` carries command-line defaults.
std::optional<Script> parse_script(std::string_view text, const std::string& path,
                                   const ScriptOptions& options, std::string& error);

/// Parses one state name as written in tcpterm-state (`TIME-WAIT` or `TIME_WAIT`).
std::optional<tcp::TcpState> parse_state_name(std::string_view name);

/// Formats options in packetdrill syntax: `mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7`.
std::string format_options(const std::vector<ScriptOption>& options);

/// Formats flags in packetdrill syntax (`S.`, `F.`, `P.`, `R`).
std::string format_flags(uint8_t flags);

}  // namespace tcpterm::packetdrill
