// Cutting the loadgen: section out of a tcpterm config; see loadgen_config.hpp.
#include "loadgen/loadgen_config.hpp"

#include <yaml-cpp/yaml.h>

#include "control/config.hpp"

namespace tcpterm::loadgen {
namespace {

/// Blanks the block that starts with "loadgen:" at column 0: that line and
/// every following line that is empty, indented or a comment.
std::string blank_section(std::string_view text) {
  std::string out;
  bool in_section = false;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    std::string_view line = text.substr(start, end == std::string_view::npos ? end : end - start);
    bool continuation = line.empty() || line[0] == ' ' || line[0] == '\t' || line[0] == '#';
    if (line.rfind("loadgen:", 0) == 0) {
      in_section = true;
    } else if (!continuation) {
      in_section = false;
    }
    if (!in_section) out += line;
    if (end == std::string_view::npos) break;
    out += '\n';
    start = end + 1;
  }
  return out;
}

}  // namespace

SplitConfig split_loadgen_section(std::string_view text, std::string_view source) {
  SplitConfig split;
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    throw control::ConfigError(std::string(source) + ":" + std::to_string(e.mark.line + 1) +
                               ": YAML syntax error: " + e.msg);
  }
  YAML::Node section = root.IsMap() ? root["loadgen"] : YAML::Node();
  if (!section.IsDefined() || section.IsNull()) {
    split.tcpterm_text = std::string(text);
    return split;
  }
  if (!section.IsMap())
    throw control::ConfigError(std::string(source) + ":" + std::to_string(section.Mark().line + 1) +
                               ": loadgen: expected a map of option: value");
  for (const auto& entry : section) {
    std::string key = entry.first.as<std::string>();
    if (!entry.second.IsScalar())
      throw control::ConfigError(std::string(source) + ":" +
                                 std::to_string(entry.second.Mark().line + 1) + ": loadgen." + key +
                                 ": expected a single value");
    split.loadgen.emplace_back(key, entry.second.as<std::string>());
  }
  split.tcpterm_text = blank_section(text);
  return split;
}

}  // namespace tcpterm::loadgen
