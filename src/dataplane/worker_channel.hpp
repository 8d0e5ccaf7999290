// WorkerChannel: how the control thread talks to one worker without locks.
// Two Boost.Lockfree single-producer/single-consumer rings of pointers: the
// control thread (the only producer) sends a WorkerCommand, the worker carries
// it out between bursts and hands the same object back, filled in, on the
// reply ring. The worker never allocates for a command except set-http, which
// rebuilds the prebuilt responses (rare, operator-driven).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <boost/lockfree/spsc_queue.hpp>

#include "app/http_responder.hpp"
#include "dataplane/dataplane_counters.hpp"
#include "table/flow_key.hpp"
#include "tcp/engine_counters.hpp"
#include "tcp/tcp_state.hpp"

namespace tcpterm::dataplane {

/// One live connection, for telemetry.
struct ConnectionInfo {
  table::FlowKey key;
  tcp::TcpState state = tcp::TcpState::kClosed;
  uint16_t app_id = 0;
  uint32_t srtt_us = 0;
  uint32_t cwnd = 0;
  uint32_t snd_wnd = 0;
};

struct WorkerCommand {
  enum class Kind : uint8_t {
    kSnapshot,  // copy the counters (and up to max_connections connections)
    kListen,    // open listener (address, port, app)
    kUnlisten,  // close listener on port
    kSetHttp,   // replace the HTTP responses
  };
  Kind kind = Kind::kSnapshot;
  // kListen / kUnlisten
  wire::IpAddress address;
  uint16_t port = 0;
  std::string app;
  // kSetHttp
  app::HttpSettings http;
  // kSnapshot: filled by the worker
  size_t max_connections = 0;  // 0: counters only
  tcp::EngineCounters engine;
  tcp::EngineOccupancy occupancy;
  DataplaneCounters dataplane;
  std::vector<ConnectionInfo> connections;  // reserved by the sender, filled up to max_connections
  bool ok = true;                           // kListen/kUnlisten: whether the engine accepted it
};

class WorkerChannel {
 public:
  static constexpr size_t kDepth = 64;

  /// Control thread: queues a command; false when the ring is full.
  bool send(WorkerCommand* command) { return commands_.push(command); }
  /// Control thread: the next finished command, or nullptr.
  WorkerCommand* receive_reply() {
    WorkerCommand* c = nullptr;
    return replies_.pop(c) ? c : nullptr;
  }
  /// Worker: the next command, or nullptr (one atomic load when empty).
  WorkerCommand* next_command() {
    WorkerCommand* c = nullptr;
    return commands_.pop(c) ? c : nullptr;
  }
  /// Worker: hands a finished command back. The reply ring is as deep as the
  /// command ring, so this cannot fail while the control thread sends at most
  /// kDepth commands before collecting replies.
  void reply(WorkerCommand* command) { replies_.push(command); }

 private:
  boost::lockfree::spsc_queue<WorkerCommand*, boost::lockfree::capacity<kDepth>> commands_;
  boost::lockfree::spsc_queue<WorkerCommand*, boost::lockfree::capacity<kDepth>> replies_;
};

}  // namespace tcpterm::dataplane
