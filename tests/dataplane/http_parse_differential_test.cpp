// The request-head parser against its line-by-line reference
// (http_request_reference.hpp): heads assembled at random from valid and
// broken pieces (methods, targets, versions, CRLF and bare LF, header names
// with every byte value, Connection and Content-Length values, leading empty
// lines), then cut at every length, so that incomplete heads and lines that
// end inside the eight-byte scan are covered too. Every field must match.
#include <gtest/gtest.h>

#include <array>
#include <random>
#include <string>
#include <vector>

#include "app/http_request.hpp"
#include "http_request_reference.hpp"

namespace tcpterm::app {
namespace {

std::span<const uint8_t> bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

class HeadGenerator {
 public:
  explicit HeadGenerator(uint32_t seed) : random_(seed) {}

  std::string head() {
    std::string out;
    for (int i = pick(4) == 0 ? static_cast<int>(pick(3)) : 0; i > 0; --i) out += eol();
    out += one_of(kMethods) + spaces() + one_of(kTargets) + spaces() + one_of(kVersions) + eol();
    for (int n = static_cast<int>(pick(5)); n > 0; --n) out += header_line();
    if (pick(4) != 0) out += eol();
    if (pick(3) == 0) out += "GET /next HTTP/1.1\r\n";  // a pipelined request after the head
    return out;
  }

 private:
  static constexpr std::array<const char*, 9> kMethods = {"GET", "HEAD",     "POST",  "G(T",    "",
                                                          "get", "M-SEARCH", "HEADX", "\x80GET"};
  static constexpr std::array<const char*, 7> kTargets = {"/",     "/index.html", "", "/a\tb",
                                                          "/\x7f", "/\xc3\xa9",   "*"};
  static constexpr std::array<const char*, 8> kVersions = {
      "HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/1.1 ", "http/1.1", "HTTP/1.1\r", "HTTP/1", ""};
  static constexpr std::array<const char*, 10> kNames = {"Host",
                                                         "Connection",
                                                         "connection",
                                                         "CONTENT-LENGTH",
                                                         "Content-Length",
                                                         "Transfer-Encoding",
                                                         "X-Long-Header-Name-Past-Eight",
                                                         "",
                                                         "Conn ection",
                                                         "Content-Length "};
  static constexpr std::array<const char*, 11> kValues = {
      "close", " keep-alive ",     "Upgrade, Close", "\tclose\t", "5", "0", "-1", "1234567890", "x",
      "",      "keep-alive, close"};

  uint32_t pick(uint32_t n) { return std::uniform_int_distribution<uint32_t>(0, n - 1)(random_); }
  /// Mostly one of the first `usual` options (valid ones), else any.
  template <size_t N>
  std::string one_of(const std::array<const char*, N>& options, uint32_t usual = 2) {
    return options[pick(4) != 0 ? pick(usual) : pick(N)];
  }
  std::string eol() { return pick(4) == 0 ? "\n" : "\r\n"; }
  std::string spaces() { return pick(20) == 0 ? "  " : pick(20) == 0 ? "" : " "; }
  std::string header_line() {
    std::string line = one_of(kNames, 3);
    if (pick(10) == 0) {  // a stray byte somewhere in the name
      const size_t at = pick(static_cast<uint32_t>(line.size()) + 1);
      const std::string stray(1, static_cast<char>(pick(256)));
      line = line.substr(0, at).append(stray).append(line.substr(at));
    }
    if (pick(30) != 0) line.append(":");
    if (pick(2) == 0) line.append(" ");
    return line.append(one_of(kValues, 6)).append(eol());
  }

  std::mt19937 random_;
};

void expect_same(const std::string& text) {
  const HttpRequestHead got = parse_http_request_head(bytes(text));
  const HttpRequestHead want = reference::parse_http_request_head(bytes(text));
  ASSERT_EQ(got.status, want.status) << testing::PrintToString(text);
  ASSERT_EQ(got.head_length, want.head_length) << testing::PrintToString(text);
  ASSERT_EQ(got.body_length, want.body_length) << testing::PrintToString(text);
  ASSERT_EQ(got.keep_alive, want.keep_alive) << testing::PrintToString(text);
  ASSERT_EQ(got.http10, want.http10) << testing::PrintToString(text);
  ASSERT_EQ(got.head_method, want.head_method) << testing::PrintToString(text);
}

TEST(HttpParseDifferential, RandomHeadsAndEveryPrefixMatchTheReference) {
  HeadGenerator generator(20261202);
  std::array<int, 3> statuses{};
  for (int i = 0; i < 20000; ++i) {
    const std::string head = generator.head();
    for (size_t cut = 0; cut <= head.size(); ++cut) {
      ASSERT_NO_FATAL_FAILURE(expect_same(head.substr(0, cut)));
    }
    ++statuses[static_cast<size_t>(parse_http_request_head(bytes(head)).status)];
  }
  // The generator reaches all three outcomes often, so the comparison means something.
  EXPECT_GT(statuses[static_cast<size_t>(HttpRequestHead::Status::kComplete)], 1000);
  EXPECT_GT(statuses[static_cast<size_t>(HttpRequestHead::Status::kIncomplete)], 500);
  EXPECT_GT(statuses[static_cast<size_t>(HttpRequestHead::Status::kMalformed)], 1000);
}

TEST(HttpParseDifferential, LineFeedAtEveryOffsetOfTheScan) {
  // A '\n' at each position of the eight-byte words, with every byte value
  // before it, so the word scan's borrow trick meets all its neighbours.
  for (int c = 0; c < 256; ++c) {
    for (size_t pad = 0; pad < 20; ++pad) {
      std::string head =
          "GET / HTTP/1.1\r\nX: " + std::string(pad, static_cast<char>(c)) + "\n\r\n";
      ASSERT_NO_FATAL_FAILURE(expect_same(head));
      ASSERT_NO_FATAL_FAILURE(expect_same(std::string(pad, static_cast<char>(c)) + "\n"));
    }
  }
}

}  // namespace
}  // namespace tcpterm::app
