// IPv4 header validation and the header writer.
#include "wire/ipv4.hpp"

#include <cstring>

namespace tcpterm::wire {

namespace {
constexpr uint16_t kFlagDontFragment = 0x4000;
constexpr uint16_t kFlagMoreFragments = 0x2000;
constexpr uint16_t kFragmentOffsetMask = 0x1fff;
}  // namespace

Checked<Ipv4View> Ipv4View::check(std::span<const uint8_t> packet, bool checksum_verified_by_hardware) {
  using Result = Checked<Ipv4View>;
  if (packet.size() < kIpv4MinHeaderSize) return Result::rejected(DropReason::kIpv4BadHeaderLength);
  const uint8_t* p = packet.data();
  if ((p[0] >> 4) != 4) return Result::rejected(DropReason::kIpv4BadVersion);
  const size_t header_length = size_t{p[0] & 0x0fu} * 4;
  if (header_length < kIpv4MinHeaderSize || header_length > packet.size())
    return Result::rejected(DropReason::kIpv4BadHeaderLength);
  const size_t total_length = load_be16(p + 2);
  if (total_length < header_length || total_length > packet.size())
    return Result::rejected(DropReason::kIpv4BadTotalLength);
  if (!checksum_verified_by_hardware) {
    // RFC 1071 1: the header, checksum included, sums to 0xffff. Options are
    // rare, so the 20-byte header takes the unrolled five-word sum.
    const uint64_t sum = header_length == kIpv4MinHeaderSize
                             ? checksum_accumulate_words<kIpv4MinHeaderSize / 4>(p)
                             : checksum_accumulate(packet.first(header_length));
    if (checksum_fold(sum) != 0xffff) return Result::rejected(DropReason::kIpv4BadChecksum);
  }
  // RFC 791 3.2: MF or a non-zero offset marks a fragment; tcpterm does not reassemble.
  const uint16_t flags_and_offset = load_be16(p + 6);
  if ((flags_and_offset & (kFlagMoreFragments | kFragmentOffsetMask)) != 0)
    return Result::rejected(DropReason::kIpv4Fragment);
  Ipv4View view;
  view.packet_ = packet.first(total_length);
  view.header_length_ = header_length;
  return {view, DropReason::kNone};
}

size_t build_ipv4_header(std::span<uint8_t> out, const Ipv4HeaderSpec& spec, ChecksumMode mode) {
  if (out.size() < kIpv4MinHeaderSize || spec.payload_length > 0xffff - kIpv4MinHeaderSize) return 0;
  uint8_t* p = out.data();
  constexpr uint16_t kVersionIhlTos = 0x4500;  // version 4, IHL 5; DSCP 0, not ECN-capable
  const auto total_length = static_cast<uint16_t>(kIpv4MinHeaderSize + spec.payload_length);
  store_be16(p, kVersionIhlTos);
  store_be16(p + 2, total_length);
  store_be16(p + 4, 0);  // RFC 6864 4.1: ID unused on atomic datagrams
  store_be16(p + 6, kFlagDontFragment);
  p[8] = spec.ttl;
  p[9] = spec.protocol;
  store_be16(p + 10, 0);
  std::memcpy(p + 12, spec.source.v4_bytes(), 4);
  std::memcpy(p + 16, spec.destination.v4_bytes(), 4);
  if (mode == ChecksumMode::kSoftware) {
    // Summed from the fields, not read back from the header just written
    // (those loads stalled on store forwarding): the words of the pseudo-
    // header (addresses, protocol, here the total length) plus kVersionIhlTos, the
    // DF flag word and TTL, which shares its word with the protocol.
    using checksum_detail::native_of_be16;
    const uint64_t sum = ipv4_pseudo_header_sum(spec.source.v4_bytes(), spec.destination.v4_bytes(),
                                                spec.protocol, total_length) +
                         native_of_be16(kVersionIhlTos) + native_of_be16(kFlagDontFragment) +
                         native_of_be16(static_cast<uint16_t>(spec.ttl << 8));
    store_be16(p + 10, static_cast<uint16_t>(~checksum_fold(sum)));
  }
  return kIpv4MinHeaderSize;
}

}  // namespace tcpterm::wire
