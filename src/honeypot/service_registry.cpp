// The emulator tables: slug → coroutine (TCP) or datagram handler (UDP). Add a line when a new
// emulator lands.
#include "honeypot/service_registry.hpp"

#include <array>
#include <utility>

namespace decnet::honeypot {
namespace {

constexpr std::array<std::pair<std::string_view, ServiceHandler>, 4> kHandlers = {{
    {"ftp", &serve_ftp},
    {"http", &serve_http},
    {"redis", &serve_redis},
    {"telnet", &serve_telnet},
}};

constexpr std::array<std::pair<std::string_view, DatagramHandler>, 2> kDatagramHandlers = {{
    {"snmp", &serve_snmp},
    {"tftp", &serve_tftp},
}};

}  // namespace

ServiceHandler find_service_handler(std::string_view slug) {
    for (const auto& [name, handler] : kHandlers)
        if (name == slug) return handler;
    return nullptr;
}

}  // namespace decnet::honeypot

namespace decnet::honeypot {

DatagramHandler find_datagram_handler(std::string_view slug) {
    for (const auto& [name, handler] : kDatagramHandlers)
        if (name == slug) return handler;
    return nullptr;
}

bool has_emulator(std::string_view slug) {
    return find_service_handler(slug) || find_datagram_handler(slug);
}

}  // namespace decnet::honeypot
