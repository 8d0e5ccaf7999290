// packetdrill_runner [--tolerance_usecs=N] [--ip_version=ipv4|ipv6] <script.pkt>...
// Runs each script against the engine; stops with exit status 1 at the first
// failure, printing file:line and the expected and actual segments.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "runner.hpp"
#include "script.hpp"

int main(int argc, char** argv) {
  using namespace tcpterm::packetdrill;
  ScriptOptions options;
  options.engine = default_engine_config();
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.starts_with("--")) {
      size_t eq = arg.find('=');
      std::string error = eq == std::string::npos ? "option " + arg + " needs =value"
                                                  : apply_option(options, arg.substr(2, eq - 2), arg.substr(eq + 1));
      if (!error.empty()) {
        std::fprintf(stderr, "packetdrill_runner: %s\n", error.c_str());
        return 2;
      }
    } else {
      paths.push_back(arg);
    }
  }
  if (paths.empty()) {
    std::fprintf(stderr, "usage: packetdrill_runner [--tolerance_usecs=N] [--ip_version=ipv4|ipv6] <script.pkt>...\n");
    return 2;
  }
  for (const std::string& path : paths) {
    std::ifstream in(path);
    if (!in) {
      std::fprintf(stderr, "%s: cannot open the script\n", path.c_str());
      return 1;
    }
    std::stringstream text;
    text << in.rdbuf();
    std::string error;
    auto script = parse_script(text.str(), path, options, error);
    if (!script) {
      std::fprintf(stderr, "%s\n", error.c_str());
      return 1;
    }
    error = run_script(*script);
    if (!error.empty()) {
      std::fprintf(stderr, "FAIL %s\n", error.c_str());
      return 1;
    }
    std::printf("PASS %s\n", path.c_str());
  }
  return 0;
}
