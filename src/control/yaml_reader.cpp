// Checked readers over yaml-cpp nodes; see yaml_reader.hpp.
#include "control/yaml_reader.hpp"

#include <charconv>

#include "control/config.hpp"

namespace tcpterm::control {

namespace {

std::string describe(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsScalar()) return "\"" + node.Scalar() + "\"";
  if (node.IsSequence()) return "a list";
  return "a map";
}

}  // namespace

YamlPath YamlPath::child(std::string_view name) const {
  return {source, key.empty() ? std::string(name) : key + "." + std::string(name)};
}

YamlPath YamlPath::index(size_t i) const {
  return {source, key + "[" + std::to_string(i) + "]"};
}

void YamlPath::fail(const YAML::Node& node, const std::string& problem) const {
  std::string where = source ? *source : std::string("config");
  if (node.IsDefined() && node.Mark().line >= 0)
    where += ":" + std::to_string(node.Mark().line + 1);
  throw ConfigError(where + ": " + (key.empty() ? std::string("top level") : key) + ": " + problem);
}

YamlMap::YamlMap(const YAML::Node& node, YamlPath path) : node_(node), path_(std::move(path)) {
  if (node_.IsDefined() && !node_.IsNull() && !node_.IsMap())
    path_.fail(node_, "expected a map of keys, got " + describe(node_));
}

YAML::Node YamlMap::take(std::string_view key) {
  taken_.emplace(key);
  if (!node_.IsDefined() || node_.IsNull()) return YAML::Node(YAML::NodeType::Undefined);
  for (const auto& entry : node_) {
    if (entry.first.IsScalar() && entry.first.Scalar() == key) return entry.second;
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

void YamlMap::finish() const {
  if (!node_.IsDefined() || node_.IsNull()) return;
  for (const auto& entry : node_) {
    std::string name = entry.first.IsScalar() ? entry.first.Scalar() : "?";
    if (taken_.find(name) == taken_.end()) {
      std::string known;
      for (const auto& k : taken_) known += (known.empty() ? "" : ", ") + k;
      path_.child(name).fail(entry.first, "unknown key (known keys here: " + known + ")");
    }
  }
}

uint64_t read_uint(const YAML::Node& node, const YamlPath& path, uint64_t min, uint64_t max) {
  uint64_t value = 0;
  bool ok = node.IsScalar();
  if (ok) {
    const std::string& text = node.Scalar();
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    ok = ec == std::errc() && end == text.data() + text.size() && !text.empty();
  }
  if (!ok || value < min || value > max) {
    path.fail(node, "expected a whole number from " + std::to_string(min) + " to " +
                        std::to_string(max) + ", got " + describe(node));
  }
  return value;
}

bool read_bool(const YAML::Node& node, const YamlPath& path) {
  bool value = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value))
    path.fail(node, "expected true or false, got " + describe(node));
  return value;
}

std::string read_string(const YAML::Node& node, const YamlPath& path) {
  if (!node.IsScalar()) path.fail(node, "expected a string, got " + describe(node));
  return node.Scalar();
}

size_t read_choice(const YAML::Node& node, const YamlPath& path,
                   const std::vector<std::string_view>& choices) {
  if (node.IsScalar()) {
    for (size_t i = 0; i < choices.size(); ++i)
      if (node.Scalar() == choices[i]) return i;
  }
  std::string list;
  for (auto c : choices) list += (list.empty() ? "" : ", ") + std::string(c);
  path.fail(node, "expected one of " + list + ", got " + describe(node));
}

wire::IpAddress read_ip_address(const YAML::Node& node, const YamlPath& path) {
  std::optional<wire::IpAddress> address;
  if (node.IsScalar()) address = wire::IpAddress::parse(node.Scalar());
  if (!address) path.fail(node, "expected an IPv4 or IPv6 address, got " + describe(node));
  return *address;
}

InterfaceAddress read_interface_address(const YAML::Node& node, const YamlPath& path) {
  const char* expected = "expected ADDRESS/PREFIX such as 10.7.0.2/24 or fd00:7::2/64, got ";
  if (!node.IsScalar()) path.fail(node, expected + describe(node));
  const std::string& text = node.Scalar();
  size_t slash = text.find('/');
  if (slash == std::string::npos) path.fail(node, expected + describe(node));
  auto address = wire::IpAddress::parse(std::string_view(text).substr(0, slash));
  unsigned prefix = 0;
  auto [end, ec] = std::from_chars(text.data() + slash + 1, text.data() + text.size(), prefix);
  bool prefix_ok = ec == std::errc() && end == text.data() + text.size() && slash + 1 < text.size();
  if (!address || !prefix_ok) path.fail(node, expected + describe(node));
  unsigned max_prefix = address->is_v4() ? 32 : 128;
  if (prefix > max_prefix || prefix == 0)
    path.fail(node, "prefix length must be 1 to " + std::to_string(max_prefix) + ", got " +
                        describe(node));
  return {*address, static_cast<uint8_t>(prefix)};
}

std::vector<YAML::Node> read_list(const YAML::Node& node, const YamlPath& path) {
  std::vector<YAML::Node> items;
  if (!node.IsDefined() || node.IsNull()) return items;
  if (node.IsScalar()) return {node};
  if (!node.IsSequence()) path.fail(node, "expected a list, got " + describe(node));
  for (const auto& item : node) items.push_back(item);
  return items;
}

}  // namespace tcpterm::control
