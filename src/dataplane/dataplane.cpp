// Dataplane setup, launch and teardown; see dataplane.hpp.
#include "dataplane/dataplane.hpp"

#include <algorithm>
#include <stdexcept>

#include <rte_cycles.h>
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
  s.http = {config.http.status, config.http.content_type, config.http.body,
            config.http.max_request_head};
  s.rx_burst = config.dataplane.rx_burst;
  s.tx_burst = config.dataplane.tx_burst;
  s.idle_sleep_us = config.dataplane.idle_sleep_us;
  s.tx_hold_us = config.dataplane.tx_hold_us;
  s.neighbour_entries = config.dataplane.neighbour_entries;
  s.neighbour_reachable_us = uint64_t{config.dataplane.neighbour_reachable_s} * 1'000'000;
  return s;
}

}  // namespace

Dataplane::Dataplane(const control::Config& config, const std::vector<unsigned>& worker_lcores)
    : counters_(worker_lcores.size()) {
  uint16_t queues = static_cast<uint16_t>(worker_lcores.size());
  ports_.reserve(config.ports.size());  // workers keep pointers into ports_
  exception_ports_.reserve(config.ports.size());
  for (const control::PortConfig& port : config.ports) {
    try {
      ports_.push_back(start_port(port, config.dataplane, queues));
      ports_up_ = true;
      if (port.exception_device.empty()) continue;
      control::PortConfig exception;
      exception.device = port.exception_device;
      exception.mtu = port.mtu;
      exception_ports_.push_back(start_port(exception, config.dataplane, queues));
      ports_.back().exception = &exception_ports_.back();
    } catch (...) {
      shutdown();
      throw;
    }
  }
  WorkerSettings settings = worker_settings(config);
  for (size_t i = 0; i < worker_lcores.size(); ++i) {
    auto worker = std::make_unique<Worker>(worker_lcores[i], static_cast<uint16_t>(i), ports_,
                                           settings, counters_[i]);
    for (const control::ListenerConfig& l : config.listeners) {
      if (!worker->listen(l.address.value_or(wire::IpAddress{}), l.port, l.app)) {
        shutdown();
        throw std::runtime_error(
            "listener on port " + std::to_string(l.port) + " with app \"" + l.app +
            "\" could not be opened: the app is not http, echo, discard or a registered "
            "application, or tcp.max_listeners is too small");
      }
    }
    workers_.push_back(std::move(worker));
  }
}

Dataplane::~Dataplane() {
  shutdown();
}

void Dataplane::launch() {
  for (auto& worker : workers_) {
    int rc = rte_eal_remote_launch(worker_entry, worker.get(), worker->lcore());
    if (rc != 0) {
      stop();
      throw std::runtime_error("cannot launch a worker on lcore " +
                               std::to_string(worker->lcore()) +
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

std::vector<PortStatistics> Dataplane::port_statistics() const {
  if (!ports_up_) return {};
  return read_port_statistics(ports_);
}

void Dataplane::shutdown() {
  stop();
  workers_.clear();  // frees their buffered mbufs before the pools go
  if (!ports_up_) return;
  for (PortInfo& port : ports_) stop_port(port);
  for (PortInfo& port : exception_ports_) stop_port(port);
  ports_up_ = false;
}

DataplaneTotals Dataplane::totals() const {
  DataplaneTotals totals;
  for (size_t i = 0; i < workers_.size(); ++i)
    totals.add(workers_[i]->engine().counters(), workers_[i]->engine().occupancy(), counters_[i]);
  return totals;
}

std::vector<WorkerCommand*> Dataplane::exchange(
    std::vector<std::unique_ptr<WorkerCommand>> commands) {
  std::vector<WorkerCommand*> replies(workers_.size(), nullptr);
  std::vector<bool> sent(workers_.size(), false);
  for (size_t i = 0; i < workers_.size(); ++i) {
    sent[i] = running_ && workers_[i]->channel().send(commands[i].get());
    if (sent[i]) (void)commands[i].release();  // owned by the worker until it replies
  }
  constexpr uint64_t kTimeoutUs = 1'000'000, kPollUs = 200;
  size_t waiting = std::count(sent.begin(), sent.end(), true);
  for (uint64_t waited = 0; waiting > 0 && waited < kTimeoutUs; waited += kPollUs) {
    for (size_t i = 0; i < workers_.size(); ++i) {
      if (!sent[i] || replies[i]) continue;
      if ((replies[i] = workers_[i]->channel().receive_reply())) --waiting;
    }
    if (waiting > 0) rte_delay_us_sleep(kPollUs);
  }
  return replies;
}

std::vector<WorkerSnapshot> Dataplane::snapshot(size_t max_connections) {
  std::vector<std::unique_ptr<WorkerCommand>> commands;
  for (size_t i = 0; i < workers_.size(); ++i) {
    auto c = std::make_unique<WorkerCommand>();
    c->kind = WorkerCommand::Kind::kSnapshot;
    c->max_connections = max_connections;
    c->connections.reserve(max_connections);
    commands.push_back(std::move(c));
  }
  std::vector<WorkerSnapshot> result;
  std::vector<WorkerCommand*> replies = exchange(std::move(commands));
  for (size_t i = 0; i < replies.size(); ++i) {
    if (!replies[i]) continue;
    std::unique_ptr<WorkerCommand> reply(replies[i]);
    WorkerSnapshot& s = result.emplace_back();
    s.lcore = workers_[i]->lcore();
    s.totals.add(reply->engine, reply->occupancy, reply->dataplane);
    s.connections = std::move(reply->connections);
  }
  return result;
}

size_t Dataplane::run_on_workers(const std::function<void(WorkerCommand&)>& fill) {
  std::vector<std::unique_ptr<WorkerCommand>> commands;
  for (size_t i = 0; i < workers_.size(); ++i) {
    commands.push_back(std::make_unique<WorkerCommand>());
    fill(*commands.back());
  }
  size_t ok = 0;
  for (WorkerCommand* reply : exchange(std::move(commands))) {
    std::unique_ptr<WorkerCommand> owned(reply);
    ok += reply && reply->ok ? 1 : 0;
  }
  return ok;
}

}  // namespace tcpterm::dataplane
