// YamlReader: checked access to a yaml-cpp tree for the config parser. Every
// value is read through a path ("ports[0].mtu") so a refusal names the file,
// the line and the key; maps remember which keys were read so unknown keys
// (usually typos) are refused instead of silently ignored.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "wire/ip_address.hpp"

namespace tcpterm::control {

struct InterfaceAddress;

/// Where a value sits: the file and the dotted key path, for messages.
struct YamlPath {
  const std::string* source = nullptr;
  std::string key;

  YamlPath child(std::string_view name) const;
  YamlPath index(size_t i) const;
  /// Throws ConfigError "FILE:LINE: KEY: PROBLEM" (line from `node` when known).
  [[noreturn]] void fail(const YAML::Node& node, const std::string& problem) const;
};

/// A YAML map whose keys are consumed one by one; finish() refuses the rest.
class YamlMap {
 public:
  /// `node` must be a map (or null/absent, which reads as empty).
  YamlMap(const YAML::Node& node, YamlPath path);

  /// The value under `key`, or an undefined node when absent.
  YAML::Node take(std::string_view key);
  /// Path of `key` inside this map.
  YamlPath path_of(std::string_view key) const { return path_.child(key); }
  /// Throws ConfigError naming the first key that was never taken.
  void finish() const;

 private:
  YAML::Node node_;
  YamlPath path_;
  std::set<std::string, std::less<>> taken_;
};

/// Integer in [min, max]; refuses non-integers and out-of-range values.
uint64_t read_uint(const YAML::Node& node, const YamlPath& path, uint64_t min, uint64_t max);
/// true/false (also yes/no, on/off).
bool read_bool(const YAML::Node& node, const YamlPath& path);
/// A scalar string.
std::string read_string(const YAML::Node& node, const YamlPath& path);
/// One of `choices`; returns its index.
size_t read_choice(const YAML::Node& node, const YamlPath& path,
                   const std::vector<std::string_view>& choices);
/// An IPv4 or IPv6 address without prefix.
wire::IpAddress read_ip_address(const YAML::Node& node, const YamlPath& path);
/// "address/prefix"; the prefix is required.
InterfaceAddress read_interface_address(const YAML::Node& node, const YamlPath& path);
/// A sequence, or a single scalar read as a sequence of one.
std::vector<YAML::Node> read_list(const YAML::Node& node, const YamlPath& path);

/// Reads `key` from `map` into `out` when present, as an integer in [min, max].
template <class T>
void read_uint_into(YamlMap& map, std::string_view key, T& out, uint64_t min, uint64_t max) {
  if (YAML::Node n = map.take(key); n.IsDefined() && !n.IsNull())
    out = static_cast<T>(read_uint(n, map.path_of(key), min, max));
}

}  // namespace tcpterm::control
