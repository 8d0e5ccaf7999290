// RFC 1624 incremental checksum updates (the sums themselves are inline in
// checksum.hpp: they run for every frame in and out).
#include "wire/checksum.hpp"

namespace tcpterm::wire {

uint16_t checksum_update16(uint16_t checksum, uint16_t old_value, uint16_t new_value) {
  // RFC 1624 3 eqn. 3; eqn. 2 (HC' = HC - ~m - m') can yield -0 (0x0000).
  uint32_t sum = uint32_t{static_cast<uint16_t>(~checksum)} +
                 uint32_t{static_cast<uint16_t>(~old_value)} + uint32_t{new_value};
  sum = (sum & 0xffffu) + (sum >> 16);
  sum = (sum & 0xffffu) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

uint16_t checksum_update32(uint16_t checksum, uint32_t old_value, uint32_t new_value) {
  checksum = checksum_update16(checksum, static_cast<uint16_t>(old_value >> 16),
                               static_cast<uint16_t>(new_value >> 16));
  return checksum_update16(checksum, static_cast<uint16_t>(old_value),
                           static_cast<uint16_t>(new_value));
}

}  // namespace tcpterm::wire
