// Dataplane: the set of ports and worker lcores tcpterm runs. It starts the
// ports with one queue pair per worker, builds each worker with its engine
// and listeners, launches them on their lcores and stops them again. The
// control path owns it; only the workers touch packets.
#pragma once

#include <memory>
#include <vector>

#include "control/config.hpp"
#include "dataplane/dataplane_counters.hpp"
#include "dataplane/port.hpp"
#include "tcp/engine_counters.hpp"

namespace tcpterm::dataplane {

class Worker;

/// Counters summed over all workers.
struct DataplaneTotals {
  tcp::EngineCounters engine;
  tcp::EngineOccupancy occupancy;
  DataplaneCounters dataplane;
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
  /// Sums all workers' counters. Exact once stop() returned.
  DataplaneTotals totals() const;

  const std::vector<PortInfo>& ports() const { return ports_; }
  const std::vector<std::unique_ptr<Worker>>& workers() const { return workers_; }

 private:
  std::vector<PortInfo> ports_;
  std::vector<DataplaneCounters> counters_;  // one per worker, cache-line aligned
  std::vector<std::unique_ptr<Worker>> workers_;
  bool running_ = false;
  bool ports_up_ = false;
};

}  // namespace tcpterm::dataplane
