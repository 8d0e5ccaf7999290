// Allow-list arguments for device_env ports; see eal_arguments.hpp.
#include "control/eal_arguments.hpp"

#include <algorithm>

namespace tcpterm::control {

namespace {

/// The devices `eal_args` allow-lists (-a X, -aX, --allow X, --allow=X),
/// without their ",key=value" device arguments.
std::vector<std::string_view> allowed_devices(const std::vector<std::string_view>& eal_args) {
  std::vector<std::string_view> devices;
  for (size_t i = 0; i < eal_args.size(); ++i) {
    std::string_view arg = eal_args[i], value;
    if ((arg == "-a" || arg == "--allow") && i + 1 < eal_args.size()) {
      value = eal_args[++i];
    } else if (arg.rfind("--allow=", 0) == 0) {
      value = arg.substr(8);
    } else if (arg.rfind("-a", 0) == 0 && arg.size() > 2 && arg[2] != '-') {
      value = arg.substr(2);
    } else {
      continue;
    }
    devices.push_back(value.substr(0, value.find(',')));
  }
  return devices;
}

}  // namespace

std::vector<std::string> eal_allow_arguments(const Config& config,
                                             const std::vector<std::string_view>& eal_args) {
  std::vector<std::string_view> allowed = allowed_devices(eal_args);
  bool no_pci = std::find(eal_args.begin(), eal_args.end(), "--no-pci") != eal_args.end();
  std::vector<std::string> extra;
  for (size_t i = 0; i < config.ports.size(); ++i) {
    const PortConfig& port = config.ports[i];
    if (port.device_env.empty()) continue;
    if (no_pci)
      throw ConfigError(config.source + ": ports[" + std::to_string(i) +
                        "].device_env: " + port.device_env + " names PCI device " + port.device +
                        ", but the EAL arguments hold --no-pci; remove --no-pci");
    // EAL device names and the canonical address are both lower case.
    if (std::find(allowed.begin(), allowed.end(), port.device) != allowed.end()) continue;
    extra.push_back("-a");
    extra.push_back(port.device);
  }
  return extra;
}

std::vector<char*> EalCommandLine::argv() {
  std::vector<char*> pointers;
  for (std::string& arg : arguments) pointers.push_back(arg.data());
  return pointers;
}

EalCommandLine eal_command_line(const Config& config, int argc, char* const* argv) {
  EalCommandLine line;
  line.arguments.assign(argv, argv + argc);
  if (argc == 0) return line;
  // The EAL's arguments end at `--`; the program's own options follow.
  std::vector<std::string_view> given(argv + 1,
                                      std::find(argv + 1, argv + argc, std::string_view("--")));
  std::vector<std::string> extra = eal_allow_arguments(config, given);
  for (size_t i = 1; i < extra.size(); i += 2) line.allowed_from_env.push_back(extra[i]);
  line.arguments.insert(line.arguments.begin() + 1, extra.begin(), extra.end());
  return line;
}

}  // namespace tcpterm::control
