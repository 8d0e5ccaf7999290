// Dataplane setup, launch and teardown; see dataplane.hpp.
#include "dataplane/dataplane.hpp"

#include <stdexcept>

#include <rte_launch.h>
#include <rte_lcore.h>

#include "dataplane/worker.hpp"

namespace tcpterm::dataplane {

namespace {

int worker_entry(void* arg) {
  static_cast<Worker*>(arg)->run();
  return 0;
}

WorkerSettings worker_settings(const control::Config& config) {
  WorkerSettings s;
  s.engine = config.tcp;
  s.http = {config.http.status, config.http.content_type, config.http.body, config.http.max_request_head};
  s.rx_burst = config.dataplane.rx_burst;
  s.tx_burst = config.dataplane.tx_burst;
  s.idle_sleep_us = config.dataplane.idle_sleep_us;
  s.neighbour_entries = config.dataplane.neighbour_entries;
  return s;
}

}  // namespace

Dataplane::Dataplane(const control::Config& config, const std::vector<unsigned>& worker_lcores)
    : counters_(worker_lcores.size()) {
  uint16_t queues = static_cast<uint16_t>(worker_lcores.size());
  ports_.reserve(config.ports.size());  // workers keep pointers into ports_
  for (const control::PortConfig& port : config.ports) {
    try {
      ports_.push_back(start_port(port, config.dataplane, queues));
      ports_up_ = true;
    } catch (...) {
      shutdown();
      throw;
    }
  }
  WorkerSettings settings = worker_settings(config);
  for (size_t i = 0; i < worker_lcores.size(); ++i) {
    auto worker = std::make_unique<Worker>(worker_lcores[i], static_cast<uint16_t>(i), ports_, settings, counters_[i]);
    for (const control::ListenerConfig& l : config.listeners) {
      if (!worker->listen(l.address.value_or(wire::IpAddress{}), l.port, l.app)) {
        shutdown();
        throw std::runtime_error("listener on port " + std::to_string(l.port) + " with app \"" + l.app +
                                 "\" could not be opened: the app is not http, echo, discard or a registered "
                                 "application, or tcp.max_listeners is too small");
      }
    }
    workers_.push_back(std::move(worker));
  }
}

Dataplane::~Dataplane() { shutdown(); }

void Dataplane::launch() {
  for (auto& worker : workers_) {
    int rc = rte_eal_remote_launch(worker_entry, worker.get(), worker->lcore());
    if (rc != 0) {
      stop();
      throw std::runtime_error("cannot launch a worker on lcore " + std::to_string(worker->lcore()) +
                               " (is it busy or not given to the EAL with -l?)");
    }
    running_ = true;
  }
}

void Dataplane::stop() {
  if (!running_) return;
  for (auto& worker : workers_) worker->request_stop();
  for (auto& worker : workers_) rte_eal_wait_lcore(worker->lcore());
  running_ = false;
}

void Dataplane::shutdown() {
  stop();
  workers_.clear();  // frees their buffered mbufs before the pools go
  if (!ports_up_) return;
  for (PortInfo& port : ports_) stop_port(port);
  ports_up_ = false;
}

DataplaneTotals Dataplane::totals() const {
  DataplaneTotals totals;
  for (const auto& worker : workers_) {
    totals.engine.add(worker->engine().counters());
    tcp::EngineOccupancy o = worker->engine().occupancy();
    totals.occupancy.connections += o.connections;
    totals.occupancy.syn_received += o.syn_received;
    totals.occupancy.time_wait += o.time_wait;
    totals.occupancy.buffers_in_use += o.buffers_in_use;
    totals.occupancy.timers_pending += o.timers_pending;
    totals.occupancy.listeners += o.listeners;
  }
  for (const DataplaneCounters& c : counters_) totals.dataplane.add(c);
  return totals;
}

}  // namespace tcpterm::dataplane
