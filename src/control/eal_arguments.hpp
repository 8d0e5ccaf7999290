// The EAL arguments tcpterm adds to the command line's own before
// rte_eal_init: an allow-list entry (-a) for every port whose PCI address
// came from the environment (ports[].device_env), so a pod's command line
// need not know which virtual functions it was given. Control path only.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "control/config.hpp"

namespace tcpterm::control {

/// "-a", address pairs for device_env ports not already allow-listed in
/// `eal_args` (the arguments before `--`). Throws ConfigError naming the
/// port when `eal_args` holds --no-pci, which would hide the device.
std::vector<std::string> eal_allow_arguments(const Config& config,
                                             const std::vector<std::string_view>& eal_args);

/// The command line a program hands to rte_eal_init: its own (program name,
/// EAL arguments, `--`, its options) with eal_allow_arguments inserted after
/// the program name. Shared by tcpterm and tcpterm-loadgen.
struct EalCommandLine {
  std::vector<std::string> arguments;
  /// The PCI devices the inserted "-a" pairs name, for the log.
  std::vector<std::string> allowed_from_env;

  /// Pointers into `arguments` for rte_eal_init, which may reorder them.
  std::vector<char*> argv();
};

/// Throws ConfigError as eal_allow_arguments does.
EalCommandLine eal_command_line(const Config& config, int argc, char* const* argv);

}  // namespace tcpterm::control
