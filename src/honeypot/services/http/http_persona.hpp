// The http/https persona, parsed once at deploy time: Server header, status, body presets,
// extra headers, a bait directory (services.md §2.3–§2.4).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/event.hpp"
#include "honeypot/services/module.hpp"

namespace decnet::honeypot {

struct HttpSettings : ServiceSettings {
    std::string server_header;  // one line, sent as the single Server header
    int response_code = 403;
    bool explicit_code = false;  // the operator chose the code (presets keep it)
    std::string custom_body;
    std::string fake_app;  // one of kFakeApps, or empty
    Fields extra_headers;  // safe names and values; framing headers removed
    std::string files;     // host directory of bait files, or empty
    // Path prefixes behind Windows authentication (NTLM/Negotiate, IIS-style): /ews, /owa.
    std::vector<std::string> ntlm_paths;
};

std::shared_ptr<const ServiceSettings> configure_http(const PersonaReader& persona);

// The page of a `fake_app` preset; nullopt for "" (the default 403 page).
std::optional<std::string> fake_app_page(std::string_view app);

}  // namespace decnet::honeypot
