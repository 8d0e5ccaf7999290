// The options after `--` on tcpterm's command line (the EAL takes the part
// before it), parsed with CLI11 before the EAL starts, so --help and usage
// errors need no devices, hugepages or privileges.
#pragma once

#include <optional>
#include <string>

namespace tcpterm::control {

struct CliOptions {
  std::string config_path;
};

/// Parses the arguments after the first "--" in argv. Returns nullopt when
/// tcpterm should exit now (help printed, or a usage error reported), with
/// the exit code in `exit_code`.
std::optional<CliOptions> parse_cli(int argc, char** argv, int& exit_code);

}  // namespace tcpterm::control
