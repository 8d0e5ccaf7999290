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

/// One keyed hash of the 4-tuple yields both the ISN's F() and the TSval
/// offset, so a passive open pays for SipHash once.
struct TupleSecrets {
  uint32_t isn_offset;  // F(localip, localport, remoteip, remoteport, secretkey)
  uint32_t ts_offset;
};

inline TupleSecrets tuple_secrets(const std::array<uint8_t, 16>& secret, const table::FlowKey& key) {
  uint8_t input[sizeof(table::FlowKey)];
  uint64_t h = siphash24(secret, input, table::write_hash_input(key, input));
  return {static_cast<uint32_t>(h), static_cast<uint32_t>(h >> 32)};
}

/// RFC 6528 ISN = M + F(): M is a 4-microsecond clock.
inline SeqNum initial_sequence_number(const TupleSecrets& secrets, uint64_t now_us) {
  return SeqNum(secrets.isn_offset + static_cast<uint32_t>(now_us / 4));
}

}  // namespace tcpterm::tcp
