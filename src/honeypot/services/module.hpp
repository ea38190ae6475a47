// ServiceModule: what one protocol emulator registers (Envoy's factory, Zeek's events.bif):
// its slug, a `configure` that turns the decky's persona keys into a typed settings object
// once at deploy time (a bad value fails the deploy, not the first attacker's request), the
// coroutine (TCP) or datagram handler (UDP) that serves it, and the events it may emit.
// Each module lives in services/<slug>/; services/registry.cpp lists them, one line each.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/config.hpp"
#include "honeypot/datagram.hpp"
#include "honeypot/session_limits.hpp"

namespace decnet {
struct ServiceInfo;
}

namespace decnet::honeypot {

class Session;

// A module's typed persona; each module derives its own (HttpSettings, ...).
struct ServiceSettings {
    virtual ~ServiceSettings() = default;
};

// One event type a module emits, with the fields it carries (space-separated, in order;
// a trailing `?` marks one that is not always present). The vocabulary is data: a test
// checks emitted events against it, docs/EVENTS.md lists it.
struct EventDecl {
    std::string_view type;
    std::string_view fields;
    std::string_view meaning;
};

// A persona value refused at deploy time (the caller adds decky, service and INI line).
class PersonaError : public std::runtime_error {
  public:
    PersonaError(std::string key, const std::string& message)
        : std::runtime_error(message), key_(std::move(key)) {}
    const std::string& key() const { return key_; }

  private:
    std::string key_;
};

// The persona of one service on one decky, as `configure` reads it: the operator's value,
// else the catalogue default ("{node}" → the decky's hostname, never its internal name).
// Conversions throw PersonaError naming the key and what was expected.
class PersonaReader {
  public:
    PersonaReader(const ServiceInfo& service, const DeckyConfig& decky,
                  const PersonaConfig& persona);

    bool has(std::string_view key) const;  // the operator wrote it
    std::string text(std::string_view key) const;
    // Text that goes into a protocol line: CR, LF and NUL are refused.
    std::string line(std::string_view key) const;
    long integer(std::string_view key, long min, long max) const;
    bool boolean(std::string_view key) const;
    std::string choice(std::string_view key, std::span<const std::string_view> allowed) const;
    [[noreturn]] void fail(std::string_view key, const std::string& why) const;

    const DeckyConfig& decky() const { return decky_; }

  private:
    const ServiceInfo& service_;
    const DeckyConfig& decky_;
    const PersonaConfig& persona_;
};

using StreamHandler = boost::asio::awaitable<void> (*)(Session&);
using Configure = std::shared_ptr<const ServiceSettings> (*)(const PersonaReader&);

struct ServiceModule {
    std::string_view slug;
    Configure configure = nullptr;       // nullptr: the module reads no persona keys
    StreamHandler serve = nullptr;       // its TCP ports
    DatagramHandler datagram = nullptr;  // its UDP ports
    std::span<const EventDecl> events;
    // The runtime's session limits as this protocol needs them (a login shell stays open
    // longer than a request; uploads are bigger than a line protocol's commands); nullptr:
    // as they are.
    SessionLimits (*session_limits)(SessionLimits runtime) = nullptr;
};

// Events the runtime itself emits on any service's behalf (session_error, tls_error, ...).
std::span<const EventDecl> runtime_events();

}  // namespace decnet::honeypot
