// IPv6 Neighbour Discovery (RFC 4861): checked views of Neighbour
// Solicitation (4.3) and Neighbour Advertisement (4.4) with their link-layer
// address options (4.6.1), the validity rules of 7.1.1/7.1.2, and writers for
// both. Other ND options are skipped by their length.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "wire/checked.hpp"
#include "wire/ip_address.hpp"
#include "wire/ipv6.hpp"
#include "wire/mac_address.hpp"

namespace tcpterm::wire {

inline constexpr size_t kNeighbourMessageSize = 24;       // type..target, without options
inline constexpr size_t kLinkLayerAddressOptionSize = 8;  // type, length 1, 6-byte MAC
inline constexpr uint8_t kNeighbourDiscoveryHopLimit = 255;

/// Neighbour Advertisement flags (RFC 4861 4.4), as in the first flags byte.
namespace neighbour_flag {
inline constexpr uint8_t kRouter = 0x80;
inline constexpr uint8_t kSolicited = 0x40;
inline constexpr uint8_t kOverride = 0x20;
}  // namespace neighbour_flag

/// A Neighbour Solicitation or Advertisement; which one is fixed by the check
/// that built it.
class NeighbourMessageView {
 public:
  /// Validates a Neighbour Solicitation carried by `ip` (RFC 4861 7.1.1): hop
  /// limit 255, checksum, code 0, length >= 24, target not multicast, options
  /// of non-zero length, no source link-layer option from the unspecified
  /// address.
  static Checked<NeighbourMessageView> check_solicitation(const Ipv6View& ip);
  /// Validates a Neighbour Advertisement carried by `ip` (RFC 4861 7.1.2): hop
  /// limit 255, checksum, code 0, length >= 24, target not multicast, options
  /// of non-zero length, Solicited flag clear when sent to multicast.
  static Checked<NeighbourMessageView> check_advertisement(const Ipv6View& ip);

  IpAddress target() const { return IpAddress::v6_from_bytes(message_.data() + 8); }
  /// Router/Solicited/Override bits for an advertisement (neighbour_flag::*).
  uint8_t flags() const { return message_[4] & 0xe0; }
  /// The source (NS) or target (NA) link-layer address option, if present.
  std::optional<MacAddress> link_layer_address() const { return link_layer_address_; }

 private:
  static Checked<NeighbourMessageView> check(const Ipv6View& ip, uint8_t type);

  std::span<const uint8_t> message_;
  std::optional<MacAddress> link_layer_address_;
};

/// The solicited-node multicast address of `address` (RFC 4291 2.7.1):
/// ff02::1:ff00:0/104 plus its low 24 bits.
IpAddress solicited_node_multicast(const IpAddress& address);

/// The Ethernet address IPv6 multicast `group` maps to (RFC 2464 7):
/// 33:33 plus its low 32 bits.
MacAddress ipv6_multicast_mac(const IpAddress& group);

/// Writes a Neighbour Solicitation for `target` with a source link-layer
/// address option carrying `source_mac`; the checksum covers the pseudo-header
/// for `source` -> `destination`. Returns 32, or 0 if `out` is too small.
size_t build_neighbour_solicitation(std::span<uint8_t> out, const IpAddress& source,
                                    const IpAddress& destination, const IpAddress& target,
                                    const MacAddress& source_mac);

/// Writes a Neighbour Advertisement for `target` with `flags`
/// (neighbour_flag::*) and a target link-layer address option carrying
/// `target_mac`. Returns 32, or 0 if `out` is too small.
size_t build_neighbour_advertisement(std::span<uint8_t> out, const IpAddress& source,
                                     const IpAddress& destination, const IpAddress& target,
                                     const MacAddress& target_mac, uint8_t flags);

}  // namespace tcpterm::wire
