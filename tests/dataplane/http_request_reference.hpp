// The request-head parser as it was before the SWAR line scan (src/app at
// 82f17aa): a line-by-line reference built from std::string_view's find and
// substr, kept only so http_parse_differential_test can check that the
// faster parser gives the same answer, field for field, on every input.
// Only what the rewrite changed is here (line splitting, the request line,
// the header-name check); the field helpers come from app/http_fields.hpp.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "app/http_fields.hpp"
#include "app/http_request.hpp"

namespace tcpterm::app::reference {

using Status = HttpRequestHead::Status;
using namespace http_fields;  // unchanged by the rewrite: shared

/// Next line without its terminator (CRLF, or a bare LF per RFC 9112 2.2);
/// false when no terminator is in `text` yet.
inline bool next_line(std::string_view& text, std::string_view& line) {
  size_t lf = text.find('\n');
  if (lf == std::string_view::npos) return false;
  line = text.substr(0, lf);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  text.remove_prefix(lf + 1);
  return true;
}

/// RFC 9112 3: method SP request-target SP HTTP-version.
inline bool parse_request_line(std::string_view line, HttpRequestHead& head) {
  size_t sp1 = line.find(' ');
  size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || sp1 == 0 || sp2 == sp1 + 1) return false;
  std::string_view method = line.substr(0, sp1);
  std::string_view version = line.substr(sp2 + 1);
  for (char c : method)
    if (!is_token_char(c)) return false;
  for (char c : line.substr(sp1 + 1, sp2 - sp1 - 1))
    if (c <= ' ' || c == 0x7f) return false;
  if (version == "HTTP/1.1") {
    head.keep_alive = true;  // RFC 9112 9.3: persistent by default in 1.1
  } else if (version == "HTTP/1.0") {
    head.http10 = true;
  } else {
    return false;
  }
  head.head_method = method == "HEAD";
  return true;
}

inline HttpRequestHead parse_http_request_head(std::span<const uint8_t> bytes) {
  HttpRequestHead head;
  std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  size_t total = text.size();
  std::string_view line;
  do {  // RFC 9112 2.2: ignore empty lines before the request line
    if (!next_line(text, line)) return head;
  } while (line.empty());
  if (!parse_request_line(line, head)) {
    head.status = Status::kMalformed;
    return head;
  }
  bool content_length_seen = false;
  while (true) {
    if (!next_line(text, line)) {
      head.keep_alive = false;
      return head;  // kIncomplete
    }
    if (line.empty()) break;
    size_t colon = line.find(':');
    std::string_view name = line.substr(0, colon);
    bool valid = colon != std::string_view::npos && colon > 0;
    for (char c : name) valid = valid && is_token_char(c);  // RFC 9112 5.1: no space before ':'
    if (!valid) {
      head.status = Status::kMalformed;
      return head;
    }
    std::string_view value = trim(line.substr(colon + 1));
    if (iequals(name, "connection")) {
      apply_connection_header(value, head);
    } else if (iequals(name, "content-length")) {
      if (!apply_content_length(value, content_length_seen, head)) head.status = Status::kMalformed;
    } else if (iequals(name, "transfer-encoding")) {
      head.status = Status::kMalformed;  // no chunked bodies for a static responder
    }
    if (head.status == Status::kMalformed) return head;
  }
  head.status = Status::kComplete;
  head.head_length = static_cast<uint32_t>(total - text.size());
  return head;
}

}  // namespace tcpterm::app::reference
