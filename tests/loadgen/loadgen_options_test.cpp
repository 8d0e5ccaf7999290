// tcpterm-loadgen's option parsing: ranges, defaults, refusals with exit 2,
// the config's loadgen: section (cut out with line numbers kept, applied
// only where the command line is silent) and the combination checks.
#include <gtest/gtest.h>

#include "control/config.hpp"
#include "loadgen/loadgen_config.hpp"
#include "loadgen/loadgen_options.hpp"

namespace tcpterm::loadgen {
namespace {

TEST(AddressRange, SingleAndRange) {
  auto one = parse_address_range("10.0.0.1");
  ASSERT_TRUE(one);
  EXPECT_EQ(one->first, wire::IpAddress::v4(0x0a000001));
  EXPECT_EQ(one->count, 1u);
  auto range = parse_address_range("10.0.0.250-10.0.1.4");
  ASSERT_TRUE(range);
  EXPECT_EQ(range->count, 11u);
  EXPECT_FALSE(parse_address_range("10.0.0.9-10.0.0.1"));  // reversed
  EXPECT_FALSE(parse_address_range("fd00::1"));            // IPv4 only
  EXPECT_FALSE(parse_address_range("10.0.0.1-"));
  EXPECT_FALSE(parse_address_range(""));
}

TEST(PortRange, SingleAndRange) {
  EXPECT_EQ(parse_port_range("8080"), (PortRange{8080, 8080}));
  EXPECT_EQ(parse_port_range("1024-65535"), (PortRange{1024, 65535}));
  EXPECT_FALSE(parse_port_range("0-10"));
  EXPECT_FALSE(parse_port_range("10-9"));
  EXPECT_FALSE(parse_port_range("1-65536"));
  EXPECT_FALSE(parse_port_range("12x"));
}

TEST(LoadgenOptions, ParsesEveryOption) {
  LoadgenOptions o;
  ParseOutcome r = parse_loadgen_args({"--config",
                                       "x.yaml",
                                       "--server",
                                       "192.168.50.2",
                                       "--port",
                                       "8080",
                                       "--sources",
                                       "192.168.50.10-192.168.50.13",
                                       "--source-ports",
                                       "2000-2999",
                                       "--rate",
                                       "5000",
                                       "--concurrency",
                                       "64",
                                       "--connections",
                                       "100",
                                       "--duration",
                                       "2.5",
                                       "--path",
                                       "/a",
                                       "--host",
                                       "h",
                                       "--json",
                                       "out.json",
                                       "--max-error-rate",
                                       "0.01",
                                       "--background-flood",
                                       "300",
                                       "--flood-sources",
                                       "198.18.0.0-198.18.0.255",
                                       "--quiet"},
                                      o);
  ASSERT_TRUE(r.run) << r.message;
  EXPECT_EQ(o.config_path, "x.yaml");
  EXPECT_EQ(o.server, wire::IpAddress::v4(0xc0a83202));
  EXPECT_EQ(o.server_port, 8080);
  EXPECT_EQ(o.sources.count, 4u);
  EXPECT_EQ(o.source_ports, (PortRange{2000, 2999}));
  EXPECT_EQ(o.rate, 5000u);
  EXPECT_EQ(o.concurrency, 64u);
  EXPECT_EQ(o.connections, 100u);
  EXPECT_DOUBLE_EQ(o.duration_s, 2.5);
  EXPECT_EQ(o.path, "/a");
  EXPECT_EQ(o.host, "h");
  EXPECT_EQ(o.json_path, "out.json");
  EXPECT_DOUBLE_EQ(o.max_error_rate, 0.01);
  EXPECT_EQ(o.background_flood, 300u);
  EXPECT_EQ(o.flood_sources.count, 256u);
  EXPECT_TRUE(o.quiet);
  EXPECT_EQ(check_loadgen_options(o), "");
}

TEST(LoadgenOptions, RefusesBadValuesWithExitTwo) {
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"--config", "x", "--rate", "fast"},
           {"--config", "x", "--concurrency", "0"},
           {"--config", "x", "--server", "not-an-address"},
           {"--config", "x", "--server", "fd00::1"},
           {"--config", "x", "--source-ports", "9-1"},
           {"--config", "x", "--path", "no-slash"},
           {"--config", "x", "--max-error-rate", "2"},
           {"--config", "x", "--no-such-option"},
           {"--server", "10.0.0.1"},  // no --config
       }) {
    LoadgenOptions o;
    ParseOutcome r = parse_loadgen_args(args, o);
    EXPECT_FALSE(r.run) << args[2];
    EXPECT_EQ(r.exit_code, 2) << args.back();
    EXPECT_FALSE(r.message.empty()) << args.back();
  }
}

TEST(LoadgenOptions, ArgumentsAfterTheEalSeparator) {
  const char* argv[] = {"tcpterm-loadgen", "-l", "0,1", "--no-pci", "--", "--config", "c.yaml"};
  LoadgenOptions o;
  ParseOutcome r = parse_loadgen_cli(7, const_cast<char**>(argv), o);
  ASSERT_TRUE(r.run) << r.message;
  EXPECT_EQ(o.config_path, "c.yaml");
}

TEST(LoadgenOptions, CombinationChecks) {
  LoadgenOptions o;
  EXPECT_NE(check_loadgen_options(o), "");  // no server
  o.server = wire::IpAddress::v4(0x0a000001);
  EXPECT_EQ(check_loadgen_options(o), "");
  o.syn_flood = true;
  o.background_flood = 10;
  EXPECT_NE(check_loadgen_options(o), "");
}

TEST(LoadgenOptions, RingServerIsOneProcessSoHoldIsRefused) {
  LoadgenOptions o;
  ASSERT_TRUE(
      parse_loadgen_args(
          {"--config", "lg.yaml", "--server", "192.168.60.2", "--ring-server", "server.yaml"}, o)
          .run);
  EXPECT_EQ(o.ring_server_path, "server.yaml");
  EXPECT_EQ(check_loadgen_options(o), "");
  o.hold = true;  // a memif workaround: the server stops with us here
  EXPECT_NE(check_loadgen_options(o).find("--hold"), std::string::npos);
}

TEST(LoadgenOptions, FastIsAnHttpLoadSoSynFloodIsRefused) {
  LoadgenOptions o;
  ASSERT_TRUE(parse_loadgen_args({"--config", "lg.yaml", "--server", "192.168.60.2", "--fast",
                                  "--fast-timeout", "0.25", "--background-flood", "100"},
                                 o)
                  .run);
  EXPECT_TRUE(o.fast);
  EXPECT_DOUBLE_EQ(o.fast_timeout_s, 0.25);
  EXPECT_EQ(check_loadgen_options(o), "");  // a background flood beside it is fine
  o.background_flood = 0;
  o.syn_flood = true;
  EXPECT_NE(check_loadgen_options(o).find("--fast and --syn-flood"), std::string::npos);
  o.syn_flood = false;
  o.fast = false;  // a timeout for a mode not asked for
  EXPECT_NE(check_loadgen_options(o).find("--fast-timeout"), std::string::npos);
  LoadgenOptions refused;
  EXPECT_EQ(parse_loadgen_args({"--config", "x.yaml", "--fast-timeout", "0"}, refused).exit_code,
            2);
  // A flag in the config's section too.
  LoadgenOptions from_section;
  EXPECT_EQ(apply_loadgen_section({{"fast", "true"}}, {}, "c.yaml", from_section), "");
  EXPECT_TRUE(from_section.fast);
}

constexpr const char* kConfig =
    "workers: [1]\n"
    "loadgen:\n"
    "  server: 192.168.50.2\n"
    "  # a comment inside\n"
    "  rate: 100\n"
    "  syn_flood: true\n"
    "ports:\n"
    "  - device: net_memif0\n"
    "    addresses: [192.168.50.1/24]\n";

TEST(LoadgenConfig, SectionIsCutWithLineNumbersKept) {
  SplitConfig split = split_loadgen_section(kConfig, "c.yaml");
  ASSERT_EQ(split.loadgen.size(), 3u);
  EXPECT_EQ(split.loadgen[0], (std::pair<std::string, std::string>{"server", "192.168.50.2"}));
  EXPECT_EQ(split.tcpterm_text,
            "workers: [1]\n\n\n\n\n\nports:\n  - device: net_memif0\n    addresses: "
            "[192.168.50.1/24]\n");
  control::Config config = control::parse_config(split.tcpterm_text, "c.yaml");
  EXPECT_EQ(config.ports.size(), 1u);
}

TEST(LoadgenConfig, CommandLineWinsOverTheSection) {
  SplitConfig split = split_loadgen_section(kConfig, "c.yaml");
  LoadgenOptions o;
  std::vector<std::string> cli = {"--config", "c.yaml", "--rate", "7"};
  ASSERT_TRUE(parse_loadgen_args(cli, o).run);
  EXPECT_EQ(apply_loadgen_section(split.loadgen, cli, "c.yaml", o), "");
  EXPECT_EQ(o.rate, 7u);
  EXPECT_EQ(o.server, wire::IpAddress::v4(0xc0a83202));
  EXPECT_TRUE(o.syn_flood);
}

TEST(LoadgenConfig, BadSectionValuesNameFileAndKey) {
  LoadgenOptions o;
  std::string error =
      apply_loadgen_section({{"rate", "lots"}}, {"--config", "c.yaml"}, "c.yaml", o);
  EXPECT_NE(error.find("c.yaml: loadgen.rate:"), std::string::npos) << error;
  error = apply_loadgen_section({{"colour", "red"}}, {}, "c.yaml", o);
  EXPECT_NE(error.find("loadgen.colour"), std::string::npos) << error;
  error = apply_loadgen_section({{"syn_flood", "maybe"}}, {}, "c.yaml", o);
  EXPECT_NE(error.find("true or false"), std::string::npos) << error;
  EXPECT_THROW(split_loadgen_section("loadgen: [1, 2]\n", "c.yaml"), control::ConfigError);
  EXPECT_THROW(split_loadgen_section("loadgen:\n  rate: [1]\n", "c.yaml"), control::ConfigError);
}

}  // namespace
}  // namespace tcpterm::loadgen
