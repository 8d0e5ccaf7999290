// RFC 9112 request-head parsing; see http_request.hpp.
#include "app/http_request.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <string_view>

#include "app/http_fields.hpp"

namespace tcpterm::app {

namespace {

using Status = HttpRequestHead::Status;
using namespace http_fields;

// The names the parser acts on, compared a word at a time.
constexpr http_text::FoldedLiteral kConnection{"connection"};
constexpr http_text::FoldedLiteral kContentLength{"content-length"};
constexpr http_text::FoldedLiteral kTransferEncoding{"transfer-encoding"};

/// Position of the first '\n' in [p, end), or end. Request heads are a few
/// short lines, so eight bytes at a time in a register (SWAR) beat a memchr
/// call per line (with the pointer walks below: run-e2e's request parsed in
/// 26 instead of 42 ns, bench/RESULTS.md, 2026-12-02 night).
const char* find_line_feed(const char* p, const char* end) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kHighs = 0x8080808080808080ull;
  if constexpr (std::endian::native == std::endian::little) {
    for (; end - p >= 8; p += 8) {
      uint64_t word;
      std::memcpy(&word, p, sizeof word);
      uint64_t x = word ^ (kOnes * '\n');  // a zero byte where the input has '\n'
      // Exact for the lowest zero byte: a borrow only starts at a zero byte.
      uint64_t zeros = (x - kOnes) & ~x & kHighs;
      if (zeros != 0) return p + __builtin_ctzll(zeros) / 8;
    }
  }
  while (p != end && *p != '\n') ++p;
  return p;
}

/// Next line [p, line end) without its terminator (CRLF, or a bare LF per
/// RFC 9112 2.2), advancing p past it; false when no terminator arrived yet.
bool next_line(const char*& p, const char* end, std::string_view& line) {
  const char* lf = find_line_feed(p, end);
  if (lf == end) return false;
  const char* stop = lf != p && lf[-1] == '\r' ? lf - 1 : lf;
  line = std::string_view(p, static_cast<size_t>(stop - p));
  p = lf + 1;
  return true;
}

/// RFC 9112 3: method SP request-target SP HTTP-version.
bool parse_request_line(std::string_view line, HttpRequestHead& head) {
  const char* p = line.data();
  const char* const end = p + line.size();
  const char* const method = p;
  while (p != end && *p != ' ') {
    if (!is_token_char(*p)) return false;
    ++p;
  }
  if (p == method || p == end) return false;
  const std::string_view method_name(method, static_cast<size_t>(p - method));
  const char* const target = ++p;
  while (p != end && *p != ' ') {
    if (*p < ' ' || *p == 0x7f) return false;  // ' ' ends it; other controls are invalid
    ++p;
  }
  if (p == target || p == end) return false;
  const std::string_view version(p + 1, static_cast<size_t>(end - p - 1));
  if (version == "HTTP/1.1") {
    head.keep_alive = true;  // RFC 9112 9.3: persistent by default in 1.1
  } else if (version == "HTTP/1.0") {
    head.http10 = true;
  } else {
    return false;
  }
  head.head_method = method_name == "HEAD";
  return true;
}

}  // namespace

HttpRequestHead parse_http_request_head(std::span<const uint8_t> bytes) {
  HttpRequestHead head;
  const char* const begin = reinterpret_cast<const char*>(bytes.data());
  const char* const end = begin + bytes.size();
  const char* p = begin;
  std::string_view line;
  do {  // RFC 9112 2.2: ignore empty lines before the request line
    if (!next_line(p, end, line)) return head;
  } while (line.empty());
  if (!parse_request_line(line, head)) {
    head.status = Status::kMalformed;
    return head;
  }
  bool content_length_seen = false;
  while (true) {
    if (!next_line(p, end, line)) {
      head.keep_alive = false;
      return head;  // kIncomplete
    }
    if (line.empty()) break;
    // RFC 9112 5.1: the name is a token right up to the colon (no space before it).
    const char* const line_end = line.data() + line.size();
    const char* const name_end = std::find_if_not(line.data(), line_end, is_token_char);
    if (name_end == line.data() || name_end == line_end || *name_end != ':') {
      head.status = Status::kMalformed;
      return head;
    }
    const std::string_view name(line.data(), static_cast<size_t>(name_end - line.data()));
    std::string_view value = trim(line.substr(name.size() + 1));
    if (iequals(name, kConnection)) {
      apply_connection_header(value, head);
    } else if (iequals(name, kContentLength)) {
      if (!apply_content_length(value, content_length_seen, head)) head.status = Status::kMalformed;
    } else if (iequals(name, kTransferEncoding)) {
      head.status = Status::kMalformed;  // no chunked bodies for a static responder
    }
    if (head.status == Status::kMalformed) return head;
  }
  head.status = Status::kComplete;
  head.head_length = static_cast<uint32_t>(p - begin);
  return head;
}

}  // namespace tcpterm::app
