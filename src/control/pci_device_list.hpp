// PCI device lists handed over in the environment, as Kubernetes SR-IOV
// device plugins do: PCIDEVICE_<RESOURCE>=0000:3b:02.1,0000:3b:02.2 names
// the virtual functions allocated to the pod. Control path only.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tcpterm::control {

/// "0000:3b:02.1" for "0000:3b:02.1" or "3b:02.1" (domain 0 implied), in
/// lower case as DPDK names PCI devices; nullopt when `text` is not a PCI
/// address (DDDD:BB:DD.F, hex, device up to 1f, function up to 7).
std::optional<std::string> canonical_pci_address(std::string_view text);

/// The addresses in a comma-separated list (spaces around entries allowed),
/// canonical. Throws std::invalid_argument with a sentence when the list is
/// empty or an entry is not a PCI address.
std::vector<std::string> parse_pci_address_list(std::string_view text);

/// parse_pci_address_list of environment variable `name`. Throws
/// std::invalid_argument saying so when the variable is not set, is empty
/// or holds something else.
std::vector<std::string> pci_addresses_from_env(const std::string& name);

}  // namespace tcpterm::control
