// DPDK telemetry commands (usable with dpdk-telemetry.py):
//   /tcpterm/stats        every counter summed over workers, and occupancy
//   /tcpterm/lcores       the same per worker lcore
//   /tcpterm/connections  live connections (at most 512), one string each
// Callbacks run on DPDK's telemetry thread; they only read what the control
// thread published (under a mutex, never touched by workers). Connections are
// fetched on demand: the callback asks, the control thread collects them from
// the workers on its next tick and publishes them.
#pragma once

#include <condition_variable>
#include <mutex>
#include <vector>

#include "dataplane/dataplane.hpp"

namespace tcpterm::control {

class Telemetry {
 public:
  /// Registers the commands; at most one instance per process.
  Telemetry();
  /// Later callbacks answer with an error (DPDK cannot unregister commands).
  ~Telemetry();
  Telemetry(const Telemetry&) = delete;
  Telemetry& operator=(const Telemetry&) = delete;

  /// Control thread: the latest per-worker snapshots.
  void publish(std::vector<dataplane::WorkerSnapshot> snapshots);
  /// Control thread: true when a /tcpterm/connections request is waiting.
  bool connections_wanted();
  /// Control thread: answers the waiting request(s).
  void publish_connections(std::vector<dataplane::WorkerSnapshot> snapshots);

  /// Most connections one answer lists (DPDK telemetry array limit).
  static constexpr size_t kMaxConnections = 512;

 private:
  struct Access;
  std::mutex mutex_;
  std::condition_variable connections_ready_;
  std::vector<dataplane::WorkerSnapshot> snapshots_;
  std::vector<dataplane::WorkerSnapshot> connections_;
  uint64_t connections_requested_ = 0;  // requests made
  uint64_t connections_served_ = 0;     // requests answered
};

}  // namespace tcpterm::control
