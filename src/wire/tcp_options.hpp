// TcpOptions: the parsed form of the TCP options tcpterm understands
// (MSS, window scale, SACK-permitted, SACK blocks, timestamps), plus the
// parser and the encoder. Unknown options are skipped (RFC 9293 3.2).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace tcpterm::wire {

/// TCP option kinds (IANA "TCP Option Kind Numbers").
namespace tcp_option_kind {
inline constexpr uint8_t kEndOfList = 0;
inline constexpr uint8_t kNoOperation = 1;
inline constexpr uint8_t kMaximumSegmentSize = 2;  // RFC 9293 3.2
inline constexpr uint8_t kWindowScale = 3;         // RFC 7323 2.2
inline constexpr uint8_t kSackPermitted = 4;       // RFC 2018 2
inline constexpr uint8_t kSack = 5;                // RFC 2018 3
inline constexpr uint8_t kTimestamps = 8;          // RFC 7323 3.2
}  // namespace tcp_option_kind

/// One SACK block [left, right) in raw sequence numbers (RFC 2018 3).
struct SackBlock {
  uint32_t left = 0;
  uint32_t right = 0;
};

struct TcpOptions {
  static constexpr size_t kMaxSackBlocks = 4;

  bool has_mss = false;
  bool has_window_scale = false;
  bool sack_permitted = false;
  bool has_timestamps = false;
  uint8_t window_scale = 0;
  uint8_t sack_block_count = 0;
  uint16_t mss = 0;
  uint32_t ts_val = 0;
  uint32_t ts_ecr = 0;
  std::array<SackBlock, kMaxSackBlocks> sack_blocks{};
};

enum class TcpOptionsError : uint8_t {
  kNone = 0,
  kTruncated,     // an option's length runs past the option area
  kBadLength,     // a known option with the wrong length byte (e.g. MSS len != 4)
};

/// Parses the option bytes that follow the fixed TCP header. Never reads past
/// `bytes`. Unknown options are skipped; returns kNone on success.
TcpOptionsError parse_tcp_options(std::span<const uint8_t> bytes, TcpOptions& out);

/// Number of bytes encode_tcp_options will write (a multiple of 4, <= 40).
size_t encoded_tcp_options_size(const TcpOptions& options, bool syn);

/// Encodes in Linux's order so packetdrill scripts written against Linux match:
/// SYN:  mss, sackOK, TS, nop, wscale  (nop,nop,sackOK when no TS; nop,nop,TS when no sackOK)
/// else: nop, nop, TS, then nop, nop, sack blocks.
/// SACK blocks are dropped from the end when they would overflow 40 bytes.
/// Returns bytes written; `out` must have room for 40 bytes.
size_t encode_tcp_options(const TcpOptions& options, bool syn, uint8_t* out);

class SummedWords;
/// The same through `out`, which also sums the words for the checksum.
size_t encode_tcp_options(const TcpOptions& options, bool syn, SummedWords& out);

}  // namespace tcpterm::wire
