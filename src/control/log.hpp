// tcpterm's rte_log type ("tcpterm"), registered at load time so the EAL's
// --log-level=tcpterm:debug works. Control path only: the fast path counts.
#pragma once

#include <string_view>

#include <rte_log.h>

namespace tcpterm::control {

extern int log_type;

/// rte_log level for a config name ("info", "debug", ...); RTE_LOG_INFO if unknown.
uint32_t log_level_from_name(std::string_view name);

/// True when the EAL arguments (before `--`) set the "tcpterm" log level,
/// which then wins over the config's log.level.
bool log_level_given_on_command_line(int argc, char** argv);

}  // namespace tcpterm::control

/// Logs one line at `level` (INFO, WARNING, ...) with the "tcpterm: " prefix.
#define TCPTERM_LOG(level, ...) \
  rte_log(RTE_LOG_##level, ::tcpterm::control::log_type, "tcpterm: " __VA_ARGS__)
