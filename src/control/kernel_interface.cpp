// Runs `ip` without a shell (posix_spawnp with an argument vector), so no
// address text is ever interpreted by a shell.
#include "control/kernel_interface.hpp"

#include <spawn.h>
#include <sys/wait.h>

#include <stdexcept>

extern char** environ;

namespace tcpterm::control {

namespace {

void run(const std::vector<std::string>& args, const std::string& interface) {
  std::vector<char*> argv;
  std::string command;
  for (const std::string& a : args) {
    argv.push_back(const_cast<char*>(a.c_str()));
    command += (command.empty() ? "" : " ") + a;
  }
  argv.push_back(nullptr);
  pid_t pid = 0;
  int status = 0;
  if (int rc = posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ); rc != 0) {
    throw std::runtime_error("kernel interface " + interface + ": cannot run `" + command +
                             "` (is iproute2 installed?)");
  }
  if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error(
        "kernel interface " + interface + ": `" + command + "` failed" +
        (WIFEXITED(status) ? " with status " + std::to_string(WEXITSTATUS(status)) : "") +
        "; tcpterm needs CAP_NET_ADMIN to configure the tap's kernel side");
  }
}

}  // namespace

void configure_kernel_interface(const std::string& interface,
                                const std::vector<InterfaceAddress>& addresses,
                                const std::string& mac) {
  if (!mac.empty()) run({"ip", "link", "set", "dev", interface, "address", mac}, interface);
  for (const InterfaceAddress& a : addresses) {
    std::vector<std::string> args = {
        "ip", a.address.is_v4() ? "-4" : "-6", "addr", "replace", a.to_string(), "dev", interface};
    if (!a.address.is_v4()) args.push_back("nodad");  // usable at once, no DAD delay
    run(args, interface);
  }
  run({"ip", "link", "set", "dev", interface, "up"}, interface);
}

}  // namespace tcpterm::control
