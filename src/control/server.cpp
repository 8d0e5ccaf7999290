// tcpterm's server bring-up; see server.hpp.
#include "control/server.hpp"

#include <algorithm>
#include <random>
#include <stdexcept>
#include <string>

#include <rte_lcore.h>

#include "app/app_registry.hpp"
#include "control/kernel_interface.hpp"

namespace tcpterm::control {

namespace {

/// Addresses on net_tap kernel interfaces; the exception tap also takes the
/// port's MAC, so the host's stack and tcpterm answer as one station.
void configure_kernel_sides(const Config& config, const dataplane::Dataplane& dp) {
  for (size_t i = 0; i < config.ports.size(); ++i) {
    const PortConfig& port = config.ports[i];
    const dataplane::PortInfo& info = dp.ports()[i];
    if (!port.kernel_side.empty()) {
      if (info.kernel_interface.empty())
        throw std::runtime_error("port " + port.device +
                                 ": kernel_side is set but the device has no kernel interface");
      configure_kernel_interface(info.kernel_interface, port.kernel_side);
    }
    if (info.exception) {
      if (info.exception->kernel_interface.empty())
        throw std::runtime_error("port " + port.device + ": exception device " +
                                 port.exception_device +
                                 " has no kernel interface (is it a net_tap?)");
      configure_kernel_interface(info.exception->kernel_interface, port.exception_kernel_side,
                                 info.mac.to_string());
    }
  }
}

}  // namespace

void check_applications(const Config& config) {
  std::vector<std::string> known = app::application_names();
  for (size_t i = 0; i < config.listeners.size(); ++i) {
    const std::string& name = config.listeners[i].app;
    if (std::find(known.begin(), known.end(), name) != known.end()) continue;
    std::string list;
    for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
    throw ConfigError(config.source + ": listeners[" + std::to_string(i) +
                      "].app: unknown application \"" + name + "\" (known: " + list + ")");
  }
}

std::vector<unsigned> worker_lcores(const Config& config) {
  std::vector<unsigned> lcores;
  if (config.workers.empty()) {
    unsigned lcore;
    RTE_LCORE_FOREACH_WORKER(lcore) lcores.push_back(lcore);
    if (lcores.empty())
      throw std::runtime_error(
          "no worker lcores: give the EAL at least two, e.g. -l 0-1 (lcore 0 runs the "
          "control thread)");
    return lcores;
  }
  for (size_t i = 0; i < config.workers.size(); ++i) {
    unsigned lcore = config.workers[i];
    if (lcore == rte_get_main_lcore() || lcore >= RTE_MAX_LCORE || !rte_lcore_is_enabled(lcore)) {
      throw std::runtime_error(
          config.source + ": workers[" + std::to_string(i) + "]: lcore " + std::to_string(lcore) +
          (lcore == rte_get_main_lcore() ? " is the main lcore, which runs the control thread"
                                         : " is not enabled in the EAL") +
          "; pass the worker lcores with -l, e.g. -l 0-" + std::to_string(lcore + (lcore == 0)) +
          (lcore == rte_get_main_lcore()
               ? ""
               : ", or with --lcores to run more lcores than there are CPUs, e.g. "
                 "--lcores=0@0,1@1,2@1"));
    }
    lcores.push_back(lcore);
  }
  return lcores;
}

std::unique_ptr<dataplane::Dataplane> start_server(Config& config,
                                                   const std::vector<unsigned>& lcores) {
  std::random_device random;  // RFC 6528 ISN and RFC 4987 cookie secret, fresh per run
  for (uint8_t& b : config.tcp.secret) b = static_cast<uint8_t>(random());
  auto dp = std::make_unique<dataplane::Dataplane>(config, lcores);
  configure_kernel_sides(config, *dp);
  return dp;
}

}  // namespace tcpterm::control
