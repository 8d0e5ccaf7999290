// Registers the "tcpterm" log type; see log.hpp.
#include "control/log.hpp"

namespace tcpterm::control {

RTE_LOG_REGISTER(log_type, tcpterm, INFO);

uint32_t log_level_from_name(std::string_view name) {
  constexpr std::string_view kNames[] = {"emerg",   "alert",  "crit", "err",
                                         "warning", "notice", "info", "debug"};
  for (uint32_t i = 0; i < std::size(kNames); ++i)
    if (kNames[i] == name) return RTE_LOG_EMERG + i;
  return RTE_LOG_INFO;
}

}  // namespace tcpterm::control
