// ICMP echo validation and reply writers.
#include "wire/icmp_echo.hpp"

#include <cstring>

#include "wire/checksum.hpp"

namespace tcpterm::wire {

namespace {

/// Copies the request into `out` (memmove: may alias) with `reply_type`; the
/// checksum field is left zero.
size_t copy_as_reply(std::span<uint8_t> out, const IcmpEchoView& request, uint8_t reply_type) {
  const auto message = request.message();
  if (out.size() < message.size()) return 0;
  std::memmove(out.data(), message.data(), message.size());
  out[0] = reply_type;
  out[1] = 0;
  store_be16(out.data() + 2, 0);
  return message.size();
}

}  // namespace

Checked<IcmpEchoView> IcmpEchoView::check_request(std::span<const uint8_t> message,
                                                  uint8_t request_type, uint64_t pseudo_header_sum) {
  if (message.size() < kIcmpEchoHeaderSize) return Checked<IcmpEchoView>::rejected(DropReason::kIcmpMalformed);
  if (message[0] != request_type || message[1] != 0)
    return Checked<IcmpEchoView>::rejected(DropReason::kIcmpUnsupportedType);
  if (!l4_checksum_ok(pseudo_header_sum, message))
    return Checked<IcmpEchoView>::rejected(DropReason::kIcmpBadChecksum);
  IcmpEchoView view;
  view.message_ = message;
  return {view, DropReason::kNone};
}

Checked<IcmpEchoView> IcmpEchoView::check_v4(std::span<const uint8_t> message) {
  // RFC 792: the ICMPv4 checksum covers the message alone.
  return check_request(message, icmp_type::kV4EchoRequest, 0);
}

Checked<IcmpEchoView> IcmpEchoView::check_v6(const Ipv6View& ip) {
  // RFC 4443 2.3: the checksum covers the IPv6 pseudo-header.
  return check_request(ip.payload(), icmp_type::kV6EchoRequest, ip.pseudo_header_sum());
}

size_t build_icmpv4_echo_reply(std::span<uint8_t> out, const IcmpEchoView& request) {
  const size_t size = copy_as_reply(out, request, icmp_type::kV4EchoReply);
  if (size == 0) return 0;
  store_be16(out.data() + 2, internet_checksum(out.first(size)));
  return size;
}

size_t build_icmpv6_echo_reply(std::span<uint8_t> out, const IcmpEchoView& request,
                               const IpAddress& source, const IpAddress& destination) {
  const size_t size = copy_as_reply(out, request, icmp_type::kV6EchoReply);
  if (size == 0) return 0;
  const uint64_t pseudo = ipv6_pseudo_header_sum(source.v6_bytes(), destination.v6_bytes(),
                                                 ip_protocol::kIcmpv6, static_cast<uint32_t>(size));
  store_be16(out.data() + 2, l4_checksum(pseudo, out.first(size)));
  return size;
}

void turn_echo_request_into_reply(std::span<uint8_t> message) {
  if (message.size() < kIcmpEchoHeaderSize) return;
  const uint8_t reply_type =
      message[0] == icmp_type::kV6EchoRequest ? icmp_type::kV6EchoReply : icmp_type::kV4EchoReply;
  // Type and code share one 16-bit checksum word; code stays 0.
  const uint16_t old_word = load_be16(message.data());
  const uint16_t new_word = static_cast<uint16_t>(reply_type << 8 | message[1]);
  message[0] = reply_type;
  store_be16(message.data() + 2, checksum_update16(load_be16(message.data() + 2), old_word, new_word));
}

}  // namespace tcpterm::wire
