// Text conversion for MacAddress; control path only (config, logs, tests).
#include "wire/mac_address.hpp"

namespace tcpterm::wire {

namespace {
int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::optional<MacAddress> MacAddress::parse(std::string_view text) {
  // Exactly six two-digit groups with five separators: 17 characters.
  if (text.size() != 17) return std::nullopt;
  const char separator = text[2];
  if (separator != ':' && separator != '-') return std::nullopt;
  MacAddress mac;
  for (size_t i = 0; i < 6; ++i) {
    const size_t at = i * 3;
    if (i > 0 && text[at - 1] != separator) return std::nullopt;
    const int high = hex_digit_value(text[at]);
    const int low = hex_digit_value(text[at + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    mac.bytes[i] = static_cast<uint8_t>(high * 16 + low);
  }
  return mac;
}

std::string MacAddress::to_string() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  text.reserve(17);
  for (size_t i = 0; i < 6; ++i) {
    if (i > 0) text.push_back(':');
    text.push_back(kHex[bytes[i] >> 4]);
    text.push_back(kHex[bytes[i] & 0xf]);
  }
  return text;
}

}  // namespace tcpterm::wire
