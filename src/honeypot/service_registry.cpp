// The emulator table: slug → coroutine. Add a line when a new emulator lands.
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

}  // namespace

ServiceHandler find_service_handler(std::string_view slug) {
    for (const auto& [name, handler] : kHandlers)
        if (name == slug) return handler;
    return nullptr;
}

}  // namespace decnet::honeypot
