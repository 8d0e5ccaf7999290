// SynFlood against a recording host: rate, bounds, spoofed sources within
// the range, and which returning frames it counts and consumes.
#include <gtest/gtest.h>

#include <vector>

#include "loadgen/syn_flood.hpp"

namespace tcpterm::loadgen {
namespace {

struct RecordingHost {
  struct Sent {
    table::FlowKey key;
    uint8_t flags;
    wire::IpAddress via;
  };
  std::vector<Sent> sent;
  void emit_via(const wire::IpAddress& via, const tcp::OutSegment& s) {
    sent.push_back({*s.key, s.flags, via});
  }
};

FloodSettings settings() {
  FloodSettings f;
  f.server_address = wire::IpAddress::v4(0xc0a83202);
  f.server_port = 80;
  f.port_address = wire::IpAddress::v4(0xc0a83201);
  f.first_source = wire::IpAddress::v4(0xc6120000);
  f.source_count = 256;
  f.rate_per_second = 10'000;
  f.seed = 7;
  return f;
}

TEST(SynFlood, SendsAtTheRateFromSpoofedSources) {
  RecordingHost host;
  SynFlood<RecordingHost> flood(host, settings());
  for (uint64_t t = 1; t <= 1'000'000; t += 100) flood.tick(t);  // one second, 100 us ticks
  EXPECT_NEAR(static_cast<double>(host.sent.size()), 10'000, 10);
  for (const auto& s : host.sent) {
    EXPECT_EQ(s.flags, wire::tcp_flag::kSyn);
    EXPECT_EQ(s.key.remote_address, settings().server_address);
    EXPECT_EQ(s.key.remote_port, 80);
    EXPECT_EQ(s.via, settings().port_address);
    uint32_t offset = s.key.local_address.v4_host_order() - 0xc6120000;
    EXPECT_LT(offset, 256u);
    EXPECT_GE(s.key.local_port, 1024);
  }
  EXPECT_EQ(flood.counters().syns_sent, host.sent.size());
}

TEST(SynFlood, CatchesUpAfterAPauseAndStopsAtItsBound) {
  RecordingHost host;
  FloodSettings f = settings();
  f.total_syns = 150;
  SynFlood<RecordingHost> flood(host, f);
  flood.tick(1);
  for (uint64_t t = 5'001; t < 20'000; t += 10) flood.tick(t);  // 5 ms away, then on
  EXPECT_EQ(host.sent.size(), 150u);
  EXPECT_TRUE(flood.done());
}

TEST(SynFlood, CountsAndConsumesOnlyFramesToSpoofedAddresses) {
  RecordingHost host;
  SynFlood<RecordingHost> flood(host, settings());
  wire::ParseResult r;
  r.source_ip = settings().server_address;
  r.destination_ip = wire::IpAddress::v4(0xc6120005);
  r.tcp_flags = wire::tcp_flag::kSyn | wire::tcp_flag::kAck;
  EXPECT_TRUE(flood.on_frame(r));
  r.tcp_flags = wire::tcp_flag::kRst;
  EXPECT_TRUE(flood.on_frame(r));
  r.destination_ip = settings().port_address;  // our real address: the engine's
  EXPECT_FALSE(flood.on_frame(r));
  r.destination_ip = wire::IpAddress::v4(0xc6120100);  // just past the range
  EXPECT_FALSE(flood.on_frame(r));
  EXPECT_EQ(flood.counters().syn_acks_received, 1u);
  EXPECT_EQ(flood.counters().rsts_received, 1u);
}

}  // namespace
}  // namespace tcpterm::loadgen
