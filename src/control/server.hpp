// The server side as tcpterm's main brings it up, shared with
// tcpterm-loadgen's one-process mode (--ring-server): listener apps checked,
// worker lcores chosen, a fresh ISN and cookie secret, the Dataplane with the
// built-in and registered applications on its listeners, net_tap kernel
// sides configured. Control path only.
#pragma once

#include <memory>
#include <vector>

#include "control/config.hpp"
#include "dataplane/dataplane.hpp"

namespace tcpterm::control {

/// Every listener's app must be a built-in or registered application; throws
/// ConfigError naming the listener and the known applications.
void check_applications(const Config& config);

/// The config's worker lcores, or every enabled non-main lcore. Call after
/// the EAL started; throws std::runtime_error saying which lcore to give the
/// EAL.
std::vector<unsigned> worker_lcores(const Config& config);

/// Builds tcpterm's Dataplane for `config` on `lcores` (not launched): fills
/// config.tcp.secret afresh (RFC 6528 ISNs, RFC 4987 cookies), starts the
/// ports and listeners, and puts the kernel_side addresses on net_tap
/// interfaces. Throws std::runtime_error naming the device or listener.
std::unique_ptr<dataplane::Dataplane> start_server(Config& config,
                                                   const std::vector<unsigned>& lcores);

}  // namespace tcpterm::control
