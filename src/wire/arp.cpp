// ARP packet validation and the request/reply frame writers.
#include "wire/arp.hpp"

#include "wire/ethernet.hpp"

namespace tcpterm::wire {

namespace {

constexpr uint16_t kHardwareTypeEthernet = 1;

size_t build_arp_frame(std::span<uint8_t> out, ArpOperation operation, const MacAddress& sender_mac,
                       const IpAddress& sender_ip, const MacAddress& target_mac,
                       const IpAddress& target_ip, const MacAddress& ethernet_destination,
                       std::optional<uint16_t> vlan_id) {
  if (!sender_ip.is_v4() || !target_ip.is_v4()) return 0;
  EthernetHeaderSpec ethernet{sender_mac, ethernet_destination, ethertype::kArp,
                              vlan_id.has_value(), vlan_id.value_or(0)};
  const size_t l2_size = ethernet_header_size(ethernet);
  if (out.size() < l2_size + kArpPacketSize) return 0;
  build_ethernet_header(out, ethernet);
  uint8_t* p = out.data() + l2_size;
  store_be16(p, kHardwareTypeEthernet);
  store_be16(p + 2, ethertype::kIpv4);
  p[4] = 6;
  p[5] = 4;
  store_be16(p + 6, static_cast<uint16_t>(operation));
  sender_mac.store(p + 8);
  std::memcpy(p + 14, sender_ip.v4_bytes(), 4);
  target_mac.store(p + 18);
  std::memcpy(p + 24, target_ip.v4_bytes(), 4);
  return l2_size + kArpPacketSize;
}

}  // namespace

Checked<ArpView> ArpView::check(std::span<const uint8_t> packet) {
  if (packet.size() < kArpPacketSize) return Checked<ArpView>::rejected(DropReason::kArpMalformed);
  const uint8_t* p = packet.data();
  const uint16_t operation = load_be16(p + 6);
  if (load_be16(p) != kHardwareTypeEthernet || load_be16(p + 2) != ethertype::kIpv4 || p[4] != 6 ||
      p[5] != 4 ||
      (operation != static_cast<uint16_t>(ArpOperation::kRequest) &&
       operation != static_cast<uint16_t>(ArpOperation::kReply)))
    return Checked<ArpView>::rejected(DropReason::kArpUnsupported);
  ArpView view;
  view.packet_ = p;
  return {view, DropReason::kNone};
}

size_t build_arp_request(std::span<uint8_t> out, const MacAddress& our_mac, const IpAddress& our_ip,
                         const IpAddress& target_ip, std::optional<uint16_t> vlan_id) {
  // RFC 826: the target hardware address is unknown, sent as zero.
  return build_arp_frame(out, ArpOperation::kRequest, our_mac, our_ip, MacAddress{}, target_ip,
                         MacAddress::broadcast(), vlan_id);
}

size_t build_arp_reply(std::span<uint8_t> out, const MacAddress& our_mac, const IpAddress& our_ip,
                       const ArpView& request, std::optional<uint16_t> vlan_id) {
  // RFC 826: swap sender and target, fill in our hardware address.
  const MacAddress requester = request.sender_mac();
  return build_arp_frame(out, ArpOperation::kReply, our_mac, our_ip, requester,
                         request.sender_ip(), requester, vlan_id);
}

}  // namespace tcpterm::wire
