// Dataplane: the set of ports and worker lcores tcpterm runs. It starts the
// ports with one queue pair per worker, builds each worker with its engine
// and listeners, launches them on their lcores and stops them again. The
// control path owns it; only the workers touch packets.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "control/config.hpp"
#include "dataplane/dataplane_counters.hpp"
#include "dataplane/port.hpp"
#include "dataplane/port_statistics.hpp"
#include "dataplane/worker_channel.hpp"
#include "tcp/engine_counters.hpp"

namespace tcpterm::dataplane {

class Worker;

/// Counters summed over all workers.
struct DataplaneTotals {
  tcp::EngineCounters engine;
  tcp::EngineOccupancy occupancy;
  DataplaneCounters dataplane;

  /// Adds one worker's numbers. Inline: the control library sums snapshots
  /// with it and does not link the dataplane library (a PGO build, which
  /// did not inline it there, failed to link the control-only tests).
  void add(const tcp::EngineCounters& e, const tcp::EngineOccupancy& o,
           const DataplaneCounters& d) {
    engine.add(e);
    occupancy.connections += o.connections;
    occupancy.syn_received += o.syn_received;
    occupancy.time_wait += o.time_wait;
    occupancy.buffers_in_use += o.buffers_in_use;
    occupancy.timers_pending += o.timers_pending;
    occupancy.listeners += o.listeners;
    dataplane.add(d);
  }
};

/// One worker's numbers at one instant, for per-lcore reports.
struct WorkerSnapshot {
  unsigned lcore = 0;
  DataplaneTotals totals;
  std::vector<ConnectionInfo> connections;
};

class Dataplane {
 public:
  /// Starts every configured port and builds one worker per lcore in
  /// `worker_lcores`, each listening on every configured listener. Throws
  /// std::runtime_error with a sentence naming the device or listener.
  Dataplane(const control::Config& config, const std::vector<unsigned>& worker_lcores);
  ~Dataplane();
  Dataplane(const Dataplane&) = delete;
  Dataplane& operator=(const Dataplane&) = delete;

  /// Runs every worker on its lcore.
  void launch();
  /// Asks the workers to stop and waits for them; ports stay up.
  void stop();
  /// Stops the workers if needed, then stops and closes every port.
  void shutdown();
  /// Sums all workers' counters. Call only while the workers are stopped
  /// (before launch or after stop); while they run use snapshot().
  DataplaneTotals totals() const;
  /// Asks every running worker for a consistent copy of its counters (and up
  /// to `max_connections` of its connections) through its WorkerChannel and
  /// waits for the answers. Control thread only. Workers that did not answer
  /// within a second are missing from the result.
  std::vector<WorkerSnapshot> snapshot(size_t max_connections = 0);
  /// Runs `fill`'s command on every running worker and waits for all of them;
  /// returns how many carried it out with ok set. Control thread only.
  size_t run_on_workers(const std::function<void(WorkerCommand&)>& fill);
  /// Each configured port's own counters (empty once shut down). Control thread.
  std::vector<PortStatistics> port_statistics() const;
  bool running() const { return running_; }

  const std::vector<PortInfo>& ports() const { return ports_; }
  const std::vector<std::unique_ptr<Worker>>& workers() const { return workers_; }

 private:
  std::vector<PortInfo> ports_;
  std::vector<PortInfo> exception_ports_;    // ports_[i].exception points here
  std::vector<DataplaneCounters> counters_;  // one per worker, cache-line aligned
  std::vector<std::unique_ptr<Worker>> workers_;
  /// Sends one command per worker and collects the replies (nullptr where a
  /// worker did not answer in time; that command is then leaked on purpose,
  /// since the worker may still write it).
  std::vector<WorkerCommand*> exchange(std::vector<std::unique_ptr<WorkerCommand>> commands);

  bool running_ = false;
  bool ports_up_ = false;
};

}  // namespace tcpterm::dataplane
