// SMTP's pure parts (see smtp_protocol.hpp).
#include "honeypot/services/smtp/smtp_protocol.hpp"

#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "core/base64.hpp"
#include "core/text.hpp"

namespace decnet::honeypot::smtp {

Command parse_command(std::string_view line) {
    line = trim(line, " \t\r\n");
    const auto space = line.find_first_of(" \t");
    Command c;
    c.verb = ascii_upper(line.substr(0, space));
    if (space != std::string_view::npos) c.arg = std::string(trim(line.substr(space + 1)));
    return c;
}

const std::string* Path::param(std::string_view keyword) const {
    for (const auto& [k, v] : params)
        if (k == keyword) return &v;
    return nullptr;
}

Path parse_path(std::string_view arg, std::string_view keyword) {
    Path p;
    arg = trim(arg);
    if (!istarts_with(arg, keyword)) return p;
    arg.remove_prefix(keyword.size());
    arg = trim(arg);
    if (arg.empty() || arg.front() != ':') return p;
    arg = trim(arg.substr(1));
    std::string_view rest;
    if (!arg.empty() && arg.front() == '<') {
        const auto close = arg.find('>');
        if (close == std::string_view::npos) return p;
        p.address = std::string(trim(arg.substr(1, close - 1)));
        rest = arg.substr(close + 1);
    } else {
        // Postfix accepts a bare address (strict_rfc821_envelopes = no).
        const auto space = arg.find_first_of(" \t");
        p.address = std::string(arg.substr(0, space));
        if (p.address.empty()) return p;
        rest = space == std::string_view::npos ? std::string_view{} : arg.substr(space);
    }
    std::size_t count = 0;
    while (!(rest = trim(rest)).empty() && count++ < 16) {
        const auto space = rest.find_first_of(" \t");
        const auto item = rest.substr(0, space);
        const auto eq = item.find('=');
        p.params.emplace_back(ascii_upper(item.substr(0, eq)),
                              eq == std::string_view::npos ? "" : std::string(item.substr(eq + 1)));
        rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space);
    }
    p.ok = true;
    return p;
}

std::pair<std::string, std::string> split_address(std::string_view address) {
    if (address.starts_with('@')) {  // @relay1,@relay2:user@domain
        const auto colon = address.find(':');
        address = colon == std::string_view::npos ? std::string_view{} : address.substr(colon + 1);
    }
    const auto at = address.rfind('@');
    if (at == std::string_view::npos) return {std::string(address), ""};
    return {std::string(address.substr(0, at)), ascii_lower(address.substr(at + 1))};
}

std::optional<PlainCredential> decode_plain(std::string_view base64) {
    const auto decoded = base64_decode(trim(base64));
    if (!decoded) return std::nullopt;
    const auto first = decoded->find('\0');
    if (first == std::string::npos) return std::nullopt;
    const auto second = decoded->find('\0', first + 1);
    if (second == std::string::npos) return std::nullopt;
    return PlainCredential{decoded->substr(0, first),
                           decoded->substr(first + 1, second - first - 1),
                           decoded->substr(second + 1)};
}

std::optional<CramAnswer> decode_cram(std::string_view base64_answer) {
    const auto decoded = base64_decode(trim(base64_answer));
    if (!decoded) return std::nullopt;
    const auto space = decoded->rfind(' ');
    if (space == std::string::npos) return std::nullopt;
    return CramAnswer{decoded->substr(0, space), decoded->substr(space + 1)};
}

std::string cram_crackable(std::string_view challenge, std::string_view base64_answer) {
    return "$cram_md5$" + base64_encode(challenge) + "$" + std::string(trim(base64_answer));
}

std::string cram_digest(std::string_view password, std::string_view challenge) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_md5(), password.data(), static_cast<int>(password.size()),
         reinterpret_cast<const unsigned char*>(challenge.data()), challenge.size(), mac, &length);
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < length; ++i) {
        out += kDigits[mac[i] >> 4];
        out += kDigits[mac[i] & 0xf];
    }
    return out;
}

std::string random_hex_id(std::size_t digits) {
    std::string bytes((digits + 1) / 2, '\0');
    RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    static constexpr char kDigits[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : bytes) {
        out += kDigits[static_cast<unsigned char>(c) >> 4];
        out += kDigits[static_cast<unsigned char>(c) & 0xf];
    }
    out.resize(digits);
    return out;
}

// ---- MIME ---------------------------------------------------------------------------------

namespace {

// Splits at the first empty line: {headers, body}. No empty line: all headers.
std::pair<std::string_view, std::string_view> split_entity(std::string_view entity,
                                                           std::size_t max_header) {
    std::size_t at = 0;
    for (;;) {
        const auto nl = entity.find('\n', at);
        if (nl == std::string_view::npos || nl > max_header)
            return {entity.substr(0, max_header), {}};
        const auto line = entity.substr(at, nl - at);
        if (line.empty() || line == "\r") return {entity.substr(0, at), entity.substr(nl + 1)};
        at = nl + 1;
    }
}

std::string lower_type(std::string_view value) {
    const auto semi = value.find(';');
    return ascii_lower(trim(value.substr(0, semi), " \t\r"));
}

std::string decode_body(std::string_view body, std::string_view encoding) {
    const auto e = ascii_lower(trim(encoding, " \t\r"));
    if (e == "base64") {
        std::string clean;
        clean.reserve(body.size());
        for (const char c : body)
            if (c != '\r' && c != '\n' && c != ' ' && c != '\t') clean += c;
        while (clean.size() % 4 != 0 && !clean.empty() && clean.back() == '=') clean.pop_back();
        if (const auto decoded = base64_decode(clean)) return *decoded;
        return std::string(body);
    }
    if (e == "quoted-printable") return decode_quoted_printable(body);
    return std::string(body);
}

struct Walker {
    const MimeLimits& limits;
    MessageSummary& out;

    void entity(std::string_view text, std::size_t depth) {
        if (out.parts >= limits.max_parts || depth > limits.max_depth) {
            out.truncated = true;
            return;
        }
        const auto [headers, body] = split_entity(text, limits.max_header_bytes);
        const auto type_value = header_value(headers, "Content-Type");
        const auto type = type_value.empty() ? std::string("text/plain") : lower_type(type_value);
        if (type.starts_with("multipart/")) {
            const auto boundary = header_param(type_value, "boundary");
            if (!boundary.empty()) {
                multipart(body, boundary, depth);
                return;
            }
        }
        ++out.parts;
        if (type == "message/rfc822") {
            entity(body, depth + 1);
            return;
        }
        const auto disposition = header_value(headers, "Content-Disposition");
        std::string filename = header_param(disposition, "filename");
        if (filename.empty()) filename = header_param(type_value, "name");
        const bool attachment = istarts_with(trim(disposition), "attachment") || !filename.empty();
        if (!attachment) return;
        // A single-part message's body is the message itself unless it names a file.
        if (depth == 0 && filename.empty()) return;
        out.attachments.push_back(
            {filename, type,
             decode_body(body, header_value(headers, "Content-Transfer-Encoding"))});
    }

    void multipart(std::string_view body, const std::string& boundary, std::size_t depth) {
        const std::string delimiter = "--" + boundary;
        std::size_t at = 0;
        std::size_t part_start = std::string_view::npos;
        while (at < body.size()) {
            const auto nl = body.find('\n', at);
            const auto end = nl == std::string_view::npos ? body.size() : nl;
            auto line = body.substr(at, end - at);
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            if (line.starts_with(delimiter)) {
                const bool last = line.substr(delimiter.size()).starts_with("--");
                if (part_start != std::string_view::npos) {
                    // The CRLF before the delimiter belongs to it.
                    auto part = body.substr(part_start, at - part_start);
                    if (part.ends_with("\r\n"))
                        part.remove_suffix(2);
                    else if (part.ends_with('\n'))
                        part.remove_suffix(1);
                    entity(part, depth + 1);
                    if (out.truncated) return;
                }
                if (last) return;
                part_start = end + 1;
            }
            at = end + 1;
        }
        if (part_start != std::string_view::npos && part_start < body.size())
            entity(body.substr(part_start), depth + 1);  // no closing delimiter
    }
};

}  // namespace

std::string header_value(std::string_view headers, std::string_view name) {
    std::string value;
    bool in = false;
    std::size_t at = 0;
    while (at < headers.size()) {
        const auto nl = headers.find('\n', at);
        const auto end = nl == std::string_view::npos ? headers.size() : nl;
        auto line = headers.substr(at, end - at);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        at = end + 1;
        if (in && !line.empty() && (line.front() == ' ' || line.front() == '\t')) {
            if (value.size() < 4096) value += " " + std::string(trim(line));
            continue;
        }
        if (in) break;
        const auto colon = line.find(':');
        if (colon != std::string_view::npos && iequals(trim(line.substr(0, colon)), name)) {
            value = std::string(trim(line.substr(colon + 1)));
            in = true;
        }
    }
    return value.substr(0, 4096);
}

std::string header_param(std::string_view value, std::string_view name) {
    std::size_t at = value.find(';');
    while (at != std::string_view::npos) {
        auto item = trim(value.substr(at + 1), " \t\r\n");
        const auto eq = item.find('=');
        const auto next = value.find(';', at + 1);
        if (eq != std::string_view::npos && iequals(trim(item.substr(0, eq)), name)) {
            auto v = trim(item.substr(eq + 1), " \t\r\n");
            if (v.starts_with('"')) {
                const auto close = v.find('"', 1);
                return std::string(
                    v.substr(1, close == std::string_view::npos ? v.size() - 1 : close - 1));
            }
            const auto semi = v.find(';');
            return std::string(trim(v.substr(0, semi)));
        }
        at = next;
    }
    return {};
}

std::string decode_quoted_printable(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '=') {
            out += text[i];
            continue;
        }
        if (i + 1 < text.size() && text[i + 1] == '\n') {  // soft line break
            ++i;
        } else if (i + 2 < text.size() && text[i + 1] == '\r' && text[i + 2] == '\n') {
            i += 2;
        } else if (i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
            out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
            i += 2;
        } else {
            out += '=';
        }
    }
    return out;
}

MessageSummary summarize_message(std::string_view message, const MimeLimits& limits) {
    MessageSummary out;
    const auto [headers, body] = split_entity(message, limits.max_header_bytes);
    out.subject = header_value(headers, "Subject");
    out.from = header_value(headers, "From");
    out.to = header_value(headers, "To");
    out.message_id = header_value(headers, "Message-ID");
    Walker walker{limits, out};
    walker.entity(message, 0);
    return out;
}

}  // namespace decnet::honeypot::smtp
