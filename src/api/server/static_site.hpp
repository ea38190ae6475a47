// StaticSite: the built dashboard (web/dist) on the API's own origin, so the UI needs no
// proxy and no CORS. Only non-/api paths; files inside the root only (no "..", no
// symlink leading out); unknown extension-less paths get index.html (SPA routes).
// Without a build, "/" says how to make one.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "api/http_message.hpp"

namespace decnet::api {

class StaticSite {
  public:
    // `root` need not exist (yet): it is looked at on every request.
    explicit StaticSite(std::filesystem::path root);

    // The answer for GET/HEAD of a path outside /api, or nullopt when the path is not the
    // site's (the router then answers, e.g. 404).
    std::optional<Response> serve(const Request& request) const;

    const std::filesystem::path& root() const { return root_; }

  private:
    std::filesystem::path root_;
};

// The Content-Security-Policy of every file the site serves: same-origin scripts, styles,
// fonts and connections only; no inline script, no eval, no objects, no framing.
inline constexpr std::string_view kDashboardCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'";

// DECNET_WEB_DIST when set; else the first existing of ./web/dist and
// <directory of the binary>/../web/dist; else ./web/dist (not built yet).
std::filesystem::path default_web_root();

// True for paths the API owns (/api and below).
bool is_api_path(const std::string& path);

}  // namespace decnet::api
