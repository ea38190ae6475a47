// The web front of a PLC decky (conpot): what a Siemens S7 CPU's or a Modicon's built-in web
// server answers — the vendor's redirect from "/" (byte for byte what nmap's service probes
// know), a small identity page (module, order number, firmware, plant) and 404s.
#pragma once

#include <string>

#include "honeypot/world/plc_device.hpp"

namespace decnet::honeypot {

// The whole HTTP response to `method` `path`; the body left out for HEAD.
std::string plc_front_response(const PlcDevice& device, const std::string& method,
                               const std::string& path);

}  // namespace decnet::honeypot
