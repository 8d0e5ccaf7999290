// The Internet checksum (RFC 1071) and its incremental update (RFC 1624).
// A running sum is an opaque uint64_t accumulated over native-order 64-bit
// loads (RFC 1071 2(B): the sum is byte-order independent); checksum_fold turns
// it into the 16-bit one's complement sum as the host-order value of the
// big-endian wire field, ready for store_be16.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace tcpterm::wire {

/// Who computes outgoing checksums: software, or the NIC (DPDK TX offload, for
/// which the TCP checksum field must hold the pseudo-header sum).
enum class ChecksumMode : uint8_t { kSoftware, kOffload };

/// Adds `bytes` to the running sum `sum`. Any alignment. When summing a
/// message in pieces, every piece but the last must have an even length.
uint64_t checksum_accumulate(std::span<const uint8_t> bytes, uint64_t sum = 0);

/// Folds a running sum to the 16-bit one's complement sum (not complemented),
/// as a host-order value of the big-endian field.
uint16_t checksum_fold(uint64_t sum);

/// The Internet checksum of `bytes` (RFC 1071): ~fold(sum), host order.
uint16_t internet_checksum(std::span<const uint8_t> bytes);

/// True when `bytes`, checksum field included, sums to 0xffff (RFC 1071 1).
bool internet_checksum_ok(std::span<const uint8_t> bytes);

/// Running sum of the IPv4 pseudo-header (RFC 9293 3.1): addresses are 4 bytes
/// in network order; `l4_length` is the TCP/UDP header plus data length.
uint64_t ipv4_pseudo_header_sum(const uint8_t* source, const uint8_t* destination,
                                uint8_t protocol, uint16_t l4_length);

/// Running sum of the IPv6 pseudo-header (RFC 8200 8.1): addresses are 16
/// bytes in network order.
uint64_t ipv6_pseudo_header_sum(const uint8_t* source, const uint8_t* destination,
                                uint8_t next_header, uint32_t l4_length);

/// The checksum to store in an L4 header: ~fold(pseudo + l4 bytes), where the
/// checksum field inside `l4_bytes` is zero.
uint16_t l4_checksum(uint64_t pseudo_header_sum, std::span<const uint8_t> l4_bytes);

/// True when the L4 message (checksum field included) verifies against the
/// pseudo-header sum.
bool l4_checksum_ok(uint64_t pseudo_header_sum, std::span<const uint8_t> l4_bytes);

/// RFC 1624 3 eqn. 3: new checksum after a 16-bit field changes from
/// `old_value` to `new_value`: HC' = ~(~HC + ~m + m'). All host order.
uint16_t checksum_update16(uint16_t checksum, uint16_t old_value, uint16_t new_value);

/// RFC 1624 for a 32-bit field (two 16-bit words), e.g. an IPv4 address.
uint16_t checksum_update32(uint16_t checksum, uint32_t old_value, uint32_t new_value);

}  // namespace tcpterm::wire
