// The config schema: which keys exist, their ranges, and the cross-checks
// (listener addresses must be ours, at most one gateway per family). The
// format is documented for users in configs/README.md; keep the two in step.
#include "control/config.hpp"

#include <fstream>
#include <sstream>

#include "control/pci_device_list.hpp"
#include "control/yaml_reader.hpp"

namespace tcpterm::control {

namespace {

constexpr uint64_t kUsPerMs = 1000;
constexpr uint64_t kUsPerS = 1'000'000;

bool prefix_equal(const wire::IpAddress& a, const wire::IpAddress& b, unsigned bits) {
  for (unsigned i = 0; i < 16 && bits > 0; ++i, bits = bits >= 8 ? bits - 8 : 0) {
    uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((a.bytes[i] & mask) != (b.bytes[i] & mask)) return false;
  }
  return true;
}

/// `device`, or `device_env` (+ `device_index`): one PCI address from an
/// environment variable's comma-separated list.
void read_port_device(YamlMap& map, const YAML::Node& node, const YamlPath& path,
                      PortConfig& port) {
  YAML::Node device = map.take("device");
  YAML::Node env = map.take("device_env");
  YAML::Node index = map.take("device_index");
  if (device.IsDefined() == env.IsDefined())
    path.fail(node, device.IsDefined()
                        ? "give either device or device_env, not both"
                        : "device is required (e.g. net_tap0 or 0000:01:00.0), or device_env "
                          "naming an environment variable that lists PCI addresses");
  if (device.IsDefined()) {
    port.device = read_string(device, map.path_of("device"));
    if (index.IsDefined()) map.path_of("device_index").fail(index, "needs device_env");
    return;
  }
  port.device_env = read_string(env, map.path_of("device_env"));
  std::vector<std::string> addresses;
  try {
    addresses = pci_addresses_from_env(port.device_env);
  } catch (const std::invalid_argument& e) {
    map.path_of("device_env").fail(env, e.what());
  }
  size_t i = index.IsDefined() ? read_uint(index, map.path_of("device_index"), 0, 1023) : 0;
  if (i >= addresses.size())
    map.path_of("device_index")
        .fail(index.IsDefined() ? index : env,
              "is " + std::to_string(i) + " but " + port.device_env + " lists only " +
                  std::to_string(addresses.size()) + " device" +
                  (addresses.size() == 1 ? "" : "s") + " (the first is index 0)");
  port.device = addresses[i];
}

void read_port(const YAML::Node& node, const YamlPath& path, PortConfig& port) {
  YamlMap map(node, path);
  read_port_device(map, node, path, port);

  auto items = read_list(map.take("addresses"), map.path_of("addresses"));
  for (size_t i = 0; i < items.size(); ++i)
    port.addresses.push_back(read_interface_address(items[i], map.path_of("addresses").index(i)));
  if (port.addresses.empty())
    path.fail(node, "addresses is required: list tcpterm's own addresses, e.g. [10.7.0.2/24]");

  auto gateways = read_list(map.take("gateway"), map.path_of("gateway"));
  bool have_v4 = false, have_v6 = false;
  for (size_t i = 0; i < gateways.size(); ++i) {
    YamlPath gw_path = map.path_of("gateway").index(i);
    wire::IpAddress gw = read_ip_address(gateways[i], gw_path);
    bool& seen = gw.is_v4() ? have_v4 : have_v6;
    if (seen) gw_path.fail(gateways[i], "at most one IPv4 and one IPv6 gateway per port");
    seen = true;
    bool on_link = false;
    for (const auto& a : port.addresses) on_link = on_link || a.on_link(gw);
    if (!on_link)
      gw_path.fail(gateways[i], "gateway " + gw.to_string() +
                                    " is not on the link of any of the port's addresses");
    port.gateways.push_back(gw);
  }

  read_uint_into(map, "mtu", port.mtu, 576, 9000);
  if (YAML::Node n = map.take("vlan"); n.IsDefined())
    port.vlan = static_cast<uint16_t>(read_uint(n, map.path_of("vlan"), 1, 4094));  // 802.1Q VIDs

  auto kernel = read_list(map.take("kernel_side"), map.path_of("kernel_side"));
  for (size_t i = 0; i < kernel.size(); ++i)
    port.kernel_side.push_back(
        read_interface_address(kernel[i], map.path_of("kernel_side").index(i)));
  if (!port.kernel_side.empty() && port.device.rfind("net_tap", 0) != 0)
    map.path_of("kernel_side")
        .fail(node, "only net_tap devices have a kernel side; remove it for " + port.device);

  if (YAML::Node n = map.take("exception"); n.IsDefined()) {
    YamlMap exception(n, map.path_of("exception"));
    YAML::Node device = exception.take("device");
    if (!device.IsDefined())
      map.path_of("exception")
          .fail(n, "device is required: a net_tap device for the kernel, e.g. net_tap1");
    port.exception_device = read_string(device, exception.path_of("device"));
    if (port.exception_device.rfind("net_tap", 0) != 0 || port.exception_device == port.device)
      exception.path_of("device").fail(
          device, "must be a net_tap device other than the port itself, e.g. net_tap1");
    auto addresses = read_list(exception.take("kernel_side"), exception.path_of("kernel_side"));
    for (size_t i = 0; i < addresses.size(); ++i)
      port.exception_kernel_side.push_back(
          read_interface_address(addresses[i], exception.path_of("kernel_side").index(i)));
    exception.finish();
  }
  map.finish();
}

void read_listener(const YAML::Node& node, const YamlPath& path, ListenerConfig& listener) {
  YamlMap map(node, path);
  YAML::Node port = map.take("port");
  if (!port.IsDefined()) path.fail(node, "port is required");
  listener.port = static_cast<uint16_t>(read_uint(port, map.path_of("port"), 1, 65535));
  YAML::Node app = map.take("app");
  if (!app.IsDefined())
    path.fail(node, "app is required (http, echo, discard or a registered application)");
  listener.app = read_string(app, map.path_of("app"));
  if (YAML::Node a = map.take("address"); a.IsDefined())
    listener.address = read_ip_address(a, map.path_of("address"));
  map.finish();
}

void read_http(YamlMap& map, HttpConfig& http) {
  read_uint_into(map, "status", http.status, 100, 599);
  if (YAML::Node n = map.take("content_type"); n.IsDefined())
    http.content_type = read_string(n, map.path_of("content_type"));
  if (YAML::Node n = map.take("body"); n.IsDefined())
    http.body = read_string(n, map.path_of("body"));
  read_uint_into(map, "max_request_head", http.max_request_head, 64, 1u << 20);
  if (http.body.size() > (1u << 20))
    map.path_of("body").fail(YAML::Node(),
                             "is larger than 1 MiB; tcpterm serves small static bodies");
  for (char c : http.content_type) {
    if (c == '\r' || c == '\n')
      map.path_of("content_type").fail(YAML::Node(), "must not contain line breaks");
  }
  map.finish();
}

void read_tcp(YamlMap& map, tcp::EngineConfig& tcp) {
  read_uint_into(map, "max_connections", tcp.max_connections, 1, 1u << 24);
  read_uint_into(map, "max_time_wait", tcp.max_time_wait, 1, (1u << 24) - 1);  // 24-bit links
  read_uint_into(map, "max_syn_backlog", tcp.max_syn_backlog, 1, 1u << 24);
  read_uint_into(map, "buffer_count", tcp.buffer_count, 2, 1u << 24);
  read_uint_into(map, "buffer_size", tcp.buffer_size, 1024, 1u << 30);
  read_uint_into(map, "max_listeners", tcp.max_listeners, 1, 255);
  read_uint_into(map, "mss_v4", tcp.mss_v4, 536, 9000 - 40);
  read_uint_into(map, "mss_v6", tcp.mss_v6, 1220, 9000 - 60);
  read_uint_into(map, "window_scale", tcp.window_scale, 0, 14);  // RFC 7323 2.3
  if (YAML::Node n = map.take("sack"); n.IsDefined()) tcp.sack = read_bool(n, map.path_of("sack"));
  if (YAML::Node n = map.take("timestamps"); n.IsDefined())
    tcp.timestamps = read_bool(n, map.path_of("timestamps"));

  auto read_time = [&map](std::string_view key, uint64_t& out, uint64_t unit, uint64_t min,
                          uint64_t max) {
    if (YAML::Node n = map.take(key); n.IsDefined())
      out = read_uint(n, map.path_of(key), min, max) * unit;
  };
  read_time("timer_tick_us", tcp.timer_tick_us, 1, 10, 100'000);
  read_time("msl_ms", tcp.msl_us, kUsPerMs, 0, 600'000);
  read_time("rto_initial_ms", tcp.rto_initial_us, kUsPerMs, 1, 60'000);
  read_time("rto_min_ms", tcp.rto_min_us, kUsPerMs, 1, 60'000);
  read_time("rto_max_ms", tcp.rto_max_us, kUsPerMs, 1, 600'000);
  read_time("delayed_ack_ms", tcp.delayed_ack_us, kUsPerMs, 0, 500);  // RFC 9293 3.8.6.3
  read_time("fin_wait2_timeout_s", tcp.fin_wait2_timeout_us, kUsPerS, 1, 3600);
  read_time("keepalive_idle_s", tcp.keepalive_idle_us, kUsPerS, 0, 86'400);
  read_time("keepalive_interval_s", tcp.keepalive_interval_us, kUsPerS, 1, 86'400);
  read_time("idle_timeout_s", tcp.idle_timeout_us, kUsPerS, 0, 86'400);
  read_uint_into(map, "syn_ack_retries", tcp.syn_ack_retries, 0, 20);
  read_uint_into(map, "syn_retries", tcp.syn_retries, 0, 20);
  read_uint_into(map, "max_retransmits", tcp.max_retransmits, 1, 30);
  read_uint_into(map, "keepalive_probes", tcp.keepalive_probes, 1, 100);
  read_uint_into(map, "challenge_ack_limit", tcp.challenge_ack_limit, 1, 1u << 24);
  if (YAML::Node n = map.take("syn_cookies"); n.IsDefined()) {
    size_t mode = read_choice(n, map.path_of("syn_cookies"), {"off", "auto", "always"});
    tcp.syn_cookies = static_cast<tcp::SynCookieMode>(mode);
  }
  if (tcp.rto_min_us > tcp.rto_max_us)
    map.path_of("rto_min_ms").fail(YAML::Node(), "must not exceed rto_max_ms");
  map.finish();
}

void read_dataplane(YamlMap& map, DataplaneConfig& dp) {
  read_uint_into(map, "rx_burst", dp.rx_burst, 1, 512);
  read_uint_into(map, "tx_burst", dp.tx_burst, 1, 512);
  read_uint_into(map, "mbufs", dp.mbufs, 512, 1u << 24);
  read_uint_into(map, "idle_sleep_us", dp.idle_sleep_us, 0, 100'000);
  read_uint_into(map, "tx_hold_us", dp.tx_hold_us, 0, 1'000'000);
  read_uint_into(map, "rx_descriptors", dp.rx_descriptors, 32, 16384);
  read_uint_into(map, "tx_descriptors", dp.tx_descriptors, 32, 16384);
  read_uint_into(map, "neighbour_entries", dp.neighbour_entries, 16, 1u << 20);
  read_uint_into(map, "neighbour_reachable_s", dp.neighbour_reachable_s, 1, 3600);
  map.finish();
}

void read_log(YamlMap& map, LogConfig& log) {
  if (YAML::Node n = map.take("level"); n.IsDefined()) {
    static const std::vector<std::string_view> kLevels = {"emerg",   "alert",  "crit", "err",
                                                          "warning", "notice", "info", "debug"};
    log.level = std::string(kLevels[read_choice(n, map.path_of("level"), kLevels)]);
  }
  read_uint_into(map, "stats_interval_s", log.stats_interval_s, 0, 86'400);
  map.finish();
}

void read_prometheus(YamlMap& map, PrometheusConfig& prometheus) {
  prometheus.enabled = true;
  if (YAML::Node n = map.take("enabled"); n.IsDefined())
    prometheus.enabled = read_bool(n, map.path_of("enabled"));
  if (YAML::Node n = map.take("address"); n.IsDefined())
    prometheus.address = read_ip_address(n, map.path_of("address"));
  read_uint_into(map, "port", prometheus.port, 1, 65535);
  map.finish();
}

/// Listener addresses must be ours, ports unique, and the workers distinct.
void check_consistency(const Config& config, const YAML::Node& root, const YamlPath& top) {
  for (size_t i = 0; i < config.listeners.size(); ++i) {
    const ListenerConfig& l = config.listeners[i];
    YamlPath path = top.child("listeners").index(i);
    for (size_t j = 0; j < i; ++j) {
      if (config.listeners[j].port == l.port)
        path.fail(root["listeners"][i], "port " + std::to_string(l.port) +
                                            " is already used by listeners[" + std::to_string(j) +
                                            "]");
    }
    if (!l.address) continue;
    bool ours = false;
    for (const auto& port : config.ports)
      for (const auto& a : port.addresses) ours = ours || a.address == *l.address;
    if (!ours)
      path.fail(root["listeners"][i],
                "address " + l.address->to_string() + " is not one of the ports' addresses");
  }
  for (size_t i = 0; i < config.ports.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (config.ports[i].device == config.ports[j].device)
        top.child("ports").index(i).fail(root["ports"][i], "device " + config.ports[i].device +
                                                               " is already used by ports[" +
                                                               std::to_string(j) + "]");
  if (config.listeners.size() > config.tcp.max_listeners)
    top.child("listeners").fail(root["listeners"], "more listeners than tcp.max_listeners");
  for (size_t i = 0; i < config.workers.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (config.workers[i] == config.workers[j])
        top.child("workers").index(i).fail(
            root["workers"][i], "lcore " + std::to_string(config.workers[i]) + " is listed twice");
}

/// The MSS we announce and send with must fit every port that carries the
/// family: MTU less the IP header (20 or 40 bytes) and the TCP header (20);
/// a segment's options then come out of its payload (RFC 9293 3.7.1). An
/// MSS the file leaves out is lowered to fit; one it gives must fit.
void fit_mss_to_mtus(Config& config, const YAML::Node& root, const YamlPath& top) {
  // yaml-cpp: a missing key reads as an invalid node, which throws on IsMap.
  const YAML::Node tcp = root.IsMap() ? YAML::Node(root["tcp"]) : YAML::Node();
  const bool tcp_is_map = tcp.IsDefined() && tcp.IsMap();
  for (bool v4 : {true, false}) {
    const char* const key = v4 ? "mss_v4" : "mss_v6";
    const uint32_t headers = v4 ? 40 : 60;
    uint16_t& mss = v4 ? config.tcp.mss_v4 : config.tcp.mss_v6;
    for (size_t i = 0; i < config.ports.size(); ++i) {
      const PortConfig& port = config.ports[i];
      bool carries = false;
      for (const auto& a : port.addresses) carries = carries || a.address.is_v4() == v4;
      if (!carries) continue;
      const YamlPath port_path = top.child("ports").index(i);
      if (!v4 && port.mtu < 1280)  // RFC 8200 5
        port_path.child("mtu").fail(root["ports"][i]["mtu"],
                                    "an IPv6 address needs an MTU of at least 1280");
      const uint32_t fit = port.mtu - headers;
      if (mss <= fit) continue;
      if (tcp_is_map && tcp[key].IsDefined())
        top.child("tcp").child(key).fail(
            tcp[key], std::to_string(mss) + " does not fit " + port_path.key + ".mtu " +
                          std::to_string(port.mtu) + ": at most " + std::to_string(fit) +
                          " (the MTU less " + std::to_string(headers) +
                          " bytes of IP and TCP headers)");
      mss = static_cast<uint16_t>(fit);
    }
  }
}

}  // namespace

bool InterfaceAddress::on_link(const wire::IpAddress& other) const {
  if (other.is_v4() != address.is_v4()) return false;
  return prefix_equal(address, other, address.is_v4() ? 96u + prefix_length : prefix_length);
}

std::string InterfaceAddress::to_string() const {
  return address.to_string() + "/" + std::to_string(prefix_length);
}

std::string ListenerConfig::to_string() const {
  // Appends only: GCC 12 at -O3 warns falsely (-Wrestrict) on "[" + string.
  std::string text = app;
  text += ':';
  if (address && address->is_v4()) text.append(address->to_string()).append(":");
  if (address && !address->is_v4()) text.append("[").append(address->to_string()).append("]:");
  return text.append(std::to_string(port));
}

Config parse_config(std::string_view yaml_text, std::string_view source) {
  Config config;
  config.source = std::string(source);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::ParserException& e) {
    throw ConfigError(config.source + ":" + std::to_string(e.mark.line + 1) +
                      ": not valid YAML: " + e.msg);
  }
  YamlPath top{&config.source, ""};
  YamlMap map(root, top);

  auto workers = read_list(map.take("workers"), top.child("workers"));
  for (size_t i = 0; i < workers.size(); ++i)
    config.workers.push_back(
        static_cast<unsigned>(read_uint(workers[i], top.child("workers").index(i), 0, 1023)));

  YAML::Node ports = map.take("ports");
  if (!ports.IsDefined() || !ports.IsSequence() || ports.size() == 0)
    top.child("ports").fail(
        ports,
        "at least one port is required, e.g. - { device: net_tap0, addresses: [10.7.0.2/24] }");
  for (size_t i = 0; i < ports.size(); ++i)
    read_port(ports[i], top.child("ports").index(i), config.ports.emplace_back());

  auto listeners = read_list(map.take("listeners"), top.child("listeners"));
  for (size_t i = 0; i < listeners.size(); ++i)
    read_listener(listeners[i], top.child("listeners").index(i), config.listeners.emplace_back());

  YamlMap http(map.take("http"), top.child("http"));
  read_http(http, config.http);
  YamlMap tcp(map.take("tcp"), top.child("tcp"));
  read_tcp(tcp, config.tcp);
  YamlMap dataplane(map.take("dataplane"), top.child("dataplane"));
  read_dataplane(dataplane, config.dataplane);
  YamlMap log(map.take("log"), top.child("log"));
  read_log(log, config.log);
  if (YAML::Node n = map.take("prometheus"); n.IsDefined()) {
    YamlMap prometheus(n, top.child("prometheus"));
    read_prometheus(prometheus, config.prometheus);
  }
  map.finish();
  check_consistency(config, root, top);
  fit_mss_to_mtus(config, root, top);
  if (root.IsMap()) {
    for (const auto& entry : root)
      config.section_texts[entry.first.Scalar()] = YAML::Dump(entry.second);
  }
  return config;
}

Config load_config_file(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    throw ConfigError(path + ": cannot open the config file (does it exist and is it readable?)");
  std::stringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), path);
}

}  // namespace tcpterm::control
