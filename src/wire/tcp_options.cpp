// TCP option parsing and encoding. Parsing follows RFC 9293 3.2: EOL ends
// the list, NOP is one byte, every other option carries a length byte >= 2
// and unknown kinds are skipped by it. Encoding writes Linux's layout so that
// packetdrill scripts recorded against Linux match byte for byte.
#include "wire/tcp_options.hpp"

#include <algorithm>

#include "wire/byte_order.hpp"
#include "wire/summed_words.hpp"

namespace tcpterm::wire {

namespace {

namespace option_length {
constexpr size_t kMaximumSegmentSize = 4;
constexpr size_t kWindowScale = 3;
constexpr size_t kSackPermitted = 2;
constexpr size_t kSackBase = 2;
constexpr size_t kSackBlock = 8;
constexpr size_t kTimestamps = 10;
}  // namespace option_length

constexpr size_t kMaxOptionBytes = 40;
constexpr uint8_t kMaxWindowScale = 14;  // RFC 7323 2.3

/// Interprets one option of a known kind whose length byte fits the area.
TcpOptionsError apply_option(uint8_t kind, std::span<const uint8_t> option, TcpOptions& out) {
  const size_t length = option.size();
  const uint8_t* value = option.data() + 2;
  switch (kind) {
    case tcp_option_kind::kMaximumSegmentSize:
      if (length != option_length::kMaximumSegmentSize) return TcpOptionsError::kBadLength;
      out.has_mss = true;
      out.mss = load_be16(value);
      return TcpOptionsError::kNone;
    case tcp_option_kind::kWindowScale:
      if (length != option_length::kWindowScale) return TcpOptionsError::kBadLength;
      out.has_window_scale = true;
      // RFC 7323 2.3: a shift above 14 is used as 14.
      out.window_scale = std::min(value[0], kMaxWindowScale);
      return TcpOptionsError::kNone;
    case tcp_option_kind::kSackPermitted:
      if (length != option_length::kSackPermitted) return TcpOptionsError::kBadLength;
      out.sack_permitted = true;
      return TcpOptionsError::kNone;
    case tcp_option_kind::kSack: {
      // RFC 2018 3: length 2 + 8n with n blocks, at most 4 fit in 40 bytes.
      const size_t blocks = (length - option_length::kSackBase) / option_length::kSackBlock;
      if ((length - option_length::kSackBase) % option_length::kSackBlock != 0 || blocks == 0 ||
          blocks > TcpOptions::kMaxSackBlocks)
        return TcpOptionsError::kBadLength;
      out.sack_block_count = static_cast<uint8_t>(blocks);
      for (size_t i = 0; i < blocks; ++i) {
        out.sack_blocks[i].left = load_be32(value + i * option_length::kSackBlock);
        out.sack_blocks[i].right = load_be32(value + i * option_length::kSackBlock + 4);
      }
      return TcpOptionsError::kNone;
    }
    case tcp_option_kind::kTimestamps:
      if (length != option_length::kTimestamps) return TcpOptionsError::kBadLength;
      out.has_timestamps = true;
      out.ts_val = load_be32(value);
      out.ts_ecr = load_be32(value + 4);
      return TcpOptionsError::kNone;
    default:
      return TcpOptionsError::kNone;  // RFC 9293 3.2: unknown options are ignored
  }
}

TcpOptionsError parse_option_list(std::span<const uint8_t> bytes, TcpOptions& out) {
  size_t at = 0;
  while (at < bytes.size()) {
    const uint8_t kind = bytes[at];
    if (kind == tcp_option_kind::kEndOfList) break;
    if (kind == tcp_option_kind::kNoOperation) {
      ++at;
      continue;
    }
    if (at + 1 >= bytes.size()) return TcpOptionsError::kTruncated;
    const size_t length = bytes[at + 1];
    // A length below 2 cannot cover its own kind and length bytes.
    if (length < 2) return TcpOptionsError::kBadLength;
    if (length > bytes.size() - at) return TcpOptionsError::kTruncated;
    const TcpOptionsError error = apply_option(kind, bytes.subspan(at, length), out);
    if (error != TcpOptionsError::kNone) return error;
    at += length;
  }
  return TcpOptionsError::kNone;
}

/// Number of SACK blocks that fit after `used` option bytes (nop, nop, kind,
/// length, then 8 bytes per block).
size_t sack_blocks_that_fit(const TcpOptions& options, size_t used) {
  if (options.sack_block_count == 0 || used + 4 + option_length::kSackBlock > kMaxOptionBytes) return 0;
  const size_t room = (kMaxOptionBytes - used - 4) / option_length::kSackBlock;
  return std::min<size_t>({options.sack_block_count, room, TcpOptions::kMaxSackBlocks});
}

void put_timestamps(SummedWords& out, uint8_t first, uint8_t second, const TcpOptions& options) {
  out.put(first, second, tcp_option_kind::kTimestamps, option_length::kTimestamps);
  out.put(options.ts_val);
  out.put(options.ts_ecr);
}

}  // namespace

TcpOptionsError parse_tcp_options(std::span<const uint8_t> bytes, TcpOptions& out) {
  out = TcpOptions{};
  const TcpOptionsError error = parse_option_list(bytes, out);
  if (error != TcpOptionsError::kNone) out = TcpOptions{};  // never half-parsed
  return error;
}

size_t encoded_tcp_options_size(const TcpOptions& options, bool syn) {
  if (syn) {
    size_t size = 0;
    if (options.has_mss) size += 4;
    if (options.has_timestamps) size += 12;                 // sackOK+TS or nop,nop,TS
    else if (options.sack_permitted) size += 4;             // nop,nop,sackOK
    if (options.has_window_scale) size += 4;                // nop,wscale
    return size;
  }
  const size_t size = options.has_timestamps ? 12 : 0;
  const size_t blocks = sack_blocks_that_fit(options, size);
  return size + (blocks > 0 ? 4 + blocks * option_length::kSackBlock : 0);
}

// Every option layout below fills whole 32-bit words (NOPs pad in front of
// wscale, sackOK and TS as Linux does), so each word is written at once.
size_t encode_tcp_options(const TcpOptions& options, bool syn, SummedWords& out) {
  constexpr uint8_t kNop = tcp_option_kind::kNoOperation;
  uint8_t* const start = out.position();
  if (syn) {
    if (options.has_mss)
      out.put16(static_cast<uint16_t>(tcp_option_kind::kMaximumSegmentSize << 8 |
                                      option_length::kMaximumSegmentSize),
                options.mss);
    if (options.has_timestamps) {
      if (options.sack_permitted)  // sackOK shares the word before TS
        put_timestamps(out, tcp_option_kind::kSackPermitted, option_length::kSackPermitted,
                       options);
      else
        put_timestamps(out, kNop, kNop, options);
    } else if (options.sack_permitted) {
      out.put(kNop, kNop, tcp_option_kind::kSackPermitted, option_length::kSackPermitted);
    }
    if (options.has_window_scale)
      out.put(kNop, tcp_option_kind::kWindowScale, option_length::kWindowScale,
              options.window_scale);
    return static_cast<size_t>(out.position() - start);
  }
  if (options.has_timestamps) put_timestamps(out, kNop, kNop, options);
  const size_t blocks = sack_blocks_that_fit(options, static_cast<size_t>(out.position() - start));
  if (blocks > 0) {
    out.put(kNop, kNop, tcp_option_kind::kSack,
            static_cast<uint8_t>(option_length::kSackBase + blocks * option_length::kSackBlock));
    for (size_t i = 0; i < blocks; ++i) {
      out.put(options.sack_blocks[i].left);
      out.put(options.sack_blocks[i].right);
    }
  }
  return static_cast<size_t>(out.position() - start);
}

size_t encode_tcp_options(const TcpOptions& options, bool syn, uint8_t* out) {
  SummedWords words(out);
  return encode_tcp_options(options, syn, words);
}

}  // namespace tcpterm::wire
