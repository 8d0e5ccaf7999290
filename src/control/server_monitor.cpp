// ServerMonitor; see server_monitor.hpp.
#include "control/server_monitor.hpp"

#include <fmt/format.h>
#include <rte_cycles.h>

#include "control/log.hpp"
#include "control/prometheus_metrics.hpp"
#include "control/stats_report.hpp"

namespace tcpterm::control {

ServerMonitor::ServerMonitor(const Config& config, dataplane::Dataplane& dp,
                             std::string stats_prefix)
    : config_(config), dp_(dp), stats_prefix_(std::move(stats_prefix)) {
  if (config.prometheus.enabled)
    prometheus_ = std::make_unique<PrometheusServer>(config.prometheus.address, config.prometheus.port);
  restart_stats_interval();
}

std::string ServerMonitor::metrics_url() const {
  if (!prometheus_) return "";
  const auto& address = config_.prometheus.address;
  if (address.is_v4())
    return fmt::format("http://{}:{}/metrics", address.to_string(), config_.prometheus.port);
  return fmt::format("http://[{}]:{}/metrics", address.to_string(), config_.prometheus.port);
}

void ServerMonitor::wait(uint64_t timeout_us) {
  if (prometheus_) {
    // The ports' counters are read per scrape, the workers' from the last tick.
    prometheus_->wait(timeout_us,
                      [&] { return render_prometheus_metrics(latest_, dp_.port_statistics()); });
  } else if (timeout_us > 0) {
    rte_delay_us_sleep(timeout_us);
  }
}

void ServerMonitor::tick() {
  latest_ = dp_.snapshot();
  if (config_.log.stats_interval_s != 0 && Clock::now() >= next_stats_) {
    next_stats_ += std::chrono::seconds(config_.log.stats_interval_s);
    const dataplane::DataplaneTotals totals = sum_snapshots(latest_);
    TCPTERM_LOG(INFO, "%s: %s\n", stats_prefix_.c_str(),
                format_stats_line(totals, &at_last_stats_).c_str());
    at_last_stats_ = totals.dataplane;
  }
  telemetry_.publish(latest_);
  if (telemetry_.connections_wanted())
    telemetry_.publish_connections(dp_.snapshot(Telemetry::kMaxConnections));
}

void ServerMonitor::restart_stats_interval() {
  next_stats_ = Clock::now() + std::chrono::seconds(config_.log.stats_interval_s);
}

}  // namespace tcpterm::control
