// Request-head field helpers the HTTP responder's parser uses (RFC 9110
// tokens, case-insensitive names, optional whitespace, Connection and
// Content-Length): one copy, shared with the parser's test reference.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "app/http_request.hpp"

namespace tcpterm::app::http_fields {

// RFC 9110 5.6.2: tchar, as a table (a search of the punctuation list was a
// memchr call per character of every method and header name).
inline constexpr std::array<bool, 256> kTokenChars = [] {
  std::array<bool, 256> table{};
  for (int c = '0'; c <= '9'; ++c) table[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) table[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) table[c] = true;
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) table[static_cast<unsigned char>(c)] = true;
  return table;
}();

inline bool is_token_char(char c) {
  return kTokenChars[static_cast<unsigned char>(c)];
}

inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// Applies the Connection options (RFC 9110 7.6.1) to keep_alive.
inline void apply_connection_header(std::string_view value, HttpRequestHead& head) {
  while (!value.empty()) {
    size_t comma = value.find(',');
    std::string_view option = trim(value.substr(0, comma));
    if (iequals(option, "close")) head.keep_alive = false;
    if (iequals(option, "keep-alive") && head.http10) head.keep_alive = true;
    value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
  }
}

/// RFC 9112 6.3: a valid Content-Length; repeated equal values are allowed.
inline bool apply_content_length(std::string_view value, bool& seen, HttpRequestHead& head) {
  if (value.empty() || value.size() > 9) return false;
  uint32_t length = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return false;
    length = length * 10 + static_cast<uint32_t>(c - '0');
  }
  if (seen && length != head.body_length) return false;
  seen = true;
  head.body_length = length;
  return true;
}

}  // namespace tcpterm::app::http_fields
