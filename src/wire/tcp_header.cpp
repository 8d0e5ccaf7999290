// TCP header validation and the header writer.
#include "wire/tcp_header.hpp"

#include "wire/checksum.hpp"
#include "wire/summed_words.hpp"

namespace tcpterm::wire {

Checked<TcpView> TcpView::check(std::span<const uint8_t> segment, uint64_t pseudo_header_sum,
                                bool checksum_verified_by_hardware) {
  using Result = Checked<TcpView>;
  if (segment.size() < kTcpMinHeaderSize) return Result::rejected(DropReason::kTcpHeaderTooShort);
  const size_t header_length = size_t{static_cast<uint8_t>(segment[12] >> 4)} * 4;
  if (header_length < kTcpMinHeaderSize || header_length > segment.size())
    return Result::rejected(DropReason::kTcpBadDataOffset);
  if (!checksum_verified_by_hardware && !l4_checksum_ok(pseudo_header_sum, segment))
    return Result::rejected(DropReason::kTcpBadChecksum);
  TcpView view;
  view.segment_ = segment;
  view.header_length_ = header_length;
  return {view, DropReason::kNone};
}

size_t tcp_header_size(const TcpHeaderSpec& spec) {
  const bool syn = (spec.flags & tcp_flag::kSyn) != 0;
  const TcpOptions* options = spec.options;
  // Most segments carry no option (no SYN, timestamps or SACK blocks): no
  // call to size them.
  if (!options || (!syn && !options->has_timestamps && options->sack_block_count == 0))
    return kTcpMinHeaderSize;
  return kTcpMinHeaderSize + encoded_tcp_options_size(*options, syn);
}

size_t build_tcp_header(std::span<uint8_t> out, const TcpHeaderSpec& spec) {
  const size_t header_size = tcp_header_size(spec);
  if (out.size() < header_size) return 0;
  write_tcp_header(out.data(), spec, header_size);
  return header_size;
}

uint64_t write_tcp_header(uint8_t* out, const TcpHeaderSpec& spec, size_t header_size) {
  SummedWords words(out);
  words.put16(spec.source_port, spec.destination_port);
  words.put(spec.sequence_number);
  words.put(spec.acknowledgment_number);
  words.put(uint32_t{static_cast<uint8_t>((header_size / 4) << 4)} << 24 |
            uint32_t{spec.flags} << 16 | spec.window);
  words.put16(0, spec.urgent_pointer);  // checksum 0 until the caller fills it in
  // header_size is tcp_header_size(spec): no option bytes, nothing to encode.
  if (spec.options && header_size > kTcpMinHeaderSize)
    encode_tcp_options(*spec.options, (spec.flags & tcp_flag::kSyn) != 0, words);
  return words.sum();
}

}  // namespace tcpterm::wire
