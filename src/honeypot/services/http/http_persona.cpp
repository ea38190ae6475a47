// The http persona: parsing and checking the keys, and the fake_app preset pages.
#include "honeypot/services/http/http_persona.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <filesystem>

#include "core/text.hpp"

namespace decnet::honeypot {
namespace {

constexpr std::array<std::string_view, 6> kFakeApps = {
    "", "apache_default", "nginx_default", "wordpress", "phpmyadmin", "iis_default"};

// Persona text goes into header lines: never let it break the framing.
std::string header_safe(std::string value) {
    std::erase_if(value, [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
    return value;
}

// extra_headers: a JSON object of header name → value (strings, or JSON rendered as text).
Fields parse_extra_headers(const PersonaReader& persona) {
    const auto text = persona.text("extra_headers");
    Fields out;
    if (trim(text).empty()) return out;
    const auto json = nlohmann::json::parse(text, nullptr, false);
    if (json.is_discarded() || !json.is_object())
        persona.fail("extra_headers",
                     "must be a JSON object such as {\"X-Powered-By\": \"PHP/8.1\"}");
    for (const auto& [name, value] : json.items()) {
        // The framing headers are ours; exactly one Server header (the reference sent two).
        static constexpr std::array<std::string_view, 5> kReserved = {
            "server", "date", "content-length", "connection", "transfer-encoding"};
        const auto lower = ascii_lower(name);
        if (std::find(kReserved.begin(), kReserved.end(), lower) != kReserved.end()) continue;
        const auto safe_name = header_safe(name);
        if (safe_name.empty() || safe_name.find(':') != std::string::npos)
            persona.fail("extra_headers", "'" + name.substr(0, 64) + "' is not a header name");
        out.emplace_back(safe_name,
                         header_safe(value.is_string() ? value.get<std::string>() : value.dump()));
    }
    return out;
}

}  // namespace

std::shared_ptr<const ServiceSettings> configure_http(const PersonaReader& persona) {
    auto settings = std::make_shared<HttpSettings>();
    settings->server_header = persona.line("server_header");
    settings->response_code = static_cast<int>(persona.integer("response_code", 100, 599));
    settings->explicit_code = persona.has("response_code");
    settings->custom_body = persona.text("custom_body");
    settings->fake_app = persona.choice("fake_app", kFakeApps);
    settings->extra_headers = parse_extra_headers(persona);
    settings->files = persona.text("files");
    // "@world": the decky's own web root (its fake filesystem), not a host directory.
    if (!settings->files.empty() && settings->files != "@world") {
        std::error_code ec;
        if (!std::filesystem::is_directory(settings->files, ec))
            persona.fail("files", "'" + settings->files + "' is not a readable directory");
    }
    // The TLS port's own certificate (read by the runtime): both files, readable.
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
    // ntlm_paths: comma-separated path prefixes, each starting with '/'.
    const auto ntlm = persona.line("ntlm_paths");
    for (std::size_t start = 0; start <= ntlm.size();) {
        const auto comma = std::min(ntlm.find(',', start), ntlm.size());
        const auto path = trim(std::string_view(ntlm).substr(start, comma - start));
        if (!path.empty()) {
            if (path[0] != '/' || path.find_first_of(" \t?#") != std::string_view::npos)
                persona.fail("ntlm_paths", "expected path prefixes such as /ews,/owa/auth, got '" +
                                               std::string(path.substr(0, 64)) + "'");
            settings->ntlm_paths.emplace_back(path);
        }
        start = comma + 1;
    }
    return settings;
}

std::optional<std::string> fake_app_page(std::string_view app) {
    if (app == "apache_default")
        return "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n"
               "<title>Apache2 Debian Default Page</title>\n</head><body>\n"
               "<h1>Apache2 Debian Default Page</h1>\n<p>It works!</p>\n"
               "<p>This is the default welcome page used to test the correct operation of the "
               "Apache2 server after installation on Debian systems.</p>\n</body></html>";
    if (app == "nginx_default")
        return "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n<style>\n"
               "html { color-scheme: light dark; }\nbody { width: 35em; margin: 0 auto;\n"
               "font-family: Tahoma, Verdana, Arial, sans-serif; }\n</style>\n</head>\n<body>\n"
               "<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is "
               "successfully installed and\nworking. Further configuration is required.</p>\n\n"
               "<p><em>Thank you for using nginx.</em></p>\n</body>\n</html>";
    if (app == "wordpress")
        // The wp-login.php form (fields log/pwd), so attackers have something to post to.
        return "<!DOCTYPE html>\n<html lang=\"en-US\">\n<head>\n<meta http-equiv=\"Content-Type\" "
               "content=\"text/html; charset=UTF-8\" />\n<title>Log In &lsaquo; WordPress</title>\n"
               "</head>\n<body class=\"login no-js login-action-login wp-core-ui\">\n"
               "<div id=\"login\">\n<h1><a href=\"https://wordpress.org/\">Powered by "
               "WordPress</a></h1>\n<form name=\"loginform\" id=\"loginform\" "
               "action=\"/wp-login.php\" method=\"post\">\n<p><label for=\"user_login\">Username "
               "or Email Address</label>\n<input type=\"text\" name=\"log\" id=\"user_login\" "
               "class=\"input\" value=\"\" size=\"20\" autocapitalize=\"off\" /></p>\n"
               "<div class=\"user-pass-wrap\"><label for=\"user_pass\">Password</label>\n"
               "<input type=\"password\" name=\"pwd\" id=\"user_pass\" class=\"input "
               "password-input\" value=\"\" size=\"20\" /></div>\n<p class=\"submit\"><input "
               "type=\"submit\" name=\"wp-submit\" id=\"wp-submit\" class=\"button button-primary "
               "button-large\" value=\"Log In\" />\n<input type=\"hidden\" name=\"redirect_to\" "
               "value=\"/wp-admin/\" /></p>\n</form>\n<p id=\"nav\"><a "
               "href=\"/wp-login.php?action=lostpassword\">Lost your password?</a></p>\n</div>\n"
               "</body>\n</html>";
    if (app == "phpmyadmin")
        return "<!DOCTYPE HTML>\n<html lang=\"en\" dir=\"ltr\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<title>phpMyAdmin</title>\n</head>\n<body id=\"loginform\">\n<div "
               "class=\"container\">\n<h1>Welcome to <bdo dir=\"ltr\" "
               "lang=\"en\">phpMyAdmin</bdo></h1>\n<form method=\"post\" action=\"index.php\" "
               "name=\"login_form\" class=\"disableAjax login hide js-show\">\n<fieldset>\n"
               "<legend>Log in</legend>\n<div class=\"item\">\n<label "
               "for=\"input_username\">Username:</label>\n<input type=\"text\" "
               "name=\"pma_username\" id=\"input_username\" value=\"\" size=\"24\" "
               "class=\"textfield\">\n</div>\n<div class=\"item\">\n<label "
               "for=\"input_password\">Password:</label>\n<input type=\"password\" "
               "name=\"pma_password\" id=\"input_password\" value=\"\" size=\"24\" "
               "class=\"textfield\">\n</div>\n<input type=\"hidden\" name=\"server\" "
               "value=\"1\">\n</fieldset>\n<fieldset class=\"tblFooters\">\n<input "
               "value=\"Go\" type=\"submit\" id=\"input_go\">\n</fieldset>\n</form>\n</div>\n"
               "</body>\n</html>";
    if (app == "iis_default")
        return "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" "
               "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">\n<html "
               "xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n<meta http-equiv=\"Content-Type\" "
               "content=\"text/html; charset=iso-8859-1\" />\n<title>IIS Windows Server</title>\n"
               "</head>\n<body>\n<div id=\"container\">\n<h1>IIS Windows Server</h1>\n"
               "<p>Welcome to Internet Information Services</p>\n<a "
               "href=\"http://go.microsoft.com/fwlink/?linkid=66138&amp;clcid=0x409\"><img "
               "src=\"iisstart.png\" alt=\"IIS\" width=\"960\" height=\"600\" /></a>\n</div>\n"
               "</body>\n</html>";
    return std::nullopt;
}

}  // namespace decnet::honeypot
