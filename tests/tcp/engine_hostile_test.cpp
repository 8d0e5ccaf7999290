// Hostile input: random segments (any flags, sequence numbers near and far
// from the window, random options and payloads) from many peers, against
// applications that read, echo, close and abort at random. The engine must
// never crash (run under ASan/UBSan in CI's sanitizer build), and once time
// passes every TCB, TIME-WAIT record, buffer and timer must be released.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <random>

#include "recording_host.hpp"
#include "table/flow_hash.hpp"

namespace tcpterm::tcp {
namespace {

using testing::RecordingHost;

// A client that mostly follows the protocol (so connections get deep into
// their lifetimes) and sometimes sends anything at all.
struct Peer {
  uint16_t port = 0;
  bool synced = false;  // saw our SYN-ACK
  uint32_t seq = 0;     // next sequence the peer sends
  uint32_t ack = 0;     // next sequence it expects from the engine
  uint32_t ts = 1;
};

class HostileTest : public ::testing::TestWithParam<uint32_t> {};

TEST_P(HostileTest, RandomSegmentsNeverLeak) {
  std::mt19937 rng(GetParam());
  EngineConfig config;
  config.max_connections = 256;
  config.max_time_wait = 128;
  config.max_syn_backlog = 64;
  config.buffer_count = 32;
  config.buffer_size = 4096;
  config.msl_us = 2'000'000;
  config.idle_timeout_us = 20'000'000;  // so established-but-silent connections end too
  config.fin_wait2_timeout_us = 10'000'000;
  config.syn_cookies = GetParam() % 3 == 0 ? SynCookieMode::kAlways : SynCookieMode::kAuto;
  config.secret = {9, 8, 7};
  RecordingHost host;
  uint64_t now = 5'000'000;
  RecordingHost::EngineT engine(config, host, now);
  host.engine = &engine;
  ASSERT_TRUE(engine.listen(wire::IpAddress{}, 80, 1));

  // Applications that do a bit of everything.
  host.data_handler = [&](ConnRef c, std::span<const uint8_t> d) -> size_t {
    switch (rng() % 8) {
      case 0: engine.close(c); return d.size();
      case 1: engine.abort(c); return 0;
      case 2: return d.size() / 2;
      case 3: engine.shutdown_write(c); return d.size();
      default: return engine.send(c, d);
    }
  };
  host.accept_handler = [&](ConnRef c) {
    if (rng() % 10 == 0) engine.close(c);
  };
  host.peer_fin_handler = [&](ConnRef c) {
    if (rng() % 2) engine.close(c);
  };

  std::vector<Peer> peers(64);
  for (uint16_t i = 0; i < peers.size(); ++i) {
    peers[i].port = static_cast<uint16_t>(20000 + i);
    peers[i].seq = static_cast<uint32_t>(rng());
  }
  std::vector<uint8_t> payload(3000);
  for (auto& b : payload) b = static_cast<uint8_t>(rng());
  static constexpr uint8_t kFlagMix[] = {flags::kSyn, flags::kAck, flags::kAck | flags::kPsh,
                                         flags::kAck | flags::kFin, flags::kRst,
                                         flags::kRst | flags::kAck, flags::kSyn | flags::kAck,
                                         flags::kSyn | flags::kFin, flags::kFin, 0};

  for (int step = 0; step < 60000; ++step) {
    Peer& p = peers[rng() % peers.size()];
    Segment s;
    s.key.remote_address = wire::IpAddress::v4(0xc0000201);
    s.key.local_address = wire::IpAddress::v4(0x0a070002);
    s.key.remote_port = p.port;
    s.key.local_port = rng() % 32 == 0 ? 81 : 80;
    s.hash = table::flow_hash(s.key);
    size_t len = 0;
    bool hostile = rng() % 4 == 0;
    if (!p.synced) {
      s.flags = flags::kSyn;
      s.seq = SeqNum(p.seq);
    } else {
      s.flags = flags::kAck;
      len = rng() % 3 == 0 ? rng() % 1400 : 0;
      if (rng() % 12 == 0) s.flags |= flags::kFin;
      s.seq = SeqNum(p.seq);
      s.ack = SeqNum(p.ack);
    }
    if (hostile) {
      s.flags = rng() % 8 == 0 ? static_cast<uint8_t>(rng()) : kFlagMix[rng() % std::size(kFlagMix)];
      int32_t jitter = rng() % 3 == 0 ? static_cast<int32_t>(rng()) : static_cast<int32_t>(rng() % 8000) - 4000;
      s.seq = s.seq + static_cast<uint32_t>(jitter);
      s.ack = s.ack + static_cast<uint32_t>(rng() % 3 == 0 ? rng() : rng() % 6000 - 3000);
      len = rng() % 3 == 0 ? rng() % payload.size() : 0;
    }
    s.window = static_cast<uint16_t>(rng() % 16 == 0 ? 0 : 65535 - rng() % 60000);
    if (rng() % 4 != 0) {
      s.options.has_timestamps = true;
      p.ts += rng() % 5;
      s.options.ts_val = hostile && rng() % 4 == 0 ? static_cast<uint32_t>(rng()) : p.ts;
      s.options.ts_ecr = static_cast<uint32_t>(rng());
    }
    if (s.flags & flags::kSyn) {
      s.options.has_mss = rng() % 4 != 0;
      s.options.mss = static_cast<uint16_t>(hostile ? rng() : 1460);
      s.options.has_window_scale = rng() % 2;
      s.options.window_scale = static_cast<uint8_t>(rng() % (hostile ? 20 : 10));
      s.options.sack_permitted = rng() % 2;
    }
    s.payload = std::span<const uint8_t>(payload.data() + rng() % 100, std::min<size_t>(len, payload.size() - 100));
    engine.input(s, now);
    if (!hostile && p.synced) p.seq += static_cast<uint32_t>(s.payload.size()) + ((s.flags & flags::kFin) ? 1 : 0);
    for (const auto& e : host.take()) {
      for (auto& q : peers) {
        if (q.port != e.key.remote_port) continue;
        if (e.flags & flags::kRst) {
          q.synced = false;
          q.seq = static_cast<uint32_t>(rng());
        } else if ((e.flags & (flags::kSyn | flags::kAck)) == (flags::kSyn | flags::kAck)) {
          q.synced = true;
          q.seq = e.ack.raw();
          q.ack = e.seq.raw() + 1;
        } else {
          uint32_t end = e.seq.raw() + static_cast<uint32_t>(e.payload.size()) + ((e.flags & flags::kFin) ? 1 : 0);
          if (seq_gt(SeqNum(end), SeqNum(q.ack))) q.ack = end;
          if (e.flags & flags::kAck) q.seq = e.ack.raw();  // resend from what the engine holds
        }
      }
    }
    if (rng() % 200 == 0) {  // the peer goes away and later starts over
      p.synced = false;
      p.seq = static_cast<uint32_t>(rng());
    }
    now += rng() % 3000;
    engine.advance(now);
    host.out.clear();

    EngineOccupancy o = engine.occupancy();
    ASSERT_LE(o.connections, config.max_connections);
    ASSERT_LE(o.time_wait, config.max_time_wait);
    ASSERT_LE(o.buffers_in_use, config.buffer_count);
  }
  // Let every timer run out: retries, idle and FIN-WAIT-2 timeouts, 2*MSL.
  for (int i = 0; i < 400; ++i) {
    now += 1'000'000;
    engine.advance(now);
  }
  EngineOccupancy o = engine.occupancy();
  EXPECT_EQ(o.connections, 0u);
  EXPECT_EQ(o.syn_received, 0u);
  EXPECT_EQ(o.time_wait, 0u);
  EXPECT_EQ(o.buffers_in_use, 0u);
  EXPECT_EQ(o.timers_pending, 0u);
  // The mix must reach deep states, or this test proves little.
  const EngineCounters& n = engine.counters();
  EXPECT_GT(n.passive_opens, 50u);
  EXPECT_GT(n.payload_bytes_in, 10'000u);
  EXPECT_GT(n.closed_normal + n.closed_reset + n.closed_aborted + n.closed_timeout, 50u);
  EXPECT_GE(n.time_wait_entered, 5u);  // records entered and left (reopened, reset or expired)
  EXPECT_EQ(n.time_wait_hash_mismatch, 0u);
  if (::testing::Test::HasFailure() || getenv("TCPTERM_VERBOSE") != nullptr) {
    n.for_each([](const char* name, uint64_t v) { std::printf("  %s %lu\n", name, static_cast<unsigned long>(v)); });
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, HostileTest, ::testing::Values(1u, 2u, 3u, 4u, 5u, 6u));

}  // namespace
}  // namespace tcpterm::tcp
