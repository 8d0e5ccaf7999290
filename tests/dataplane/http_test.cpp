// The HTTP request parser and the responder, driven through a fake stream
// that records what was sent and whether the connection was closed.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "app/echo.hpp"
#include "app/http_request.hpp"
#include "app/http_responder.hpp"
#include "app/http_text.hpp"

namespace tcpterm::app {
namespace {

std::span<const uint8_t> bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// FoldedLiteral answers as the byte-wise iequals does: for every literal the
// parsers use, on the literal in random case, with one byte replaced (by its
// other case, by byte ^ 0x20 such as CR for '-', by a random byte), and cut
// or lengthened by one.
TEST(HttpText, FoldedLiteralMatchesLikeTheByteWiseCompare) {
  using http_text::FoldedLiteral;
  static constexpr FoldedLiteral kLiterals[] = {
      FoldedLiteral("connection"),        FoldedLiteral("content-length"),
      FoldedLiteral("transfer-encoding"), FoldedLiteral("close"),
      FoldedLiteral("keep-alive"),        FoldedLiteral("host"),
      FoldedLiteral("abcdefgh")};
  static constexpr std::string_view kTexts[] = {"connection", "content-length", "transfer-encoding",
                                                "close",      "keep-alive",     "host",
                                                "abcdefgh"};
  std::mt19937 random(5);
  size_t matched = 0, rejected = 0;
  for (size_t l = 0; l < std::size(kLiterals); ++l) {
    for (int round = 0; round < 4000; ++round) {
      std::string s(kTexts[l]);
      for (char& c : s)
        if (random() % 2 && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      const size_t at = random() % s.size();
      switch (random() % 6) {
        case 0:
          s[at] = static_cast<char>(s[at] ^ 0x20);
          break;
        case 1:
          s[at] = static_cast<char>(random());
          break;
        case 2:
          s.pop_back();
          break;
        case 3:
          s.push_back(static_cast<char>(random()));
          break;
        default:
          break;  // only the case changed
      }
      const bool expected = http_text::iequals(std::string_view(s), kTexts[l]);
      EXPECT_EQ(kLiterals[l].matches(s), expected) << kTexts[l] << " vs " << s;
      ++(expected ? matched : rejected);
    }
  }
  EXPECT_GT(matched, 1000u);  // both answers were exercised
  EXPECT_GT(rejected, 1000u);
  EXPECT_FALSE(FoldedLiteral("keep-alive").matches("keep\ralive"));  // CR is '-' | 0x20
  EXPECT_TRUE(FoldedLiteral("keep-alive").matches("Keep-Alive"));
}

/// Stands in for tcpterm::Stream: a send buffer of `space` bytes.
struct FakeStream {
  std::string sent;
  size_t space = 1 << 20;
  bool closed = false;
  uint64_t context_word = 0;

  size_t send(std::span<const uint8_t> data) {
    size_t n = std::min(space, data.size());
    sent.append(reinterpret_cast<const char*>(data.data()), n);
    space -= n;
    return n;
  }
  size_t send_space() const { return space; }
  void close() { closed = true; }
  uint64_t& context() { return context_word; }
};

HttpRequestHead parse(const std::string& text) {
  return parse_http_request_head(bytes(text));
}

using Status = HttpRequestHead::Status;

TEST(HttpRequest, SimpleGet) {
  std::string req = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  HttpRequestHead h = parse(req + "GET /next");
  EXPECT_EQ(h.status, Status::kComplete);
  EXPECT_EQ(h.head_length, req.size());
  EXPECT_TRUE(h.keep_alive);
  EXPECT_FALSE(h.http10);
  EXPECT_EQ(h.body_length, 0u);
}

TEST(HttpRequest, IncompleteUntilTheEmptyLine) {
  EXPECT_EQ(parse("").status, Status::kIncomplete);
  EXPECT_EQ(parse("GET / HTTP/1.1").status, Status::kIncomplete);
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost: x\r\n").status, Status::kIncomplete);
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost: x\r\n\r").status, Status::kIncomplete);
}

TEST(HttpRequest, ConnectionSemantics) {
  // RFC 9112 9.3: 1.1 persists unless "close"; 1.0 only with "keep-alive".
  EXPECT_FALSE(parse("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").keep_alive);
  EXPECT_FALSE(parse("GET / HTTP/1.1\r\nconnection: Upgrade, Close\r\n\r\n").keep_alive);
  EXPECT_FALSE(parse("GET / HTTP/1.0\r\n\r\n").keep_alive);
  HttpRequestHead h10 = parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  EXPECT_TRUE(h10.keep_alive);
  EXPECT_TRUE(h10.http10);
  EXPECT_TRUE(parse("HEAD / HTTP/1.1\r\n\r\n").head_method);
}

TEST(HttpRequest, ConnectionOptionListsAreSplitAtEveryComma) {
  // RFC 9110 7.6.1: a comma-separated list, empty elements and OWS allowed.
  auto keep_alive = [](const char* version, const char* value) {
    return parse(std::string("GET / ") + version + "\r\nConnection: " + value + "\r\n\r\n")
        .keep_alive;
  };
  EXPECT_FALSE(keep_alive("HTTP/1.1", "Upgrade,close"));
  EXPECT_FALSE(keep_alive("HTTP/1.1", ",, close ,"));
  EXPECT_FALSE(keep_alive("HTTP/1.1", "a, b, c, d, e, f, g, h, close"));
  EXPECT_TRUE(keep_alive("HTTP/1.1", "closed, xclose, close-ish"));
  EXPECT_TRUE(keep_alive("HTTP/1.0", "Upgrade ,keep-alive"));
  EXPECT_TRUE(keep_alive("HTTP/1.0", "Upgrade, TE, keep-alive,"));
  EXPECT_FALSE(keep_alive("HTTP/1.0", "keep-alive, close"));
  EXPECT_FALSE(keep_alive("HTTP/1.0", "keep-alive2"));
}

TEST(HttpRequest, BareLineFeedsAndLeadingEmptyLines) {
  HttpRequestHead h = parse("\r\n\nGET / HTTP/1.1\nHost: x\n\n");
  EXPECT_EQ(h.status, Status::kComplete);
  EXPECT_EQ(h.head_length, 27u);
}

TEST(HttpRequest, ContentLength) {
  EXPECT_EQ(parse("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n").body_length, 5u);
  EXPECT_EQ(parse("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n").status,
            Status::kComplete);
  EXPECT_EQ(parse("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n").status,
            Status::kMalformed);
  EXPECT_EQ(parse("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n").status, Status::kMalformed);
  EXPECT_EQ(parse("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n").status,
            Status::kMalformed);
}

TEST(HttpRequest, Malformed) {
  EXPECT_EQ(parse("GET /\r\n\r\n").status, Status::kMalformed);
  EXPECT_EQ(parse("GET / HTTP/2.0\r\n\r\n").status, Status::kMalformed);
  EXPECT_EQ(parse("G(T / HTTP/1.1\r\n\r\n").status, Status::kMalformed);
  EXPECT_EQ(parse("GET  HTTP/1.1\r\n\r\n").status, Status::kMalformed);
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost : x\r\n\r\n").status,
            Status::kMalformed);  // RFC 9112 5.1
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nno colon\r\n\r\n").status, Status::kMalformed);
  EXPECT_EQ(parse("\x16\x03\x01 binary\r\n\r\n").status, Status::kMalformed);
}

// RFC 9110 5.6.2: a header name is a token; every byte value is checked
// against the grammar's own definition of tchar.
TEST(HttpRequest, HeaderNamesAcceptExactlyTheTokenCharacters) {
  const std::string punctuation = "!#$%&'*+-.^_`|~";
  for (int c = 0; c < 256; ++c) {
    if (c == '\r' || c == '\n' || c == ':') continue;  // these end the name or the line
    const char ch = static_cast<char>(c);
    const bool tchar = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                       punctuation.find(ch) != std::string::npos;
    const std::string request = std::string("GET / HTTP/1.1\r\nA") + ch + "B: v\r\n\r\n";
    EXPECT_EQ(parse(request).status, tchar ? Status::kComplete : Status::kMalformed)
        << "byte " << c;
  }
}

class HttpResponderTest : public ::testing::Test {
 protected:
  HttpSettings settings{200, "text/plain", "hello\n", 256};
  HttpResponses responses{settings};
  HttpResponder responder{responses};
  FakeStream stream;

  size_t feed(const std::string& text) { return responder.on_data(stream, bytes(text)); }
  static std::string response(const char* connection) {
    std::string r =
        "HTTP/1.1 200 OK\r\nServer: tcpterm\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n";
    if (connection) r += std::string("Connection: ") + connection + "\r\n";
    return r + "\r\nhello\n";
  }
  void SetUp() override { responder.on_accept(stream); }
};

TEST_F(HttpResponderTest, KeepAliveByDefault) {
  std::string req = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  EXPECT_EQ(feed(req), req.size());
  EXPECT_EQ(stream.sent, response(nullptr));
  EXPECT_FALSE(stream.closed);
}

TEST_F(HttpResponderTest, ConnectionCloseSendsThenCloses) {
  std::string req = "GET / HTTP/1.1\r\nConnection: close\r\n\r\n";
  EXPECT_EQ(feed(req), req.size());
  EXPECT_EQ(stream.sent, response("close"));
  EXPECT_TRUE(stream.closed);
}

TEST_F(HttpResponderTest, Http10ClosesUnlessKeepAlive) {
  feed("GET / HTTP/1.0\r\n\r\n");
  EXPECT_EQ(stream.sent, response("close"));
  EXPECT_TRUE(stream.closed);
}

TEST_F(HttpResponderTest, Http10KeepAlive) {
  feed("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  EXPECT_EQ(stream.sent, response("keep-alive"));
  EXPECT_FALSE(stream.closed);
}

TEST_F(HttpResponderTest, PartialHeadWaitsForMore) {
  EXPECT_EQ(feed("GET / HTTP/1.1\r\nHo"), 0u);
  EXPECT_EQ(stream.sent, "");
  std::string req = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  EXPECT_EQ(feed(req), req.size());  // the engine offers the held bytes again, with the rest
  EXPECT_EQ(stream.sent, response(nullptr));
}

TEST_F(HttpResponderTest, PipelinedRequestsAnsweredInOrder) {
  std::string reqs =
      "GET /a HTTP/1.1\r\n\r\nHEAD /b HTTP/1.1\r\n\r\nGET /c HTTP/1.1\r\nConnection: close\r\n\r\n";
  EXPECT_EQ(feed(reqs), reqs.size());
  std::string head_only = response(nullptr).substr(0, response(nullptr).size() - 6);
  EXPECT_EQ(stream.sent, response(nullptr) + head_only + response("close"));
  EXPECT_TRUE(stream.closed);
}

TEST_F(HttpResponderTest, RequestBodyIsSkipped) {
  std::string req = "POST / HTTP/1.1\r\nContent-Length: 4\r\n\r\nab";
  EXPECT_EQ(feed(req), req.size());
  EXPECT_EQ(feed("cdGET / HTTP/1.1\r\n\r\n"), 20u);
  EXPECT_EQ(stream.sent, response(nullptr) + response(nullptr));
}

TEST_F(HttpResponderTest, MalformedGets400AndClose) {
  std::string junk = "hello there\r\n\r\nGET / HTTP/1.1\r\n\r\n";
  EXPECT_EQ(feed(junk), junk.size());
  EXPECT_EQ(stream.sent.substr(0, 24), "HTTP/1.1 400 Bad Request");
  EXPECT_NE(stream.sent.find("Connection: close\r\n"), std::string::npos);
  EXPECT_TRUE(stream.closed);
}

TEST_F(HttpResponderTest, OversizedHeadGets400) {
  std::string big = "GET / HTTP/1.1\r\nX: " + std::string(300, 'a');  // no end, over 256 bytes
  EXPECT_EQ(feed(big), big.size());
  EXPECT_EQ(stream.sent.substr(0, 24), "HTTP/1.1 400 Bad Request");
  EXPECT_TRUE(stream.closed);
}

TEST_F(HttpResponderTest, FullSendBufferHoldsLaterRequests) {
  stream.space = 10;
  std::string two = "GET / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n";
  EXPECT_EQ(feed(two), 18u);  // first answered partly; second left for later
  EXPECT_EQ(stream.sent, response(nullptr).substr(0, 10));
  EXPECT_EQ(feed(two.substr(18)), 0u);  // still busy
  stream.space = 1 << 20;
  responder.on_send_space(stream);
  EXPECT_EQ(stream.sent, response(nullptr));
  EXPECT_EQ(feed(two.substr(18)), 18u);
  EXPECT_EQ(stream.sent, response(nullptr) + response(nullptr));
}

TEST_F(HttpResponderTest, PeerFinClosesAfterPendingResponse) {
  stream.space = 10;
  feed("GET / HTTP/1.1\r\n\r\n");
  responder.on_peer_fin(stream);
  EXPECT_FALSE(stream.closed);  // response not fully queued yet
  stream.space = 1 << 20;
  responder.on_send_space(stream);
  EXPECT_EQ(stream.sent, response(nullptr));
  EXPECT_TRUE(stream.closed);
}

TEST_F(HttpResponderTest, PeerFinWhenIdleCloses) {
  responder.on_peer_fin(stream);
  EXPECT_TRUE(stream.closed);
}

TEST(Echo, ConsumesOnlyWhatFits) {
  FakeStream stream;
  stream.space = 3;
  Echo echo;
  EXPECT_EQ(echo.on_data(stream, bytes("abcdef")), 3u);
  EXPECT_EQ(stream.sent, "abc");
}

}  // namespace
}  // namespace tcpterm::app
