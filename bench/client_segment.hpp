// The segments the engine benchmarks (engine_bench, memory_bench) feed in:
// synthetic clients to 10.7.0.2:80, each segment carrying the flow hash the
// worker would attach (the NIC's Toeplitz hash, flow_hash).
#pragma once

#include <cstdint>

#include "table/flow_hash.hpp"
#include "tcp/segment.hpp"

namespace tcpterm::tcp::bench {

/// A segment of flow `key` with the flow hash the worker would attach.
inline Segment make_segment(const table::FlowKey& key, uint8_t f, uint32_t seq, uint32_t ack) {
  Segment s;
  s.key = key;
  s.hash = table::flow_hash(s.key);
  s.flags = f;
  s.seq = SeqNum(seq);
  s.ack = SeqNum(ack);
  s.window = 65535;
  return s;
}

/// Client `client` to 10.7.0.2:80: port 1024 + (client mod 2^14) of address
/// 11.0.0.0 + client / 2^14, so 2^14 clients share each address.
inline Segment make_segment(uint32_t client, uint8_t f, uint32_t seq, uint32_t ack) {
  table::FlowKey key;
  key.remote_address = wire::IpAddress::v4(0x0b000000 | (client >> 14));
  key.local_address = wire::IpAddress::v4(0x0a070002);
  key.remote_port = static_cast<uint16_t>(1024 + (client & 0x3fff));
  key.local_port = 80;
  return make_segment(key, f, seq, ack);
}

}  // namespace tcpterm::tcp::bench
