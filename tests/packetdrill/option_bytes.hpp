// Script options <-> TCP option bytes. Inbound segments are encoded in the
// script's order and parsed by the wire layer, as a frame would be; emitted
// segments are encoded by the wire layer and decoded here so the comparison
// sees the kinds in the order the engine puts them on the wire.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "script.hpp"

namespace tcpterm::packetdrill {

/// The option bytes for `options`, in order, padded with nothing (the
/// script decides its own nops). May exceed 40 bytes; callers check.
std::vector<uint8_t> encode_script_options(const std::vector<ScriptOption>& options);

/// Decodes option bytes into script options; nullopt on a malformed area or
/// an option kind scripts cannot express.
std::optional<std::vector<ScriptOption>> decode_option_bytes(std::span<const uint8_t> bytes);

}  // namespace tcpterm::packetdrill
