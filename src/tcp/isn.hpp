// Initial sequence numbers per RFC 6528 3: ISN = M + F(4-tuple, secret), with
// M a 4-microsecond clock and F a keyed PRF (SipHash), so ISNs are hard to
// guess yet grow with time for a reused tuple. The same PRF gives each
// connection a timestamp offset (RFC 7323 5.4 / 7.1) without storing state,
// which SYN cookies need.
#pragma once

#include <array>
#include <cstdint>

#include "table/flow_key.hpp"
#include "tcp/seq.hpp"
#include "tcp/siphash.hpp"

namespace tcpterm::tcp {

/// RFC 6528 ISN for `key` at `now_us`.
inline SeqNum initial_sequence_number(const std::array<uint8_t, 16>& secret,
                                      const table::FlowKey& key, uint64_t now_us) {
  uint32_t f = static_cast<uint32_t>(siphash24(secret, &key, sizeof key));
  return SeqNum(f + static_cast<uint32_t>(now_us / 4));
}

/// Per-connection TSval offset, stable for the tuple under one secret.
inline uint32_t timestamp_offset(const std::array<uint8_t, 16>& secret, const table::FlowKey& key) {
  return static_cast<uint32_t>(siphash24(secret, &key, sizeof key) >> 32);
}

}  // namespace tcpterm::tcp
