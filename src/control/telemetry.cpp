// The /tcpterm/* telemetry commands; see telemetry.hpp.
#include "control/telemetry.hpp"

#include <chrono>
#include <string>

#include <fmt/format.h>
#include <rte_telemetry.h>

#include "control/stats_report.hpp"

namespace tcpterm::control {

namespace {

std::mutex g_instance_mutex;
Telemetry* g_instance = nullptr;

void add_totals(rte_tel_data* d, const dataplane::DataplaneTotals& totals) {
  auto add = [d](const char* name, uint64_t value) { rte_tel_data_add_dict_u64(d, name, value); };
  totals.dataplane.for_each(add);
  totals.engine.for_each(add);
  const tcp::EngineOccupancy& o = totals.occupancy;
  add("connections", o.connections);
  add("syn_received", o.syn_received);
  add("time_wait", o.time_wait);
  add("buffers_in_use", o.buffers_in_use);
  add("timers_pending", o.timers_pending);
  add("listeners", o.listeners);
}

}  // namespace

/// The callbacks, with access to the instance's published data.
struct Telemetry::Access {
  static int stats(const char*, const char*, rte_tel_data* d) {
    std::lock_guard instance_lock(g_instance_mutex);
    if (!g_instance) return -1;
    std::lock_guard lock(g_instance->mutex_);
    rte_tel_data_start_dict(d);
    add_totals(d, sum_snapshots(g_instance->snapshots_));
    rte_tel_data_add_dict_u64(d, "workers", g_instance->snapshots_.size());
    return 0;
  }

  static int lcores(const char*, const char*, rte_tel_data* d) {
    std::lock_guard instance_lock(g_instance_mutex);
    if (!g_instance) return -1;
    std::lock_guard lock(g_instance->mutex_);
    rte_tel_data_start_dict(d);
    for (const dataplane::WorkerSnapshot& s : g_instance->snapshots_) {
      rte_tel_data* child = rte_tel_data_alloc();
      if (!child) return -1;
      rte_tel_data_start_dict(child);
      add_totals(child, s.totals);
      rte_tel_data_add_dict_container(d, ("lcore_" + std::to_string(s.lcore)).c_str(), child, 0);
    }
    return 0;
  }

  static int connections(const char*, const char*, rte_tel_data* d) {
    std::unique_lock instance_lock(g_instance_mutex);
    if (!g_instance) return -1;
    Telemetry& t = *g_instance;
    std::unique_lock lock(t.mutex_);
    uint64_t ticket = ++t.connections_requested_;
    // The control thread ticks every 100 ms; give it a few ticks.
    bool served = t.connections_ready_.wait_for(lock, std::chrono::seconds(2),
                                                [&] { return t.connections_served_ >= ticket; });
    if (!served) return -1;
    rte_tel_data_start_array(d, RTE_TEL_STRING_VAL);
    size_t listed = 0;
    for (const dataplane::WorkerSnapshot& s : t.connections_) {
      for (const dataplane::ConnectionInfo& c : s.connections) {
        if (listed++ == kMaxConnections) return 0;
        std::string line = fmt::format("lcore {} {}:{} {}:{} {} srtt_us {} cwnd {}", s.lcore,
                                       c.key.local_address.to_string(), c.key.local_port,
                                       c.key.remote_address.to_string(), c.key.remote_port,
                                       tcp::to_string(c.state), c.srtt_us, c.cwnd);
        rte_tel_data_add_array_string(d, line.substr(0, RTE_TEL_MAX_STRING_LEN - 1).c_str());
      }
    }
    return 0;
  }
};

Telemetry::Telemetry() {
  {
    std::lock_guard lock(g_instance_mutex);
    g_instance = this;
  }
  static bool registered = false;
  if (registered) return;
  registered = true;
  rte_telemetry_register_cmd(
      "/tcpterm/stats", Access::stats,
      "tcpterm counters summed over all workers, and occupancy. No parameters");
  rte_telemetry_register_cmd("/tcpterm/lcores", Access::lcores,
                             "tcpterm counters per worker lcore. No parameters");
  rte_telemetry_register_cmd(
      "/tcpterm/connections", Access::connections,
      "Live TCP connections (at most 512): lcore, local, remote, state. No parameters");
}

Telemetry::~Telemetry() {
  std::lock_guard lock(g_instance_mutex);
  g_instance = nullptr;
}

void Telemetry::publish(std::vector<dataplane::WorkerSnapshot> snapshots) {
  std::lock_guard lock(mutex_);
  snapshots_ = std::move(snapshots);
}

bool Telemetry::connections_wanted() {
  std::lock_guard lock(mutex_);
  return connections_requested_ > connections_served_;
}

void Telemetry::publish_connections(std::vector<dataplane::WorkerSnapshot> snapshots) {
  {
    std::lock_guard lock(mutex_);
    connections_ = std::move(snapshots);
    connections_served_ = connections_requested_;
  }
  connections_ready_.notify_all();
}

}  // namespace tcpterm::control
