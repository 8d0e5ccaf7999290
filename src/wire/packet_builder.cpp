// build_tcp_frame: Ethernet, IP and TCP writers composed; the TCP checksum
// from the header's words as written and the payload's source spans.
#include "wire/packet_builder.hpp"

#include <cstring>

#include "wire/ethernet.hpp"
#include "wire/ip_protocol.hpp"
#include "wire/ipv4.hpp"
#include "wire/ipv6.hpp"

namespace tcpterm::wire {

namespace {

// `v4` is spec.source_ip.is_v4(), worked out once per frame by the caller.
EthernetHeaderSpec ethernet_spec(const TcpFrameSpec& spec, bool v4) {
  return EthernetHeaderSpec{spec.source_mac, spec.destination_mac,
                            v4 ? ethertype::kIpv4 : ethertype::kIpv6, spec.vlan_id.has_value(),
                            spec.vlan_id.value_or(0)};
}

TcpFrameLayout frame_layout(const TcpFrameSpec& spec, const EthernetHeaderSpec& ethernet, bool v4) {
  TcpFrameLayout layout;
  layout.l2_length = ethernet_header_size(ethernet);
  layout.l3_length = v4 ? kIpv4MinHeaderSize : kIpv6HeaderSize;
  layout.l4_header_length = tcp_header_size(spec);
  layout.payload_length = spec.payload[0].size() + spec.payload[1].size();
  return layout;
}

}  // namespace

TcpFrameLayout tcp_frame_layout(const TcpFrameSpec& spec) {
  const bool v4 = spec.source_ip.is_v4();
  return frame_layout(spec, ethernet_spec(spec, v4), v4);
}

size_t build_tcp_frame(std::span<uint8_t> out, const TcpFrameSpec& spec) {
  const bool v4 = spec.source_ip.is_v4();
  if (v4 != spec.destination_ip.is_v4()) return 0;
  const EthernetHeaderSpec ethernet = ethernet_spec(spec, v4);
  const TcpFrameLayout layout = frame_layout(spec, ethernet, v4);
  const size_t l4_length = layout.l4_header_length + layout.payload_length;
  // IPv4 total length counts its header; IPv6 payload length does not.
  const size_t max_l4_length = v4 ? 0xffff - kIpv4MinHeaderSize : 0xffff;
  if (out.size() < layout.total_length() || l4_length > max_l4_length) return 0;

  build_ethernet_header(out, ethernet);
  const auto l3 = out.subspan(layout.l2_length);
  const auto segment = l3.subspan(layout.l3_length, l4_length);
  uint64_t pseudo_header_sum;
  if (v4) {
    build_ipv4_header(l3, Ipv4HeaderSpec{spec.source_ip, spec.destination_ip, ip_protocol::kTcp,
                                         static_cast<uint16_t>(l4_length)},
                      spec.checksum_mode);
    pseudo_header_sum = ipv4_pseudo_header_sum(spec.source_ip.v4_bytes(), spec.destination_ip.v4_bytes(),
                                               ip_protocol::kTcp, static_cast<uint16_t>(l4_length));
  } else {
    build_ipv6_header(l3, Ipv6HeaderSpec{spec.source_ip, spec.destination_ip, ip_protocol::kTcp,
                                         static_cast<uint16_t>(l4_length)});
    pseudo_header_sum = ipv6_pseudo_header_sum(spec.source_ip.v6_bytes(), spec.destination_ip.v6_bytes(),
                                               ip_protocol::kTcp, static_cast<uint32_t>(l4_length));
  }

  const uint64_t header_sum = write_tcp_header(segment.data(), spec, layout.l4_header_length);
  uint8_t* const payload = segment.data() + layout.l4_header_length;
  uint8_t* at = payload;
  for (const auto& piece : spec.payload) {
    if (!piece.empty()) std::memcpy(at, piece.data(), piece.size());
    at += piece.size();
  }

  uint16_t checksum;
  if (spec.checksum_mode == ChecksumMode::kOffload) {
    checksum = checksum_fold(pseudo_header_sum);  // the NIC adds the segment
  } else {
    // The header's sum was taken as it was written and the payload's is taken
    // from its source: no load waits on the stores just made. Pieces summed
    // apart must be even but the last, so an odd first piece of two is summed
    // from the frame instead.
    uint64_t sum = pseudo_header_sum + header_sum;
    if (spec.payload[0].size() % 2 != 0 && !spec.payload[1].empty()) {
      sum = checksum_accumulate({payload, layout.payload_length}, sum);
    } else {
      sum = checksum_accumulate(spec.payload[0], sum);
      sum = checksum_accumulate(spec.payload[1], sum);
    }
    checksum = static_cast<uint16_t>(~checksum_fold(sum));
  }
  store_be16(segment.data() + 16, checksum);
  return layout.total_length();
}

}  // namespace tcpterm::wire
