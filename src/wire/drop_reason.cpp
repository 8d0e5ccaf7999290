// Counter names for DropReason, indexed by the enum value.
#include "wire/drop_reason.hpp"

#include <array>

namespace tcpterm::wire {

namespace {
constexpr std::array<const char*, kDropReasonCount> kDropReasonNames = {
    "none",
    "frame_too_short",
    "bad_vlan",
    "unknown_ethertype",
    "bad_source_mac",
    "not_for_us",
    "arp_malformed",
    "arp_unsupported",
    "ipv4_bad_version",
    "ipv4_bad_header_length",
    "ipv4_bad_total_length",
    "ipv4_bad_checksum",
    "ipv4_fragment",
    "ipv6_too_short",
    "ipv6_bad_version",
    "ipv6_bad_payload_length",
    "ipv6_extension_header",
    "bad_source_address",
    "unsupported_l4_protocol",
    "icmp_malformed",
    "icmp_bad_checksum",
    "icmp_unsupported_type",
    "icmp_bad_hop_limit",
    "tcp_header_too_short",
    "tcp_bad_data_offset",
    "tcp_bad_checksum",
    "tcp_bad_options",
    "tcp_bad_port",
};
}  // namespace

const char* to_string(DropReason reason) {
  const auto index = static_cast<size_t>(reason);
  return index < kDropReasonNames.size() ? kDropReasonNames[index] : "unknown";
}

}  // namespace tcpterm::wire
