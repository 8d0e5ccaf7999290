// Internet checksum microbenchmarks (RFC 1071): the full sum over a TCP
// segment's bytes for the sizes the engine sends (a bare ACK, a short HTTP
// response, a full 1460-byte segment, a jumbo), the TCP checksum with its
// IPv4 pseudo-header as the packet builder computes it when the port has no
// checksum offload, the incremental update (RFC 1624) used when one
// field of a header changes, and whole frames as the worker builds them
// (Ethernet, IPv4, TCP with timestamps, software checksums).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "wire/checksum.hpp"
#include "wire/packet_builder.hpp"
#include "wire/tcp_header.hpp"

namespace tcpterm::wire {
namespace {

std::vector<uint8_t> pattern(size_t size) {
  std::vector<uint8_t> bytes(size);
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<uint8_t>(i * 131 + 7);
  return bytes;
}

void BM_InternetChecksum(benchmark::State& state) {
  const std::vector<uint8_t> bytes = pattern(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    benchmark::DoNotOptimize(bytes.data());
    benchmark::DoNotOptimize(internet_checksum(bytes));
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_InternetChecksum)->Arg(20)->Arg(120)->Arg(1480)->Arg(9000);

void BM_TcpChecksumIpv4(benchmark::State& state) {
  const std::vector<uint8_t> segment = pattern(static_cast<size_t>(state.range(0)));
  const uint8_t source[4] = {10, 7, 0, 2};
  const uint8_t destination[4] = {10, 7, 0, 1};
  for (auto _ : state) {
    benchmark::DoNotOptimize(segment.data());
    uint64_t pseudo =
        ipv4_pseudo_header_sum(source, destination, 6, static_cast<uint16_t>(segment.size()));
    benchmark::DoNotOptimize(l4_checksum(pseudo, segment));
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_TcpChecksumIpv4)->Arg(20)->Arg(120)->Arg(1480);

void BM_ChecksumUpdate32(benchmark::State& state) {
  uint16_t checksum = 0x1234;
  uint32_t value = 1;
  for (auto _ : state) {
    checksum = checksum_update32(checksum, value, value + 0x01000193);
    value += 0x01000193;
    benchmark::DoNotOptimize(checksum);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ChecksumUpdate32);

/// A frame of the end-to-end benchmark: a SYN-ACK (MSS, SACK-permitted,
/// timestamps, window scale) for 0 and an HTTP response of `range(0)` bytes
/// with the timestamps option otherwise, into one reused buffer, as the
/// worker writes into an mbuf and the checksum reads the header back.
void BM_BuildTcpFrameIpv4(benchmark::State& state) {
  const std::vector<uint8_t> payload = pattern(static_cast<size_t>(state.range(0)));
  TcpOptions options;
  options.has_timestamps = true;
  options.ts_val = 0x01020304;
  options.ts_ecr = 0x05060708;
  TcpFrameSpec spec;
  spec.source_mac = MacAddress{{0x02, 0, 0, 0, 0, 1}};
  spec.destination_mac = MacAddress{{0x02, 0, 0, 0, 0, 2}};
  spec.source_ip = IpAddress::v4(0xc0a83202);
  spec.destination_ip = IpAddress::v4(0xc0a83201);
  spec.source_port = 80;
  spec.destination_port = 40000;
  spec.sequence_number = 1000;
  spec.acknowledgment_number = 2000;
  spec.window = 65535;
  spec.options = &options;
  if (payload.empty()) {
    spec.flags = tcp_flag::kSyn | tcp_flag::kAck;
    options.has_mss = true;
    options.mss = 1460;
    options.sack_permitted = true;
    options.has_window_scale = true;
    options.window_scale = 7;
  } else {
    spec.flags = tcp_flag::kAck | tcp_flag::kPsh | tcp_flag::kFin;
    spec.payload[0] = payload;
  }
  std::vector<uint8_t> frame(2048);
  for (auto _ : state) {
    ++spec.sequence_number;
    benchmark::DoNotOptimize(build_tcp_frame(frame, spec));
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BuildTcpFrameIpv4)->Arg(0)->Arg(100);

}  // namespace
}  // namespace tcpterm::wire

BENCHMARK_MAIN();
