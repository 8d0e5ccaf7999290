// apply_config_log_level: the config's log.level sets the "tcpterm" log type,
// unless the EAL arguments (before `--`) set it, in either spelling.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "control/log.hpp"

namespace tcpterm::control {
namespace {

void apply(std::string_view level, std::vector<std::string> words) {
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  apply_config_log_level(level, static_cast<int>(argv.size()), argv.data());
}

TEST(ConfigLogLevel, TheConfigSetsTheLevel) {
  apply("debug", {"tcpterm", "--no-huge", "--", "--config", "x.yaml"});
  EXPECT_EQ(rte_log_get_level(log_type), static_cast<int>(RTE_LOG_DEBUG));
  apply("warning", {"tcpterm", "--", "--config", "x.yaml"});
  EXPECT_EQ(rte_log_get_level(log_type), static_cast<int>(RTE_LOG_WARNING));
}

TEST(ConfigLogLevel, TheEalCommandLineWins) {
  apply("warning", {"tcpterm"});
  apply("debug", {"tcpterm", "--log-level=tcpterm:info", "--", "--config", "x.yaml"});
  EXPECT_EQ(rte_log_get_level(log_type), static_cast<int>(RTE_LOG_WARNING));
  apply("debug", {"tcpterm", "--log-level", "tcpterm,info", "--"});
  EXPECT_EQ(rte_log_get_level(log_type), static_cast<int>(RTE_LOG_WARNING));
  // After `--` it is tcpterm's own argument, not the EAL's.
  apply("debug", {"tcpterm", "--", "--log-level=tcpterm:info"});
  EXPECT_EQ(rte_log_get_level(log_type), static_cast<int>(RTE_LOG_DEBUG));
}

}  // namespace
}  // namespace tcpterm::control
