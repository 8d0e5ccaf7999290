// The load generator's client against a server engine over a simulated link:
// every connection must complete its request, latencies must be recorded,
// and errors must be counted by kind when the server misbehaves.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "../tcp/simulated_link.hpp"
#include "loadgen/http_load.hpp"
#include "tcp/engine.hpp"

namespace tcpterm::loadgen {
namespace {

using tcp::ConnRef;
using tcp::testing::LinkConfig;
using tcp::testing::SimulatedLink;

struct ClientHost {
  using EngineT = tcp::Engine<ClientHost>;
  SimulatedLink* link = nullptr;
  HttpLoad<EngineT>* load = nullptr;
  void emit(const tcp::OutSegment& s) { link->carry(0, s); }
  void on_accept(ConnRef, uint16_t) {}
  void on_connected(ConnRef c, uint16_t) { load->on_connected(c, 0); }
  size_t on_data(ConnRef c, std::span<const uint8_t> d) { return load->on_data(c, d); }
  void on_send_space(ConnRef) {}
  void on_peer_fin(ConnRef c) { load->on_peer_fin(c); }
  void on_closed(ConnRef c, tcp::CloseReason r) { load->on_closed(c, r); }
};

struct ServerHost {
  using EngineT = tcp::Engine<ServerHost>;
  SimulatedLink* link = nullptr;
  EngineT* engine = nullptr;
  std::string response = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello";
  void emit(const tcp::OutSegment& s) { link->carry(1, s); }
  void on_accept(ConnRef, uint16_t) {}
  void on_connected(ConnRef, uint16_t) {}
  size_t on_data(ConnRef c, std::span<const uint8_t> d) {
    std::string_view text(reinterpret_cast<const char*>(d.data()), d.size());
    if (text.find("\r\n\r\n") == std::string_view::npos) return 0;
    engine->send(c, std::span(reinterpret_cast<const uint8_t*>(response.data()), response.size()));
    engine->close(c);
    return d.size();
  }
  void on_send_space(ConnRef) {}
  void on_peer_fin(ConnRef c) { engine->close(c); }
  void on_closed(ConnRef, tcp::CloseReason) {}
};

struct LoadRun {
  LoadCounters counters;
  uint64_t p50 = 0, p99 = 0;
  tcp::EngineCounters server;
  tcp::EngineOccupancy client_left, server_left;
};

LoadRun run(LinkConfig link_config, LoadSettings settings, const std::string& response) {
  SimulatedLink link(link_config);
  tcp::EngineConfig config;
  config.max_connections = 4096;
  config.max_time_wait = 4096;
  config.buffer_count = 256;
  config.buffer_size = 16384;
  config.msl_us = 100'000;
  config.secret = {3};
  ClientHost client_host;
  ServerHost server_host;
  client_host.link = server_host.link = &link;
  server_host.response = response;
  ClientHost::EngineT client(config, client_host, link.now_us);
  ServerHost::EngineT server(config, server_host, link.now_us);
  server_host.engine = &server;
  EXPECT_TRUE(server.listen(wire::IpAddress{}, 80, 0));
  HttpLoad<ClientHost::EngineT> load(client, settings, config.max_connections);
  client_host.load = &load;
  for (int ms = 0; ms < 120'000 && !(load.finished() && link.idle()); ++ms) {
    link.now_us += 1000;
    load.set_now(link.now_us);
    link.deliver_due([&](int to, const tcp::Segment& seg) {
      if (to == 0) {
        client.input(seg, link.now_us);
      } else {
        server.input(seg, link.now_us);
      }
    });
    client.advance(link.now_us);
    server.advance(link.now_us);
    load.tick(link.now_us);
  }
  for (int i = 0; i < 300; ++i) {  // let TIME-WAIT (2*MSL = 200 ms) run out
    link.now_us += 1000;
    client.advance(link.now_us);
    server.advance(link.now_us);
  }
  LoadRun r;
  r.counters = load.counters();
  r.p50 = load.latency().quantile(0.5);
  r.p99 = load.latency().quantile(0.99);
  r.server = server.counters();
  r.client_left = client.occupancy();
  r.server_left = server.occupancy();
  return r;
}

LoadSettings settings(uint64_t total) {
  LoadSettings s;
  s.server_address = wire::IpAddress::v4(0x0a070002);
  s.first_source = wire::IpAddress::v4(0x0a070101);
  s.source_count = 4;
  s.total_connections = total;
  s.max_concurrency = 100;
  return s;
}

TEST(HttpLoad, EveryConnectionCompletesAndServerKeepsTimeWait) {
  LoadRun r = run({}, settings(2000),
                  "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");
  EXPECT_EQ(r.counters.connections_opened, 2000u);
  EXPECT_EQ(r.counters.requests_ok, 2000u);
  EXPECT_EQ(r.counters.errors(), 0u);
  EXPECT_EQ(r.server.passive_opens, 2000u);
  EXPECT_EQ(r.server.time_wait_entered, 2000u);  // the server closed first
  EXPECT_EQ(r.server.rst_out + r.server.rst_in, 0u);
  // One round trip for the handshake and one for the request, 1 ms each way.
  EXPECT_GE(r.p50, 3000u);
  EXPECT_LE(r.p99, 8000u);
  EXPECT_EQ(r.client_left.connections, 0u);
  EXPECT_EQ(r.server_left.connections + r.server_left.time_wait, 0u);
}

TEST(HttpLoad, RateLimitPacesOpens) {
  LoadSettings s = settings(500);
  s.rate_per_second = 10'000;  // 500 connections take ~50 ms
  LoadRun r = run({}, s, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(r.counters.requests_ok, 500u);
}

TEST(HttpLoad, WrongStatusAndMissingLengthAreCountedByKind) {
  LoadRun bad = run({}, settings(50), "HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(bad.counters.bad_status, 50u);
  EXPECT_EQ(bad.counters.requests_ok, 0u);
  LoadRun no_length = run({}, settings(50), "HTTP/1.1 200 OK\r\n\r\nbody");
  EXPECT_EQ(no_length.counters.bad_response, 50u);
  LoadRun short_body = run({}, settings(50), "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhello");
  EXPECT_EQ(short_body.counters.short_response, 50u);
}

TEST(HttpLoad, LossyLinkStillCompletesEveryRequest) {
  LinkConfig link;
  link.loss = 0.05;
  link.jitter_us = 2000;
  LoadRun r = run(link, settings(1000), "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
  EXPECT_EQ(r.counters.requests_ok, 1000u);
  EXPECT_EQ(r.counters.errors(), 0u);
}

TEST(ResponseHead, ParsesStatusAndLength) {
  ResponseHead h;
  EXPECT_FALSE(parse_response_head("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n", h));
  ASSERT_TRUE(
      parse_response_head("HTTP/1.1 200 OK\r\ncontent-length:  12 \r\nX: y\r\n\r\nbody", h));
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.body_length, 12);
  EXPECT_EQ(h.head_length, 47u);
  ASSERT_TRUE(parse_response_head("HTTP/1.1 2x0 OK\r\n\r\n", h));
  EXPECT_EQ(h.status, -1);
  ASSERT_TRUE(parse_response_head("HTTP/1.1 200 OK\r\nContent-Length: -3\r\n\r\n", h));
  EXPECT_EQ(h.body_length, -1);
  // Names match in any case; a name equal to it only under a naive `| 0x20`
  // fold ('\r' | 0x20 == '-') does not.
  ASSERT_TRUE(parse_response_head("HTTP/1.1 200 OK\r\nCONTENT-LENGTH: 7\r\n\r\n", h));
  EXPECT_EQ(h.body_length, 7);
  ASSERT_TRUE(parse_response_head("HTTP/1.1 200 OK\r\nContent\rLength: 7\r\n\r\n", h));
  EXPECT_EQ(h.body_length, -1);
}

/// The head's grammar as the text has it (RFC 9112 2.1): the head ends at the
/// first CRLF CRLF; the status line is "HTTP/1.x NNN ..."; Content-Length
/// from the header lines, the last one counting, none read after a status
/// line of the wrong shape. Written for clarity, not speed.
bool reference_response_head(std::string_view bytes, ResponseHead& head) {
  const size_t end = bytes.find("\r\n\r\n");
  if (end == std::string_view::npos) return false;
  head = ResponseHead{};
  head.head_length = static_cast<uint32_t>(end + 4);
  std::vector<std::string> lines;
  std::string_view rest = bytes.substr(0, end);
  for (size_t eol; (eol = rest.find("\r\n")) != std::string_view::npos; rest.remove_prefix(eol + 2))
    lines.emplace_back(rest.substr(0, eol));
  lines.emplace_back(rest);
  const std::string& status = lines[0];
  if (status.size() < 12 || status.compare(0, 7, "HTTP/1.") != 0 || status[8] != ' ') {
    head.status = -1;
    return true;
  }
  const bool digits = std::isdigit(static_cast<unsigned char>(status[9])) &&
                      std::isdigit(static_cast<unsigned char>(status[10])) &&
                      std::isdigit(static_cast<unsigned char>(status[11]));
  head.status = digits ? std::stoi(status.substr(9, 3)) : -1;
  for (size_t i = 1; i < lines.size(); ++i) {
    const size_t colon = lines[i].find(':');
    if (colon == std::string::npos) continue;
    auto trimmed = [](std::string t) {
      while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.erase(0, 1);
      while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.pop_back();
      return t;
    };
    std::string name = trimmed(lines[i].substr(0, colon));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name != "content-length") continue;
    const std::string value = trimmed(lines[i].substr(colon + 1));
    const bool number = !value.empty() && std::all_of(value.begin(), value.end(),
                                                      [](char c) { return c >= '0' && c <= '9'; });
    head.body_length = -1;
    try {
      if (number) head.body_length = std::stoll(value);
    } catch (const std::out_of_range&) {  // beyond int64_t: not a length
    }
  }
  return true;
}

// Random heads against the reference: half of them shaped like a response
// (a status line, header lines of name, colon and value, a blank line) with
// pieces swapped in, half any sequence of the pieces that matter.
TEST(ResponseHead, AgreesWithTheGrammarOnRandomHeads) {
  const std::vector<std::string> statuses = {"HTTP/1.1 200 OK", "HTTP/1.0 404 Not Found",
                                             "HTTP/1.1 2x0 OK", "HTTP/2 200",
                                             "HTTP/1.1 -20 OK", ""};
  const std::vector<std::string> names = {"Content-Length",  "content-LENGTH", " Content-Length",
                                          "Content\rLength", "Server",         ""};
  const std::vector<std::string> values = {"12", " 7 ", "0", "-3", "x", "99999999999999999999", ""};
  const std::vector<std::string> pieces = {"\r\n", "\r", "\n", ":", " ", "\t", "12", "x"};
  std::mt19937 random(5);
  auto pick = [&](const std::vector<std::string>& from) { return from[random() % from.size()]; };
  for (int round = 0; round < 200000; ++round) {
    std::string bytes;
    if (round % 2 == 0) {
      bytes = pick(statuses) + "\r\n";
      for (int lines = static_cast<int>(random() % 4); lines > 0; --lines)
        bytes += pick(names) + ":" + pick(values) + "\r\n";
      if (random() % 5 != 0) bytes += "\r\n";
      if (random() % 3 == 0) bytes.insert(random() % (bytes.size() + 1), pick(pieces));
    } else {
      for (int i = 1 + static_cast<int>(random() % 14); i > 0; --i) {
        const auto kind = random() % 4;
        bytes += kind == 0 ? pick(statuses) : kind == 1 ? pick(names) : pick(pieces);
      }
    }
    ResponseHead got{7, 7, 7}, want{7, 7, 7};
    const bool got_complete = parse_response_head(bytes, got);
    const bool want_complete = reference_response_head(bytes, want);
    ASSERT_EQ(got_complete, want_complete) << testing::PrintToString(bytes);
    ASSERT_EQ(got.head_length, want.head_length) << testing::PrintToString(bytes);
    ASSERT_EQ(got.status, want.status) << testing::PrintToString(bytes);
    ASSERT_EQ(got.body_length, want.body_length) << testing::PrintToString(bytes);
  }
}

// The memo against a plain parse on a stream where heads repeat (as a
// server's do), differ by a byte, come with bodies or cut short: every
// answer must be the parse's.
TEST(ResponseHead, MemoAnswersAsTheParseDoes) {
  const std::vector<std::string> heads = {
      "HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 7\r\nConnection: close\r\n\r\n",
      "HTTP/1.1 404 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 6\r\nX: " + std::string(600, 'y') + "\r\n\r\n",
      "HTTP/1.1 2x0 OK\r\n\r\n"};
  std::mt19937 random(11);
  ResponseHeadMemo memo;
  std::array<int, 2> hits_or_parses{};
  for (int round = 0; round < 20000; ++round) {
    std::string bytes = heads[random() % 3 == 0 ? random() % heads.size() : 0];
    if (random() % 2 == 0) bytes += "hello\n";
    if (random() % 5 == 0) bytes.resize(random() % (bytes.size() + 1));
    ResponseHead got{7, 7, 7}, want{7, 7, 7};
    const bool got_complete = memo.parse(bytes, got);
    const bool want_complete = parse_response_head(bytes, want);
    ASSERT_EQ(got_complete, want_complete) << testing::PrintToString(bytes);
    if (!want_complete) continue;
    ++hits_or_parses[bytes.rfind(heads[0], 0) == 0 ? 0 : 1];
    ASSERT_EQ(got.head_length, want.head_length) << testing::PrintToString(bytes);
    ASSERT_EQ(got.status, want.status) << testing::PrintToString(bytes);
    ASSERT_EQ(got.body_length, want.body_length) << testing::PrintToString(bytes);
  }
  EXPECT_GT(hits_or_parses[0], 5000);  // the common head, mostly from the memo
  EXPECT_GT(hits_or_parses[1], 1000);  // the others, each parsed when it differs
}

TEST(LatencyHistogram, QuantilesWithinBucketError) {
  LatencyHistogram h;
  for (uint64_t v = 1; v <= 100'000; ++v) h.record(v);
  EXPECT_NEAR(static_cast<double>(h.quantile(0.5)), 50'000.0, 50'000.0 * 0.125);
  EXPECT_NEAR(static_cast<double>(h.quantile(0.99)), 99'000.0, 99'000.0 * 0.125);
  EXPECT_EQ(h.quantile(1.0), 100'000u);
  for (uint64_t v : {0ull, 1ull, 7ull, 8ull, 9ull, 1000ull, 123456789ull}) {
    int i = LatencyHistogram::index_of(v);
    EXPECT_GE(LatencyHistogram::upper_bound(i), v) << v;
    if (i > 0) {
      EXPECT_LT(LatencyHistogram::upper_bound(i - 1), v) << v;
    }
  }
}

}  // namespace
}  // namespace tcpterm::loadgen
