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

bool log_level_on_command_line(int argc, char** argv) {
  for (int i = 1; i < argc && std::string_view(argv[i]) != "--"; ++i)
    if (std::string_view(argv[i]).find("log-level") != std::string_view::npos &&
        (std::string_view(argv[i]).find("tcpterm") != std::string_view::npos ||
         (i + 1 < argc && std::string_view(argv[i + 1]).find("tcpterm") != std::string_view::npos)))
      return true;
  return false;
}

void apply_config_log_level(std::string_view level, int argc, char** argv) {
  if (!log_level_on_command_line(argc, argv))
    rte_log_set_level(log_type, log_level_from_name(level));
}

}  // namespace tcpterm::control
