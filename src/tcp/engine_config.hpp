// EngineConfig: every size and timer of one lcore's TCP engine. Filled from
// the config file by src/control; defaults follow Linux where Linux is sane.
#pragma once

#include <array>
#include <cstdint>

namespace tcpterm::tcp {

/// RFC 4987 SYN cookies: never, only when the SYN backlog or table is full, or always.
enum class SynCookieMode : uint8_t { kOff, kAuto, kAlways };

struct EngineConfig {
  // Capacities: everything is preallocated from these at start.
  uint32_t max_connections = 65536;    // live TCBs (SYN-RECEIVED .. LAST-ACK)
  uint32_t max_time_wait = 65536;      // compact TIME-WAIT records
  uint32_t max_syn_backlog = 4096;     // SYN-RECEIVED entries before cookies (auto mode)
  uint32_t buffer_count = 16384;       // shared pool of send/receive buffers
  uint32_t buffer_size = 65536;        // bytes per buffer; receive window <= this
  uint32_t max_listeners = 64;

  // Options we offer (RFC 7323, RFC 2018, RFC 9293 3.7.1).
  uint16_t mss_v4 = 1460;
  uint16_t mss_v6 = 1440;
  uint8_t window_scale = 7;
  bool sack = true;
  bool timestamps = true;

  // Timers, microseconds.
  uint64_t timer_tick_us = 1000;
  uint64_t msl_us = 30'000'000;        // TIME-WAIT lasts 2*MSL (RFC 9293 3.6.1)
  uint64_t rto_initial_us = 1'000'000; // RFC 6298 2.1
  uint64_t rto_min_us = 200'000;       // Linux TCP_RTO_MIN
  uint64_t rto_max_us = 60'000'000;    // RFC 6298 2.5 allows an upper bound >= 60 s
  uint32_t syn_ack_retries = 5;        // SYN-ACK retransmissions before giving up
  uint32_t syn_retries = 6;            // SYN retransmissions for active opens
  uint32_t max_retransmits = 15;       // data/FIN retransmissions before reset (tcp_retries2)
  uint64_t delayed_ack_us = 40'000;    // RFC 9293 3.8.6.3 says < 0.5 s; Linux uses 40 ms
  uint64_t fin_wait2_timeout_us = 60'000'000;  // orphaned FIN-WAIT-2 (Linux tcp_fin_timeout)
  uint64_t keepalive_idle_us = 0;      // 0 = no keepalives
  uint64_t keepalive_interval_us = 75'000'000;
  uint32_t keepalive_probes = 9;
  uint64_t idle_timeout_us = 0;        // 0 = none; otherwise reset idle connections

  // RFC 5961 7: challenge ACKs per second across the engine.
  uint32_t challenge_ack_limit = 1000;

  SynCookieMode syn_cookies = SynCookieMode::kAuto;
  std::array<uint8_t, 16> secret{};    // keys ISNs (RFC 6528) and SYN cookies
};

}  // namespace tcpterm::tcp
