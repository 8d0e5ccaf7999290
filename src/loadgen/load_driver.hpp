// LoadDriver: one worker lcore's load generator, plugged into the Worker as
// its ClientDriver. It runs an HttpLoad over the worker's own engine, or a
// FastHttpLoad (--fast: no engine, every TCP frame from the server taken in
// on_frame), and/or a SynFlood through the worker's port, and publishes a few live numbers in
// relaxed atomics for the control thread's per-second progress line (one
// writer, read once a second: no locks). Everything else is read only after
// the worker has stopped.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>

#include "dataplane/client_driver.hpp"
#include "dataplane/worker.hpp"
#include "loadgen/fast_http_load.hpp"
#include "loadgen/http_load.hpp"
#include "loadgen/syn_flood.hpp"

namespace tcpterm::loadgen {

struct DriverSettings {
  std::optional<LoadSettings> http;      // HTTP load on the engine, if any
  std::optional<FastLoadSettings> fast;  // or the engine-less --fast HTTP load
  std::optional<FloodSettings> flood;  // SYN flood, if any
  wire::IpAddress local_address;       // ours, for resolving the server first
  uint64_t wait_neighbour_us = 5'000'000;
  uint64_t duration_us = 0;  // stop opening this long after the first open; 0 = no limit
};

/// What the control thread may read while the worker runs.
struct LiveStats {
  std::atomic<uint64_t> connections_opened{0};
  std::atomic<uint64_t> requests_ok{0};
  std::atomic<uint64_t> errors{0};
  std::atomic<uint64_t> in_flight{0};
  std::atomic<uint64_t> syns_sent{0};
  std::atomic<uint64_t> syn_acks_received{0};
  std::atomic<bool> finished{false};
};

class LoadDriver final : public dataplane::ClientDriver {
 public:
  using Engine = dataplane::Worker::Engine;

  LoadDriver(dataplane::Worker& worker, const DriverSettings& settings);

  /// Any thread: open nothing more; finish once the connections in flight end.
  void request_stop() { stop_requested_.store(true, std::memory_order_relaxed); }
  const LiveStats& live() const { return live_; }

  // Read after the worker stopped.
  LoadCounters load_counters() const {
    return http_ ? http_->counters() : fast_ ? fast_->counters() : LoadCounters{};
  }
  FloodCounters flood_counters() const { return flood_ ? flood_->counters() : FloodCounters{}; }
  const LatencyHistogram* latency() const {
    return http_ ? &http_->latency() : fast_ ? &fast_->latency() : nullptr;
  }
  uint32_t in_flight() const { return http_ ? http_->active() : fast_ ? fast_->active() : 0; }
  bool neighbour_failed() const { return neighbour_failed_; }
  uint64_t start_us() const { return start_us_; }  // first open; 0 if none
  uint64_t end_us() const { return end_us_; }      // when finished; 0 if not
  uint64_t last_poll_us() const { return last_poll_us_; }

  // ---- ClientDriver ----
  void on_poll(uint64_t now_us) override;
  bool wants_frames() const override { return flood_.has_value() || fast_.has_value(); }
  bool on_frame(const wire::ParseResult& r) override {
    return (fast_ && fast_->on_frame(r)) || (flood_ && flood_->on_frame(r));
  }
  void on_connected(tcp::ConnRef c) override { http_->on_connected(c, 0); }
  size_t on_data(tcp::ConnRef c, std::span<const uint8_t> data) override {
    return http_->on_data(c, data);
  }
  void on_peer_fin(tcp::ConnRef c) override { http_->on_peer_fin(c); }
  void on_closed(tcp::ConnRef c, tcp::CloseReason reason) override { http_->on_closed(c, reason); }

 private:
  bool finished() const;
  bool load_finished() const;  // the HTTP load's part (true without one)
  const wire::IpAddress& server_address() const;
  void publish();

  dataplane::Worker& worker_;
  DriverSettings settings_;
  std::optional<HttpLoad<Engine>> http_;
  std::optional<FastHttpLoad<dataplane::Worker>> fast_;
  std::optional<SynFlood<dataplane::Worker>> flood_;
  LiveStats live_;
  std::atomic<bool> stop_requested_{false};
  // Checked once a millisecond: each miss counts in the worker's tx_no_neighbour.
  static constexpr uint64_t kNeighbourCheckIntervalUs = 1000;
  uint64_t last_neighbour_check_us_ = 0;
  bool neighbour_ready_ = false;
  bool neighbour_failed_ = false;
  uint64_t first_poll_us_ = 0;
  uint64_t start_us_ = 0;
  uint64_t end_us_ = 0;
  uint64_t last_poll_us_ = 0;
};

}  // namespace tcpterm::loadgen
