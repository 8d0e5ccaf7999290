// ICMP echo (ping) for both families: ICMPv4 (RFC 792) and ICMPv6 (RFC 4443
// 4.1/4.2). A checked view of a received echo request and reply writers,
// out-of-place or in place. The ICMPv4 checksum covers the message only; the
// ICMPv6 one also covers the IPv6 pseudo-header (RFC 4443 2.3).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "wire/byte_order.hpp"
#include "wire/checked.hpp"
#include "wire/icmp_type.hpp"
#include "wire/ip_address.hpp"
#include "wire/ipv6.hpp"

namespace tcpterm::wire {

inline constexpr size_t kIcmpEchoHeaderSize = 8;  // type, code, checksum, identifier, sequence

class IcmpEchoView {
 public:
  /// Validates an ICMPv4 echo request: at least 8 bytes, type 8 code 0, and a
  /// correct checksum over the whole message.
  static Checked<IcmpEchoView> check_v4(std::span<const uint8_t> message);
  /// Validates an ICMPv6 echo request carried by `ip`: at least 8 bytes, type
  /// 128 code 0, and a correct checksum including the pseudo-header.
  static Checked<IcmpEchoView> check_v6(const Ipv6View& ip);

  // Message fields in host order.
  uint8_t type() const { return message_[0]; }
  uint16_t identifier() const { return load_be16(message_.data() + 4); }
  uint16_t sequence() const { return load_be16(message_.data() + 6); }
  /// The echoed data after the 8-byte header.
  std::span<const uint8_t> data() const { return message_.subspan(kIcmpEchoHeaderSize); }
  /// The whole ICMP message.
  std::span<const uint8_t> message() const { return message_; }

 private:
  static Checked<IcmpEchoView> check_request(std::span<const uint8_t> message, uint8_t request_type,
                                             uint64_t pseudo_header_sum);

  std::span<const uint8_t> message_;
};

/// Writes the ICMPv4 echo reply to `request` into `out` (which may alias the
/// request). Returns the message size, or 0 if `out` is too small.
size_t build_icmpv4_echo_reply(std::span<uint8_t> out, const IcmpEchoView& request);

/// Writes the ICMPv6 echo reply to `request`, sent from `source` to
/// `destination`, into `out` (which may alias the request). Returns the
/// message size, or 0 if `out` is too small.
size_t build_icmpv6_echo_reply(std::span<uint8_t> out, const IcmpEchoView& request,
                               const IpAddress& source, const IpAddress& destination);

/// Turns a checked echo request (v4 or v6) into the reply in place: rewrites
/// the type and updates the checksum incrementally (RFC 1624). Valid for v6
/// when the caller swaps the IPv6 addresses, which leaves the pseudo-header
/// sum unchanged.
void turn_echo_request_into_reply(std::span<uint8_t> message);

}  // namespace tcpterm::wire
