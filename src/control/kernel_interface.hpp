// The kernel side of a net_tap port: tcpterm puts the configured addresses on
// the kernel's tap interface and brings it up, so `curl http://10.7.0.2/`
// works right after start. Control path; runs the `ip` command (iproute2).
#pragma once

#include <string>
#include <vector>

#include "control/config.hpp"

namespace tcpterm::control {

/// Sets `mac` (when given) on `interface`, adds each address (idempotent:
/// `ip addr replace`, IPv6 without duplicate address detection) and sets the
/// link up. Throws std::runtime_error naming the interface and the command
/// that failed.
void configure_kernel_interface(const std::string& interface,
                                const std::vector<InterfaceAddress>& addresses,
                                const std::string& mac = "");

}  // namespace tcpterm::control
