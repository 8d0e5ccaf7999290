// CLI11 parsing of tcpterm-loadgen's options and of the config's `loadgen:`
// section, which goes through the same CLI11 definitions (key "rate" is
// option --rate) so both accept and refuse exactly the same values.
#include "loadgen/loadgen_options.hpp"

#include <algorithm>
#include <charconv>

#include <CLI/CLI.hpp>

namespace tcpterm::loadgen {
namespace {

constexpr const char* kUsage =
    "tcpterm-loadgen: an HTTP load generator and SYN flooder on tcpterm's dataplane.\n"
    "Usage: tcpterm-loadgen [EAL arguments] -- --config FILE [options]\n"
    "Example: tcpterm-loadgen -l 0,1 --no-pci --no-huge -m 512 --file-prefix lg "
    "--vdev=net_memif0,role=client,socket=/tmp/memif.sock -- --config configs/loadgen-memif.yaml "
    "--connections 100000 --concurrency 1000\n"
    "One process, tcpterm's server on other lcores: tcpterm-loadgen --lcores=0@0,1@1,2@0 "
    "--no-pci --no-huge -m 1024 -- --config configs/loadgen-ring.yaml --ring-server "
    "configs/ring-server.yaml\n"
    "Options may also be set in the config's loadgen: section (rate: 1000, "
    "source_ports: 1024-65535, ...); the command line wins.";

/// Keys that are flags: in the config they take true or false.
constexpr std::string_view kFlags[] = {"syn-flood", "fast", "quiet", "hold"};

/// The text forms of the options that need converting after CLI11.
struct TextOptions {
  std::string server, sources, source_ports, flood_sources;
};

uint32_t ipv4_of(const wire::IpAddress& a) {
  return a.v4_host_order();
}

void define_options(CLI::App& app, LoadgenOptions& o, TextOptions& t) {
  app.add_option("-c,--config", o.config_path,
                 "tcpterm YAML config: ports, addresses, workers, tcp (configs/README.md)");
  app.add_option("--server", t.server, "server IPv4 address (required here or in loadgen:)");
  app.add_option("--port", o.server_port, "server TCP port")->check(CLI::Range(1, 65535));
  app.add_option("--sources", t.sources,
                 "source IPv4 addresses, A or A-B, at most 256; added to the first port's "
                 "addresses (default: the port's first IPv4 address)");
  app.add_option("--source-ports", t.source_ports,
                 "source ports, P or P-Q, split between workers (default 1024-65535)");
  app.add_option("--rate", o.rate, "new connections (or SYNs) per second, 0 = as fast as possible")
      ->check(CLI::Range(uint64_t{0}, uint64_t{100'000'000}));
  app.add_option("--concurrency", o.concurrency, "connections in flight at most")
      ->check(CLI::Range(1u, 16'777'216u));
  app.add_option("--connections", o.connections,
                 "stop opening after this many connections (SYNs with --syn-flood); 0 = no limit");
  app.add_option("--duration", o.duration_s,
                 "stop opening this many seconds after the first connection; 0 = no limit")
      ->check(CLI::Range(0.0, 86'400.0));
  app.add_option("--path", o.path, "request path")->check([](const std::string& p) {
    return !p.empty() && p[0] == '/' && p.find_first_of(" \r\n") == std::string::npos
               ? std::string()
               : std::string("must start with / and hold no spaces or line breaks");
  });
  app.add_option("--host", o.host, "Host header")->check([](const std::string& h) {
    return !h.empty() && h.find_first_of(" \r\n") == std::string::npos
               ? std::string()
               : std::string("must be non-empty without spaces or line breaks");
  });
  app.add_flag("--syn-flood", o.syn_flood,
               "send spoofed SYNs at --rate instead of HTTP load; count SYN-ACKs, answer none");
  app.add_flag("--fast", o.fast,
               "lightweight HTTP client without a TCP engine, for lossless links (memif, "
               "net_ring) only: no retransmission, the response in one segment; measures the "
               "server's ceiling (docs/loadgen.md)");
  app.add_option("--fast-timeout", o.fast_timeout_s,
                 "with --fast: seconds a connection may take before it is reset and counted "
                 "timed_out (default 1)")
      ->check(CLI::Range(0.001, 60.0));
  app.add_option("--background-flood", o.background_flood,
                 "also send this many spoofed SYNs per second beside the HTTP load");
  app.add_option("--flood-sources", t.flood_sources,
                 "spoofed source addresses A-B for SYNs (default 198.18.0.0-198.18.255.255)");
  app.add_option("--json", o.json_path, "write the final results as JSON to this file");
  app.add_option("--max-error-rate", o.max_error_rate,
                 "exit 1 when errors / connections exceed this (default 0: any error)")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--drain-timeout", o.drain_timeout_s,
                 "seconds to wait for connections in flight after the last open")
      ->check(CLI::Range(0.0, 600.0));
  app.add_option("--wait-neighbour", o.wait_neighbour_s,
                 "seconds to wait for the server's (or gateway's) ARP reply")
      ->check(CLI::Range(0.0, 600.0));
  app.add_flag("--quiet", o.quiet, "no per-second progress line");
  app.add_flag("--hold", o.hold,
               "after the report, keep the ports open (nothing polled) until SIGINT/SIGTERM, so a "
               "memif peer can stop first");
  app.add_option("--ring-server", o.ring_server_path,
                 "one process: also run tcpterm's server on this tcpterm config, its first port "
                 "joined to ours by a net_ring link (both devices named net_ring...)");
}

/// Converts the text options; returns an error sentence or "".
std::string convert(const TextOptions& t, LoadgenOptions& o) {
  if (!t.server.empty()) {
    o.server = wire::IpAddress::parse(t.server);
    if (!o.server || !o.server->is_v4())
      return "--server: expected an IPv4 address, got \"" + t.server + "\"";
  }
  if (!t.sources.empty()) {
    auto r = parse_address_range(t.sources);
    if (!r) return "--sources: expected A or A-B (IPv4, A <= B), got \"" + t.sources + "\"";
    o.sources = *r;
  }
  if (!t.source_ports.empty()) {
    auto r = parse_port_range(t.source_ports);
    if (!r)
      return "--source-ports: expected P or P-Q (1 <= P <= Q <= 65535), got \"" + t.source_ports +
             "\"";
    o.source_ports = *r;
  }
  if (!t.flood_sources.empty()) {
    auto r = parse_address_range(t.flood_sources);
    if (!r)
      return "--flood-sources: expected A or A-B (IPv4, A <= B), got \"" + t.flood_sources + "\"";
    o.flood_sources = *r;
  }
  return "";
}

ParseOutcome parse_into(std::vector<std::string> args, LoadgenOptions& options) {
  LoadgenOptions parsed = options;
  TextOptions text;
  CLI::App app{kUsage, "tcpterm-loadgen"};
  define_options(app, parsed, text);
  std::reverse(args.begin(), args.end());  // CLI11 takes a reversed vector
  try {
    app.parse(args);
  } catch (const CLI::CallForHelp&) {
    std::printf("%s", app.help().c_str());
    return {false, 0, ""};
  } catch (const CLI::ParseError& e) {
    return {false, 2, e.what()};
  }
  if (std::string error = convert(text, parsed); !error.empty()) return {false, 2, error};
  options = parsed;
  return {true, 0, ""};
}

bool given_on_command_line(const std::vector<std::string>& args, const std::string& option) {
  return std::any_of(args.begin(), args.end(), [&](const std::string& a) {
    return a == option || a.rfind(option + "=", 0) == 0;
  });
}

}  // namespace

std::optional<AddressRange> parse_address_range(std::string_view text) {
  size_t dash = text.find('-');
  auto first = wire::IpAddress::parse(text.substr(0, dash));
  if (!first || !first->is_v4()) return std::nullopt;
  if (dash == std::string_view::npos) return AddressRange{*first, 1};
  auto last = wire::IpAddress::parse(text.substr(dash + 1));
  if (!last || !last->is_v4() || ipv4_of(*last) < ipv4_of(*first)) return std::nullopt;
  return AddressRange{*first, ipv4_of(*last) - ipv4_of(*first) + 1};
}

std::optional<PortRange> parse_port_range(std::string_view text) {
  auto number = [](std::string_view s) -> std::optional<uint16_t> {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size() || v == 0 || v > 65535) return std::nullopt;
    return static_cast<uint16_t>(v);
  };
  size_t dash = text.find('-');
  auto first = number(text.substr(0, dash));
  if (!first) return std::nullopt;
  if (dash == std::string_view::npos) return PortRange{*first, *first};
  auto last = number(text.substr(dash + 1));
  if (!last || *last < *first) return std::nullopt;
  return PortRange{*first, *last};
}

ParseOutcome parse_loadgen_args(const std::vector<std::string>& args, LoadgenOptions& options) {
  ParseOutcome outcome = parse_into(args, options);
  if (outcome.run && options.config_path.empty())
    return {false, 2, "--config is required: the tcpterm YAML file naming the port and addresses"};
  return outcome;
}

ParseOutcome parse_loadgen_cli(int argc, char** argv, LoadgenOptions& options) {
  int i = 1;
  while (i < argc && std::string_view(argv[i]) != "--") ++i;
  i = i < argc ? i + 1 : 1;
  return parse_loadgen_args(std::vector<std::string>(argv + i, argv + argc), options);
}

std::string apply_loadgen_section(const std::vector<std::pair<std::string, std::string>>& section,
                                  const std::vector<std::string>& cli_args, std::string_view source,
                                  LoadgenOptions& options) {
  std::vector<std::string> args;
  for (const auto& [key, value] : section) {
    std::string option = "--" + key;
    std::replace(option.begin(), option.end(), '_', '-');
    if (key == "config")
      return std::string(source) + ": loadgen.config: not allowed in the config itself";
    if (given_on_command_line(cli_args, option)) continue;
    bool flag =
        std::find(std::begin(kFlags), std::end(kFlags), option.substr(2)) != std::end(kFlags);
    std::vector<std::string> one;
    if (!flag) {
      one = {option, value};
    } else if (value == "true") {
      one = {option};
    } else if (value != "false") {
      return std::string(source) + ": loadgen." + key + ": expected true or false, got \"" + value +
             "\"";
    }
    LoadgenOptions scratch;
    ParseOutcome outcome = parse_into(one, scratch);
    if (!outcome.run)
      return std::string(source) + ": loadgen." + key + ": " +
             (outcome.message.empty() ? "not a loadgen option" : outcome.message);
    args.insert(args.end(), one.begin(), one.end());
  }
  ParseOutcome outcome = parse_into(args, options);
  return outcome.run ? "" : std::string(source) + ": loadgen: " + outcome.message;
}

std::string check_loadgen_options(const LoadgenOptions& o) {
  if (!o.server) return "no server address: give --server or loadgen.server in the config";
  if (o.syn_flood && o.background_flood != 0)
    return "--syn-flood and --background-flood exclude each other (flood only, or load plus flood)";
  if (o.fast && o.syn_flood)
    return "--fast and --syn-flood exclude each other: --fast is a kind of HTTP load, "
           "--syn-flood sends no HTTP load at all";
  if (o.fast_timeout_s != 1 && !o.fast) return "--fast-timeout applies only with --fast";
  if (o.hold && !o.ring_server_path.empty())
    return "--hold is for a memif peer in another process; with --ring-server the server stops "
           "with us";
  if (o.sources.count > 256)
    return "--sources: at most 256 addresses (the worker checks each frame against them)";
  return "";
}

}  // namespace tcpterm::loadgen
