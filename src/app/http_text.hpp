// Text helpers every HTTP head parser here needs, the responder's request
// parser and the load generator's response parser alike: RFC 9110 token
// characters, ASCII case-insensitive names, optional whitespace.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
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

/// A lowercase literal (a field name or token such as "content-length" or
/// "close") that input is compared with case-insensitively a word at a time
/// instead of a byte at a time: the literal's bytes as 8-byte words (4-byte
/// below 8 characters; the last word overlaps the one before it), each with
/// a mask holding 0x20 at the letters, so (input | mask) == word matches a
/// letter in either case and every other byte exactly. Built at compile time.
class FoldedLiteral {
 public:
  consteval explicit FoldedLiteral(std::string_view lower) : size_(lower.size()) {
    width_ = size_ >= 8 ? 8 : 4;
    if (size_ < 4 || size_ > kMaxSize) throw "FoldedLiteral: 4 to 32 characters";
    for (size_t offset = 0; offset + width_ < size_; offset += width_) offsets_[count_++] = offset;
    offsets_[count_++] = size_ - width_;
    for (size_t k = 0; k < count_; ++k) {
      for (size_t i = 0; i < width_; ++i) {
        const char c = lower[offsets_[k] + i];
        if (c >= 'A' && c <= 'Z') throw "FoldedLiteral: the literal must be lowercase";
        const bool letter = c >= 'a' && c <= 'z';
        const size_t shift = 8 * (std::endian::native == std::endian::little ? i : width_ - 1 - i);
        words_[k] |= uint64_t{static_cast<unsigned char>(c)} << shift;
        masks_[k] |= uint64_t{letter ? 0x20u : 0u} << shift;
      }
    }
  }

  /// True when `s` equals the literal, ASCII letters compared case-insensitively.
  bool matches(std::string_view s) const {
    if (s.size() != size_) return false;
    for (size_t k = 0; k < count_; ++k)
      if ((load(s.data() + offsets_[k]) | masks_[k]) != words_[k]) return false;
    return true;
  }

 private:
  static constexpr size_t kMaxSize = 32;
  uint64_t load(const char* p) const {
    if (width_ == 8) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      return w;
    }
    uint32_t w;
    std::memcpy(&w, p, 4);
    return w;
  }

  size_t size_;
  size_t width_ = 8;
  size_t count_ = 0;
  std::array<size_t, kMaxSize / 4> offsets_{};
  std::array<uint64_t, kMaxSize / 4> words_{};
  std::array<uint64_t, kMaxSize / 4> masks_{};
};

/// iequals for a literal known at compile time.
inline bool iequals(std::string_view a, const FoldedLiteral& b) {
  return b.matches(a);
}

/// Strips OWS (RFC 9110 5.6.3: spaces and horizontal tabs) at both ends.
inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace tcpterm::app::http_text
