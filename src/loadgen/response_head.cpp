// Response-head parsing for the load generator: only what checking a
// response needs (status code, Content-Length), case-insensitive names.
#include <algorithm>
#include <charconv>

#include "loadgen/http_load.hpp"

namespace tcpterm::loadgen {
namespace {

/// ASCII case folding: header names are tokens (RFC 9110 5.1), and
/// std::tolower's locale lookup per byte showed in the loadgen's profile.
char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return ascii_lower(x) == ascii_lower(y);
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool parse_response_head(std::string_view bytes, ResponseHead& head) {
  size_t end = bytes.find("\r\n\r\n");
  if (end == std::string_view::npos) return false;
  head = ResponseHead{};
  head.head_length = static_cast<uint32_t>(end + 4);
  std::string_view lines = bytes.substr(0, end);
  size_t eol = lines.find("\r\n");
  std::string_view status_line = lines.substr(0, eol);
  // "HTTP/1.1 200 OK"
  if (status_line.size() < 12 || status_line.substr(0, 7) != "HTTP/1." || status_line[8] != ' ') {
    head.status = -1;
    return true;
  }
  int status = 0;
  auto [p, ec] = std::from_chars(status_line.data() + 9, status_line.data() + 12, status);
  head.status = ec == std::errc{} && p == status_line.data() + 12 ? status : -1;
  while (eol != std::string_view::npos) {
    lines.remove_prefix(eol + 2);
    eol = lines.find("\r\n");
    std::string_view line = lines.substr(0, eol);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    if (iequals(trim(line.substr(0, colon)), "content-length")) {
      std::string_view value = trim(line.substr(colon + 1));
      int64_t length = -1;
      auto [q, ec2] = std::from_chars(value.data(), value.data() + value.size(), length);
      head.body_length =
          ec2 == std::errc{} && q == value.data() + value.size() && length >= 0 ? length : -1;
    }
  }
  return true;
}

}  // namespace tcpterm::loadgen
