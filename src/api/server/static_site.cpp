// Static files of the dashboard: path checks, content types, cache headers.
#include "api/server/static_site.hpp"

#include <unistd.h>

#include <array>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>

namespace decnet::api {
namespace {

// The file types a Vite build and a browser ask for: a missing one is a 404.
bool looks_like_asset(const std::filesystem::path& name) {
    static const std::set<std::string, std::less<>> kAssets = {
        ".js",  ".mjs", ".css",  ".map",  ".html",  ".json", ".png", ".jpg",  ".jpeg",       ".gif",
        ".svg", ".ico", ".webp", ".woff", ".woff2", ".ttf",  ".txt", ".wasm", ".webmanifest"};
    std::string extension = name.extension().string();
    for (auto& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return kAssets.contains(extension);
}

namespace fs = std::filesystem;

constexpr std::uintmax_t kMaxFileBytes = std::uintmax_t{64} << 20;

struct TypeEntry {
    std::string_view extension;
    std::string_view type;
};
constexpr std::array<TypeEntry, 22> kTypes{{
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".map", "application/json"},
    {".webmanifest", "application/manifest+json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".gif", "image/gif"},
    {".webp", "image/webp"},
    {".avif", "image/avif"},
    {".ico", "image/x-icon"},
    {".woff", "font/woff"},
    {".woff2", "font/woff2"},
    {".ttf", "font/ttf"},
    {".otf", "font/otf"},
    {".txt", "text/plain; charset=utf-8"},
    {".wasm", "application/wasm"},
    {".xml", "application/xml"},
}};

std::string content_type(const fs::path& file) {
    std::string ext = file.extension().string();
    for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const auto& entry : kTypes)
        if (entry.extension == ext) return std::string(entry.type);
    return "application/octet-stream";
}

// Vite names built assets "<name>-<hash>.<ext>" under assets/: their content never
// changes under that name, so browsers may keep them for a year.
bool is_hashed_asset(const fs::path& relative) {
    auto it = relative.begin();
    if (it == relative.end() || *it != "assets") return false;
    const auto stem = relative.stem().string();
    const auto dash = stem.rfind('-');
    if (dash == std::string::npos) return false;
    const auto hash = std::string_view(stem).substr(dash + 1);
    if (hash.size() < 8) return false;
    for (char c : hash)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
    return true;
}

std::optional<std::string> read_file(const fs::path& file) {
    std::error_code ec;
    const auto size = fs::file_size(file, ec);
    if (ec || size > kMaxFileBytes) return std::nullopt;
    std::ifstream in(file, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream out;
    out << in.rdbuf();
    return std::move(out).str();
}

// Every page of the site runs only its own bundled scripts and styles: no inline script
// (an attacker's text that ever became markup could not run), no eval, no plugins, no
// framing, and fetch/SSE to this origin only.
void add_security_headers(Response& response) {
    response.with_header("Content-Security-Policy", std::string(kDashboardCsp))
        .with_header("X-Frame-Options", "DENY")
        .with_header("Referrer-Policy", "no-referrer");
}

Response not_found() {
    return Response::detail(404, "Not Found");
}

Response file_response(const fs::path& file, std::string body, std::string cache_control,
                       bool head) {
    Response response;
    response.content_type = content_type(file);
    response.body = head ? std::string() : std::move(body);
    response.with_header("Cache-Control", std::move(cache_control))
        .with_header("X-Content-Type-Options", "nosniff");
    add_security_headers(response);
    return response;
}

Response not_built_page(const fs::path& root) {
    Response response;
    response.content_type = "text/html; charset=utf-8";
    response.body =
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>decnet</title></head><body>"
        "<h1>decnet</h1><p>The API is running under <code>/api/v1</code>, but the web "
        "dashboard is not built.</p><p>Build it (<code>npm ci &amp;&amp; npm run build</code> "
        "in the web app's directory, with <code>VITE_API_URL=/api/v1</code>) into "
        "<code>web/dist</code>, or point <code>DECNET_WEB_DIST</code> at a built dashboard. "
        "Looked for: <code>" +
        root.string() + "</code>.</p></body></html>\n";
    response.with_header("Cache-Control", "no-cache");
    add_security_headers(response);
    return response;
}

// The path's segments if every one is a plain name; nullopt for "..", ".", empty
// segments ("//etc"), NUL or backslashes — no legitimate asset has them.
std::optional<fs::path> safe_relative(const std::string& path) {
    if (path.empty() || path.front() != '/') return std::nullopt;
    fs::path relative;
    std::string_view rest(path);
    rest.remove_prefix(1);
    while (!rest.empty()) {
        const auto slash = rest.find('/');
        const auto segment = rest.substr(0, slash);
        rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
        if (segment.empty()) {
            if (rest.empty()) break;  // one trailing slash
            return std::nullopt;
        }
        if (segment == "." || segment == ".." || segment.find('\0') != std::string_view::npos ||
            segment.find('\\') != std::string_view::npos)
            return std::nullopt;
        relative /= std::string(segment);
    }
    return relative;
}

}  // namespace

bool is_api_path(const std::string& path) {
    return path == "/api" || path.starts_with("/api/");
}

StaticSite::StaticSite(fs::path root) : root_(std::move(root)) {}

std::optional<Response> StaticSite::serve(const Request& request) const {
    if (is_api_path(request.path)) return std::nullopt;
    const bool head = request.method == "HEAD";
    if (request.method != "GET" && !head) return std::nullopt;

    std::error_code ec;
    const auto root = fs::canonical(root_, ec);
    const bool built = !ec && fs::is_regular_file(root / "index.html", ec);
    if (!built) {
        if (request.path == "/" || request.path == "/index.html") return not_built_page(root_);
        return std::nullopt;
    }
    const auto index = [&] {
        auto body = read_file(root / "index.html");
        if (!body) return not_found();
        return file_response(root / "index.html", std::move(*body), "no-cache", head);
    };

    const auto relative = safe_relative(request.path);
    if (!relative) return not_found();
    if (relative->empty() || *relative == "index.html") return index();

    const auto candidate = root / *relative;
    const auto resolved = fs::canonical(candidate, ec);
    if (ec) {
        // Not a file: a client-side route of the SPA, unless it names an asset (a missing
        // .js must be a 404, not HTML under its name). Routes may hold dots themselves
        // (/attackers/ip/10.0.0.5), so only the extensions a build emits count.
        if (looks_like_asset(relative->filename())) return not_found();
        return index();
    }
    // Symlinks are followed only while they stay inside the root.
    const auto root_text = root.string();
    const auto resolved_text = resolved.string();
    if (!resolved_text.starts_with(root_text + "/")) return not_found();
    if (fs::is_directory(resolved, ec)) return index();
    if (!fs::is_regular_file(resolved, ec)) return not_found();
    auto body = read_file(resolved);
    if (!body) return not_found();
    const auto inside = fs::path(resolved_text.substr(root_text.size() + 1));
    if (inside == "index.html") return index();
    return file_response(
        resolved, std::move(*body),
        is_hashed_asset(inside) ? "public, max-age=31536000, immutable" : "no-cache", head);
}

fs::path default_web_root() {
    if (const char* env = std::getenv("DECNET_WEB_DIST"); env && *env) return fs::path(env);
    std::error_code ec;
    const fs::path local = fs::current_path(ec) / "web" / "dist";
    if (!ec && fs::exists(local / "index.html", ec)) return local;
    const auto exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const auto beside = exe.parent_path().parent_path() / "web" / "dist";
        if (fs::exists(beside / "index.html", ec)) return beside;
    }
    return local;
}

}  // namespace decnet::api
