// FastHttpLoad (--fast) segment by segment: frames from the server go in as
// wire::ParseResult, and the exact segments it emits (flags, seq, ack,
// payload) are checked against the exchange in fast_http_load.hpp; then the
// error paths, the timeout, tuple reuse, and a run against tcpterm's own
// engine as the server, whose TIME-WAIT must accept every reused tuple.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../tcp/simulated_link.hpp"
#include "loadgen/fast_http_load.hpp"
#include "tcp/engine.hpp"

namespace tcpterm::loadgen {
namespace {

namespace flag = wire::tcp_flag;

const wire::IpAddress kServer = wire::IpAddress::v4(0xc0a83202);
const wire::IpAddress kClient = wire::IpAddress::v4(0xc0a83201);
constexpr uint32_t kIsnBase = 5000;
const std::string kResponse =
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nhello\n";

struct Sent {
  table::FlowKey key;
  uint32_t seq = 0;
  uint32_t ack = 0;
  uint8_t flags = 0;
  std::string payload;
  bool has_mss = false;
  uint16_t mss = 0;
  bool other_options = false;
  wire::IpAddress via;
};

struct RecordingHost {
  std::vector<Sent> sent;
  void emit_via(const wire::IpAddress& via, const tcp::OutSegment& s) {
    Sent out;
    out.key = *s.key;
    out.seq = s.seq.raw();
    out.ack = s.ack.raw();
    out.flags = s.flags;
    for (auto part : s.payload) out.payload.append(part.begin(), part.end());
    out.has_mss = s.options.has_mss;
    out.mss = s.options.mss;
    out.other_options =
        s.options.has_window_scale || s.options.sack_permitted || s.options.has_timestamps;
    out.via = via;
    sent.push_back(out);
  }
  /// The segments emitted since the last call.
  std::vector<Sent> take() { return std::exchange(sent, {}); }
};

FastLoadSettings settings(uint16_t first_port = 1024, uint16_t last_port = 1031,
                          uint32_t concurrency = 1, uint64_t total = 0) {
  FastLoadSettings f;
  f.load.server_address = kServer;
  f.load.server_port = 80;
  f.load.first_source = kClient;
  f.load.source_count = 1;
  f.load.first_port = first_port;
  f.load.last_port = last_port;
  f.load.max_concurrency = concurrency;
  f.load.total_connections = total;
  f.isn_base = kIsnBase;
  return f;
}

/// A segment from the server to our `port`; `payload` must outlive its use.
wire::ParseResult from_server(uint16_t port, uint32_t seq, uint32_t ack, uint8_t flags,
                              std::string_view payload = {}) {
  wire::ParseResult r;
  r.kind = wire::PacketKind::kTcp;
  r.source_ip = kServer;
  r.destination_ip = kClient;
  r.source_port = 80;
  r.destination_port = port;
  r.sequence_number = seq;
  r.acknowledgment_number = ack;
  r.tcp_flags = flags;
  r.window = 65535;
  r.payload = std::span(reinterpret_cast<const uint8_t*>(payload.data()), payload.size());
  return r;
}

class FastHttpLoadTest : public ::testing::Test {
 protected:
  static constexpr uint32_t kServerIsn = 900'000;
  RecordingHost host;
  FastLoadSettings config = settings();
  uint32_t request_length = static_cast<uint32_t>(config.load.request.size());

  /// The one segment emitted since the last check, with these flags and seq
  /// (and ack, unless kAnyAck); an empty Sent when there was not exactly one.
  static constexpr uint64_t kAnyAck = UINT64_MAX;
  Sent expect_one(uint8_t flags, uint32_t seq, uint64_t ack = kAnyAck) {
    std::vector<Sent> out = host.take();
    EXPECT_EQ(out.size(), 1u);
    if (out.size() != 1) return {};
    EXPECT_EQ(out[0].flags, flags);
    EXPECT_EQ(out[0].seq, seq);
    if (ack != kAnyAck) {
      EXPECT_EQ(out[0].ack, ack);
    }
    return out[0];
  }

  /// Opens one connection at `now` and checks its SYN; returns its ISN.
  uint32_t open(FastHttpLoad<RecordingHost>& load, uint64_t now, uint16_t port = 1024) {
    load.set_now(now);
    load.tick(now);
    std::vector<Sent> out = host.take();
    EXPECT_EQ(out.size(), 1u);
    if (out.empty()) return 0;
    EXPECT_EQ(out[0].flags, flag::kSyn);
    EXPECT_EQ(out[0].key.local_port, port);
    return out[0].seq;
  }
  /// Opens and completes the handshake; returns the ISN.
  uint32_t establish(FastHttpLoad<RecordingHost>& load, uint64_t now, uint16_t port = 1024) {
    uint32_t isn = open(load, now, port);
    EXPECT_TRUE(load.on_frame(from_server(port, kServerIsn, isn + 1, flag::kSyn | flag::kAck)));
    std::vector<Sent> out = host.take();
    EXPECT_EQ(out.size(), 1u);
    return isn;
  }
};

// RFC 9293 3.5 three-way handshake, the request, the server's FIN with the
// response, our FIN (LAST-ACK) and its ACK: the exact segments.
TEST_F(FastHttpLoadTest, WholeExchangeWithFinInTheResponse) {
  FastHttpLoad<RecordingHost> load(host, config);
  load.set_now(1000);
  load.tick(1000);
  std::vector<Sent> out = host.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].flags, flag::kSyn);
  EXPECT_EQ(out[0].seq, kIsnBase);  // the first tick's ISN is the base
  EXPECT_TRUE(out[0].has_mss);
  EXPECT_EQ(out[0].mss, 1460);
  EXPECT_FALSE(out[0].other_options);
  EXPECT_TRUE(out[0].payload.empty());
  EXPECT_EQ(out[0].key.local_address, kClient);
  EXPECT_EQ(out[0].key.local_port, 1024);
  EXPECT_EQ(out[0].key.remote_address, kServer);
  EXPECT_EQ(out[0].key.remote_port, 80);
  EXPECT_EQ(out[0].via, kClient);
  EXPECT_EQ(load.active(), 1u);
  uint32_t isn = out[0].seq;

  load.set_now(1010);
  ASSERT_TRUE(load.on_frame(from_server(1024, kServerIsn, isn + 1, flag::kSyn | flag::kAck)));
  EXPECT_EQ(expect_one(flag::kAck | flag::kPsh, isn + 1, kServerIsn + 1).payload,
            config.load.request);

  load.set_now(1025);
  ASSERT_TRUE(load.on_frame(from_server(1024, kServerIsn + 1, isn + 1 + request_length,
                                        flag::kAck | flag::kPsh | flag::kFin, kResponse)));
  expect_one(flag::kFin | flag::kAck, isn + 1 + request_length,
             kServerIsn + 1 + kResponse.size() + 1);
  EXPECT_EQ(load.counters().requests_ok, 0u);  // not before our FIN is acknowledged

  load.set_now(1040);
  ASSERT_TRUE(load.on_frame(from_server(1024, kServerIsn + 1 + kResponse.size() + 1,
                                        isn + 1 + request_length + 1, flag::kAck)));
  EXPECT_TRUE(host.take().empty());
  EXPECT_EQ(load.counters().requests_ok, 1u);
  EXPECT_EQ(load.counters().connections_opened, 1u);
  EXPECT_EQ(load.counters().response_bytes, kResponse.size());
  EXPECT_EQ(load.counters().errors(), 0u);
  EXPECT_EQ(load.active(), 0u);
  EXPECT_EQ(load.latency().count(), 1u);
  EXPECT_EQ(load.latency().max(), 25u);  // SYN sent to response received
}

TEST_F(FastHttpLoadTest, FinInALaterSegmentAndABareAckFirst) {
  FastHttpLoad<RecordingHost> load(host, config);
  uint32_t isn = establish(load, 1000);
  uint32_t our_next = isn + 1 + request_length;
  // The server acknowledges the request alone first: nothing to answer.
  ASSERT_TRUE(load.on_frame(from_server(1024, kServerIsn + 1, our_next, flag::kAck)));
  EXPECT_TRUE(host.take().empty());
  // The response without FIN: acknowledged.
  ASSERT_TRUE(load.on_frame(
      from_server(1024, kServerIsn + 1, our_next, flag::kAck | flag::kPsh, kResponse)));
  expect_one(flag::kAck, our_next, kServerIsn + 1 + kResponse.size());
  // Then the FIN alone.
  uint32_t fin_seq = kServerIsn + 1 + static_cast<uint32_t>(kResponse.size());
  ASSERT_TRUE(load.on_frame(from_server(1024, fin_seq, our_next, flag::kFin | flag::kAck)));
  expect_one(flag::kFin | flag::kAck, our_next, fin_seq + 1);
  ASSERT_TRUE(load.on_frame(from_server(1024, fin_seq + 1, our_next + 1, flag::kAck)));
  EXPECT_EQ(load.counters().requests_ok, 1u);
  EXPECT_EQ(load.counters().errors(), 0u);
  EXPECT_EQ(load.active(), 0u);
}

// RFC 9293 3.10.7.3: in SYN-SENT an ACK of something never sent gets
// <SEQ=SEG.ACK><CTL=RST>.
TEST_F(FastHttpLoadTest, SynAckWithAWrongAckIsResetAndCounted) {
  FastHttpLoad<RecordingHost> load(host, config);
  uint32_t isn = open(load, 1000);
  ASSERT_TRUE(load.on_frame(from_server(1024, kServerIsn, isn + 7, flag::kSyn | flag::kAck)));
  expect_one(flag::kRst, isn + 7);
  EXPECT_EQ(load.counters().bad_ack, 1u);
  EXPECT_EQ(load.counters().errors(), 1u);
  EXPECT_EQ(load.active(), 0u);
}

TEST_F(FastHttpLoadTest, RstsAreCountedAsRefusedOrResetAndNotAnswered) {
  FastHttpLoad<RecordingHost> load(host, config);
  uint32_t isn = open(load, 1000);
  ASSERT_TRUE(load.on_frame(from_server(1024, 0, isn + 1, flag::kRst | flag::kAck)));
  EXPECT_EQ(load.counters().refused, 1u);
  EXPECT_TRUE(host.take().empty());
  uint32_t isn2 = establish(load, 1001, 1025);
  ASSERT_TRUE(load.on_frame(from_server(1025, kServerIsn + 1, isn2 + 1, flag::kRst)));
  EXPECT_EQ(load.counters().reset, 1u);
  EXPECT_TRUE(host.take().empty());
  EXPECT_EQ(load.active(), 0u);
  EXPECT_EQ(load.counters().errors(), 2u);
}

TEST_F(FastHttpLoadTest, SplitResponseIsResetAndCounted) {
  FastHttpLoad<RecordingHost> load(host, config);
  uint32_t isn = establish(load, 1000);
  uint32_t our_next = isn + 1 + request_length;
  // Only part of the head.
  std::string head_part = kResponse.substr(0, 20);
  ASSERT_TRUE(load.on_frame(from_server(1024, kServerIsn + 1, our_next, flag::kAck, head_part)));
  expect_one(flag::kRst, our_next);
  EXPECT_EQ(load.counters().response_split, 1u);
  // The whole head but part of the body.
  uint32_t isn2 = establish(load, 1001, 1025);
  std::string body_part = kResponse.substr(0, kResponse.size() - 2);
  ASSERT_TRUE(load.on_frame(
      from_server(1025, kServerIsn + 1, isn2 + 1 + request_length, flag::kAck, body_part)));
  expect_one(flag::kRst, isn2 + 1 + request_length);
  EXPECT_EQ(load.counters().response_split, 2u);
  EXPECT_EQ(load.counters().requests_ok, 0u);
  EXPECT_EQ(load.active(), 0u);
}

TEST_F(FastHttpLoadTest, WrongStatusMissingLengthAndExtraBytesAreCountedByKind) {
  const std::string busy = "HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n";
  const std::string no_length = "HTTP/1.1 200 OK\r\n\r\nhello";
  const std::string extra = kResponse + "more";
  FastHttpLoad<RecordingHost> load(host, config);
  uint16_t port = 1024;
  for (const std::string* response : {&busy, &no_length, &extra}) {
    uint32_t isn = establish(load, 1000 + port, port);
    ASSERT_TRUE(load.on_frame(from_server(port, kServerIsn + 1, isn + 1 + request_length,
                                          flag::kAck | flag::kFin, *response)));
    expect_one(flag::kRst, isn + 1 + request_length);
    ++port;
  }
  EXPECT_EQ(load.counters().bad_status, 1u);
  EXPECT_EQ(load.counters().bad_response, 2u);
  EXPECT_EQ(load.counters().errors(), 3u);
}

TEST_F(FastHttpLoadTest, OutOfOrderDataAndAWrongFinalAckAreErrors) {
  FastHttpLoad<RecordingHost> load(host, config);
  uint32_t isn = establish(load, 1000);
  ASSERT_TRUE(load.on_frame(from_server(1024, kServerIsn + 50, isn + 1 + request_length,
                                        flag::kAck | flag::kFin, kResponse)));
  EXPECT_EQ(load.counters().bad_segment, 1u);
  expect_one(flag::kRst, isn + 1 + request_length);

  uint32_t isn2 = establish(load, 1001, 1025);
  uint32_t our_next = isn2 + 1 + request_length;
  ASSERT_TRUE(load.on_frame(
      from_server(1025, kServerIsn + 1, our_next, flag::kAck | flag::kFin, kResponse)));
  host.take();
  uint32_t after_fin = kServerIsn + 1 + static_cast<uint32_t>(kResponse.size()) + 1;
  ASSERT_TRUE(load.on_frame(from_server(1025, after_fin, our_next, flag::kAck)));  // FIN not acked
  expect_one(flag::kRst, our_next + 1);
  EXPECT_EQ(load.counters().bad_ack, 1u);
  EXPECT_EQ(load.counters().requests_ok, 0u);
  EXPECT_EQ(load.active(), 0u);
}

TEST_F(FastHttpLoadTest, TimeoutReclaimsTheSlotWithAnRstAndLateSegmentsAreStray) {
  config.timeout_us = 1000;
  config.load.max_concurrency = 2;
  config.max_opens_per_tick = 1;
  FastHttpLoad<RecordingHost> load(host, config);
  uint32_t isn = open(load, 10'000);              // SYN, never answered
  uint32_t isn2 = establish(load, 10'500, 1025);  // request, never answered
  load.tick(10'999);
  EXPECT_TRUE(host.take().empty());
  load.tick(11'000);  // the first one's time is up, the second's not yet
  std::vector<Sent> out = host.take();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].flags, flag::kRst);
  EXPECT_EQ(out[0].key.local_port, 1024);
  EXPECT_EQ(out[0].seq, isn + 1);
  EXPECT_EQ(out[1].flags, flag::kSyn);  // its place taken by a new connection
  EXPECT_EQ(out[1].key.local_port, 1026);
  uint32_t isn3 = out[1].seq;
  load.stop();
  load.expire(11'999);  // 1025's time is up (oldest first), 1026's not yet
  EXPECT_EQ(expect_one(flag::kRst, isn2 + 1 + request_length).key.local_port, 1025);
  EXPECT_FALSE(load.finished());
  load.expire(12'000);
  EXPECT_EQ(expect_one(flag::kRst, isn3 + 1).key.local_port, 1026);
  EXPECT_EQ(load.counters().timed_out, 3u);
  EXPECT_TRUE(load.finished());
  // The SYN-ACK for the first one, too late: counted, not answered, not an error.
  ASSERT_TRUE(load.on_frame(from_server(1024, kServerIsn, isn + 1, flag::kSyn | flag::kAck)));
  EXPECT_TRUE(host.take().empty());
  EXPECT_EQ(load.counters().stray_segments, 1u);
  EXPECT_EQ(load.counters().errors(), 3u);
}

TEST_F(FastHttpLoadTest, FramesForOtherTuplesAreLeftToTheWorker) {
  FastHttpLoad<RecordingHost> load(host, config);
  wire::ParseResult r = from_server(1024, 1, 1, flag::kAck);
  r.source_port = 81;
  EXPECT_FALSE(load.on_frame(r));
  r = from_server(1023, 1, 1, flag::kAck);  // below our ports
  EXPECT_FALSE(load.on_frame(r));
  r = from_server(1032, 1, 1, flag::kAck);  // above
  EXPECT_FALSE(load.on_frame(r));
  r = from_server(1024, 1, 1, flag::kAck);
  r.destination_ip = wire::IpAddress::v4(0xc0a83203);  // not one of our sources
  EXPECT_FALSE(load.on_frame(r));
  r = from_server(1024, 1, 1, flag::kAck);
  r.source_ip = wire::IpAddress::v4(0xc0a83209);  // not the server
  EXPECT_FALSE(load.on_frame(r));
  EXPECT_EQ(load.counters().stray_segments, 0u);
}

// Without timestamps a server holding the tuple in TIME-WAIT reopens it only
// for a SYN above the old incarnation's FIN + 1 (RFC 1122 4.2.2.13).
TEST_F(FastHttpLoadTest, ReusedTupleGetsAnIsnAboveThePreviousConnectionsEnd) {
  FastHttpLoad<RecordingHost> load(host, settings(1024, 1024, 1));
  auto complete = [&](uint32_t isn) {
    uint32_t our_next = isn + 1 + request_length;
    ASSERT_TRUE(load.on_frame(from_server(1024, kServerIsn, isn + 1, flag::kSyn | flag::kAck)));
    ASSERT_TRUE(load.on_frame(
        from_server(1024, kServerIsn + 1, our_next, flag::kAck | flag::kFin, kResponse)));
    ASSERT_TRUE(load.on_frame(from_server(
        1024, kServerIsn + 2 + static_cast<uint32_t>(kResponse.size()), our_next + 1, flag::kAck)));
    host.take();
  };
  uint32_t first = open(load, 1000);
  complete(first);
  // Same microsecond: the clock has not moved, the ISN must still.
  uint32_t second = open(load, 1000);
  EXPECT_EQ(second, first + 1 + request_length + 1 + 1);
  complete(second);
  // Later, the clock is ahead of that: the clock's ISN.
  uint32_t third = open(load, 1'000'000);
  EXPECT_EQ(third, kIsnBase + (1'000'000 - 1000));
  complete(third);
  // Across the 2^32 wrap the comparison is modular (the base is near the top).
  RecordingHost wrap_host;
  FastLoadSettings near_wrap = settings(1024, 1024, 1);
  near_wrap.isn_base = 0xfffffff0u;
  FastHttpLoad<RecordingHost> wrapping(wrap_host, near_wrap);
  wrapping.tick(1000);
  uint32_t before = wrap_host.take().at(0).seq;
  uint32_t our_next = before + 1 + request_length;
  wrapping.on_frame(from_server(1024, kServerIsn, before + 1, flag::kSyn | flag::kAck));
  wrapping.on_frame(
      from_server(1024, kServerIsn + 1, our_next, flag::kAck | flag::kFin, kResponse));
  wrapping.on_frame(from_server(1024, kServerIsn + 2 + static_cast<uint32_t>(kResponse.size()),
                                our_next + 1, flag::kAck));
  wrap_host.take();
  wrapping.tick(1001);
  uint32_t after = wrap_host.take().at(0).seq;
  EXPECT_EQ(after, before + 1 + request_length + 1 + 1);  // wrapped past zero
  EXPECT_TRUE(tcp::seq_gt(tcp::SeqNum(after), tcp::SeqNum(before)));
  EXPECT_EQ(load.counters().requests_ok, 3u);
}

TEST_F(FastHttpLoadTest, BusyTuplesAreSkippedAndOpensFollowConcurrencyAndBound) {
  FastHttpLoad<RecordingHost> load(host, settings(1024, 1026, 3, 5));
  load.tick(1000);
  std::vector<Sent> out = host.take();
  ASSERT_EQ(out.size(), 3u);  // 1024, 1025, 1026
  load.tick(1001);
  EXPECT_TRUE(host.take().empty());  // all busy, the cap reached
  // The middle one fails; the walk, back at 1024 (busy), takes 1025.
  ASSERT_TRUE(load.on_frame(from_server(1025, 0, out[1].seq + 1, flag::kRst | flag::kAck)));
  load.tick(1002);
  out = host.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].key.local_port, 1025);
  EXPECT_EQ(load.counters().connections_opened, 4u);
  ASSERT_TRUE(load.on_frame(from_server(1025, 0, out[0].seq + 1, flag::kRst | flag::kAck)));
  load.tick(1003);
  ASSERT_EQ(host.take().size(), 1u);
  load.tick(1004);
  EXPECT_TRUE(host.take().empty());  // --connections 5 reached
  EXPECT_TRUE(load.done_opening());
  EXPECT_FALSE(load.finished());  // three still in flight
}

TEST_F(FastHttpLoadTest, RateLimitPacesOpens) {
  FastLoadSettings s = settings(1024, 65535, 100'000);
  s.load.rate_per_second = 10'000;
  s.timeout_us = 10'000'000;
  FastHttpLoad<RecordingHost> load(host, s);
  for (uint64_t t = 1; t <= 1'000'000; t += 100) load.tick(t);  // one second, 100 us ticks
  EXPECT_NEAR(static_cast<double>(host.sent.size()), 10'000, 10);
  EXPECT_EQ(load.counters().connections_opened, host.sent.size());
}

// ---- against tcpterm's engine as the server, over a lossless link ----

struct ServerHost {
  using EngineT = tcp::Engine<ServerHost>;
  EngineT* engine = nullptr;
  tcp::testing::SimulatedLink* link = nullptr;
  void emit(const tcp::OutSegment& s) { link->carry(1, s); }
  void on_accept(tcp::ConnRef, uint16_t) {}
  void on_connected(tcp::ConnRef, uint16_t) {}
  size_t on_data(tcp::ConnRef c, std::span<const uint8_t> d) {
    std::string_view text(reinterpret_cast<const char*>(d.data()), d.size());
    if (text.find("\r\n\r\n") == std::string_view::npos) return 0;
    engine->send(c,
                 std::span(reinterpret_cast<const uint8_t*>(kResponse.data()), kResponse.size()));
    engine->close(c);  // Connection: close: the server closes first
    return d.size();
  }
  void on_send_space(tcp::ConnRef) {}
  void on_peer_fin(tcp::ConnRef c) { engine->close(c); }
  void on_closed(tcp::ConnRef, tcp::CloseReason) {}
};

struct LinkedClientHost {
  tcp::testing::SimulatedLink* link = nullptr;
  void emit_via(const wire::IpAddress&, const tcp::OutSegment& s) { link->carry(0, s); }
};

/// What the worker would parse from the segment's frame (the link already
/// turned it to the receiver's point of view).
wire::ParseResult parsed(const tcp::Segment& seg) {
  wire::ParseResult r = from_server(seg.key.local_port, seg.seq.raw(), seg.ack.raw(), seg.flags);
  r.source_ip = seg.key.remote_address;
  r.destination_ip = seg.key.local_address;
  r.source_port = seg.key.remote_port;
  r.payload = seg.payload;
  return r;
}

TEST(FastHttpLoadAgainstEngine, EveryReusedTupleIsAcceptedFromTimeWait) {
  tcp::EngineConfig config;
  config.max_connections = 64;
  config.max_time_wait = 64;
  config.buffer_count = 128;
  config.buffer_size = 4096;
  config.msl_us = 30'000'000;  // every closed tuple stays in TIME-WAIT for the whole test
  config.secret = {5};
  tcp::testing::LinkConfig link_config;
  link_config.delay_us = 1;
  tcp::testing::SimulatedLink link(link_config);
  ServerHost server_host;
  server_host.link = &link;
  ServerHost::EngineT server(config, server_host, link.now_us);
  server_host.engine = &server;
  ASSERT_TRUE(server.listen(wire::IpAddress{}, 80, 0));
  LinkedClientHost client_host{&link};
  constexpr uint64_t kConnections = 400;
  FastLoadSettings s = settings(2000, 2003, 4, kConnections);  // 4 tuples, each reused 100 times
  FastHttpLoad<LinkedClientHost> load(client_host, s);
  // 1 us each way: between two uses of a tuple the clock's ISN moves by a
  // few, less than the connection's 54 sequence numbers, so the "previous
  // end" rule, not the clock, keeps the new SYN above the TIME-WAIT's RCV.NXT.
  for (int step = 0; step < 100'000 && !(load.finished() && link.idle()); ++step) {
    link.now_us += 1;
    load.set_now(link.now_us);
    link.deliver_due([&](int to, const tcp::Segment& seg) {
      if (to == 1) {
        server.input(seg, link.now_us);
      } else {
        EXPECT_TRUE(load.on_frame(parsed(seg)));
      }
    });
    server.advance(link.now_us);
    load.tick(link.now_us);
  }
  ASSERT_TRUE(load.finished());
  EXPECT_EQ(load.counters().connections_opened, kConnections);
  EXPECT_EQ(load.counters().requests_ok, kConnections);
  EXPECT_EQ(load.counters().errors(), 0u);
  EXPECT_EQ(load.counters().stray_segments, 0u);
  const tcp::EngineCounters& c = server.counters();
  EXPECT_EQ(c.passive_opens, kConnections);
  EXPECT_EQ(c.closed_normal, kConnections);
  EXPECT_EQ(c.time_wait_reused, kConnections - 4);  // all but each tuple's first
  EXPECT_EQ(c.rst_in + c.rst_out, 0u);
  EXPECT_EQ(c.challenge_acks, 0u);
}

}  // namespace
}  // namespace tcpterm::loadgen
