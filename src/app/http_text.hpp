// Text helpers every HTTP head parser here needs, the responder's request
// parser and the load generator's response parser alike: RFC 9110 token
// characters, ASCII case-insensitive names, optional whitespace.
#pragma once

#include <array>
#include <string_view>

namespace tcpterm::app::http_text {

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

/// ASCII case folding: field names are tokens (RFC 9110 5.1), and
/// std::tolower's locale lookup per byte showed in the loadgen's profile.
inline char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

/// Strips OWS (RFC 9110 5.6.3: spaces and horizontal tabs) at both ends.
inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace tcpterm::app::http_text
