// TestHost: the Engine Host behind the packetdrill runner. It plays the
// kernel's socket layer for one script: it queues every emitted segment with
// its emission time until the script matches it, keeps the accept queue, and
// holds each connection's received bytes until the script read()s them.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "tcp/engine.hpp"

namespace tcpterm::packetdrill {

/// An emitted segment, copied (OutSegment spans die with the call).
struct Emission {
  int64_t time_us = 0;  // script time
  table::FlowKey key;
  tcp::SeqNum seq;
  tcp::SeqNum ack;
  uint8_t flags = 0;
  uint16_t window = 0;
  wire::TcpOptions options;
  uint32_t payload_length = 0;
};

/// What the host knows of one connection the engine reported (accepted or
/// connected); outlives the ConnRef so sockets see how it ended.
struct Connection {
  tcp::ConnRef ref = tcp::kNoConn;
  bool live = true;
  bool established = false;
  bool peer_fin = false;
  bool accepted = false;               // handed out by accept()
  bool error_reported = false;         // ECONNRESET etc. returned once
  std::optional<tcp::CloseReason> closed;
  std::string received;
  size_t read_offset = 0;

  size_t unread() const { return received.size() - read_offset; }
};

struct TestHost {
  using EngineT = tcp::Engine<TestHost>;

  const uint64_t* clock_us = nullptr;  // the runner's fake clock
  uint64_t base_us = 0;                // clock value at script time 0
  std::deque<Emission> emitted;        // not yet matched by the script
  std::deque<std::shared_ptr<Connection>> accept_queue;
  std::unordered_map<tcp::ConnRef, std::shared_ptr<Connection>> live;

  void emit(const tcp::OutSegment& s) {
    Emission e;
    e.time_us = static_cast<int64_t>(*clock_us - base_us);
    e.key = *s.key;
    e.seq = s.seq;
    e.ack = s.ack;
    e.flags = s.flags;
    e.window = s.window;
    e.options = s.options;
    e.payload_length = static_cast<uint32_t>(s.payload_size());
    emitted.push_back(e);
  }
  void on_accept(tcp::ConnRef c, uint16_t) {
    auto conn = std::make_shared<Connection>();
    conn->ref = c;
    conn->established = true;
    live[c] = conn;
    accept_queue.push_back(conn);
  }
  void on_connected(tcp::ConnRef c, uint16_t) {
    if (auto it = live.find(c); it != live.end()) it->second->established = true;
  }
  size_t on_data(tcp::ConnRef c, std::span<const uint8_t> data) {
    auto it = live.find(c);
    if (it == live.end()) return 0;
    it->second->received.append(data.begin(), data.end());
    return data.size();
  }
  void on_send_space(tcp::ConnRef) {}
  void on_peer_fin(tcp::ConnRef c) {
    if (auto it = live.find(c); it != live.end()) it->second->peer_fin = true;
  }
  void on_closed(tcp::ConnRef c, tcp::CloseReason r) {
    auto it = live.find(c);
    if (it == live.end()) return;
    it->second->live = false;
    it->second->closed = r;
    live.erase(it);
  }
};

}  // namespace tcpterm::packetdrill
