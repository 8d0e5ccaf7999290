// flow_hash: the table-driven hash equals the bit-by-bit reference Toeplitz on
// random IPv4 and IPv6 flows, and both reproduce the Microsoft RSS
// verification suite ("Verifying the RSS Hash Calculation") for the default key;
// write_hash_input gives the compact keyed-hash input of ISNs and cookies;
// FlowKey equality sees every byte.
#include "table/flow_hash.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <span>
#include <string>

namespace tcpterm::table {
namespace {

FlowKey flow(const char* source, uint16_t source_port, const char* destination,
             uint16_t destination_port) {
  FlowKey key;
  key.remote_address = *wire::IpAddress::parse(source);
  key.local_address = *wire::IpAddress::parse(destination);
  key.remote_port = source_port;
  key.local_port = destination_port;
  return key;
}

uint32_t reference_hash(const FlowKey& key) {
  std::array<uint8_t, kMaxRssInputBytes> input{};
  size_t n = rss_input(key, input);
  return toeplitz_hash(kDefaultRssKey, std::span(input.data(), n));
}

/// Reference hash of the addresses alone (the suite's "IPv4 only" / "IPv6 only" column).
uint32_t addresses_only_hash(const FlowKey& key) {
  std::array<uint8_t, kMaxRssInputBytes> input{};
  size_t n = rss_input(key, input);
  return toeplitz_hash(kDefaultRssKey, std::span(input.data(), n - 4));
}

struct RssVector {
  const char* destination;
  uint16_t destination_port;
  const char* source;
  uint16_t source_port;
  uint32_t addresses_only;
  uint32_t with_tcp;
};

// Microsoft RSS verification suite, default key.
constexpr RssVector kIpv4Vectors[] = {
    {"161.142.100.80", 1766, "66.9.149.187", 2794, 0x323e8fc2, 0x51ccc178},
    {"65.69.140.83", 4739, "199.92.111.2", 14230, 0xd718262a, 0xc626b0ea},
    {"12.22.207.184", 38024, "24.19.198.95", 12898, 0xd2d0a5de, 0x5c2b394a},
    {"209.142.163.6", 2217, "38.27.205.30", 48228, 0x82989176, 0xafc7327f},
    {"202.188.127.2", 1303, "153.39.163.191", 44251, 0x5d1809c5, 0x10e828a2},
};

constexpr RssVector kIpv6Vectors[] = {
    {"3ffe:2501:200:3::1", 1766, "3ffe:2501:200:1fff::7", 2794, 0x2cc18cd5, 0x40207d3d},
    {"ff02::1", 4739, "3ffe:501:8::260:97ff:fe40:efab", 14230, 0x0f0c461c, 0xdde51bbf},
    {"fe80::200:f8ff:fe21:67cf", 38024, "3ffe:1900:4545:3:200:f8ff:fe21:67cf", 44251, 0x4b61e985,
     0x02d1feef},
};

/// Both columns of each line, through the reference and through flow_hash.
void expect_vectors(std::span<const RssVector> vectors, bool ipv4) {
  for (const RssVector& v : vectors) {
    FlowKey key = flow(v.source, v.source_port, v.destination, v.destination_port);
    SCOPED_TRACE(std::string(v.source) + " -> " + v.destination);
    ASSERT_EQ(key.is_v4(), ipv4);
    EXPECT_EQ(addresses_only_hash(key), v.addresses_only);
    EXPECT_EQ(reference_hash(key), v.with_tcp);
    EXPECT_EQ(flow_hash(key), v.with_tcp);
  }
}

TEST(FlowHash, MicrosoftIpv4VectorsWithDefaultKey) {
  expect_vectors(kIpv4Vectors, true);
}

TEST(FlowHash, MicrosoftIpv6VectorsWithDefaultKey) {
  expect_vectors(kIpv6Vectors, false);
}

TEST(FlowHash, FirstVectorSpelledOut) {
  // 66.9.149.187:2794 -> 161.142.100.80:1766, the suite's first TCP/IPv4 line.
  FlowKey key;
  key.remote_address = wire::IpAddress::v4(0x420995bb);
  key.local_address = wire::IpAddress::v4(0xa18e6450);
  key.remote_port = 2794;
  key.local_port = 1766;
  EXPECT_EQ(flow_hash(key), 0x51ccc178u);
}

TEST(FlowHash, EqualsReferenceToeplitzOnRandomIpv4Flows) {
  std::mt19937_64 rng(0x7c9e11);
  for (int i = 0; i < 100000; ++i) {
    FlowKey key;
    key.remote_address = wire::IpAddress::v4(static_cast<uint32_t>(rng()));
    key.local_address = wire::IpAddress::v4(static_cast<uint32_t>(rng()));
    key.remote_port = static_cast<uint16_t>(rng());
    key.local_port = static_cast<uint16_t>(rng());
    ASSERT_EQ(flow_hash(key), reference_hash(key)) << "iteration " << i;
  }
}

TEST(FlowHash, EqualsReferenceToeplitzOnRandomIpv6Flows) {
  std::mt19937_64 rng(0x1b6d);
  for (int i = 0; i < 100000; ++i) {
    FlowKey key;
    for (auto& b : key.remote_address.bytes) b = static_cast<uint8_t>(rng());
    for (auto& b : key.local_address.bytes) b = static_cast<uint8_t>(rng());
    key.local_address.bytes[0] |= 0x20;  // never an IPv4-mapped address
    key.remote_port = static_cast<uint16_t>(rng());
    key.local_port = static_cast<uint16_t>(rng());
    ASSERT_FALSE(key.is_v4());
    ASSERT_EQ(flow_hash(key), reference_hash(key)) << "iteration " << i;
  }
}

TEST(FlowHash, ReferenceIgnoresInputBeyondTheKey) {
  std::array<uint8_t, 8> key{0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2};
  std::array<uint8_t, 6> input{1, 2, 3, 4, 5, 6};
  EXPECT_EQ(toeplitz_hash(key, input), toeplitz_hash(key, std::span(input.data(), 4)));
  EXPECT_EQ(toeplitz_hash(std::span(key.data(), 3), input), 0u);
}

TEST(FlowHash, IsAvailableAtCompileTime) {
  constexpr std::array<uint8_t, 12> input{66,  9,  149,  187,  161,  142,
                                          100, 80, 0x0a, 0xea, 0x06, 0xe6};
  static_assert(toeplitz_hash(kDefaultRssKey, input) == 0x51ccc178u);
  SUCCEED();
}

// write_hash_input (the SipHash input of ISNs and cookies): IPv4 tuples shrink to
// their 12 significant bytes, anything else keeps all 36; different tuples differ.
TEST(WriteHashInput, Ipv4TupleIsTwelveBytesInWireOrderOfFields) {
  FlowKey key = flow("192.0.2.1", 0x1234, "10.7.0.2", 80);
  uint8_t out[sizeof(FlowKey)];
  ASSERT_EQ(write_hash_input(key, out), 12u);
  const uint8_t remote[4] = {192, 0, 2, 1};
  const uint8_t local[4] = {10, 7, 0, 2};
  EXPECT_EQ(std::memcmp(out, remote, 4), 0);
  EXPECT_EQ(std::memcmp(out + 4, local, 4), 0);
  uint16_t ports[2];
  std::memcpy(ports, out + 8, 4);
  EXPECT_EQ(ports[0], 0x1234);
  EXPECT_EQ(ports[1], 80);
}

TEST(WriteHashInput, Ipv6AndMixedTuplesKeepAllBytes) {
  uint8_t out[sizeof(FlowKey)];
  FlowKey v6 = flow("2001:db8::1", 40000, "2001:db8::2", 80);
  ASSERT_EQ(write_hash_input(v6, out), sizeof(FlowKey));
  EXPECT_EQ(std::memcmp(out, &v6, sizeof v6), 0);
  // A v4-mapped local address with an IPv6 remote must not drop the remote's high bytes.
  FlowKey mixed = flow("2001:db8::c000:201", 40000, "10.7.0.2", 80);
  EXPECT_EQ(write_hash_input(mixed, out), sizeof(FlowKey));
}

TEST(WriteHashInput, EachFieldChangesTheInput) {
  FlowKey base = flow("192.0.2.1", 1000, "10.7.0.2", 80);
  uint8_t a[sizeof(FlowKey)];
  uint8_t b[sizeof(FlowKey)];
  size_t n = write_hash_input(base, a);
  for (FlowKey other :
       {flow("192.0.2.9", 1000, "10.7.0.2", 80), flow("192.0.2.1", 1001, "10.7.0.2", 80),
        flow("192.0.2.1", 1000, "10.7.0.3", 80), flow("192.0.2.1", 1000, "10.7.0.2", 81)}) {
    ASSERT_EQ(write_hash_input(other, b), n);
    EXPECT_NE(std::memcmp(a, b, n), 0);
  }
}

TEST(FlowKey, EqualOnlyWhenEveryByteOfEveryFieldIs) {
  const FlowKey base = flow("2001:db8::1", 1000, "2001:db8::2", 80);
  EXPECT_TRUE(base == flow("2001:db8::1", 1000, "2001:db8::2", 80));
  // A one-bit difference in each byte of the key, one at a time.
  for (size_t byte = 0; byte < sizeof(FlowKey); ++byte) {
    FlowKey other = base;
    reinterpret_cast<uint8_t*>(&other)[byte] ^= 0x10;
    EXPECT_FALSE(base == other) << "byte " << byte;
    EXPECT_FALSE(other == base) << "byte " << byte;
  }
  EXPECT_FALSE(flow("192.0.2.1", 1000, "10.7.0.2", 80) == flow("192.0.2.1", 80, "10.7.0.2", 1000));
}

}  // namespace
}  // namespace tcpterm::table
