// DropReason: every reason the wire layer rejects a frame. Each value is one
// per-lcore counter; to_string gives the counter's snake_case name.
// Keep the enum and the name table in drop_reason.cpp in the same order.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tcpterm::wire {

enum class DropReason : uint8_t {
  kNone = 0,                  // not dropped
  // Ethernet
  kFrameTooShort,             // shorter than the Ethernet header
  kBadVlan,                   // truncated 802.1Q tag, or stacked tags (QinQ)
  kUnknownEthertype,          // neither IPv4, IPv6 nor ARP
  kBadSourceMac,              // multicast or broadcast source MAC (IEEE 802.3 3.2.3)
  kNotForUs,                  // destination MAC or IP address is not ours
  // ARP (RFC 826)
  kArpMalformed,              // shorter than an Ethernet/IPv4 ARP packet
  kArpUnsupported,            // not Ethernet/IPv4, or an opcode other than request/reply
  // IPv4 (RFC 791)
  kIpv4BadVersion,
  kIpv4BadHeaderLength,       // IHL < 5 or header longer than the buffer
  kIpv4BadTotalLength,        // total length < IHL*4 or > buffer
  kIpv4BadChecksum,
  kIpv4Fragment,              // MF set or fragment offset != 0: reassembly unsupported
  // IPv6 (RFC 8200)
  kIpv6TooShort,              // shorter than the 40-byte fixed header
  kIpv6BadVersion,
  kIpv6BadPayloadLength,      // payload length > buffer
  kIpv6ExtensionHeader,       // any extension header: unsupported
  // IP addresses
  kBadSourceAddress,          // multicast, broadcast, unspecified or loopback source
  kUnsupportedL4Protocol,     // not TCP, ICMP or ICMPv6
  // ICMP (RFC 792, RFC 4443, RFC 4861)
  kIcmpMalformed,             // too short, or a bad Neighbour Discovery option
  kIcmpBadChecksum,
  kIcmpUnsupportedType,       // a type/code tcpterm does not answer
  kIcmpBadHopLimit,           // Neighbour Discovery with hop limit != 255 (RFC 4861 7.1.1)
  // TCP (RFC 9293)
  kTcpHeaderTooShort,         // segment shorter than 20 bytes
  kTcpBadDataOffset,          // data offset < 5 or beyond the segment
  kTcpBadChecksum,
  kTcpBadOptions,             // truncated option or wrong option length
  kTcpBadPort,                // source or destination port 0
};

inline constexpr size_t kDropReasonCount = static_cast<size_t>(DropReason::kTcpBadPort) + 1;

/// Counter name for `reason` in snake_case, e.g. "ipv4_bad_checksum".
/// Returns "unknown" for values outside the enum.
const char* to_string(DropReason reason);

}  // namespace tcpterm::wire
