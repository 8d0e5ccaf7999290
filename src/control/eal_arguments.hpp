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

}  // namespace tcpterm::control
