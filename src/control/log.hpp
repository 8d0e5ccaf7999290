// tcpterm's rte_log type ("tcpterm"), registered at load time so the EAL's
// --log-level=tcpterm:debug works. Control path only: the fast path counts.
#pragma once

#include <string_view>

#include <rte_log.h>

namespace tcpterm::control {

extern int log_type;

/// rte_log level for a config name ("info", "debug", ...); RTE_LOG_INFO if unknown.
uint32_t log_level_from_name(std::string_view name);

/// Whether the EAL arguments in `argv` (before `--`) set the "tcpterm" log
/// level (--log-level=tcpterm:debug or --log-level tcpterm,debug).
bool log_level_on_command_line(int argc, char** argv);

/// Sets the "tcpterm" log level to the config's log.level (`level`), unless
/// the EAL arguments in `argv` (before `--`) set it: the command line wins.
void apply_config_log_level(std::string_view level, int argc, char** argv);

}  // namespace tcpterm::control

/// Logs one line at `level` (INFO, WARNING, ...) with the "tcpterm: " prefix.
#define TCPTERM_LOG(level, ...) \
  rte_log(RTE_LOG_##level, ::tcpterm::control::log_type, "tcpterm: " __VA_ARGS__)
