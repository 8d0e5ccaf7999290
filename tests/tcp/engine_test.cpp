// Engine unit tests: segments in, exact segments out (STYLE 2). The
// packetdrill suite (tests/packetdrill) covers the state-by-event matrix;
// these pin the core paths and the resource accounting.
#include <gtest/gtest.h>

#include <string>

#include "recording_host.hpp"
#include "table/flow_hash.hpp"

namespace tcpterm::tcp {
namespace {

using testing::Emitted;
using testing::RecordingHost;

constexpr uint64_t kStart = 1'000'000'000;  // engine clocks need not start at 0

class EngineTest : public ::testing::Test {
 protected:
  EngineTest() { make_engine(EngineConfig{}); }

  void make_engine(EngineConfig config, uint64_t start_us = kStart) {
    config.max_connections = config.max_connections == 65536 ? 1024 : config.max_connections;
    config.max_time_wait = config.max_time_wait == 65536 ? 1024 : config.max_time_wait;
    config.buffer_count = 64;
    config.buffer_size = 16384;
    config.secret = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    host = RecordingHost{};
    engine = std::make_unique<RecordingHost::EngineT>(config, host, start_us);
    host.engine = engine.get();
    now = start_us;
    ASSERT_TRUE(engine->listen(wire::IpAddress{}, 80, 1));
  }

  table::FlowKey key(uint16_t remote_port = 40000) const {
    table::FlowKey k;
    k.remote_address = wire::IpAddress::v4(0xc0000201);  // 192.0.2.1
    k.local_address = wire::IpAddress::v4(0x0a070002);   // 10.7.0.2
    k.remote_port = remote_port;
    k.local_port = 80;
    return k;
  }

  Segment seg(uint8_t f, uint32_t seq, uint32_t ack = 0, std::string_view payload = {},
              uint16_t remote_port = 40000) {
    Segment s;
    s.key = key(remote_port);
    s.hash = table::flow_hash(s.key);
    s.seq = SeqNum(seq);
    s.ack = SeqNum(ack);
    s.flags = f;
    s.window = 65535;
    s.payload = {reinterpret_cast<const uint8_t*>(payload.data()), payload.size()};
    return s;
  }

  void in(const Segment& s) { engine->input(s, now); }
  void advance_ms(uint64_t ms) {
    for (uint64_t i = 0; i < ms; ++i) {
      now += 1000;
      engine->advance(now);
    }
  }

  /// Completes a handshake from peer ISN 1000; returns our ISN.
  uint32_t handshake(uint16_t remote_port = 40000) {
    Segment syn = seg(flags::kSyn, 1000, 0, {}, remote_port);
    syn.options.has_mss = true;
    syn.options.mss = 1460;
    in(syn);
    auto out = host.take();
    EXPECT_EQ(out.size(), 1u);
    uint32_t iss = out.at(0).seq.raw();
    in(seg(flags::kAck, 1001, iss + 1, {}, remote_port));
    return iss;
  }

  RecordingHost host;
  std::unique_ptr<RecordingHost::EngineT> engine;
  uint64_t now = kStart;
};

TEST_F(EngineTest, SynIsAnsweredWithSynAckAckingIsnPlusOneAndOptions) {
  Segment syn = seg(flags::kSyn, 1000);
  syn.options.has_mss = true;
  syn.options.mss = 1400;
  syn.options.sack_permitted = true;
  syn.options.has_window_scale = true;
  syn.options.window_scale = 7;
  syn.options.has_timestamps = true;
  syn.options.ts_val = 5555;
  in(syn);
  auto out = host.take();
  ASSERT_EQ(out.size(), 1u);
  const Emitted& sa = out[0];
  EXPECT_EQ(sa.flags, flags::kSyn | flags::kAck);
  EXPECT_EQ(sa.ack.raw(), 1001u);  // RFC 9293 3.5: ack = ISN + 1
  EXPECT_TRUE(sa.options.has_mss);
  EXPECT_EQ(sa.options.mss, 1460);
  EXPECT_TRUE(sa.options.sack_permitted);
  EXPECT_TRUE(sa.options.has_window_scale);
  EXPECT_EQ(sa.options.window_scale, 7);
  EXPECT_TRUE(sa.options.has_timestamps);
  EXPECT_EQ(sa.options.ts_ecr, 5555u);
  EXPECT_EQ(sa.window, 16384);  // unscaled in a SYN (RFC 7323 2.2)
  EXPECT_EQ(engine->occupancy().syn_received, 1u);
  EXPECT_TRUE(host.accepted.empty());
}

TEST_F(EngineTest, ThirdAckEstablishesAndAccepts) {
  handshake();
  ASSERT_EQ(host.accepted.size(), 1u);
  EXPECT_EQ(engine->state(host.accepted[0]), TcpState::kEstablished);
  EXPECT_EQ(engine->occupancy().syn_received, 0u);
  EXPECT_TRUE(host.take().empty());  // nothing to say to a bare ACK
}

TEST_F(EngineTest, SegmentToClosedPortIsReset) {
  Segment s = seg(flags::kSyn, 77);
  s.key.local_port = 81;
  s.hash = table::flow_hash(s.key);
  in(s);
  auto out = host.take();
  ASSERT_EQ(out.size(), 1u);
  // RFC 9293 3.10.7.1: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>
  EXPECT_EQ(out[0].flags, flags::kRst | flags::kAck);
  EXPECT_EQ(out[0].seq.raw(), 0u);
  EXPECT_EQ(out[0].ack.raw(), 78u);
  Segment ack = seg(flags::kAck, 77, 12345);
  ack.key.local_port = 81;
  ack.hash = table::flow_hash(ack.key);
  in(ack);
  out = host.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].flags, flags::kRst);  // <SEQ=SEG.ACK><CTL=RST>
  EXPECT_EQ(out[0].seq.raw(), 12345u);
}

TEST_F(EngineTest, ResponseAndFinShareOneSegmentThenTimeWaitExpires) {
  host.data_handler = [&](ConnRef c, std::span<const uint8_t> d) {
    std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    engine->send(c, {reinterpret_cast<const uint8_t*>(reply.data()), reply.size()});
    engine->close(c);
    return d.size();
  };
  uint32_t iss = handshake();
  in(seg(flags::kAck | flags::kPsh, 1001, iss + 1, "GET / HTTP/1.1\r\n\r\n"));
  auto out = host.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].flags, flags::kAck | flags::kPsh | flags::kFin);
  EXPECT_EQ(out[0].seq.raw(), iss + 1);
  EXPECT_EQ(out[0].ack.raw(), 1001u + 18);
  uint32_t reply_len = static_cast<uint32_t>(out[0].payload.size());
  ConnRef c = host.accepted.at(0);
  EXPECT_EQ(engine->state(c), TcpState::kFinWait1);
  // Peer acknowledges our FIN: FIN-WAIT-2.
  in(seg(flags::kAck, 1019, iss + 2 + reply_len));
  EXPECT_EQ(engine->state(c), TcpState::kFinWait2);
  // Peer's FIN: we ACK it and enter TIME-WAIT (we closed first).
  in(seg(flags::kAck | flags::kFin, 1019, iss + 2 + reply_len));
  out = host.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].flags, flags::kAck);
  EXPECT_EQ(out[0].ack.raw(), 1020u);
  ASSERT_EQ(host.closed.size(), 1u);
  EXPECT_EQ(host.closed[0].second, CloseReason::kNormal);
  EXPECT_EQ(engine->occupancy().connections, 0u);
  EXPECT_EQ(engine->occupancy().time_wait, 1u);
  EXPECT_EQ(engine->occupancy().buffers_in_use, 0u);
  // A retransmitted FIN in TIME-WAIT is acknowledged again.
  in(seg(flags::kAck | flags::kFin, 1019, iss + 2 + reply_len));
  out = host.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ack.raw(), 1020u);
  // 2*MSL (60 s by default) later the record is gone.
  advance_ms(59'000);
  EXPECT_EQ(engine->occupancy().time_wait, 1u);
  advance_ms(2'000);
  EXPECT_EQ(engine->occupancy().time_wait, 0u);
  EXPECT_EQ(engine->counters().time_wait_expired, 1u);
  EXPECT_EQ(engine->occupancy().timers_pending, 0u);
}

// TIME-WAIT lasts 2*MSL from the last FIN, never less (RFC 9293 3.6.1,
// 3.10.7.4): a retransmitted FIN restarts it, and records leave in expiry
// order even when a restart moves one behind a younger one.
TEST_F(EngineTest, TimeWaitLastsTwoMslFromTheLastFinInExpiryOrder) {
  host.data_handler = [&](ConnRef c, std::span<const uint8_t> d) {
    engine->close(c);  // we close first: TIME-WAIT is ours
    return d.size();
  };
  constexpr uint64_t kTwoMslUs = 60'000'000;
  auto enter_time_wait = [&](uint16_t port) {
    uint32_t iss = handshake(port);
    in(seg(flags::kAck | flags::kPsh, 1001, iss + 1, "bye", port));
    in(seg(flags::kAck | flags::kFin, 1004, iss + 2, {}, port));
    host.take();
    return iss;
  };
  auto at = [&](uint64_t t) {
    now = t;
    engine->advance(now);
  };
  const uint64_t t0 = now + 123;  // not on a millisecond: expiry rounds up, never down
  at(t0);
  uint32_t iss_a = enter_time_wait(40000);
  at(t0 + 1'000'000);
  enter_time_wait(40001);
  ASSERT_EQ(engine->occupancy().time_wait, 2u);
  at(t0 + 2'000'000);
  in(seg(flags::kAck | flags::kFin, 1004, iss_a + 2, {}, 40000));  // A's FIN again
  ASSERT_EQ(host.take().size(), 1u);                               // acknowledged

  at(t0 + kTwoMslUs + 500'000);  // A's first 2*MSL has passed: restarted, it stays
  EXPECT_EQ(engine->occupancy().time_wait, 2u);
  at(t0 + 1'000'000 + kTwoMslUs - 1);
  EXPECT_EQ(engine->occupancy().time_wait, 2u);
  at(t0 + 1'000'000 + kTwoMslUs + 1'000);  // B goes first
  EXPECT_EQ(engine->occupancy().time_wait, 1u);
  EXPECT_EQ(engine->counters().time_wait_expired, 1u);
  in(seg(flags::kAck, 900, iss_a + 2, {}, 40000));  // A is still there: an old segment
  EXPECT_EQ(host.take().size(), 1u);                // is answered with an ACK
  at(t0 + 2'000'000 + kTwoMslUs - 1);
  EXPECT_EQ(engine->occupancy().time_wait, 1u);
  at(t0 + 2'000'000 + kTwoMslUs + 1'000);
  EXPECT_EQ(engine->occupancy().time_wait, 0u);
  EXPECT_EQ(engine->counters().time_wait_expired, 2u);
  EXPECT_EQ(engine->counters().time_wait_hash_mismatch, 0u);
  // Both table entries went with their records: the tuples are free.
  in(seg(flags::kAck, 1004, iss_a + 2, {}, 40000));
  auto out = host.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].flags, flags::kRst);
}

// The record keeps no flow hash: expiry looks its entry up under
// flow_hash(key). Segments hashed otherwise (a NIC whose RSS hash was wrongly
// taken for ours) leave the entry unfound, and that is counted.
TEST_F(EngineTest, TimeWaitExpiryUnderAForeignHashIsCounted) {
  host.data_handler = [&](ConnRef c, std::span<const uint8_t> d) {
    engine->close(c);
    return d.size();
  };
  auto foreign = [&](Segment s) {
    s.hash ^= 0x5a5a5a5a;
    return s;
  };
  Segment syn = foreign(seg(flags::kSyn, 1000));
  syn.options.has_mss = true;
  syn.options.mss = 1460;
  in(syn);
  uint32_t iss = host.take().at(0).seq.raw();
  in(foreign(seg(flags::kAck, 1001, iss + 1)));
  in(foreign(seg(flags::kAck | flags::kPsh, 1001, iss + 1, "bye")));
  in(foreign(seg(flags::kAck | flags::kFin, 1004, iss + 2)));
  ASSERT_EQ(engine->occupancy().time_wait, 1u);
  advance_ms(61'000);
  EXPECT_EQ(engine->occupancy().time_wait, 0u);
  EXPECT_EQ(engine->counters().time_wait_expired, 1u);
  EXPECT_EQ(engine->counters().time_wait_hash_mismatch, 1u);
}

// A new SYN above the TIME-WAIT record's RCV.NXT reopens the tuple (RFC 1122
// 4.2.2.13): the new TCB takes the record's table entry in place, and the
// record has left the expiry queue. With SYN cookies the SYN is answered
// without a TCB: the record must still go, or the cookie's ACK would meet it.
TEST_F(EngineTest, SynReopeningTimeWaitTakesItsPlaceWithOrWithoutCookies) {
  for (const SynCookieMode mode : {SynCookieMode::kOff, SynCookieMode::kAlways}) {
    SCOPED_TRACE(mode == SynCookieMode::kOff ? "no cookies" : "cookies");
    EngineConfig config;
    config.syn_cookies = mode;
    make_engine(config);
    host.data_handler = [&](ConnRef c, std::span<const uint8_t> d) {
      engine->close(c);  // we close first: TIME-WAIT is ours
      return d.size();
    };
    uint32_t iss = handshake();
    in(seg(flags::kAck | flags::kPsh, 1001, iss + 1, "bye"));  // our FIN|ACK answers it
    in(seg(flags::kAck | flags::kFin, 1004, iss + 2));         // its ACK and the peer's FIN
    ASSERT_EQ(engine->occupancy().time_wait, 1u);
    ASSERT_EQ(engine->occupancy().timers_pending, 0u);  // records expire from their own queue
    host.take();

    Segment syn = seg(flags::kSyn, 90000);
    syn.options.has_mss = true;
    syn.options.mss = 1460;
    in(syn);
    auto out = host.take();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].flags, flags::kSyn | flags::kAck);
    EXPECT_EQ(out[0].ack.raw(), 90001u);
    EXPECT_EQ(engine->counters().time_wait_reused, 1u);
    EXPECT_EQ(engine->occupancy().time_wait, 0u);
    EXPECT_EQ(engine->occupancy().connections, mode == SynCookieMode::kOff ? 1u : 0u);
    EXPECT_EQ(engine->occupancy().timers_pending, mode == SynCookieMode::kOff ? 1u : 0u);

    in(seg(flags::kAck, 90001, out[0].seq.raw() + 1));  // the third ACK opens the new incarnation
    ASSERT_EQ(host.accepted.size(), 2u);
    EXPECT_EQ(engine->state(host.accepted[1]), TcpState::kEstablished);
    EXPECT_TRUE(host.take().empty());
    // The old record's 2*MSL passes without touching the new connection.
    advance_ms(61'000);
    EXPECT_EQ(engine->counters().time_wait_expired, 0u);
    EXPECT_EQ(engine->state(host.accepted[1]), TcpState::kEstablished);
  }
}

TEST_F(EngineTest, PassiveCloseGoesThroughCloseWaitAndLastAck) {
  uint32_t iss = handshake();
  ConnRef c = host.accepted.at(0);
  in(seg(flags::kAck | flags::kFin, 1001, iss + 1));
  auto out = host.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].flags, flags::kAck);
  EXPECT_EQ(out[0].ack.raw(), 1002u);
  EXPECT_EQ(engine->state(c), TcpState::kCloseWait);
  ASSERT_EQ(host.peer_fins.size(), 1u);
  engine->close(c);
  out = host.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].flags, flags::kAck | flags::kFin);
  EXPECT_EQ(engine->state(c), TcpState::kLastAck);
  in(seg(flags::kAck, 1002, iss + 2));
  ASSERT_EQ(host.closed.size(), 1u);
  EXPECT_EQ(host.closed[0].second, CloseReason::kNormal);
  EXPECT_EQ(engine->occupancy().time_wait, 0u);  // the passive closer keeps no TIME-WAIT
}

TEST_F(EngineTest, EchoDeliversInOrderAndBuffersOutOfOrder) {
  uint32_t iss = handshake();
  in(seg(flags::kAck, 1006, iss + 1, "world"));  // a hole at 1001..1005
  auto out = host.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ack.raw(), 1001u);  // immediate duplicate ACK (RFC 5681 4.2)
  EXPECT_TRUE(host.received.empty());
  in(seg(flags::kAck, 1001, iss + 1, "hello"));
  EXPECT_EQ(host.received, "helloworld");
  out = host.take();
  ASSERT_EQ(out.size(), 1u);  // hole filled: ACK at once
  EXPECT_EQ(out[0].ack.raw(), 1011u);
  EXPECT_EQ(engine->occupancy().buffers_in_use, 0u);
}

TEST_F(EngineTest, CloseInsideOnDataOfBufferedBytesIsAGracefulClose) {
  uint32_t iss = handshake();
  in(seg(flags::kAck, 1006, iss + 1, "world"));  // buffered out of order
  host.data_handler = [&](ConnRef c, std::span<const uint8_t> d) {
    engine->close(c);  // read everything, then close: no reset
    return d.size();
  };
  host.take();
  in(seg(flags::kAck, 1001, iss + 1, "hello"));
  auto out = host.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].flags, flags::kAck | flags::kFin);
  EXPECT_EQ(out[0].ack.raw(), 1011u);
  EXPECT_EQ(engine->counters().rst_out, 0u);
}

TEST_F(EngineTest, CloseWithUnreadBytesResets) {
  uint32_t iss = handshake();
  host.data_handler = [&](ConnRef c, std::span<const uint8_t>) {
    engine->close(c);  // reads nothing
    return size_t{0};
  };
  in(seg(flags::kAck, 1001, iss + 1, "hello"));
  auto out = host.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].flags, flags::kRst | flags::kAck);  // RFC 2525 2.17
  EXPECT_EQ(host.closed.at(0).second, CloseReason::kAborted);
}

TEST_F(EngineTest, SynAckIsRetransmittedWithBackoffThenGivenUp) {
  in(seg(flags::kSyn, 1000));
  ASSERT_EQ(host.take().size(), 1u);
  std::vector<uint64_t> at;
  for (int ms = 0; ms < 200'000; ++ms) {
    advance_ms(1);
    for (auto& e : host.take()) {
      EXPECT_EQ(e.flags, flags::kSyn | flags::kAck);
      at.push_back(now - kStart);
    }
  }
  // RFC 6298 5.5: 1 s, then doubling: 1, 3, 7, 15, 31 s after the first.
  ASSERT_EQ(at.size(), 5u);
  EXPECT_EQ(at[0], 1'000'000u);
  EXPECT_EQ(at[1], 3'000'000u);
  EXPECT_EQ(at[4], 31'000'000u);
  EXPECT_EQ(engine->occupancy().connections, 0u);
  EXPECT_EQ(engine->counters().syn_received_timeouts, 1u);
}

TEST_F(EngineTest, TimersKeepTheirScheduleAcrossThe32BitTickWrap) {
  // Tcb deadlines are 32-bit ticks (1 ms here): start 2 s before tick 2^32 so
  // the SYN-ACK backoff (1, 3, 7, 15, 31 s) and TIME-WAIT straddle the wrap.
  const uint64_t start = ((uint64_t{1} << 32) - 2000) * 1000;
  make_engine(EngineConfig{}, start);
  in(seg(flags::kSyn, 1000));
  ASSERT_EQ(host.take().size(), 1u);
  std::vector<uint64_t> at;
  for (int ms = 0; ms < 70'000; ++ms) {  // given up at 63 s
    advance_ms(1);
    for (auto& e : host.take()) {
      EXPECT_EQ(e.flags, flags::kSyn | flags::kAck);
      at.push_back(now - start);
    }
  }
  EXPECT_EQ(at, (std::vector<uint64_t>{1'000'000, 3'000'000, 7'000'000, 15'000'000, 31'000'000}));
  EXPECT_EQ(engine->occupancy().connections, 0u);
  EXPECT_EQ(engine->occupancy().timers_pending, 0u);
}

TEST_F(EngineTest, RstInWindowButNotExactGetsChallengeAck) {
  uint32_t iss = handshake();
  in(seg(flags::kRst, 1005));
  auto out = host.take();
  ASSERT_EQ(out.size(), 1u);  // RFC 5961 3.2
  EXPECT_EQ(out[0].flags, flags::kAck);
  EXPECT_EQ(out[0].seq.raw(), iss + 1);
  EXPECT_EQ(engine->counters().challenge_acks, 1u);
  in(seg(flags::kRst, 1001));
  EXPECT_EQ(host.closed.at(0).second, CloseReason::kReset);
}

TEST_F(EngineTest, SynCookieRoundTripCreatesConnectionWithoutState) {
  EngineConfig config;
  config.syn_cookies = SynCookieMode::kAlways;
  make_engine(config);
  Segment syn = seg(flags::kSyn, 1000);
  syn.options.has_mss = true;
  syn.options.mss = 1460;
  syn.options.has_timestamps = true;
  syn.options.ts_val = 100;
  syn.options.has_window_scale = true;
  syn.options.window_scale = 9;
  syn.options.sack_permitted = true;
  in(syn);
  auto out = host.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(engine->occupancy().connections, 0u);
  EXPECT_EQ(engine->counters().syn_cookies_sent, 1u);
  Segment ack = seg(flags::kAck | flags::kPsh, 1001, out[0].seq.raw() + 1, "GET");  // data on the third ACK
  ack.options.has_timestamps = true;
  ack.options.ts_val = 101;
  ack.options.ts_ecr = out[0].options.ts_val;
  in(ack);
  ASSERT_EQ(host.accepted.size(), 1u);
  const Tcb& tcb = engine->tcb(host.accepted[0]);
  EXPECT_EQ(tcb.snd_mss, 1460);
  EXPECT_EQ(tcb.snd_wscale, 9);
  EXPECT_TRUE(tcb.has(tcb_flags::kSackOk));
  EXPECT_EQ(engine->counters().syn_cookies_valid, 1u);
  EXPECT_EQ(host.received, "GET");
  // A forged cookie is refused with a reset.
  Segment forged = seg(flags::kAck, 5001, 0xdeadbeef, {}, 40001);
  in(forged);
  out = host.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].flags, flags::kRst);
  EXPECT_EQ(engine->counters().syn_cookies_invalid, 1u);
}

TEST_F(EngineTest, ActiveOpenReachesEstablished) {
  table::FlowKey k = key(50000);
  k.local_port = 12345;
  ConnRef c = engine->connect(k, 3, now);
  ASSERT_NE(c, kNoConn);
  auto out = host.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].flags, flags::kSyn);
  uint32_t iss = out[0].seq.raw();
  Segment synack = seg(flags::kSyn | flags::kAck, 7000, iss + 1, {}, 50000);
  synack.key = k;
  synack.hash = table::flow_hash(k);
  synack.options.has_mss = true;
  synack.options.mss = 1000;
  in(synack);
  out = host.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].flags, flags::kAck);
  EXPECT_EQ(out[0].ack.raw(), 7001u);
  EXPECT_EQ(engine->state(c), TcpState::kEstablished);
  EXPECT_EQ(host.connected.size(), 1u);
}

TEST_F(EngineTest, ChurnOfManyConnectionsReturnsToBaseline) {
  EngineConfig config;
  config.msl_us = 1000;  // TIME-WAIT lasts 2 ms here
  make_engine(config);
  host.data_handler = [&](ConnRef c, std::span<const uint8_t> d) {
    static const uint8_t reply[] = {'o', 'k'};
    engine->send(c, reply);
    engine->close(c);
    return d.size();
  };
  const int kConnections = 1'000'000;
  for (int i = 0; i < kConnections; ++i) {
    uint16_t port = static_cast<uint16_t>(1024 + (i % 60000));
    uint32_t peer = 1000u + static_cast<uint32_t>(i) * 7919u;
    Segment syn = seg(flags::kSyn, peer, 0, {}, port);
    in(syn);
    auto out = host.take();
    ASSERT_EQ(out.size(), 1u) << i << " connections=" << engine->occupancy().connections
                              << " time_wait=" << engine->occupancy().time_wait;
    uint32_t iss = out[0].seq.raw();
    in(seg(flags::kAck, peer + 1, iss + 1, "x", port));
    out = host.take();
    ASSERT_EQ(out.size(), 1u) << i;
    in(seg(flags::kAck | flags::kFin, peer + 2, iss + 2 + 2, {}, port));
    host.out.clear();
    host.accepted.clear();
    host.closed.clear();
    if (i % 1000 == 999) advance_ms(3);
  }
  advance_ms(5);
  EngineOccupancy o = engine->occupancy();
  EXPECT_EQ(o.connections, 0u);
  EXPECT_EQ(o.time_wait, 0u);
  EXPECT_EQ(o.buffers_in_use, 0u);
  EXPECT_EQ(o.timers_pending, 0u);
  EXPECT_EQ(o.syn_received, 0u);
  EXPECT_EQ(engine->counters().closed_normal, static_cast<uint64_t>(kConnections));
}

}  // namespace
}  // namespace tcpterm::tcp
