// Checks of the TLS certificate persona keys (see tls_persona.hpp).
#include "honeypot/services/tls_persona.hpp"

#include <filesystem>

#include "honeypot/services/module.hpp"

namespace decnet::honeypot {

void check_tls_persona(const PersonaReader& persona) {
    for (const auto* key : {"tls_cert", "tls_key"}) {
        if (!persona.has(key) || persona.text(key).empty()) continue;
        std::error_code ec;
        if (!std::filesystem::is_regular_file(persona.text(key), ec))
            persona.fail(key, "'" + persona.text(key) + "' is not a readable file");
    }
    if (persona.has("tls_cert") != persona.has("tls_key"))
        persona.fail(persona.has("tls_cert") ? "tls_key" : "tls_cert",
                     "tls_cert and tls_key go together");
    (void)persona.line("tls_cn");
}

}  // namespace decnet::honeypot
