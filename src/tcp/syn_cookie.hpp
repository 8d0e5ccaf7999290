// SYN cookies (RFC 4987 3.6), encoded like Linux's so a full table or
// backlog costs no state: the ISN carries a keyed hash of the tuple, the
// peer's ISN, a 64-second counter and an MSS index:
//   cookie = H1(tuple) + peer_isn + (count << 24) + ((H2(tuple, count) + mss_index) mod 2^24)
// H1 is the tuple's keyed ISN offset (isn.hpp, RFC 6528), which the SYN path
// computes anyway for the timestamp offset: one SipHash fewer per cookie SYN.
// It is as secret as Linux's separate H1: only SYN-ACKs to the tuple reveal it.
// A cookie validates while its counter is at most kMaxAgeCounts old. Window
// scale and SACK ride in the low 6 bits of TSval when timestamps are on
// (TSecr echoes them back); without timestamps those options are lost, as on Linux.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>

#include "table/flow_key.hpp"
#include "tcp/seq.hpp"
#include "tcp/siphash.hpp"

namespace tcpterm::tcp {

inline constexpr std::array<uint16_t, 4> kCookieMssTable = {536, 1300, 1440, 1460};
inline constexpr uint32_t kCookieCounterUs = 64'000'000;
inline constexpr uint32_t kMaxCookieAgeCounts = 2;
inline constexpr uint8_t kCookieNoWindowScale = 0xf;

/// Options recovered from a cookie's timestamp bits.
struct CookieOptions {
  uint8_t window_scale = kCookieNoWindowScale;  // kCookieNoWindowScale = not offered
  bool sack_permitted = false;
};

namespace detail {
inline uint32_t cookie_hash(const std::array<uint8_t, 16>& secret, const table::FlowKey& key,
                            uint32_t count, uint8_t which) {
  // `which` separates this hash's inputs from any other use of the secret.
  // An explicit byte layout: a struct would hash its padding bytes.
  uint8_t input[sizeof(table::FlowKey) + sizeof(count) + 1];
  size_t tuple_length = table::write_hash_input(key, input);
  std::memcpy(input + tuple_length, &count, sizeof count);
  input[tuple_length + sizeof count] = which;
  return static_cast<uint32_t>(siphash24(secret, input, tuple_length + sizeof count + 1));
}
}  // namespace detail

/// Largest table MSS not above the peer's MSS (index into kCookieMssTable).
inline uint32_t cookie_mss_index(uint16_t peer_mss) {
  uint32_t index = 0;
  for (uint32_t i = 0; i < kCookieMssTable.size(); ++i)
    if (kCookieMssTable[i] <= peer_mss) index = i;
  return index;
}

/// The ISN to send in a cookie SYN-ACK; `h1` is the tuple's ISN offset.
inline SeqNum syn_cookie_make(const std::array<uint8_t, 16>& secret, const table::FlowKey& key,
                              uint32_t h1, SeqNum peer_isn, uint32_t mss_index, uint64_t now_us) {
  uint32_t count = static_cast<uint32_t>(now_us / kCookieCounterUs);
  uint32_t h2 = detail::cookie_hash(secret, key, count, 2);
  return SeqNum(h1 + peer_isn.raw() + (count << 24) + ((h2 + mss_index) & 0x00ffffff));
}

/// Validates the cookie an ACK returns (ack - 1); `h1` is the tuple's ISN
/// offset. The MSS index, or nullopt.
inline std::optional<uint32_t> syn_cookie_check(const std::array<uint8_t, 16>& secret,
                                                const table::FlowKey& key, uint32_t h1,
                                                SeqNum cookie, SeqNum peer_isn, uint64_t now_us) {
  uint32_t count_now = static_cast<uint32_t>(now_us / kCookieCounterUs);
  uint32_t diff = cookie.raw() - h1 - peer_isn.raw();
  uint32_t count_sent = diff >> 24;
  if (((count_now - count_sent) & 0xff) > kMaxCookieAgeCounts) return std::nullopt;
  count_sent = count_now - ((count_now - count_sent) & 0xff);  // undo the 8-bit truncation
  uint32_t h2 = detail::cookie_hash(secret, key, count_sent, 2);
  uint32_t mss_index = (diff - h2) & 0x00ffffff;
  if (mss_index >= kCookieMssTable.size()) return std::nullopt;
  return mss_index;
}

/// TSval for a cookie SYN-ACK: `ts_now` with its low 6 bits replaced by the
/// options, never ahead of the clock (Linux cookie_init_timestamp).
inline uint32_t syn_cookie_timestamp(uint32_t ts_now, CookieOptions options) {
  uint32_t bits = (options.window_scale & 0xf) | (options.sack_permitted ? 0x10u : 0u);
  uint32_t ts = (ts_now & ~0x3fu) | bits;
  if (static_cast<int32_t>(ts - ts_now) > 0) ts -= 64;
  return ts;
}

/// Options carried back in TSecr.
inline CookieOptions syn_cookie_decode_timestamp(uint32_t ts_ecr) {
  return CookieOptions{static_cast<uint8_t>(ts_ecr & 0xf), (ts_ecr & 0x10) != 0};
}

}  // namespace tcpterm::tcp
