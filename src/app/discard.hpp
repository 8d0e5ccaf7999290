// Discard (RFC 863 over TCP): reads and drops everything; closes when the peer does.
#pragma once

#include <cstddef>
#include <span>

namespace tcpterm::app {

class Discard {
 public:
  template <class S>
  size_t on_data(S&, std::span<const uint8_t> data) {
    return data.size();
  }
  template <class S>
  void on_peer_fin(S& stream) {
    stream.close();
  }
};

}  // namespace tcpterm::app
