// Runner: executes one parsed packetdrill script against tcp::Engine<TestHost>
// on a fake clock advanced in 1 ms steps. Inbound packets are injected as
// parsed Segments; every emitted segment must be matched, in order, by an
// outbound line within the timing tolerance; syscalls map onto the engine API.
#pragma once

#include <string>

#include "script.hpp"

namespace tcpterm::packetdrill {

/// Runs `script`; returns an empty string on success, else "path:line: why"
/// with the expected and actual segments in packetdrill syntax.
std::string run_script(const Script& script);

}  // namespace tcpterm::packetdrill
