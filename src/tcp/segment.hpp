// Segment and OutSegment: the parsed TCP segment the engine consumes and the
// one it emits. The wire layer turns frames into Segments; the dataplane (or a
// test) turns OutSegments back into frames. Nothing here touches an mbuf.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "table/flow_key.hpp"
#include "tcp/seq.hpp"
#include "wire/tcp_header.hpp"
#include "wire/tcp_options.hpp"

namespace tcpterm::tcp {

/// TCP header flag bits (RFC 9293 3.1, RFC 3168 for ECE/CWR), from the wire layer.
namespace flags = wire::tcp_flag;

/// A received segment, already validated by the wire layer (checksum, lengths).
struct Segment {
  table::FlowKey key;   // local = destination of the packet
  uint32_t hash = 0;    // flow hash (NIC RSS hash or table::flow_hash of key)
  SeqNum seq;
  SeqNum ack;
  uint8_t flags = 0;
  uint16_t window = 0;  // as on the wire, not yet scaled
  uint16_t urgent_pointer = 0;
  wire::TcpOptions options;
  std::span<const uint8_t> payload;

  bool has(uint8_t f) const { return (flags & f) != 0; }
  /// Sequence space the segment occupies: payload plus one for SYN and FIN.
  uint32_t seq_length() const {
    return static_cast<uint32_t>(payload.size()) + (has(flags::kSyn) ? 1 : 0) +
           (has(flags::kFin) ? 1 : 0);
  }
};

/// A segment to transmit. `key` is from tcpterm's side: the frame goes from
/// local to remote. Payload may be split in two when it wraps the send ring.
/// The spans stay valid only until the next call into the engine.
struct OutSegment {
  const table::FlowKey* key = nullptr;
  uint32_t hash = 0;
  SeqNum seq;
  SeqNum ack;
  uint8_t flags = 0;
  uint16_t window = 0;  // already scaled down: the 16-bit value for the wire
  wire::TcpOptions options;
  std::array<std::span<const uint8_t>, 2> payload{};

  size_t payload_size() const { return payload[0].size() + payload[1].size(); }
};

}  // namespace tcpterm::tcp
