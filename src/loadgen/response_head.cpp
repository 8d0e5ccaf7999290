// Response-head parsing for the load generator: only what checking a
// response needs (status code, Content-Length), case-insensitive names.
#include <charconv>

#include "app/http_text.hpp"
#include "loadgen/http_load.hpp"

namespace tcpterm::loadgen {
namespace {

using app::http_text::iequals;
using app::http_text::trim;

constexpr app::http_text::FoldedLiteral kContentLength{"content-length"};

/// "HTTP/1.1 200 OK": false when the line is not of that shape; otherwise
/// `status` is the code, or -1 when it is not three digits (RFC 9112 4).
bool parse_status_line(std::string_view line, int& status) {
  if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || line[8] != ' ') return false;
  status = 0;
  for (char c : line.substr(9, 3)) {
    if (c < '0' || c > '9') {
      status = -1;
      break;
    }
    status = status * 10 + (c - '0');
  }
  return true;
}

}  // namespace

// One walk over the CRLF-terminated lines up to the first empty one (the
// head's end, RFC 9112 2.1); a search for the blank line first and a second
// walk over the lines read every byte twice.
bool parse_response_head(std::string_view bytes, ResponseHead& head) {
  ResponseHead parsed;
  bool read_headers = false;  // not after a status line of the wrong shape
  size_t start = 0;
  for (bool status_line = true;; status_line = false) {
    size_t eol = bytes.find("\r\n", start);
    if (eol == std::string_view::npos) return false;  // not all of the head yet
    std::string_view line = bytes.substr(start, eol - start);
    start = eol + 2;
    if (status_line) {
      read_headers = parse_status_line(line, parsed.status);
      if (!read_headers) parsed.status = -1;
      continue;
    }
    if (line.empty()) break;
    if (!read_headers) continue;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    if (iequals(trim(line.substr(0, colon)), kContentLength)) {
      std::string_view value = trim(line.substr(colon + 1));
      int64_t length = -1;
      auto [q, ec] = std::from_chars(value.data(), value.data() + value.size(), length);
      parsed.body_length =
          ec == std::errc{} && q == value.data() + value.size() && length >= 0 ? length : -1;
    }
  }
  parsed.head_length = static_cast<uint32_t>(start);
  head = parsed;
  return true;
}

}  // namespace tcpterm::loadgen
