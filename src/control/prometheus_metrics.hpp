// The Prometheus text exposition format (version 0.0.4) of tcpterm's
// counters: every counter as tcpterm_<name>_total and every occupancy gauge
// as tcpterm_<name>, each with one sample per worker lcore.
#pragma once

#include <string>
#include <vector>

#include "dataplane/dataplane.hpp"

namespace tcpterm::control {

/// The /metrics body for these per-worker snapshots.
std::string render_prometheus_metrics(const std::vector<dataplane::WorkerSnapshot>& snapshots);

}  // namespace tcpterm::control
