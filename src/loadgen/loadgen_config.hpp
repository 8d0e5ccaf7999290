// The loadgen's config file: a tcpterm config (ports, addresses, workers,
// tcp) plus an optional top-level `loadgen:` section of option values. The
// section is cut out before tcpterm's strict parser sees the text; its lines
// are blanked, not removed, so tcpterm's messages keep their line numbers.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tcpterm::loadgen {

struct SplitConfig {
  std::string tcpterm_text;                                  // the file without loadgen:
  std::vector<std::pair<std::string, std::string>> loadgen;  // key, scalar value
};

/// Splits `text`; throws control::ConfigError naming `source` when the YAML
/// does not parse or loadgen: is not a map of scalars.
SplitConfig split_loadgen_section(std::string_view text, std::string_view source);

}  // namespace tcpterm::loadgen
