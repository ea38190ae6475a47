// BACnet/IP (ASHRAE 135 Annex J) as the PLC's device object answers it: Who-Is → I-Am,
// ReadProperty of the device object (the properties nmap's bacnet-info reads), and the
// refusals a device gives for writes, reinitialization and services it lacks. One datagram
// in, at most one small datagram out (the UDP listener's amplification bound holds: every
// answer is a few dozen bytes). A pure function over bytes, fuzzed as is.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "honeypot/services/conpot/note.hpp"
#include "honeypot/world/plc_device.hpp"

namespace decnet::honeypot::bacnet {

struct Outcome {
    std::optional<std::string> reply;
    std::vector<conpot::Note> notes;  // bacnet_request, bacnet_write, bacnet_error
};

Outcome answer(const PlcDevice& device, std::string_view datagram);

}  // namespace decnet::honeypot::bacnet
