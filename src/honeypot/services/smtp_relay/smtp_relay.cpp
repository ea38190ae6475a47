// smtp_relay: an apparent open relay (services.md §2.11) — every recipient accepted, every
// message queued and kept (envelope, headers, body and attachments as artifacts), none ever
// delivered; any AUTH is let in unless the persona says otherwise. The dialogue is
// smtp/smtp_session.cpp, shared with smtp.
#include "honeypot/services/registry.hpp"
#include "honeypot/services/smtp/smtp_session.hpp"

namespace decnet::honeypot {
namespace {

std::shared_ptr<const ServiceSettings> configure(const PersonaReader& persona) {
    return configure_smtp(persona, true);
}

}  // namespace

const ServiceModule& smtp_relay_module() {
    static const ServiceModule module{.slug = "smtp_relay",
                                      .configure = &configure,
                                      .serve = &serve_smtp,
                                      .events = smtp_events(),
                                      .session_limits = &smtp_limits};
    return module;
}

}  // namespace decnet::honeypot
