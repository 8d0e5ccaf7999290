// HTTP/1.x request-head parsing for the built-in responder: just enough of
// RFC 9112 to find where a request ends (head and Content-Length body) and
// whether the connection stays open. It reads the bytes in place, allocates
// nothing and keeps no state between calls: an incomplete head is parsed
// again from the start once more bytes arrived.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace tcpterm::app {

struct HttpRequestHead {
  enum class Status : uint8_t { kComplete, kIncomplete, kMalformed };
  Status status = Status::kIncomplete;
  uint32_t head_length = 0;  // bytes up to and including the empty line
  uint32_t body_length = 0;  // Content-Length (0 when absent)
  bool keep_alive = false;   // RFC 9112 9.3: the connection persists after the response
  bool http10 = false;       // request line said HTTP/1.0
  bool head_method = false;  // HEAD: the response carries no body (RFC 9110 9.3.2)
};

/// Parses the request head at the start of `bytes` (leading empty lines are
/// skipped, RFC 9112 2.2). kIncomplete when the empty line that ends the head
/// has not arrived; kMalformed for anything the responder will answer with 400.
HttpRequestHead parse_http_request_head(std::span<const uint8_t> bytes);

}  // namespace tcpterm::app
