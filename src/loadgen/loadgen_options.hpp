// LoadgenOptions: what tcpterm-loadgen is asked to do, from the options
// after `--` and the config file's `loadgen:` section (same names, dashes
// as underscores; the command line wins). Parsed with CLI11 before the EAL
// starts, so --help and usage errors need no devices. Control path only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wire/ip_address.hpp"

namespace tcpterm::loadgen {

/// An inclusive IPv4 address range, "10.0.0.1" or "10.0.0.1-10.0.0.9".
struct AddressRange {
  wire::IpAddress first;
  uint32_t count = 0;  // 0: not given
  friend bool operator==(const AddressRange&, const AddressRange&) = default;
};

/// An inclusive port range, "1024-65535" or "8080".
struct PortRange {
  uint16_t first = 1024;
  uint16_t last = 65535;
  friend bool operator==(const PortRange&, const PortRange&) = default;
};

struct LoadgenOptions {
  std::string config_path;
  std::optional<wire::IpAddress> server;
  uint16_t server_port = 80;
  AddressRange sources;  // count 0: the port's first IPv4 address
  PortRange source_ports;
  uint64_t rate = 0;  // connections (or SYNs) per second, all workers; 0 = as fast as possible
  uint32_t concurrency = 1000;  // connections in flight, all workers
  uint64_t connections = 0;     // 0 = until --duration or SIGINT
  double duration_s = 0;        // 0 = until --connections or SIGINT
  std::string path = "/";
  std::string host = "tcpterm";
  bool syn_flood = false;         // flood only: spoofed SYNs, no HTTP load
  bool fast = false;              // engine-less HTTP client for lossless links (FastHttpLoad)
  double fast_timeout_s = 1;      // --fast: a connection not done by then is reset, timed_out
  uint64_t background_flood = 0;  // SYN/s sent beside the HTTP load
  AddressRange flood_sources{wire::IpAddress::v4(0xc6120000), 65536};  // 198.18.0.0/16
  std::string json_path;
  double max_error_rate = 0;  // errors / connections above this: exit 1
  double drain_timeout_s = 5;
  double wait_neighbour_s = 5;  // how long to wait for the server's ARP reply
  bool quiet = false;           // no per-second progress line
  bool hold = false;            // after the report, keep the ports open until SIGINT/SIGTERM
  // One-process mode: tcpterm's server on this config, joined to the
  // loadgen's first port by a net_ring link (dataplane::RingLink).
  std::string ring_server_path;
};

/// Result of parsing: run, or exit now with `exit_code` (0 after --help,
/// 2 after a usage error, whose sentence is in `message`).
struct ParseOutcome {
  bool run = false;
  int exit_code = 0;
  std::string message;
};

/// Parses the options after the first "--" in argv (all of argv when there
/// is none).
ParseOutcome parse_loadgen_cli(int argc, char** argv, LoadgenOptions& options);
/// Same, from an argument list without the program name (for tests).
ParseOutcome parse_loadgen_args(const std::vector<std::string>& args, LoadgenOptions& options);

/// Applies a config's `loadgen:` section (name, value pairs as read from the
/// YAML) for every key the command line did not give. Returns an empty
/// string or a sentence naming `source`, the key and what is wrong.
std::string apply_loadgen_section(const std::vector<std::pair<std::string, std::string>>& section,
                                  const std::vector<std::string>& cli_args, std::string_view source,
                                  LoadgenOptions& options);

/// Checks the combination (a server is needed, bounds are sane); returns an
/// empty string or the sentence to print.
std::string check_loadgen_options(const LoadgenOptions& options);

std::optional<AddressRange> parse_address_range(std::string_view text);
std::optional<PortRange> parse_port_range(std::string_view text);

}  // namespace tcpterm::loadgen
