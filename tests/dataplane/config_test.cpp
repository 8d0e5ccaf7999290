// Config parser: a good file loads with the documented defaults, and every
// kind of bad file is refused with a message naming the file, line and key.
#include "control/config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "control/eal_arguments.hpp"
#include "control/pci_device_list.hpp"

namespace tcpterm::control {
namespace {

constexpr const char* kGood = R"(
workers: [1, 2]
ports:
  - device: net_tap0
    addresses: [10.7.0.2/24, "fd00:7::2/64"]
    gateway: 10.7.0.1
    mtu: 1500
    kernel_side: 10.7.0.1/24
listeners:
  - { port: 80, app: http }
  - { port: 7, app: echo, address: 10.7.0.2 }
  - { port: 9, app: discard }
http:
  status: 200
  content_type: text/plain
  body: "Hello from tcpterm\n"
tcp: { max_connections: 1000, msl_ms: 1000, syn_cookies: always, sack: false }
dataplane: { rx_burst: 64, mbufs: 4095 }
log: { level: debug, stats_interval_s: 0 }
)";

std::string error_of(const std::string& yaml) {
  try {
    parse_config(yaml, "test.yaml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(accepted)";
}

/// kGood with one line replaced, so each bad case differs in one place only.
std::string good_with(const std::string& from, const std::string& to) {
  std::string text = kGood;
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

TEST(Config, GoodFileLoads) {
  Config c = parse_config(kGood, "test.yaml");
  EXPECT_EQ(c.workers, (std::vector<unsigned>{1, 2}));
  ASSERT_EQ(c.ports.size(), 1u);
  EXPECT_EQ(c.ports[0].device, "net_tap0");
  ASSERT_EQ(c.ports[0].addresses.size(), 2u);
  EXPECT_EQ(c.ports[0].addresses[0].to_string(), "10.7.0.2/24");
  EXPECT_EQ(c.ports[0].addresses[1].prefix_length, 64);
  ASSERT_EQ(c.ports[0].gateways.size(), 1u);
  EXPECT_EQ(c.ports[0].gateways[0], wire::IpAddress::v4(0x0a070001));
  ASSERT_EQ(c.ports[0].kernel_side.size(), 1u);
  ASSERT_EQ(c.listeners.size(), 3u);
  EXPECT_EQ(c.listeners[0].app, "http");
  EXPECT_FALSE(c.listeners[0].address.has_value());
  EXPECT_EQ(c.listeners[1].address, wire::IpAddress::v4(0x0a070002));
  EXPECT_EQ(c.listeners[0].to_string(), "http:80");
  EXPECT_EQ(c.listeners[1].to_string(), "echo:10.7.0.2:7");
  EXPECT_EQ(c.http.body, "Hello from tcpterm\n");
  EXPECT_EQ(c.tcp.max_connections, 1000u);
  EXPECT_EQ(c.tcp.msl_us, 1'000'000u);
  EXPECT_EQ(c.tcp.syn_cookies, tcp::SynCookieMode::kAlways);
  EXPECT_FALSE(c.tcp.sack);
  EXPECT_EQ(c.tcp.max_time_wait, tcp::EngineConfig{}.max_time_wait);  // default kept
  EXPECT_EQ(c.dataplane.rx_burst, 64);
  EXPECT_EQ(c.dataplane.tx_burst, 32);
  EXPECT_EQ(c.log.level, "debug");
  EXPECT_FALSE(c.prometheus.enabled);
}

TEST(Config, MinimalFileUsesDefaults) {
  Config c = parse_config("ports: [{device: net_tap0, addresses: 10.0.0.2/24}]", "min.yaml");
  EXPECT_TRUE(c.workers.empty());
  EXPECT_TRUE(c.listeners.empty());
  EXPECT_EQ(c.ports[0].mtu, 1500);
  EXPECT_EQ(c.http.status, 200);
}

TEST(Config, ShippedTapConfigLoads) {
  Config c = load_config_file(TCPTERM_SOURCE_DIR "/configs/tap.yaml");
  EXPECT_EQ(c.ports[0].device, "net_tap0");
  EXPECT_EQ(c.listeners.size(), 3u);
}

TEST(Config, EveryShippedConfigLoads) {
  for (const char* name :
       {"tap.yaml", "tap-multiqueue.yaml", "memif.yaml", "pci.yaml", "ring.yaml"}) {
    SCOPED_TRACE(name);
    EXPECT_NO_THROW(load_config_file(std::string(TCPTERM_SOURCE_DIR "/configs/") + name));
  }
}

TEST(Config, SectionTextsTellWhatChanged) {
  Config a = parse_config(kGood, "a.yaml");
  Config b = parse_config(good_with("rx_burst: 64", "rx_burst: 16"), "b.yaml");
  EXPECT_EQ(a.section_texts.at("ports"), b.section_texts.at("ports"));
  EXPECT_NE(a.section_texts.at("dataplane"), b.section_texts.at("dataplane"));
}

TEST(Config, UnknownKeyIsNamed) {
  EXPECT_EQ(error_of(good_with("    mtu: 1500", "    mtu: 1500\n    speed: 10")),
            "test.yaml:8: ports[0].speed: unknown key (known keys here: addresses, device, "
            "device_env, device_index, exception, gateway, kernel_side, mtu, vlan)");
  EXPECT_NE(error_of(good_with("tcp: {", "tcp: { max_conections: 5,"))
                .find("tcp.max_conections: unknown key"),
            std::string::npos);
  EXPECT_NE(error_of(std::string(kGood) + "listners: []\n").find("listners: unknown key"),
            std::string::npos);
}

TEST(Config, OutOfRangeNumberIsNamed) {
  EXPECT_EQ(error_of(good_with("mtu: 1500", "mtu: 100000")),
            "test.yaml:7: ports[0].mtu: expected a whole number from 576 to 9000, got \"100000\"");
  EXPECT_NE(error_of(good_with("{ port: 80,", "{ port: -1,"))
                .find("listeners[0].port: expected a whole number"),
            std::string::npos);
  EXPECT_NE(error_of(good_with("rx_burst: 64", "rx_burst: lots")).find("dataplane.rx_burst"),
            std::string::npos);
  // TIME-WAIT records are linked by 24-bit indices: 2^24 - 1 of them at most.
  EXPECT_EQ(error_of(good_with("max_connections: 1000,", "max_time_wait: 16777216,")),
            "test.yaml:17: tcp.max_time_wait: expected a whole number from 1 to 16777215, got "
            "\"16777216\"");
}

TEST(Config, BadAddressIsNamed) {
  EXPECT_NE(error_of(good_with("10.7.0.2/24,", "10.7.0.300/24,"))
                .find("ports[0].addresses[0]: expected ADDRESS/PREFIX"),
            std::string::npos);
  EXPECT_NE(error_of(good_with("10.7.0.2/24,", "10.7.0.2,")).find("ports[0].addresses[0]"),
            std::string::npos);
  EXPECT_NE(
      error_of(good_with("10.7.0.2/24,", "10.7.0.2/33,")).find("prefix length must be 1 to 32"),
      std::string::npos);
  EXPECT_NE(error_of(good_with("gateway: 10.7.0.1", "gateway: 10.9.0.1")).find("not on the link"),
            std::string::npos);
}

TEST(Config, BadChoiceListsTheChoices) {
  EXPECT_NE(error_of(good_with("syn_cookies: always", "syn_cookies: sometimes"))
                .find("tcp.syn_cookies: expected one of off, auto, always, got \"sometimes\""),
            std::string::npos);
  EXPECT_NE(
      error_of(good_with("sack: false", "sack: maybe")).find("tcp.sack: expected true or false"),
      std::string::npos);
}

TEST(Config, MissingRequiredKeys) {
  EXPECT_NE(error_of("listeners: []").find("ports: at least one port is required"),
            std::string::npos);
  EXPECT_NE(error_of("ports: [{addresses: [10.0.0.2/24]}]").find("ports[0]: device is required"),
            std::string::npos);
  EXPECT_NE(error_of("ports: [{device: x}]").find("ports[0]: addresses is required"),
            std::string::npos);
  EXPECT_NE(error_of(good_with("{ port: 9, app: discard }", "{ port: 9 }"))
                .find("listeners[2]: app is required"),
            std::string::npos);
}

TEST(Config, ExceptionPath) {
  Config c = parse_config(
      good_with("    mtu: 1500",
                "    mtu: 1500\n    exception: { device: net_tap1, kernel_side: [10.7.0.3/24] }"),
      "test.yaml");
  EXPECT_EQ(c.ports[0].exception_device, "net_tap1");
  ASSERT_EQ(c.ports[0].exception_kernel_side.size(), 1u);
  EXPECT_NE(error_of(good_with("    mtu: 1500",
                               "    mtu: 1500\n    exception: { kernel_side: [10.7.0.3/24] }"))
                .find("ports[0].exception: device is required"),
            std::string::npos);
  EXPECT_NE(
      error_of(good_with("    mtu: 1500", "    mtu: 1500\n    exception: { device: net_tap0 }"))
          .find("ports[0].exception.device: must be a net_tap device other than the port itself"),
      std::string::npos);
  EXPECT_NE(error_of(good_with("    mtu: 1500",
                               "    mtu: 1500\n    exception: { device: net_tap1, mac: x }"))
                .find("ports[0].exception.mac: unknown key"),
            std::string::npos);
}

TEST(Config, CrossChecks) {
  EXPECT_NE(error_of(good_with("{ port: 9, app: discard }", "{ port: 80, app: discard }"))
                .find("listeners[2]: port 80 is already used by listeners[0]"),
            std::string::npos);
  EXPECT_NE(error_of(good_with("address: 10.7.0.2 }", "address: 10.7.0.3 }"))
                .find("address 10.7.0.3 is not one of the ports' addresses"),
            std::string::npos);
  EXPECT_NE(
      error_of(good_with("workers: [1, 2]", "workers: [1, 1]")).find("lcore 1 is listed twice"),
      std::string::npos);
  EXPECT_NE(error_of(good_with("device: net_tap0", "device: 0000:01:00.0"))
                .find("only net_tap devices have a kernel side"),
            std::string::npos);
}

TEST(Config, WrongShapes) {
  EXPECT_NE(error_of(good_with("tcp: {", "tcp: [")).find("not valid YAML"), std::string::npos);
  EXPECT_NE(error_of(good_with("log: { level: debug, stats_interval_s: 0 }", "log: 3"))
                .find("log: expected a map of keys, got \"3\""),
            std::string::npos);
  EXPECT_NE(error_of("ports: [{device: x, addresses: {a: 1}}]")
                .find("ports[0].addresses: expected a list"),
            std::string::npos);
}

TEST(Config, MissingFileIsNamed) {
  try {
    load_config_file("/nonexistent/tcpterm.yaml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              "/nonexistent/tcpterm.yaml: cannot open the config file (does it exist and is it "
              "readable?)");
  }
}

// ---- ports[].device_env: PCI devices from the environment (Kubernetes SR-IOV) ----

constexpr const char* kEnvPort = R"(
ports:
  - device_env: TCPTERM_TEST_SRIOV
    addresses: [10.7.0.2/24]
)";

/// kEnvPort with the variable set to `value` (unset when nullptr).
std::string env_port_error(const char* value, const std::string& extra = "") {
  if (value) {
    setenv("TCPTERM_TEST_SRIOV", value, 1);
  } else {
    unsetenv("TCPTERM_TEST_SRIOV");
  }
  return error_of(std::string(kEnvPort) + extra);
}

TEST(DeviceEnv, PciAddressesAreCanonical) {
  EXPECT_EQ(canonical_pci_address("0000:3b:02.1"), "0000:3b:02.1");
  EXPECT_EQ(canonical_pci_address("3B:1F.7"), "0000:3b:1f.7");
  EXPECT_EQ(canonical_pci_address("0000:3b:20.1"), std::nullopt);  // device is 5 bits
  EXPECT_EQ(canonical_pci_address("0000:3b:02.8"), std::nullopt);  // function is 3 bits
  EXPECT_EQ(canonical_pci_address("0000:3g:02.1"), std::nullopt);
  EXPECT_EQ(canonical_pci_address("net_tap0"), std::nullopt);
  EXPECT_EQ(parse_pci_address_list("0000:3b:02.1, 0000:3b:02.2"),
            (std::vector<std::string>{"0000:3b:02.1", "0000:3b:02.2"}));
}

TEST(DeviceEnv, PicksTheIndexedDevice) {
  setenv("TCPTERM_TEST_SRIOV", "0000:3b:02.1,0000:3B:02.2", 1);
  Config first = parse_config(kEnvPort, "test.yaml");
  EXPECT_EQ(first.ports[0].device, "0000:3b:02.1");
  EXPECT_EQ(first.ports[0].device_env, "TCPTERM_TEST_SRIOV");
  Config second = parse_config(std::string(kEnvPort) + "    device_index: 1\n", "test.yaml");
  EXPECT_EQ(second.ports[0].device, "0000:3b:02.2");
  unsetenv("TCPTERM_TEST_SRIOV");
}

TEST(DeviceEnv, MissingEmptyOrMalformedIsNamed) {
  EXPECT_EQ(env_port_error(nullptr),
            "test.yaml:3: ports[0].device_env: environment variable TCPTERM_TEST_SRIOV is not set "
            "(in Kubernetes the SR-IOV device plugin sets PCIDEVICE_<RESOURCE> when the pod "
            "requests that resource)");
  EXPECT_NE(env_port_error("").find("ports[0].device_env: environment variable TCPTERM_TEST_SRIOV "
                                    "= \"\": it is empty"),
            std::string::npos);
  EXPECT_NE(env_port_error("0000:3b:02.1,eth0")
                .find("ports[0].device_env: environment variable TCPTERM_TEST_SRIOV = "
                      "\"0000:3b:02.1,eth0\": \"eth0\" is not a PCI address"),
            std::string::npos);
  EXPECT_NE(env_port_error("0000:3b:02.1", "    device_index: 1\n")
                .find("ports[0].device_index: is 1 but TCPTERM_TEST_SRIOV lists only 1 device"),
            std::string::npos);
  unsetenv("TCPTERM_TEST_SRIOV");
}

TEST(DeviceEnv, DeviceAndDeviceEnvExcludeEachOther) {
  EXPECT_NE(env_port_error("0000:3b:02.1", "    device: net_tap0\n")
                .find("ports[0]: give either device or device_env, not both"),
            std::string::npos);
  EXPECT_NE(error_of(good_with("device: net_tap0", "device: net_tap0\n    device_index: 0"))
                .find("ports[0].device_index: needs device_env"),
            std::string::npos);
  EXPECT_NE(env_port_error("0000:3b:02.1",
                           "  - { device_env: TCPTERM_TEST_SRIOV, addresses: [10.8.0.2/24] }\n")
                .find("ports[1]: device 0000:3b:02.1 is already used by ports[0]"),
            std::string::npos);
  unsetenv("TCPTERM_TEST_SRIOV");
}

TEST(DeviceEnv, AllowListsTheDeviceForTheEal) {
  setenv("TCPTERM_TEST_SRIOV", "0000:3b:02.1", 1);
  Config c = parse_config(kEnvPort, "test.yaml");
  unsetenv("TCPTERM_TEST_SRIOV");
  EXPECT_EQ(eal_allow_arguments(c, {"-l", "0-1"}),
            (std::vector<std::string>{"-a", "0000:3b:02.1"}));
  EXPECT_TRUE(eal_allow_arguments(c, {"-a", "0000:3b:02.1,rxq=2"}).empty());
  EXPECT_TRUE(eal_allow_arguments(c, {"--allow=0000:3b:02.1"}).empty());
  EXPECT_TRUE(eal_allow_arguments(parse_config(kGood, "g.yaml"), {"-l", "0-1"}).empty());
  try {
    eal_allow_arguments(c, {"--no-pci"});
    ADD_FAILURE() << "--no-pci was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("test.yaml: ports[0].device_env: TCPTERM_TEST_SRIOV names "
                                         "PCI device 0000:3b:02.1, but the EAL arguments hold "
                                         "--no-pci"),
              std::string::npos);
  }
}

TEST(DeviceEnv, EalCommandLineInsertsTheAllowListAfterTheProgramName) {
  setenv("TCPTERM_TEST_SRIOV", "0000:3b:02.1", 1);
  Config c = parse_config(kEnvPort, "test.yaml");
  unsetenv("TCPTERM_TEST_SRIOV");
  // "-a" after `--` is the program's own option, not an EAL allow-list entry.
  std::vector<std::string> given{"tcpterm-loadgen", "-l", "0-1", "--", "-a", "0000:3b:02.1"};
  std::vector<char*> argv;
  for (std::string& arg : given) argv.push_back(arg.data());
  EalCommandLine line = eal_command_line(c, static_cast<int>(argv.size()), argv.data());
  EXPECT_EQ(line.arguments, (std::vector<std::string>{"tcpterm-loadgen", "-a", "0000:3b:02.1", "-l",
                                                      "0-1", "--", "-a", "0000:3b:02.1"}));
  EXPECT_EQ(line.allowed_from_env, (std::vector<std::string>{"0000:3b:02.1"}));
  std::vector<char*> eal_argv = line.argv();
  ASSERT_EQ(eal_argv.size(), line.arguments.size());
  EXPECT_STREQ(eal_argv[2], "0000:3b:02.1");

  EalCommandLine plain =
      eal_command_line(parse_config(kGood, "g.yaml"), static_cast<int>(argv.size()), argv.data());
  EXPECT_EQ(plain.arguments, given);
  EXPECT_TRUE(plain.allowed_from_env.empty());
}

// ---- ports[].vlan and dataplane.neighbour_reachable_s ----

TEST(Config, VlanIsA12BitId) {
  Config c = parse_config(good_with("    mtu: 1500", "    mtu: 1500\n    vlan: 100"), "test.yaml");
  EXPECT_EQ(c.ports[0].vlan, 100);
  EXPECT_FALSE(parse_config(kGood, "test.yaml").ports[0].vlan.has_value());
  EXPECT_NE(error_of(good_with("    mtu: 1500", "    mtu: 1500\n    vlan: 4095"))
                .find("ports[0].vlan: expected a whole number from 1 to 4094"),
            std::string::npos);
  EXPECT_NE(error_of(good_with("    mtu: 1500", "    mtu: 1500\n    vlan: 0"))
                .find("ports[0].vlan: expected a whole number from 1 to 4094"),
            std::string::npos);
}

// RFC 9293 3.7.1: the MSS must fit the MTU less the IP and TCP headers.
TEST(Config, MssFitsEveryPortsMtu) {
  Config standard = parse_config(kGood, "test.yaml");
  EXPECT_EQ(standard.tcp.mss_v4, 1460);
  EXPECT_EQ(standard.tcp.mss_v6, 1440);
  Config small = parse_config(good_with("    mtu: 1500", "    mtu: 1400"), "test.yaml");
  EXPECT_EQ(small.tcp.mss_v4, 1360) << "a default MSS is lowered to fit";
  EXPECT_EQ(small.tcp.mss_v6, 1340);
  std::string no_tcp = good_with("    mtu: 1500", "    mtu: 1400");
  no_tcp.erase(no_tcp.find("tcp: {"), no_tcp.find("dataplane:") - no_tcp.find("tcp: {"));
  EXPECT_EQ(parse_config(no_tcp, "test.yaml").tcp.mss_v4, 1360) << "without a tcp section";
  const std::string given_mss = "tcp: { mss_v4: 1400, max_connections: 1000,";
  EXPECT_EQ(
      parse_config(good_with("tcp: { max_connections: 1000,", given_mss), "test.yaml").tcp.mss_v4,
      1400);
  std::string too_big = good_with("tcp: { max_connections: 1000,", given_mss);
  too_big.replace(too_big.find("mtu: 1500"), 9, "mtu: 1400");
  EXPECT_NE(error_of(too_big).find("tcp.mss_v4: 1400 does not fit ports[0].mtu 1400: at most "
                                   "1360 (the MTU less 40 bytes of IP and TCP headers)"),
            std::string::npos)
      << error_of(too_big);
  EXPECT_NE(error_of(good_with("    mtu: 1500", "    mtu: 1200"))
                .find("ports[0].mtu: an IPv6 address needs an MTU of at least 1280"),
            std::string::npos);
  Config v4_only = parse_config(
      good_with("[10.7.0.2/24, \"fd00:7::2/64\"]\n    gateway: 10.7.0.1\n    mtu: 1500",
                "[10.7.0.2/24]\n    gateway: 10.7.0.1\n    mtu: 600"),
      "test.yaml");
  EXPECT_EQ(v4_only.tcp.mss_v4, 560);
  EXPECT_EQ(v4_only.tcp.mss_v6, 1440) << "no IPv6 address: the IPv6 MSS is not used";
}

TEST(Config, TxHoldTime) {
  EXPECT_EQ(parse_config(kGood, "test.yaml").dataplane.tx_hold_us, 10'000u);
  EXPECT_EQ(parse_config(good_with("rx_burst: 64", "rx_burst: 64, tx_hold_us: 0"), "test.yaml")
                .dataplane.tx_hold_us,
            0u);
  EXPECT_NE(error_of(good_with("rx_burst: 64", "rx_burst: 64, tx_hold_us: 1000001"))
                .find("dataplane.tx_hold_us: expected a whole number from 0 to 1000000"),
            std::string::npos);
}

TEST(Config, NeighbourReachableTime) {
  EXPECT_EQ(parse_config(kGood, "test.yaml").dataplane.neighbour_reachable_s, 30u);
  EXPECT_EQ(parse_config(good_with("rx_burst: 64", "rx_burst: 64, neighbour_reachable_s: 60"),
                         "test.yaml")
                .dataplane.neighbour_reachable_s,
            60u);
  EXPECT_NE(error_of(good_with("rx_burst: 64", "rx_burst: 64, neighbour_reachable_s: 0"))
                .find("dataplane.neighbour_reachable_s: expected a whole number from 1 to 3600"),
            std::string::npos);
}

}  // namespace
}  // namespace tcpterm::control
