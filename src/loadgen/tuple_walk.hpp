// TupleWalk: the order in which a load uses its (source address, source port)
// tuples: every source address at one port, then the next port, wrapping at
// the end of the range, starting `start_offset` ports in (so runs differ).
// Spreading consecutive opens over the addresses first gives each tuple the
// longest rest before reuse. Shared by HttpLoad and FastHttpLoad.
#pragma once

#include <cstdint>

namespace tcpterm::loadgen {

class TupleWalk {
 public:
  TupleWalk(uint32_t source_count, uint16_t first_port, uint16_t last_port, uint32_t start_offset)
      : source_count_(source_count),
        port_span_(static_cast<uint32_t>(last_port - first_port) + 1),
        first_port_(first_port),
        port_offset_(start_offset % port_span_) {}

  /// Index of the current tuple's source address (0 .. source_count - 1).
  uint32_t source_index() const { return source_index_; }
  /// The current tuple's port, as an offset from first_port.
  uint32_t port_offset() const { return port_offset_; }
  /// The current tuple's port.
  uint16_t port() const { return static_cast<uint16_t>(first_port_ + port_offset_); }
  /// Number of ports in the range.
  uint32_t port_span() const { return port_span_; }

  /// Moves to the next tuple.
  void advance() {
    if (++source_index_ < source_count_) return;
    source_index_ = 0;
    if (++port_offset_ == port_span_) port_offset_ = 0;
  }

 private:
  uint32_t source_count_;
  uint32_t port_span_;
  uint16_t first_port_;
  uint32_t source_index_ = 0;
  uint32_t port_offset_;
};

}  // namespace tcpterm::loadgen
