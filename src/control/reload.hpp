// Config reload on SIGHUP: what can change while tcpterm runs (listeners, the
// HTTP response, log level and stats interval) is applied to the running
// workers through their control channels; everything else (workers, ports,
// tcp, dataplane, prometheus) needs a restart, and the report says so.
#pragma once

#include <string>
#include <vector>

#include "control/config.hpp"
#include "dataplane/dataplane.hpp"

namespace tcpterm::control {

struct ReloadReport {
  std::vector<std::string> applied;      // "listener http:8080 added", ...
  std::vector<std::string> not_applied;  // "ports changed: restart tcpterm to apply", ...
};

/// Applies `next` over `running` (which is updated to what is now in force).
/// `log_level_pinned`: the EAL's --log-level set the level at start, and it
/// keeps winning over log.level on reload as it did at start.
ReloadReport apply_reload(Config& running, const Config& next, dataplane::Dataplane& dp,
                          bool log_level_pinned);

}  // namespace tcpterm::control
