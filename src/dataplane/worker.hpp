// Worker: one lcore's whole packet path. It polls its own RX queue on every
// port, parses frames (wire::parse_frame), answers ARP, ICMP echo and
// Neighbour Solicitations itself, hands TCP segments for our addresses to its
// own tcp::Engine, and is that engine's Host: each OutSegment becomes a frame
// in a fresh mbuf, buffered per port and sent with one rte_eth_tx_burst at
// the end of the burst. Nothing is shared with other workers (shard per
// core): a flow must always arrive on the same queue, which RSS (or the
// kernel, for multi-queue net_tap) guarantees. A port with a VLAN takes only
// frames tagged with it and tags all it sends (software insert). With an
// exception path, frames that are not tcpterm's go unchanged to a kernel tap,
// and the kernel's frames leave through the port.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include <rte_mbuf.h>

#include <tcpterm/app.hpp>

#include "app/app_table.hpp"
#include "dataplane/client_driver.hpp"
#include "dataplane/dataplane_counters.hpp"
#include "dataplane/neighbour_cache.hpp"
#include "dataplane/poll_load.hpp"
#include "dataplane/port.hpp"
#include "dataplane/worker_channel.hpp"
#include "tcp/engine.hpp"
#include "wire/packet_parser.hpp"

namespace tcpterm::dataplane {

/// What a worker needs besides its ports; shared read-only by all workers.
struct WorkerSettings {
  tcp::EngineConfig engine;
  app::HttpSettings http;
  uint16_t rx_burst = 32;
  uint16_t tx_burst = 32;
  uint32_t idle_sleep_us = 0;
  /// How long frames the TX ring refused may wait while it takes none of
  /// them (0: dropped at once). Well under the shortest retransmission
  /// timeout, so that waiting still beats a loss, and long enough for a busy
  /// kernel behind net_tap.
  uint32_t tx_hold_us = 10'000;
  uint32_t neighbour_entries = 1024;
  uint64_t neighbour_reachable_us = NeighbourCache::kDefaultReachableUs;
};

class Worker {
 public:
  using Engine = tcp::Engine<Worker>;

  /// Builds the worker for `queue` on every port in `ports` (which must
  /// outlive it). Control path: allocates the engine and tables.
  Worker(unsigned lcore, uint16_t queue, std::span<const PortInfo> ports,
         const WorkerSettings& settings, DataplaneCounters& counters);
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;
  ~Worker();

  /// Opens a listener for application `app_name`; false when the app is
  /// unknown or the engine refuses the port. Call before run().
  bool listen(const wire::IpAddress& address, uint16_t port, std::string_view app_name);
  /// Attaches a client (load generator) to this worker; nullptr detaches.
  /// Call before run(); the driver must outlive the run.
  void set_client_driver(ClientDriver* driver);
  /// True when `remote`'s MAC (or its gateway's) is known; otherwise sends a
  /// rate-limited ARP request or Neighbour Solicitation. For clients that want
  /// the server resolved before their first SYN. Runs on the lcore.
  bool neighbour_ready(const wire::IpAddress& local, const wire::IpAddress& remote);
  /// Sends `segment` through the port that owns `port_address`, whatever its
  /// source address: for clients that send spoofed SYNs. Runs on the lcore.
  void emit_via(const wire::IpAddress& port_address, const tcp::OutSegment& segment);
  /// The poll loop; returns once request_stop() was called. Runs on the lcore.
  void run();
  /// One iteration of run()'s loop (poll every port, timers, flush, control
  /// commands); true when it received frames. For a caller that drives the
  /// worker itself, e.g. bench/worker_bench's two workers on one thread.
  bool run_once();
  /// Asks run() to return after its current iteration (any thread).
  void request_stop() { stop_.store(true, std::memory_order_relaxed); }

  unsigned lcore() const { return lcore_; }
  /// The control thread's way in while run() is going.
  WorkerChannel& channel() { return channel_; }
  Engine& engine() { return *engine_; }
  const Engine& engine() const { return *engine_; }
  const DataplaneCounters& counters() const { return counters_; }

  // ---- tcp::Engine Host interface (see tcp/engine.hpp) ----
  void emit(const tcp::OutSegment& segment);
  void on_accept(tcp::ConnRef c, uint16_t app_id);
  void on_connected(tcp::ConnRef c, uint16_t app_id);
  size_t on_data(tcp::ConnRef c, std::span<const uint8_t> data);
  void on_send_space(tcp::ConnRef c);
  void on_peer_fin(tcp::ConnRef c);
  void on_closed(tcp::ConnRef c, tcp::CloseReason reason);

 private:
  struct PortQueue;

  uint64_t read_clock_us() const;
  uint64_t tsc_to_us(uint64_t tsc) const;
  struct Received;
  bool poll(PortQueue& port);
  void prefetch_held(const PortQueue& port) const;
  bool handle_held(PortQueue& port, const Received* next = nullptr, uint16_t next_count = 0);
  void idle_backoff();
  void parse_received(const PortQueue& port, rte_mbuf* m, Received& rx) const;
  void handle_frame(PortQueue& port, rte_mbuf* m, const Received& rx);
  static bool is_for_kernel(wire::DropReason reason);
  void pass_to_kernel(PortQueue& port, rte_mbuf* m);
  void forward_from_kernel(PortQueue& exception, rte_mbuf* m);
  bool handle_arp(PortQueue& port, const wire::ParseResult& r, std::span<const uint8_t> frame);
  void reply_echo_in_place(PortQueue& port, const wire::ParseResult& r, rte_mbuf* m);
  bool handle_solicitation(PortQueue& port, const wire::ParseResult& r);
  static uint32_t segment_hash(const PortQueue& port, const wire::ParseResult& r,
                               const rte_mbuf* m);
  bool handle_tcp(PortQueue& port, const wire::ParseResult& r, uint32_t flow_hash, rte_mbuf* m);
  void serve_commands();
  void take_snapshot(WorkerCommand& command) const;

  bool is_ours(const PortQueue& port, const wire::IpAddress& ip) const;
  PortQueue* port_owning(const wire::IpAddress& local);
  const wire::MacAddress* resolve(PortQueue& port, const wire::IpAddress& destination);
  void request_neighbour(PortQueue& port, const wire::IpAddress& next_hop);
  rte_mbuf* allocate_frame(PortQueue& port);
  static bool reusable(const rte_mbuf* m);
  rte_mbuf* recycle_frame(rte_mbuf* m);
  void send_frame(PortQueue& port, rte_mbuf* m, size_t length);
  void flush(PortQueue& port);
  void drop_unsent(PortQueue& port);
  void emit_on(PortQueue& port, const tcp::OutSegment& segment);
  void emit_to(PortQueue& port, const tcp::OutSegment& segment, const wire::MacAddress& mac,
               rte_mbuf* m);

  static constexpr uint64_t kNeighbourRequestIntervalUs = 100'000;
  static constexpr uint32_t kIdlePollsBeforeSleep = 1024;
  static constexpr uint16_t kRefetchDistance = 4;  // frames; 2 and 8 measured a little slower

  unsigned lcore_;
  uint16_t queue_;
  WorkerSettings settings_;
  DataplaneCounters& counters_;
  std::vector<PortQueue> ports_;
  NeighbourCache neighbours_;
  app::AppTable apps_;
  std::unique_ptr<Engine> engine_;
  ClientDriver* client_ = nullptr;
  bool client_wants_frames_ = false;
  /// While the engine handles a received segment: its flow, the port it came
  /// in on and the MAC it came from, so replies skip the route and neighbour
  /// lookups; and its frame, while the first reply may be built in it.
  struct ReplyPath {
    const table::FlowKey* key = nullptr;  // null outside handle_tcp
    PortQueue* port = nullptr;
    wire::MacAddress mac;
    rte_mbuf* frame = nullptr;  // the received frame, until a reply takes it
  };
  ReplyPath reply_;
  uint64_t us_per_tsc_q32_;  // microseconds per TSC cycle, 32.32 fixed point
  uint64_t now_us_ = 0;
  PollLoad load_;             // busy accounting across iterations
  uint32_t idle_streak_ = 0;  // consecutive empty polls
  uint32_t backoff_us_ = 1;   // next idle sleep
  std::atomic<bool> stop_{false};
  WorkerChannel channel_;
};

}  // namespace tcpterm::dataplane
