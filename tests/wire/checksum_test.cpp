// RFC 1071 checksum against a naive word-by-word reference on random data of
// every length 0..2000 at every alignment, the RFC's own example, the
// pseudo-header sums against the sums of their bytes, and the RFC 1624
// incremental update against recomputation.
#include "wire/checksum.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cstring>
#include <random>
#include <utility>
#include <vector>

#include "reference_frames.hpp"
#include "wire/byte_order.hpp"

namespace tcpterm::wire {
namespace {

/// RFC 1071 straight from the text: big-endian 16-bit words, odd byte padded.
uint16_t naive_checksum(const uint8_t* p, size_t n) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < n; i += 2) sum += uint32_t{p[i]} << 8 | p[i + 1];
  if (n % 2 == 1) sum += uint32_t{p[n - 1]} << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

TEST(ByteOrder, LoadsAndStoresBigEndianAtAnyAlignment) {
  uint8_t buffer[8] = {};
  store_be16(buffer + 1, 0x1234);
  store_be32(buffer + 3, 0xa1b2c3d4);
  EXPECT_EQ(buffer[1], 0x12);
  EXPECT_EQ(buffer[2], 0x34);
  EXPECT_EQ(buffer[3], 0xa1);
  EXPECT_EQ(buffer[6], 0xd4);
  EXPECT_EQ(load_be16(buffer + 1), 0x1234);
  EXPECT_EQ(load_be32(buffer + 3), 0xa1b2c3d4u);
}

TEST(Checksum, Rfc1071ExampleSum) {
  // RFC 1071 3: the words 0001 f203 f4f5 f6f7 sum to ddf2.
  const uint8_t bytes[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(checksum_fold(checksum_accumulate(bytes)), 0xddf2);
  EXPECT_EQ(internet_checksum(bytes), 0x220d);
}

TEST(Checksum, EmptyInputIsAllOnes) { EXPECT_EQ(internet_checksum({}), 0xffff); }

TEST(Checksum, MatchesNaiveReferenceForEveryLengthAndAlignment) {
  std::mt19937 random(12345);
  std::vector<uint8_t> storage(2000 + 16);
  for (auto& byte : storage) byte = static_cast<uint8_t>(random());
  for (size_t alignment = 0; alignment < 8; ++alignment) {
    for (size_t length = 0; length <= 2000; ++length) {
      const uint8_t* p = storage.data() + alignment;
      ASSERT_EQ(internet_checksum({p, length}), naive_checksum(p, length))
          << "length " << length << " alignment " << alignment;
    }
  }
}

template <size_t Words>
void expect_fixed_sum_matches(const uint8_t* p) {
  EXPECT_EQ(checksum_fold(checksum_accumulate_words<Words>(p)),
            checksum_fold(checksum_accumulate({p, 4 * Words})))
      << Words << " words";
}

template <size_t... Words>
void expect_fixed_sums_match(const uint8_t* p, std::index_sequence<Words...>) {
  (expect_fixed_sum_matches<Words>(p), ...);
}

TEST(Checksum, FixedWordSumsMatchTheGeneralSum) {
  std::mt19937 random(99);
  std::vector<uint8_t> storage(64 + 3);
  for (int round = 0; round < 200; ++round) {
    for (auto& byte : storage) byte = static_cast<uint8_t>(random());
    // Words 0 to 15 (the IPv4 header's range of 5 to 15 included), unaligned.
    expect_fixed_sums_match(storage.data() + round % 4, std::make_index_sequence<16>());
  }
}

TEST(Checksum, AllOnesDataDoesNotOverflowTheAccumulator) {
  std::vector<uint8_t> ones(65535, 0xff);
  for (size_t length : {size_t{1}, size_t{8}, size_t{33}, size_t{4096}, size_t{65535}})
    EXPECT_EQ(internet_checksum({ones.data(), length}), naive_checksum(ones.data(), length)) << length;
}

TEST(Checksum, PiecewiseAccumulationWithEvenPiecesEqualsWhole) {
  std::mt19937 random(7);
  std::vector<uint8_t> data(301);
  for (auto& byte : data) byte = static_cast<uint8_t>(random());
  const std::span<const uint8_t> all(data);
  const uint64_t pieces = checksum_accumulate(all.subspan(100), checksum_accumulate(all.first(100)));
  EXPECT_EQ(static_cast<uint16_t>(~checksum_fold(pieces)), internet_checksum(all));
}

TEST(Checksum, AnyIncomingSumFoldsLikeItsValue) {
  // A caller may pass a running sum that uses all 64 bits.
  std::mt19937_64 random(3);
  std::vector<uint8_t> data(97);
  for (auto& byte : data) byte = static_cast<uint8_t>(random());
  for (const uint64_t start :
       {uint64_t{0}, ~uint64_t{0}, uint64_t{0xffffffff00000000}, uint64_t{random()}}) {
    // 2^16 == 1 (mod 0xffff): the sum's value mod 0xffff is what counts.
    const uint64_t reduced = start % 0xffff;
    EXPECT_EQ(checksum_fold(checksum_accumulate(data, start)),
              checksum_fold(checksum_accumulate(data, reduced)))
        << start;
  }
}

TEST(Checksum, FoldIsTheOnesComplementSumOfAnyValue) {
  // Reference: the one's complement sum of a value is its residue mod 0xffff,
  // written 0xffff rather than 0 for a non-zero multiple; 0 stays 0.
  const auto reference = [](uint64_t value) -> uint16_t {
    const auto folded = static_cast<uint16_t>(value == 0 ? 0 : (value - 1) % 0xffff + 1);
    return std::endian::native == std::endian::little ? __builtin_bswap16(folded) : folded;
  };
  std::vector<uint64_t> values = {0,
                                  1,
                                  0xfffe,
                                  0xffff,
                                  0x10000,
                                  0x1fffe,
                                  0xffffffff,
                                  0x100000000,
                                  0x1fffffffe,
                                  0xfffeffff,
                                  0xffff0000,
                                  0xffffffff0000ffff,
                                  ~uint64_t{0},
                                  uint64_t{0xffff} << 48,
                                  0x8000800080008000};
  std::mt19937_64 random(11);
  for (int i = 0; i < 100000; ++i) values.push_back(random() >> (random() % 64));
  for (const uint64_t value : values) EXPECT_EQ(checksum_fold(value), reference(value)) << value;
}

/// The pseudo-headers laid out as bytes (RFC 9293 3.1, RFC 8200 8.1).
uint64_t ipv4_pseudo_header_bytes_sum(const uint8_t* source, const uint8_t* destination,
                                      uint8_t protocol, uint16_t length) {
  uint8_t header[12] = {};
  std::memcpy(header, source, 4);
  std::memcpy(header + 4, destination, 4);
  header[9] = protocol;
  store_be16(header + 10, length);
  return checksum_accumulate(header);
}

uint64_t ipv6_pseudo_header_bytes_sum(const uint8_t* source, const uint8_t* destination,
                                      uint8_t next_header, uint32_t length) {
  uint8_t header[40] = {};
  std::memcpy(header, source, 16);
  std::memcpy(header + 16, destination, 16);
  store_be32(header + 32, length);
  header[39] = next_header;
  return checksum_accumulate(header);
}

TEST(Checksum, PseudoHeaderSumsEqualTheSumOfTheirBytes) {
  std::mt19937 random(11);
  uint8_t addresses[32];
  for (int round = 0; round < 10000; ++round) {
    for (auto& byte : addresses) byte = static_cast<uint8_t>(random());
    const auto protocol = static_cast<uint8_t>(round % 3 == 0 ? 0xff : random());
    const auto length = static_cast<uint32_t>(round % 3 == 1 ? 0xffffffff : random());
    ASSERT_EQ(checksum_fold(ipv4_pseudo_header_sum(addresses, addresses + 4, protocol,
                                                   static_cast<uint16_t>(length))),
              checksum_fold(ipv4_pseudo_header_bytes_sum(addresses, addresses + 4, protocol,
                                                         static_cast<uint16_t>(length))))
        << "round " << round;
    ASSERT_EQ(
        checksum_fold(ipv6_pseudo_header_sum(addresses, addresses + 16, protocol, length)),
        checksum_fold(ipv6_pseudo_header_bytes_sum(addresses, addresses + 16, protocol, length)))
        << "round " << round;
  }
}

TEST(Checksum, VerifiesTheReferenceFramesHeaderAndTcpChecksums) {
  const auto frame = test::from_hex(test::kIpv4Syn);
  const std::span<const uint8_t> ip(frame.data() + 14, 20);
  EXPECT_TRUE(internet_checksum_ok(ip));
  const std::span<const uint8_t> tcp(frame.data() + 34, frame.size() - 34);
  const uint64_t pseudo = ipv4_pseudo_header_sum(ip.data() + 12, ip.data() + 16, 6, static_cast<uint16_t>(tcp.size()));
  EXPECT_TRUE(l4_checksum_ok(pseudo, tcp));

  const auto frame6 = test::from_hex(test::kIpv6AckPayload);
  const std::span<const uint8_t> tcp6(frame6.data() + 54, frame6.size() - 54);
  const uint64_t pseudo6 =
      ipv6_pseudo_header_sum(frame6.data() + 22, frame6.data() + 38, 6, static_cast<uint32_t>(tcp6.size()));
  EXPECT_TRUE(l4_checksum_ok(pseudo6, tcp6));
  // Recomputing with the field zeroed gives back the stored value.
  auto copy = frame6;
  store_be16(copy.data() + 54 + 16, 0);
  EXPECT_EQ(l4_checksum(pseudo6, {copy.data() + 54, tcp6.size()}), load_be16(frame6.data() + 54 + 16));
}

TEST(Checksum, IncrementalUpdateMatchesRecomputation) {
  std::mt19937 random(99);
  std::vector<uint8_t> data(64);
  for (int round = 0; round < 20000; ++round) {
    for (auto& byte : data) byte = static_cast<uint8_t>(random());
    store_be16(data.data() + 10, 0);
    const uint16_t checksum = internet_checksum(data);
    store_be16(data.data() + 10, checksum);
    const size_t at = 12 + 2 * (random() % 20);
    // Include the all-zero and all-one values that trip RFC 1141's formula.
    const uint16_t new16 = round % 3 == 0 ? 0 : round % 3 == 1 ? 0xffff : static_cast<uint16_t>(random());
    const uint16_t old16 = load_be16(data.data() + at);
    store_be16(data.data() + at, new16);
    const uint16_t updated = checksum_update16(checksum, old16, new16);
    store_be16(data.data() + 10, 0);
    ASSERT_EQ(updated, internet_checksum(data)) << "round " << round;
    store_be16(data.data() + 10, updated);
    ASSERT_TRUE(internet_checksum_ok(data));

    const uint32_t old32 = load_be32(data.data() + 20);
    const uint32_t new32 = static_cast<uint32_t>(random());
    store_be32(data.data() + 20, new32);
    const uint16_t updated32 = checksum_update32(updated, old32, new32);
    store_be16(data.data() + 10, 0);
    ASSERT_EQ(updated32, internet_checksum(data)) << "round " << round;
  }
}

}  // namespace
}  // namespace tcpterm::wire
