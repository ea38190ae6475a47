// http request parsing (see http_request.hpp): tolerant of what real clients and scanners
// send, strict about anything that could make the emulator misbehave.
#include "honeypot/services/http/http_request.hpp"

#include "core/percent_encoding.hpp"
#include "core/text.hpp"

#include <array>
#include <cctype>

namespace decnet::honeypot::http {
namespace {

bool is_token_char(char c) {
    // RFC 9110 tchar.
    if (std::isalnum(static_cast<unsigned char>(c))) return true;
    constexpr std::string_view extra = "!#$%&'*+-.^_`|~";
    return extra.find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!is_token_char(c)) return false;
    return true;
}

// Header values lose surrounding blanks and a stray CR.
std::string_view trim_value(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

bool valid_version(std::string_view v) {
    // HTTP/d.d — anything else is a 400, as Apache and http.server do.
    return v.size() == 8 && v.starts_with("HTTP/") &&
           std::isdigit(static_cast<unsigned char>(v[5])) && v[6] == '.' &&
           std::isdigit(static_cast<unsigned char>(v[7]));
}

}  // namespace

std::optional<RequestLine> parse_request_line(std::string_view line) {
    if (line.size() > kMaxRequestLine) return std::nullopt;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    for (char c : line)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return std::nullopt;
    const auto sp1 = line.find(' ');
    if (sp1 == std::string_view::npos) return std::nullopt;
    RequestLine out;
    const auto method = line.substr(0, sp1);
    auto rest = line.substr(sp1 + 1);
    const auto sp2 = rest.find(' ');
    std::string_view target = rest.substr(0, sp2);
    if (sp2 != std::string_view::npos) {
        const auto version = rest.substr(sp2 + 1);
        if (!valid_version(version)) return std::nullopt;
        out.version = std::string(version);
    } else {
        out.version = "HTTP/0.9";
    }
    if (!is_token(method) || target.empty()) return std::nullopt;
    // absolute-form (proxy probes): keep only the path part.
    if (target.starts_with("http://") || target.starts_with("https://")) {
        const auto authority = target.find("//") + 2;
        const auto slash = target.find('/', authority);
        target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
    }
    if (target.front() != '/' && target != "*") return std::nullopt;
    out.method = std::string(method);
    const auto q = target.find('?');
    out.path = percent_decode(target.substr(0, q), false);
    if (q != std::string_view::npos) out.query = std::string(target.substr(q + 1));
    return out;
}

std::string canonical_header_name(std::string_view name) {
    std::string out(name);
    bool start = true;
    for (auto& c : out) {
        const auto u = static_cast<unsigned char>(c);
        c = static_cast<char>(start ? std::toupper(u) : std::tolower(u));
        start = c == '-';
    }
    return out;
}

std::optional<Field> parse_header_line(std::string_view line) {
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    const auto name = line.substr(0, colon);
    if (!is_token(name)) return std::nullopt;  // also rejects "Name :" (RFC 9112 §5.1)
    return Field{canonical_header_name(name), std::string(trim_value(line.substr(colon + 1)))};
}

std::optional<std::size_t> parse_content_length(std::string_view value) {
    value = trim_value(value);
    if (value.empty() || value.size() > 18) return std::nullopt;
    std::size_t n = 0;
    for (char c : value) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + static_cast<std::size_t>(c - '0');
    }
    return n;
}

std::optional<std::size_t> parse_chunk_size(std::string_view line) {
    line = line.substr(0, line.find(';'));
    line = trim_value(line);
    if (line.empty() || line.size() > 8) return std::nullopt;
    std::size_t n = 0;
    for (char c : line) {
        const auto u = static_cast<unsigned char>(c);
        if (!std::isxdigit(u)) return std::nullopt;
        n = n * 16 +
            static_cast<std::size_t>(std::isdigit(u) ? u - '0' : (std::tolower(u) - 'a' + 10));
    }
    return n;
}

Fields parse_form(std::string_view body) {
    Fields out;
    while (!body.empty()) {
        const auto amp = body.find('&');
        const auto pair = body.substr(0, amp);
        body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
        if (pair.empty()) continue;
        const auto eq = pair.find('=');
        out.emplace_back(percent_decode(pair.substr(0, eq), true),
                         eq == std::string_view::npos ? std::string()
                                                      : percent_decode(pair.substr(eq + 1), true));
    }
    return out;
}

std::optional<std::pair<std::string, std::string>> find_credentials(const Fields& form) {
    // Field names of the common login forms (WordPress log/pwd, phpMyAdmin pma_*, generic).
    constexpr std::array<std::string_view, 7> kUser = {"username", "user",         "login", "log",
                                                       "email",    "pma_username", "uname"};
    constexpr std::array<std::string_view, 5> kPass = {"password", "pass", "pwd", "pma_password",
                                                       "passwd"};
    const auto first = [&form](const auto& names) -> const std::string* {
        for (auto name : names)
            for (const auto& [key, value] : form)
                if (iequals(key, name)) return &value;
        return nullptr;
    };
    const auto* user = first(kUser);
    const auto* pass = first(kPass);
    if (!user || !pass) return std::nullopt;
    return std::pair{*user, *pass};
}

const std::string* find_header(const Fields& headers, std::string_view name) {
    for (const auto& [key, value] : headers)
        if (iequals(key, name)) return &value;
    return nullptr;
}

std::optional<RequestHead> parse_request_head(std::string_view head) {
    if (head.size() > kMaxRequestLine + kMaxHeaderBlock) return std::nullopt;
    const auto next_line = [&head]() {
        const auto nl = head.find('\n');
        auto line = head.substr(0, nl);
        head = nl == std::string_view::npos ? std::string_view() : head.substr(nl + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        return line;
    };
    RequestHead out;
    auto request = parse_request_line(next_line());
    if (!request) return std::nullopt;
    out.line = std::move(*request);
    while (!head.empty()) {
        const auto line = next_line();
        if (line.empty()) break;
        if (out.headers.size() >= kMaxHeaders) return std::nullopt;
        if ((line.front() == ' ' || line.front() == '\t') && !out.headers.empty()) {
            // obs-fold: a continuation of the previous header's value.
            out.headers.back().second += ' ';
            out.headers.back().second += trim_value(line);
            continue;
        }
        auto field = parse_header_line(line);
        if (!field) return std::nullopt;
        out.headers.push_back(std::move(*field));
    }
    return out;
}

}  // namespace decnet::honeypot::http
