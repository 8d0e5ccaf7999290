// build_tcp_frame: one outgoing TCP segment as a complete Ethernet frame
// (optional 802.1Q tag, IPv4 or IPv6, TCP header with encoded options, payload
// copied from up to two spans). With ChecksumMode::kOffload the IPv4 header
// checksum is 0 and the TCP checksum holds the pseudo-header sum, as DPDK's
// RTE_MBUF_F_TX_IP_CKSUM / RTE_MBUF_F_TX_TCP_CKSUM expect (rte_ipv4_phdr_cksum).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "wire/checksum.hpp"
#include "wire/ip_address.hpp"
#include "wire/mac_address.hpp"
#include "wire/tcp_header.hpp"

namespace tcpterm::wire {

/// The TCP header fields (ports, sequence numbers, flags, window, urgent
/// pointer, options) come from TcpHeaderSpec; the rest frames the segment.
struct TcpFrameSpec : TcpHeaderSpec {
  MacAddress source_mac;
  MacAddress destination_mac;
  std::optional<uint16_t> vlan_id;  // 802.1Q tag when set
  IpAddress source_ip;              // IPv4-mapped selects IPv4; both must match
  IpAddress destination_ip;
  std::array<std::span<const uint8_t>, 2> payload{};
  ChecksumMode checksum_mode = ChecksumMode::kSoftware;
};

/// Header lengths of the frame build_tcp_frame writes, for the mbuf's
/// l2_len/l3_len/l4_len offload fields.
struct TcpFrameLayout {
  size_t l2_length = 0;
  size_t l3_length = 0;
  size_t l4_header_length = 0;
  size_t payload_length = 0;

  size_t total_length() const { return l2_length + l3_length + l4_header_length + payload_length; }
};

/// The layout build_tcp_frame would produce for `spec`.
TcpFrameLayout tcp_frame_layout(const TcpFrameSpec& spec);

/// Writes the frame for `spec` into `out`. Returns the frame length, or 0 if
/// `out` is too small, the address families differ, or the IP length field
/// would overflow. Ethernet padding to 60 bytes is left to the NIC.
size_t build_tcp_frame(std::span<uint8_t> out, const TcpFrameSpec& spec);

}  // namespace tcpterm::wire
