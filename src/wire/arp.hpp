// ARP for Ethernet/IPv4 only (RFC 826): a checked view of a received packet
// and writers for the request and reply frames tcpterm sends. Any other
// hardware or protocol type is rejected as unsupported.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "wire/byte_order.hpp"
#include "wire/checked.hpp"
#include "wire/ip_address.hpp"
#include "wire/mac_address.hpp"

namespace tcpterm::wire {

inline constexpr size_t kArpPacketSize = 28;  // Ethernet/IPv4 ARP

enum class ArpOperation : uint16_t { kRequest = 1, kReply = 2 };

class ArpView {
 public:
  /// Validates an Ethernet/IPv4 ARP packet at the start of `packet` (trailing
  /// Ethernet padding is ignored): htype 1, ptype 0x0800, hlen 6, plen 4,
  /// op request or reply.
  static Checked<ArpView> check(std::span<const uint8_t> packet);

  // Packet fields (RFC 826): sender and target hardware/protocol addresses.
  ArpOperation operation() const { return static_cast<ArpOperation>(load_be16(packet_ + 6)); }
  MacAddress sender_mac() const { return MacAddress::from_bytes(packet_ + 8); }
  IpAddress sender_ip() const { return IpAddress::v4_from_bytes(packet_ + 14); }
  MacAddress target_mac() const { return MacAddress::from_bytes(packet_ + 18); }
  IpAddress target_ip() const { return IpAddress::v4_from_bytes(packet_ + 24); }

 private:
  const uint8_t* packet_ = nullptr;
};

/// Writes a broadcast ARP request frame asking who has `target_ip`
/// (optionally 802.1Q-tagged). Returns the frame size, or 0 if `out` is too
/// small or an address is not IPv4.
size_t build_arp_request(std::span<uint8_t> out, const MacAddress& our_mac, const IpAddress& our_ip,
                         const IpAddress& target_ip, std::optional<uint16_t> vlan_id = std::nullopt);

/// Writes the reply frame to `request` saying `our_ip` is at `our_mac`,
/// unicast to the requester (RFC 826 "Packet Reception"). Returns the frame
/// size, or 0 if `out` is too small or `our_ip` is not IPv4.
size_t build_arp_reply(std::span<uint8_t> out, const MacAddress& our_mac, const IpAddress& our_ip,
                       const ArpView& request, std::optional<uint16_t> vlan_id = std::nullopt);

}  // namespace tcpterm::wire
