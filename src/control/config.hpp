// Config: everything tcpterm reads from its YAML file, already checked. The
// file format is documented in configs/README.md; parse_config refuses unknown
// keys and bad values with a sentence naming the file, line and key, so a
// config that loads is one tcpterm can run. Control path only.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "tcp/engine_config.hpp"
#include "wire/ip_address.hpp"

namespace tcpterm::control {

/// The file could not be read or holds something tcpterm refuses.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// An address with its on-link prefix, as in "10.7.0.2/24".
struct InterfaceAddress {
  wire::IpAddress address;
  uint8_t prefix_length = 0;

  friend bool operator==(const InterfaceAddress&, const InterfaceAddress&) = default;
  /// True when `other` is on this address's link (same prefix).
  bool on_link(const wire::IpAddress& other) const;
  /// "10.7.0.2/24".
  std::string to_string() const;
};

struct PortConfig {
  std::string device;  // DPDK device name or PCI address
  /// Set when `device` was taken from this environment variable's PCI list
  /// (device_env, as Kubernetes SR-IOV device plugins hand devices over);
  /// tcpterm then allow-lists the device for the EAL itself.
  std::string device_env;
  std::optional<uint16_t> vlan;  // 802.1Q VLAN id of all the port's traffic; none: untagged
  std::vector<InterfaceAddress> addresses;  // ours; at least one
  std::vector<wire::IpAddress> gateways;    // next hops for off-link peers, at most one per family
  uint16_t mtu = 1500;
  std::vector<InterfaceAddress> kernel_side;  // net_tap only: configured on the kernel interface
  /// Exception path: frames not for tcpterm go to this net_tap device's
  /// kernel interface, and what the kernel sends there leaves through this
  /// port. Empty: such frames are counted and dropped.
  std::string exception_device;
  std::vector<InterfaceAddress> exception_kernel_side;  // addresses for the exception interface
};

struct ListenerConfig {
  std::optional<wire::IpAddress> address;  // none: any local address
  uint16_t port = 0;
  std::string app;  // "http", "echo", "discard" or a registered name

  /// "http:80", "echo:10.7.0.2:7", "http:[fd00:7::2]:80".
  std::string to_string() const;
  friend bool operator==(const ListenerConfig&, const ListenerConfig&) = default;
};

struct HttpConfig {
  uint16_t status = 200;
  std::string content_type = "text/plain";
  std::string body = "Hello from tcpterm\n";
  uint32_t max_request_head = 8192;  // larger heads get 400 and a close

  friend bool operator==(const HttpConfig&, const HttpConfig&) = default;
};

struct DataplaneConfig {
  uint16_t rx_burst = 32;
  uint16_t tx_burst = 32;
  uint32_t mbufs = 8191;         // per port; rings and bursts must fit
  uint32_t idle_sleep_us = 0;    // 0 = busy poll; otherwise sleep when idle
  uint32_t tx_hold_us = 10'000;  // frames the TX ring refuses wait this long for it; 0 = drop
  uint16_t rx_descriptors = 1024;
  uint16_t tx_descriptors = 1024;
  uint32_t neighbour_entries = 1024;    // per lcore
  uint32_t neighbour_reachable_s = 30;  // an entry is trusted this long, then re-resolved
};

struct LogConfig {
  std::string level = "info";      // rte_log level name
  uint32_t stats_interval_s = 10;  // 0 = no periodic stats line
};

struct PrometheusConfig {
  bool enabled = false;
  wire::IpAddress address = wire::IpAddress::v4(0x7f000001);
  uint16_t port = 9100;
};

struct Config {
  std::string source;             // file name, for messages
  std::vector<unsigned> workers;  // empty: all non-main lcores
  std::vector<PortConfig> ports;
  std::vector<ListenerConfig> listeners;
  HttpConfig http;
  tcp::EngineConfig tcp;
  DataplaneConfig dataplane;
  LogConfig log;
  PrometheusConfig prometheus;
  /// Each top-level key's value as canonical YAML text, so a reload can tell
  /// which sections changed without comparing every field.
  std::map<std::string, std::string> section_texts;
};

/// Parses YAML text; `source` names it in error messages. Throws ConfigError.
Config parse_config(std::string_view yaml_text, std::string_view source);
/// Reads and parses a file. Throws ConfigError naming the file on any problem.
Config load_config_file(const std::string& path);

}  // namespace tcpterm::control
