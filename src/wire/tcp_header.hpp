// The TCP header (RFC 9293 3.1): a checked view of a received segment and a
// writer for the header (options included) tcpterm sends. The checksum over
// the pseudo-header is verified here unless the NIC already did.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "wire/byte_order.hpp"
#include "wire/checked.hpp"
#include "wire/tcp_options.hpp"

namespace tcpterm::wire {

inline constexpr size_t kTcpMinHeaderSize = 20;
inline constexpr size_t kTcpMaxHeaderSize = 60;

/// TCP header flag bits (RFC 9293 3.1; ECE/CWR from RFC 3168).
namespace tcp_flag {
inline constexpr uint8_t kFin = 0x01;
inline constexpr uint8_t kSyn = 0x02;
inline constexpr uint8_t kRst = 0x04;
inline constexpr uint8_t kPsh = 0x08;
inline constexpr uint8_t kAck = 0x10;
inline constexpr uint8_t kUrg = 0x20;
inline constexpr uint8_t kEce = 0x40;
inline constexpr uint8_t kCwr = 0x80;
}  // namespace tcp_flag

class TcpView {
 public:
  /// Validates 20 <= data offset * 4 <= segment size and, unless
  /// `checksum_verified_by_hardware`, the checksum over `pseudo_header_sum`
  /// (from Ipv4View/Ipv6View::pseudo_header_sum) and the whole segment.
  static Checked<TcpView> check(std::span<const uint8_t> segment, uint64_t pseudo_header_sum,
                                bool checksum_verified_by_hardware);

  // Header fields in host order; sequence numbers raw (the engine wraps them).
  uint16_t source_port() const { return load_be16(segment_.data()); }
  uint16_t destination_port() const { return load_be16(segment_.data() + 2); }
  uint32_t sequence_number() const { return load_be32(segment_.data() + 4); }
  uint32_t acknowledgment_number() const { return load_be32(segment_.data() + 8); }
  /// Header length in bytes: data offset * 4.
  size_t header_length() const { return header_length_; }
  uint8_t flags() const { return segment_[13]; }
  uint16_t window() const { return load_be16(segment_.data() + 14); }
  uint16_t checksum() const { return load_be16(segment_.data() + 16); }
  uint16_t urgent_pointer() const { return load_be16(segment_.data() + 18); }
  /// The option bytes between the fixed header and the data.
  std::span<const uint8_t> options() const {
    return segment_.subspan(kTcpMinHeaderSize, header_length_ - kTcpMinHeaderSize);
  }
  std::span<const uint8_t> payload() const { return segment_.subspan(header_length_); }

 private:
  std::span<const uint8_t> segment_;
  size_t header_length_ = 0;
};

/// Fields of a TCP header to write.
struct TcpHeaderSpec {
  uint16_t source_port = 0;
  uint16_t destination_port = 0;
  uint32_t sequence_number = 0;
  uint32_t acknowledgment_number = 0;
  uint8_t flags = 0;  // tcp_flag::*
  uint16_t window = 0;
  uint16_t urgent_pointer = 0;
  const TcpOptions* options = nullptr;  // none when null
};

/// Header size build_tcp_header writes for `spec`: 20 plus encoded options.
size_t tcp_header_size(const TcpHeaderSpec& spec);

/// Writes the TCP header and its encoded options with a zero checksum (the
/// caller fills it in once the payload is in place). Returns the header size,
/// or 0 if `out` is too small.
size_t build_tcp_header(std::span<uint8_t> out, const TcpHeaderSpec& spec);
/// The frame builder's form: writes the header of `header_size` ==
/// tcp_header_size(spec) bytes (known already; the caller has checked the
/// room) and returns its running checksum sum, taken as it was written
/// (wire/summed_words.hpp).
uint64_t write_tcp_header(uint8_t* out, const TcpHeaderSpec& spec, size_t header_size);

}  // namespace tcpterm::wire
