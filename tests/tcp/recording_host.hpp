// RecordingHost: an Engine Host for unit tests. It records every emitted
// segment (payload copied, since OutSegment spans die with the call) and
// every application event, and can act as a tiny application.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "tcp/engine.hpp"

namespace tcpterm::tcp::testing {

struct Emitted {
  table::FlowKey key;
  SeqNum seq;
  SeqNum ack;
  uint8_t flags = 0;
  uint16_t window = 0;
  wire::TcpOptions options;
  std::string payload;
};

struct RecordingHost {
  using EngineT = Engine<RecordingHost>;
  EngineT* engine = nullptr;
  std::vector<Emitted> out;
  std::vector<ConnRef> accepted;
  std::vector<ConnRef> connected;
  std::vector<std::pair<ConnRef, CloseReason>> closed;
  std::vector<ConnRef> peer_fins;
  std::string received;
  // Optional application behaviour; default consumes everything.
  std::function<size_t(ConnRef, std::span<const uint8_t>)> data_handler;
  std::function<void(ConnRef)> accept_handler;
  std::function<void(ConnRef)> peer_fin_handler;
  std::function<void(ConnRef)> send_space_handler;

  void emit(const OutSegment& s) {
    Emitted e;
    e.key = *s.key;
    e.seq = s.seq;
    e.ack = s.ack;
    e.flags = s.flags;
    e.window = s.window;
    e.options = s.options;
    for (auto part : s.payload) e.payload.append(part.begin(), part.end());
    out.push_back(std::move(e));
  }
  void on_accept(ConnRef c, uint16_t) {
    accepted.push_back(c);
    if (accept_handler) accept_handler(c);
  }
  void on_connected(ConnRef c, uint16_t) { connected.push_back(c); }
  size_t on_data(ConnRef c, std::span<const uint8_t> data) {
    if (data_handler) return data_handler(c, data);
    received.append(data.begin(), data.end());
    return data.size();
  }
  void on_send_space(ConnRef c) {
    if (send_space_handler) send_space_handler(c);
  }
  void on_peer_fin(ConnRef c) {
    peer_fins.push_back(c);
    if (peer_fin_handler) peer_fin_handler(c);
  }
  void on_closed(ConnRef c, CloseReason r) { closed.emplace_back(c, r); }

  /// Removes and returns the emitted segments.
  std::vector<Emitted> take() { return std::exchange(out, {}); }
};

}  // namespace tcpterm::tcp::testing
