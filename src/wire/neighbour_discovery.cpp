// Neighbour Solicitation/Advertisement validation and writers.
#include "wire/neighbour_discovery.hpp"

#include <cstring>

#include "wire/checksum.hpp"
#include "wire/icmp_type.hpp"

namespace tcpterm::wire {

namespace {

constexpr uint8_t kOptionSourceLinkLayerAddress = 1;
constexpr uint8_t kOptionTargetLinkLayerAddress = 2;

size_t build_neighbour_message(std::span<uint8_t> out, uint8_t type, uint8_t flags,
                               const IpAddress& source, const IpAddress& destination,
                               const IpAddress& target, uint8_t option_type, const MacAddress& mac) {
  constexpr size_t kSize = kNeighbourMessageSize + kLinkLayerAddressOptionSize;
  if (out.size() < kSize) return 0;
  uint8_t* p = out.data();
  std::memset(p, 0, kSize);
  p[0] = type;
  p[4] = flags;
  std::memcpy(p + 8, target.v6_bytes(), 16);
  p[24] = option_type;
  p[25] = 1;  // RFC 4861 4.6: length in units of 8 bytes
  mac.store(p + 26);
  const uint64_t pseudo = ipv6_pseudo_header_sum(source.v6_bytes(), destination.v6_bytes(),
                                                 ip_protocol::kIcmpv6, kSize);
  store_be16(p + 2, l4_checksum(pseudo, out.first(kSize)));
  return kSize;
}

}  // namespace

Checked<NeighbourMessageView> NeighbourMessageView::check(const Ipv6View& ip, uint8_t type) {
  using Result = Checked<NeighbourMessageView>;
  const auto message = ip.payload();
  if (message.size() < kNeighbourMessageSize) return Result::rejected(DropReason::kIcmpMalformed);
  if (message[0] != type || message[1] != 0) return Result::rejected(DropReason::kIcmpUnsupportedType);
  // RFC 4861 7.1.1/7.1.2: a hop limit below 255 means it crossed a router.
  if (ip.hop_limit() != kNeighbourDiscoveryHopLimit) return Result::rejected(DropReason::kIcmpBadHopLimit);
  if (!l4_checksum_ok(ip.pseudo_header_sum(), message))
    return Result::rejected(DropReason::kIcmpBadChecksum);
  NeighbourMessageView view;
  view.message_ = message;
  if (is_ipv6_multicast(view.target())) return Result::rejected(DropReason::kIcmpMalformed);

  const uint8_t wanted_option = type == icmp_type::kV6NeighbourSolicitation
                                    ? kOptionSourceLinkLayerAddress
                                    : kOptionTargetLinkLayerAddress;
  auto options = message.subspan(kNeighbourMessageSize);
  while (!options.empty()) {
    // RFC 4861 4.6: every option has a length > 0 in units of 8 bytes.
    if (options.size() < 2 || options[1] == 0) return Result::rejected(DropReason::kIcmpMalformed);
    const size_t option_size = size_t{options[1]} * 8;
    if (option_size > options.size()) return Result::rejected(DropReason::kIcmpMalformed);
    if (options[0] == wanted_option) view.link_layer_address_ = MacAddress::from_bytes(options.data() + 2);
    options = options.subspan(option_size);
  }

  if (type == icmp_type::kV6NeighbourSolicitation) {
    // RFC 4861 7.1.1: DAD probes from :: must not carry a source link-layer address.
    if (is_ipv6_unspecified(ip.source()) && view.link_layer_address_)
      return Result::rejected(DropReason::kIcmpMalformed);
  } else if (is_ipv6_multicast(ip.destination()) && (view.flags() & neighbour_flag::kSolicited) != 0) {
    // RFC 4861 7.1.2: a solicited advertisement is never multicast.
    return Result::rejected(DropReason::kIcmpMalformed);
  }
  return {view, DropReason::kNone};
}

Checked<NeighbourMessageView> NeighbourMessageView::check_solicitation(const Ipv6View& ip) {
  return check(ip, icmp_type::kV6NeighbourSolicitation);
}

Checked<NeighbourMessageView> NeighbourMessageView::check_advertisement(const Ipv6View& ip) {
  return check(ip, icmp_type::kV6NeighbourAdvertisement);
}

IpAddress solicited_node_multicast(const IpAddress& address) {
  IpAddress group;
  group.bytes[0] = 0xff;
  group.bytes[1] = 0x02;
  group.bytes[11] = 0x01;
  group.bytes[12] = 0xff;
  std::memcpy(group.bytes.data() + 13, address.bytes.data() + 13, 3);
  return group;
}

MacAddress ipv6_multicast_mac(const IpAddress& group) {
  MacAddress mac;
  mac.bytes[0] = 0x33;
  mac.bytes[1] = 0x33;
  std::memcpy(mac.bytes.data() + 2, group.bytes.data() + 12, 4);
  return mac;
}

size_t build_neighbour_solicitation(std::span<uint8_t> out, const IpAddress& source,
                                    const IpAddress& destination, const IpAddress& target,
                                    const MacAddress& source_mac) {
  return build_neighbour_message(out, icmp_type::kV6NeighbourSolicitation, 0, source, destination,
                                 target, kOptionSourceLinkLayerAddress, source_mac);
}

size_t build_neighbour_advertisement(std::span<uint8_t> out, const IpAddress& source,
                                     const IpAddress& destination, const IpAddress& target,
                                     const MacAddress& target_mac, uint8_t flags) {
  return build_neighbour_message(out, icmp_type::kV6NeighbourAdvertisement, flags & 0xe0, source,
                                 destination, target, kOptionTargetLinkLayerAddress, target_mac);
}

}  // namespace tcpterm::wire
