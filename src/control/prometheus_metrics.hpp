// The Prometheus text exposition format (version 0.0.4) of tcpterm's
// counters: every counter as tcpterm_<name>_total and every occupancy gauge
// as tcpterm_<name>, each with one sample per worker lcore; then each port's
// own counters as tcpterm_port_<name>_total, one sample per port.
#pragma once

#include <string>
#include <vector>

#include "dataplane/dataplane.hpp"

namespace tcpterm::control {

/// The /metrics body for these per-worker snapshots and port counters.
std::string render_prometheus_metrics(const std::vector<dataplane::WorkerSnapshot>& snapshots,
                                      const std::vector<dataplane::PortStatistics>& ports = {});

}  // namespace tcpterm::control
