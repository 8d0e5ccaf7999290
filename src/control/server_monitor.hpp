// The control thread's watch over a running server: every tick it collects
// the workers' snapshots for telemetry and Prometheus (a scrape also reads
// the ports' own counters; telemetry has DPDK's /ethdev/stats), answers
// pending connection listings, and logs a stats line every
// log.stats_interval_s.
// tcpterm's main loop and the in-process server of tcpterm-loadgen
// --ring-server both run one.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "control/config.hpp"
#include "control/prometheus_server.hpp"
#include "control/telemetry.hpp"
#include "dataplane/dataplane.hpp"

namespace tcpterm::control {

class ServerMonitor {
 public:
  /// Registers the telemetry commands and, when `config.prometheus` is
  /// enabled, opens its endpoint (throws std::runtime_error naming the
  /// address when it cannot bind). `stats_prefix` starts every stats line.
  /// `config` and `dp` must outlive the monitor; a reload may change
  /// `config` in place (call restart_stats_interval after it).
  ServerMonitor(const Config& config, dataplane::Dataplane& dp, std::string stats_prefix = "stats");

  /// The /metrics address, or "" without Prometheus.
  std::string metrics_url() const;

  /// Waits up to `timeout_us`, serving Prometheus clients meanwhile.
  void wait(uint64_t timeout_us);

  /// Collects the workers' snapshots, logs the stats line when it is due,
  /// and publishes to telemetry (with the connection listing if asked for).
  void tick();

  /// Restarts the stats interval from now (after a reload changed it).
  void restart_stats_interval();

 private:
  using Clock = std::chrono::steady_clock;
  const Config& config_;
  dataplane::Dataplane& dp_;
  std::string stats_prefix_;
  Telemetry telemetry_;
  std::unique_ptr<PrometheusServer> prometheus_;
  std::vector<dataplane::WorkerSnapshot> latest_;
  Clock::time_point next_stats_;
  dataplane::DataplaneCounters at_last_stats_;  // for the busy share since the last line
};

}  // namespace tcpterm::control
