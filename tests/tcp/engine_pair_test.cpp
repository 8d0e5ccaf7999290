// Two engines back to back over a simulated link that delays, drops,
// duplicates and reorders segments. The client (active open) streams bytes
// to an echo server (passive open); the echoed stream must come back
// byte-exact and both sides must close cleanly and release everything.
// Exercises handshake, flow control, NewReno, RTO, out-of-order queueing,
// the four-way close and TIME-WAIT in one pass.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "simulated_link.hpp"
#include "tcp/engine.hpp"

namespace tcpterm::tcp {
namespace {

using testing::LinkConfig;
using Link = testing::SimulatedLink;

struct PairHost {
  Link* link = nullptr;
  int side = 0;
  Engine<PairHost>* engine = nullptr;
  // Client: what to send and what came back. Server: echo.
  std::vector<uint8_t> to_send;
  size_t sent = 0;
  std::vector<uint8_t> received;
  std::vector<CloseReason> closes;
  ConnRef conn = kNoConn;

  void emit(const OutSegment& s);
  void on_accept(ConnRef c, uint16_t) { conn = c; }
  void on_connected(ConnRef c, uint16_t) {
    conn = c;
    pump();
  }
  size_t on_data(ConnRef c, std::span<const uint8_t> data) {
    if (side == 1) return engine->send(c, data);  // echo what fits; the rest waits
    received.insert(received.end(), data.begin(), data.end());
    return data.size();
  }
  void on_send_space(ConnRef) {
    if (side == 0) pump();
  }
  void on_peer_fin(ConnRef c) {
    if (side == 1) engine->close(c);  // echo server: close when the client is done
  }
  void on_closed(ConnRef, CloseReason r) { closes.push_back(r); }

  void pump() {
    while (sent < to_send.size()) {
      size_t n = engine->send(conn, std::span(to_send).subspan(sent, std::min<size_t>(to_send.size() - sent, 8192)));
      if (n == 0) return;
      sent += n;
    }
    engine->shutdown_write(conn);
  }
};

void PairHost::emit(const OutSegment& s) { link->carry(side, s); }

struct Outcome {
  bool identical = false;
  size_t received = 0;
  uint64_t retransmits = 0;
  uint64_t oversized = 0;  // segments whose payload and options exceeded the MSS
  std::vector<CloseReason> client_closes, server_closes;
  EngineOccupancy client, server;
};

Outcome run_transfer(LinkConfig link_config, size_t bytes, uint64_t max_ms) {
  link_config.max_segment = 1460;  // both ends' MSS: an MTU of 1500
  Link link(link_config);
  EngineConfig config;
  config.max_connections = 16;
  config.max_time_wait = 16;
  config.buffer_count = 16;
  config.buffer_size = 65536;
  config.msl_us = 1'000'000;
  config.secret = {4, 2};
  PairHost client_host, server_host;
  client_host.link = server_host.link = &link;
  client_host.side = 0;
  server_host.side = 1;
  Engine<PairHost> client(config, client_host, link.now_us);
  Engine<PairHost> server(config, server_host, link.now_us);
  client_host.engine = &client;
  server_host.engine = &server;
  EXPECT_TRUE(server.listen(wire::IpAddress{}, 7, 1));

  std::mt19937 rng(7);
  client_host.to_send.resize(bytes);
  for (auto& b : client_host.to_send) b = static_cast<uint8_t>(rng());
  table::FlowKey key;
  key.local_address = wire::IpAddress::v4(0x0a000001);
  key.remote_address = wire::IpAddress::v4(0x0a000002);
  key.local_port = 40000;
  key.remote_port = 7;
  EXPECT_NE(client.connect(key, 1, link.now_us), kNoConn);

  for (uint64_t ms = 0; ms < max_ms; ++ms) {
    link.now_us += 1000;
    link.deliver_due([&](int to, const Segment& seg) { (to == 0 ? client : server).input(seg, link.now_us); });
    client.advance(link.now_us);
    server.advance(link.now_us);
    if (!client_host.closes.empty() && !server_host.closes.empty() &&
        client.occupancy().time_wait == 0 && link.idle()) {
      break;
    }
  }
  Outcome o;
  o.received = client_host.received.size();
  o.identical = client_host.received == client_host.to_send;
  o.retransmits = client.counters().retransmits + server.counters().retransmits;
  o.oversized = link.oversized;
  o.client_closes = client_host.closes;
  o.server_closes = server_host.closes;
  o.client = client.occupancy();
  o.server = server.occupancy();
  return o;
}

void expect_clean(const Outcome& o, size_t bytes) {
  EXPECT_EQ(o.received, bytes);
  EXPECT_TRUE(o.identical);
  EXPECT_EQ(o.oversized, 0u);
  ASSERT_EQ(o.client_closes.size(), 1u);
  ASSERT_EQ(o.server_closes.size(), 1u);
  EXPECT_EQ(o.client_closes[0], CloseReason::kNormal);
  EXPECT_EQ(o.server_closes[0], CloseReason::kNormal);
  for (const EngineOccupancy& e : {o.client, o.server}) {
    EXPECT_EQ(e.connections, 0u);
    EXPECT_EQ(e.time_wait, 0u);
    EXPECT_EQ(e.buffers_in_use, 0u);
    EXPECT_EQ(e.timers_pending, 0u);
  }
}

TEST(EnginePair, CleanLinkEchoesOneMebibyte) {
  Outcome o = run_transfer({}, 1 << 20, 60'000);
  expect_clean(o, 1 << 20);
  EXPECT_EQ(o.retransmits, 0u);
}

class LossyLink : public ::testing::TestWithParam<uint32_t> {};

TEST_P(LossyLink, ReorderingDuplicatingLinkStillDeliversExactBytes) {
  LinkConfig link;
  link.loss = 0.03;
  link.duplicate = 0.02;
  link.delay_us = 2000;
  link.jitter_us = 3000;
  link.seed = GetParam();
  Outcome o = run_transfer(link, 1 << 20, 600'000);
  expect_clean(o, 1 << 20);
  EXPECT_GT(o.retransmits, 0u);
}

INSTANTIATE_TEST_SUITE_P(Seeds, LossyLink, ::testing::Range(1u, 21u));

TEST(EnginePair, HeavyLossRecoversThroughTimeouts) {
  LinkConfig link;
  link.loss = 0.15;
  Outcome o = run_transfer(link, 200'000, 1'200'000);
  expect_clean(o, 200'000);
}

}  // namespace
}  // namespace tcpterm::tcp
