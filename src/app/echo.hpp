// Echo (RFC 862 over TCP): sends back what it receives. It consumes only what
// fits the send buffer, so a client that sends faster than it reads is held
// back by our receive window instead of filling memory; the engine offers the
// rest again once on_send_space has made room.
#pragma once

#include <cstddef>
#include <span>

namespace tcpterm::app {

class Echo {
 public:
  template <class S>
  size_t on_data(S& stream, std::span<const uint8_t> data) {
    return stream.send(data);  // a short send asks the engine for on_send_space
  }
  /// The peer is done: our FIN follows the echoed bytes.
  template <class S>
  void on_peer_fin(S& stream) {
    stream.close();
  }
};

}  // namespace tcpterm::app
