// RFC 6298 retransmission timer arithmetic on a Tcb, in microseconds.
#pragma once

#include <algorithm>
#include <cstdint>

#include "tcp/engine_config.hpp"
#include "tcp/tcb.hpp"

namespace tcpterm::tcp {

inline constexpr uint32_t kClockGranularityUs = 1000;  // RFC 6298 G: our TS clock ticks in ms

/// RFC 6298 2.2/2.3: fold one RTT measurement into SRTT/RTTVAR and set RTO.
inline void rtt_sample(Tcb& tcb, uint32_t sample_us, const EngineConfig& config) {
  if (tcb.srtt_us == 0) {
    tcb.srtt_us = std::max<uint32_t>(sample_us, 1);
    tcb.rttvar_us = sample_us / 2;
  } else {
    uint32_t delta = tcb.srtt_us > sample_us ? tcb.srtt_us - sample_us : sample_us - tcb.srtt_us;
    tcb.rttvar_us = (3 * tcb.rttvar_us + delta) / 4;
    tcb.srtt_us = std::max<uint32_t>((7 * tcb.srtt_us + sample_us) / 8, 1);
  }
  uint64_t rto = uint64_t{tcb.srtt_us} + std::max<uint64_t>(kClockGranularityUs, 4ull * tcb.rttvar_us);
  tcb.rto_us = static_cast<uint32_t>(std::clamp<uint64_t>(rto, config.rto_min_us, config.rto_max_us));
}

/// RFC 6298 5.5: back off the timer after a timeout.
inline void rto_backoff(Tcb& tcb, const EngineConfig& config) {
  tcb.rto_us = static_cast<uint32_t>(std::min<uint64_t>(uint64_t{tcb.rto_us} * 2, config.rto_max_us));
}

}  // namespace tcpterm::tcp
