// Text conversion for IpAddress; control path only (config, logs, tests).
#include "wire/ip_address.hpp"

#include <arpa/inet.h>

namespace tcpterm::wire {

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  char buf[INET6_ADDRSTRLEN + 1];
  if (text.empty() || text.size() >= sizeof(buf)) return std::nullopt;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  uint8_t raw[16];
  if (inet_pton(AF_INET, buf, raw) == 1) return v4_from_bytes(raw);
  if (inet_pton(AF_INET6, buf, raw) == 1) return v6_from_bytes(raw);
  return std::nullopt;
}

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN];
  if (is_v4()) {
    inet_ntop(AF_INET, v4_bytes(), buf, sizeof(buf));
  } else {
    inet_ntop(AF_INET6, v6_bytes(), buf, sizeof(buf));
  }
  return buf;
}

}  // namespace tcpterm::wire
