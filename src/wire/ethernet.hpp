// Ethernet II framing with at most one IEEE 802.1Q tag: a checked view for
// received frames and a header writer for transmitted ones. Stacked tags
// (QinQ, 0x88a8 or a second 0x8100) are rejected, not skipped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "wire/byte_order.hpp"
#include "wire/checked.hpp"
#include "wire/mac_address.hpp"

namespace tcpterm::wire {

/// EtherType values (IEEE 802.3 / IANA) the terminator handles.
namespace ethertype {
inline constexpr uint16_t kIpv4 = 0x0800;
inline constexpr uint16_t kArp = 0x0806;
inline constexpr uint16_t kVlan = 0x8100;  // IEEE 802.1Q C-tag
inline constexpr uint16_t kQinQ = 0x88a8;  // IEEE 802.1ad S-tag
inline constexpr uint16_t kIpv6 = 0x86dd;
}  // namespace ethertype

inline constexpr size_t kEthernetHeaderSize = 14;
inline constexpr size_t kVlanTagSize = 4;

class EthernetView {
 public:
  /// Validates the Ethernet header (and the 802.1Q tag if present) of `frame`.
  static Checked<EthernetView> check(std::span<const uint8_t> frame) {
    if (frame.size() < kEthernetHeaderSize) return Checked<EthernetView>::rejected(DropReason::kFrameTooShort);
    EthernetView view;
    view.frame_ = frame;
    uint16_t type = load_be16(frame.data() + 12);
    if (type == ethertype::kQinQ) return Checked<EthernetView>::rejected(DropReason::kBadVlan);
    if (type == ethertype::kVlan) {
      if (frame.size() < kEthernetHeaderSize + kVlanTagSize)
        return Checked<EthernetView>::rejected(DropReason::kBadVlan);
      view.has_vlan_ = true;
      // IEEE 802.1Q 9.6: TCI = PCP(3) DEI(1) VID(12).
      view.vlan_id_ = load_be16(frame.data() + 14) & 0x0fff;
      type = load_be16(frame.data() + 16);
      if (type == ethertype::kVlan || type == ethertype::kQinQ)
        return Checked<EthernetView>::rejected(DropReason::kBadVlan);
      view.l3_offset_ = kEthernetHeaderSize + kVlanTagSize;
    } else {
      view.l3_offset_ = kEthernetHeaderSize;
    }
    view.ethertype_ = type;
    return {view, DropReason::kNone};
  }

  // Header fields; MACs in network order, the rest in host order.
  MacAddress destination() const { return MacAddress::from_bytes(frame_.data()); }
  MacAddress source() const { return MacAddress::from_bytes(frame_.data() + 6); }
  bool has_vlan() const { return has_vlan_; }
  /// The 12-bit VLAN id; 0 when untagged (or priority-tagged).
  uint16_t vlan_id() const { return vlan_id_; }
  /// The EtherType after the optional tag.
  uint16_t ethertype() const { return ethertype_; }
  /// Offset of the L3 header in the frame: 14, or 18 with a tag.
  size_t l3_offset() const { return l3_offset_; }
  /// Everything after the Ethernet header (may include trailer padding).
  std::span<const uint8_t> l3_bytes() const { return frame_.subspan(l3_offset_); }

 private:
  std::span<const uint8_t> frame_;
  size_t l3_offset_ = 0;
  uint16_t ethertype_ = 0;
  uint16_t vlan_id_ = 0;
  bool has_vlan_ = false;
};

/// Fields of an Ethernet header to write.
struct EthernetHeaderSpec {
  MacAddress source;
  MacAddress destination;
  uint16_t ethertype = ethertype::kIpv4;
  bool has_vlan = false;
  uint16_t vlan_id = 0;  // 12 bits; PCP and DEI are written as 0
};

/// Bytes build_ethernet_header writes for `spec`: 14, or 18 with a VLAN tag.
inline size_t ethernet_header_size(const EthernetHeaderSpec& spec) {
  return kEthernetHeaderSize + (spec.has_vlan ? kVlanTagSize : 0);
}

/// Writes the Ethernet header; returns its size, or 0 if `out` is too small.
inline size_t build_ethernet_header(std::span<uint8_t> out, const EthernetHeaderSpec& spec) {
  const size_t size = ethernet_header_size(spec);
  if (out.size() < size) return 0;
  uint8_t* p = out.data();
  spec.destination.store(p);
  spec.source.store(p + 6);
  if (spec.has_vlan) {
    store_be16(p + 12, ethertype::kVlan);
    store_be16(p + 14, spec.vlan_id & 0x0fff);
    store_be16(p + 16, spec.ethertype);
  } else {
    store_be16(p + 12, spec.ethertype);
  }
  return size;
}

}  // namespace tcpterm::wire
