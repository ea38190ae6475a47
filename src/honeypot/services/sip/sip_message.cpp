// SIP message parsing (see sip_message.hpp for the bounds).
#include "honeypot/services/sip/sip_message.hpp"

#include <openssl/evp.h>

#include <array>
#include <charconv>

#include "core/text.hpp"

namespace decnet::honeypot::sip {
namespace {

// RFC 3261 §7.3.3 compact forms.
constexpr std::array<std::pair<char, std::string_view>, 12> kCompact = {{
    {'v', "via"},
    {'f', "from"},
    {'t', "to"},
    {'i', "call-id"},
    {'m', "contact"},
    {'l', "content-length"},
    {'c', "content-type"},
    {'k', "supported"},
    {'s', "subject"},
    {'e', "content-encoding"},
    {'o', "event"},
    {'r', "refer-to"},
}};

std::string header_name(std::string_view raw) {
    auto name = ascii_lower(trim(raw));
    if (name.size() == 1)
        for (const auto& [c, full] : kCompact)
            if (name[0] == c) return std::string(full);
    return name;
}

bool is_token(std::string_view s) {
    if (s.empty() || s.size() > 32) return false;
    for (const char c : s)
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.' || c == '!' || c == '%' || c == '*' || c == '_' || c == '+' ||
              c == '`' || c == '\'' || c == '~'))
            return false;
    return true;
}

std::string hex(const unsigned char* data, unsigned n) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < n; ++i) {
        out += kDigits[data[i] >> 4];
        out += kDigits[data[i] & 0xf];
    }
    return out;
}

std::string md5_hex(std::string_view text) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    EVP_Digest(text.data(), text.size(), out, &n, EVP_md5(), nullptr);
    return hex(out, n);
}

std::string field(std::string_view s) {
    std::string out(s.substr(0, 256));
    for (auto& c : out)
        if (c == '*' || c == '\n' || c == '\r') c = '_';
    return out;
}

}  // namespace

const std::string* Message::header(std::string_view name) const {
    for (const auto& [n, v] : headers)
        if (n == name) return &v;
    return nullptr;
}

Parsed parse(std::string_view data, bool stream) {
    Parsed out;
    auto end = data.find("\r\n\r\n");
    std::size_t separator = 4;
    if (const auto lf = data.find("\n\n"); lf != std::string_view::npos && lf < end) {
        end = lf;
        separator = 2;
    }
    if (end == std::string_view::npos) {
        if (data.size() > kMaxMessage) {
            out.error = "no end of headers within " + std::to_string(kMaxMessage) + " bytes";
        } else if (!stream) {
            // A datagram without the blank line: the headers run to its end.
            end = data.size();
            separator = 0;
        } else {
            return out;  // need more
        }
        if (!out.error.empty()) return out;
    }
    if (end > kMaxMessage) {
        out.error = "headers longer than " + std::to_string(kMaxMessage) + " bytes";
        return out;
    }
    Message m;
    std::string_view head = data.substr(0, end);
    std::vector<std::string_view> lines;
    while (!head.empty()) {
        const auto nl = head.find('\n');
        auto line = head.substr(0, nl);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.size() > kMaxHeaderLine) {
            out.error = "header line longer than " + std::to_string(kMaxHeaderLine) + " bytes";
            return out;
        }
        // Folded continuation lines (RFC 3261 §7.3.1) count as lines too.
        if (lines.size() > kMaxHeaders) {
            out.error = "more than " + std::to_string(kMaxHeaders) + " header lines";
            return out;
        }
        lines.push_back(line);
        if (nl == std::string_view::npos) break;
        head.remove_prefix(nl + 1);
    }
    if (lines.empty() || lines[0].empty()) {
        out.error = "empty start line";
        return out;
    }
    // Start line: "METHOD uri SIP/2.0" or "SIP/2.0 code reason".
    const auto start = lines[0];
    const auto sp1 = start.find(' ');
    const auto sp2 = sp1 == std::string_view::npos ? sp1 : start.find(' ', sp1 + 1);
    if (sp1 == std::string_view::npos || sp2 == std::string_view::npos) {
        out.error = "bad start line";
        return out;
    }
    if (start.starts_with("SIP/2.0 ")) {
        m.request = false;
        const auto code = start.substr(sp1 + 1, sp2 - sp1 - 1);
        const auto [p, ec] = std::from_chars(code.data(), code.data() + code.size(), m.status);
        if (ec != std::errc() || p != code.data() + code.size() || m.status < 100 ||
            m.status > 699) {
            out.error = "bad status code";
            return out;
        }
    } else {
        m.method = std::string(start.substr(0, sp1));
        m.uri = std::string(start.substr(sp1 + 1, sp2 - sp1 - 1));
        if (!is_token(m.method) || start.substr(sp2 + 1) != "SIP/2.0" || m.uri.empty()) {
            out.error = "bad request line";
            return out;
        }
    }
    for (std::size_t i = 1; i < lines.size(); ++i) {
        const auto line = lines[i];
        if (line.empty()) continue;
        if ((line[0] == ' ' || line[0] == '\t') && !m.headers.empty()) {
            m.headers.back().second += " " + std::string(trim(line));
            continue;
        }
        const auto colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0) {
            out.error = "header without a colon";
            return out;
        }
        m.headers.emplace_back(header_name(line.substr(0, colon)),
                               std::string(trim(line.substr(colon + 1))));
    }
    std::size_t length = 0;
    if (const auto* cl = m.header("content-length")) {
        const auto [p, ec] = std::from_chars(cl->data(), cl->data() + cl->size(), length);
        if (ec != std::errc() || p != cl->data() + cl->size() || length > kMaxBody) {
            out.error = "bad Content-Length";
            return out;
        }
    }
    const std::size_t body_at = end + separator;
    if (stream) {
        if (data.size() < body_at + length) {
            if (body_at + length > kMaxMessage + kMaxBody) out.error = "message too large";
            return out;  // need more
        }
        m.body = std::string(data.substr(body_at, length));
        out.consumed = body_at + length;
    } else {
        m.body = std::string(data.substr(std::min(body_at, data.size()), kMaxBody));
        out.consumed = data.size();
    }
    out.message = std::move(m);
    return out;
}

std::optional<Digest> parse_digest(std::string_view value) {
    value = trim(value);
    if (!istarts_with(value, "digest ")) return std::nullopt;
    value.remove_prefix(7);
    Digest d;
    std::size_t params = 0;
    while (!value.empty() && params++ < 32) {
        value = trim(value, " \t,");
        const auto eq = value.find('=');
        if (eq == std::string_view::npos) break;
        const auto name = ascii_lower(trim(value.substr(0, eq)));
        value.remove_prefix(eq + 1);
        value = trim(value);
        std::string v;
        if (!value.empty() && value[0] == '"') {
            const auto close = value.find('"', 1);
            if (close == std::string_view::npos) return std::nullopt;
            v = std::string(value.substr(1, close - 1));
            value.remove_prefix(close + 1);
        } else {
            const auto comma = value.find(',');
            v = std::string(trim(value.substr(0, comma)));
            value.remove_prefix(comma == std::string_view::npos ? value.size() : comma);
        }
        if (v.size() > 512) v.resize(512);
        if (name == "username")
            d.username = v;
        else if (name == "realm")
            d.realm = v;
        else if (name == "nonce")
            d.nonce = v;
        else if (name == "uri")
            d.uri = v;
        else if (name == "response")
            d.response = v;
        else if (name == "algorithm")
            d.algorithm = v;
        else if (name == "cnonce")
            d.cnonce = v;
        else if (name == "nc")
            d.nc = v;
        else if (name == "qop")
            d.qop = v;
    }
    if (d.username.empty() || d.response.empty()) return std::nullopt;
    // qop without cnonce and nc cannot have gone into the response (the challenge offers no
    // qop; sipvicious still says qop=auth): the response is the RFC 2069 form.
    if (d.cnonce.empty() || d.nc.empty()) d.qop.clear();
    return d;
}

std::optional<Uri> parse_uri(std::string_view text) {
    text = trim(text);
    const auto colon = text.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    Uri u;
    u.scheme = ascii_lower(text.substr(0, colon));
    if (u.scheme != "sip" && u.scheme != "sips" && u.scheme != "tel") return std::nullopt;
    auto rest = text.substr(colon + 1);
    rest = rest.substr(0, rest.find_first_of(";?>"));
    if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
        u.user = std::string(rest.substr(0, at));
        if (const auto pw = u.user.find(':'); pw != std::string::npos) u.user.resize(pw);
        rest.remove_prefix(at + 1);
    } else if (u.scheme == "tel") {
        u.user = std::string(rest);
        rest = {};
    }
    if (const auto port = rest.rfind(':');
        port != std::string_view::npos && rest.find(']') == std::string_view::npos) {
        u.port = std::string(rest.substr(port + 1));
        rest = rest.substr(0, port);
    }
    u.host = std::string(rest);
    return u;
}

std::string_view address_uri(std::string_view value) {
    const auto lt = value.find('<');
    if (lt != std::string_view::npos) {
        const auto gt = value.find('>', lt);
        return value.substr(lt + 1, gt == std::string_view::npos ? gt : gt - lt - 1);
    }
    return trim(value.substr(0, value.find(';')));
}

std::string john_line(const Digest& d, std::string_view server_ip, std::string_view client_ip,
                      std::string_view method) {
    // The digest's uri as John splits it: scheme, host part (with the user), port.
    std::string scheme = "sip", host, port;
    std::string_view uri = d.uri;
    if (const auto colon = uri.find(':'); colon != std::string_view::npos) {
        scheme = std::string(uri.substr(0, colon));
        uri.remove_prefix(colon + 1);
    }
    if (const auto colon = uri.rfind(':'); colon != std::string_view::npos) {
        port = std::string(uri.substr(colon + 1));
        uri = uri.substr(0, colon);
    }
    host = std::string(uri);
    const std::string algorithm = d.algorithm.empty() ? "MD5" : d.algorithm;
    return "$sip$*" + field(server_ip) + "*" + field(client_ip) + "*" + field(d.username) + "*" +
           field(d.realm) + "*" + field(method) + "*" + field(scheme) + "*" + field(host) + "*" +
           field(port) + "*" + field(d.nonce) + "*" + field(d.cnonce) + "*" + field(d.nc) + "*" +
           field(d.qop) + "*" + field(algorithm) + "*" + field(d.response);
}

std::string digest_response(const Digest& d, std::string_view method, std::string_view password) {
    const auto ha1 = md5_hex(d.username + ":" + d.realm + ":" + std::string(password));
    const auto ha2 = md5_hex(std::string(method) + ":" + d.uri);
    if (d.qop.empty()) return md5_hex(ha1 + ":" + d.nonce + ":" + ha2);
    return md5_hex(ha1 + ":" + d.nonce + ":" + d.nc + ":" + d.cnonce + ":" + d.qop + ":" + ha2);
}

}  // namespace decnet::honeypot::sip
