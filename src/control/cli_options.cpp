// CLI11 parsing of tcpterm's own options; see cli_options.hpp.
#include "control/cli_options.hpp"

#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

namespace tcpterm::control {

std::optional<CliOptions> parse_cli(int argc, char** argv, int& exit_code) {
  std::vector<char*> args = {argv[0]};
  int i = 1;
  while (i < argc && std::string_view(argv[i]) != "--") ++i;
  for (++i; i < argc; ++i) args.push_back(argv[i]);

  CliOptions options;
  CLI::App app{
      "tcpterm: a DPDK TCP terminator (HTTP, echo and discard built in).\n"
      "Usage: tcpterm [EAL arguments] -- --config FILE\n"
      "Example: tcpterm -l 0-1 --no-huge -m 512 --no-pci --vdev=net_tap0,iface=tcpterm0 -- "
      "--config configs/tap.yaml",
      "tcpterm"};
  app.add_option("-c,--config", options.config_path, "YAML config file (format: configs/README.md)")
      ->required();
  try {
    app.parse(static_cast<int>(args.size()), args.data());
  } catch (const CLI::ParseError& e) {
    exit_code = app.exit(e);
    return std::nullopt;
  }
  return options;
}

}  // namespace tcpterm::control
