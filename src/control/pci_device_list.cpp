// PCI address lists from the environment; see pci_device_list.hpp.
#include "control/pci_device_list.hpp"

#include <cctype>
#include <cstdlib>
#include <stdexcept>

namespace tcpterm::control {

namespace {

bool all_hex(std::string_view s) {
  for (char c : s)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  return !s.empty();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<std::string> canonical_pci_address(std::string_view text) {
  std::string full = text.size() == 7 ? "0000:" + std::string(text) : std::string(text);
  // DDDD:BB:DD.F
  if (full.size() != 12 || full[4] != ':' || full[7] != ':' || full[10] != '.') return std::nullopt;
  std::string_view view(full);
  if (!all_hex(view.substr(0, 4)) || !all_hex(view.substr(5, 2)) || !all_hex(view.substr(8, 2)) ||
      full[11] < '0' || full[11] > '7')
    return std::nullopt;
  if (std::stoul(full.substr(8, 2), nullptr, 16) > 0x1f) return std::nullopt;  // 5-bit device
  for (char& c : full) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return full;
}

std::vector<std::string> parse_pci_address_list(std::string_view text) {
  std::vector<std::string> addresses;
  if (trim(text).empty()) throw std::invalid_argument("it is empty");
  while (true) {
    size_t comma = text.find(',');
    std::string_view entry = trim(text.substr(0, comma));
    std::optional<std::string> address = canonical_pci_address(entry);
    if (!address)
      throw std::invalid_argument("\"" + std::string(entry) +
                                  "\" is not a PCI address like 0000:3b:02.1 (the value should be "
                                  "a comma-separated list of them)");
    addresses.push_back(*address);
    if (comma == std::string_view::npos) return addresses;
    text.remove_prefix(comma + 1);
  }
}

std::vector<std::string> pci_addresses_from_env(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (!value)
    throw std::invalid_argument(
        "environment variable " + name +
        " is not set (in Kubernetes the SR-IOV device plugin sets PCIDEVICE_<RESOURCE> when the "
        "pod requests that resource)");
  try {
    return parse_pci_address_list(value);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument("environment variable " + name + " = \"" + value +
                                "\": " + e.what());
  }
}

}  // namespace tcpterm::control
