// smtp: the persona's closed MTA (services.md §2.10) — relaying refused, mail for the
// decky's own users accepted and kept, AUTH captured. The dialogue is smtp_session.cpp,
// shared with smtp_relay.
#include "honeypot/services/registry.hpp"
#include "honeypot/services/smtp/smtp_session.hpp"

namespace decnet::honeypot {
namespace {

std::shared_ptr<const ServiceSettings> configure(const PersonaReader& persona) {
    return configure_smtp(persona, false);
}

}  // namespace

const ServiceModule& smtp_module() {
    static const ServiceModule module{.slug = "smtp",
                                      .configure = &configure,
                                      .serve = &serve_smtp,
                                      .events = smtp_events(),
                                      .session_limits = &smtp_limits};
    return module;
}

}  // namespace decnet::honeypot
