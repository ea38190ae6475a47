// RFC 5424 parser (engine.md §7.4, made strict and bounded), the RFC 3164 best-effort
// fallback, and the reject counters. Decodes the value encoding written by rfc5424.cpp.
//
// Differences from the reference collector, on purpose:
//  - SD is parsed by its grammar, so an escaped `\]` inside a value no longer ends the
//    element early (the reference lost every field of such a line);
//  - PRI must be 0..191, header fields must be printable ASCII within RFC lengths, and a
//    malformed SD rejects the line (the reference silently dropped the fields);
//  - any RFC 5424 PROCID is accepted (the reference dropped every sshd line for its pid);
//  - \n \r \t \xHH are decoded inside [decnet@55555 …] values and in MSG.
#include <algorithm>
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "events/rfc5424.hpp"
#include "events/utf8.hpp"

namespace decnet {

namespace {

constexpr std::size_t kMaxTimestampLength = 64;  // RFC's longest is 32; leave slack
constexpr std::array<std::string_view, 7> kAttackerIpFields = {
    "src_ip", "src", "client_ip", "remote_ip", "remote_addr", "target_ip", "ip"};

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_print_ascii(char c) {
    return c >= 0x21 && c <= 0x7e;
}
bool is_sd_name_char(char c) {
    return is_print_ascii(c) && c != '=' && c != ']' && c != '"';
}
bool is_blank(char c) {
    return c == ' ' || c == '\t';
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// A read position over the line; every accessor is bounds-checked.
class Cursor {
  public:
    explicit Cursor(std::string_view text) : text_(text) {}

    bool done() const { return pos_ >= text_.size(); }
    char peek() const { return done() ? '\0' : text_[pos_]; }
    bool eat(char c) {
        if (done() || text_[pos_] != c) return false;
        ++pos_;
        return true;
    }
    template <class Pred>
    std::string_view take_while(Pred pred) {
        const std::size_t start = pos_;
        while (!done() && pred(text_[pos_])) ++pos_;
        return text_.substr(start, pos_ - start);
    }
    std::string_view rest() const { return text_.substr(std::min(pos_, text_.size())); }
    std::size_t pos() const { return pos_; }
    void seek(std::size_t pos) { pos_ = pos; }

  private:
    std::string_view text_;
    std::size_t pos_ = 0;
};

// Decodes one escape at text[i] == '\\' into `out`; returns the bytes consumed. `extended`
// adds our \n \r \t \xHH to the given single-character escapes. An unknown escape keeps
// the backslash as a plain character (RFC 5424 §6.3.3).
std::size_t decode_escape(std::string_view text, std::size_t i, std::string_view simple,
                          bool extended, std::string& out) {
    if (i + 1 >= text.size()) {
        out.push_back('\\');
        return 1;
    }
    const char next = text[i + 1];
    if (simple.find(next) != std::string_view::npos) {
        out.push_back(next);
        return 2;
    }
    if (extended) {
        switch (next) {
            case 'n':
                out.push_back('\n');
                return 2;
            case 'r':
                out.push_back('\r');
                return 2;
            case 't':
                out.push_back('\t');
                return 2;
            case 'x':
                if (i + 3 < text.size() && hex_value(text[i + 2]) >= 0 &&
                    hex_value(text[i + 3]) >= 0) {
                    out.push_back(
                        static_cast<char>(hex_value(text[i + 2]) << 4 | hex_value(text[i + 3])));
                    return 4;
                }
                break;
            default:
                break;
        }
    }
    out.push_back('\\');
    return 1;
}

// Copies the runs between backslashes in one append each.
void decode_into(std::string_view text, std::string_view simple, bool extended, std::string& out) {
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t slash = std::min(text.find('\\', i), text.size());
        out.append(text.substr(i, slash - i));
        i = slash;
        if (i < text.size()) i += decode_escape(text, i, simple, extended, out);
    }
}

std::string decode_msg(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    decode_into(text, "\\", true, out);
    return out;
}

void upsert(Fields& fields, std::string_view name, std::string value) {
    // Later duplicates overwrite but keep the first position, like the reference's dict.
    for (auto& [key, existing] : fields) {
        if (key == name) {
            existing = std::move(value);
            return;
        }
    }
    fields.emplace_back(std::string(name), std::move(value));
}

std::string attacker_ip_of(const ParsedSyslog& parsed) {
    for (const auto name : kAttackerIpFields) {
        if (const auto* value = parsed.find(name)) return *value;
    }
    return "Unknown";
}

// STRUCTURED-DATA: one or more `[SD-ID *(SP name="value")]` with nothing between them.
// Only decnet@55555 params become fields; other elements are checked and skipped.
class SdParser {
  public:
    SdParser(Cursor& cursor, Fields& fields) : in_(cursor), fields_(fields) {}

    std::optional<SyslogReject> parse() {
        while (in_.peek() == '[') {
            if (auto reject = element()) return reject;
        }
        return std::nullopt;
    }

  private:
    std::optional<SyslogReject> element() {
        in_.eat('[');
        const auto sd_id = in_.take_while(is_sd_name_char);
        if (sd_id.empty() || sd_id.size() > 32) return SyslogReject::bad_sd;
        const bool ours = sd_id == kDecnetSdId;
        while (!in_.eat(']')) {
            if (!in_.eat(' ')) return SyslogReject::bad_sd;
            if (++params_ > kMaxSdParams) return SyslogReject::too_many_params;
            if (auto reject = param(ours)) return reject;
        }
        return std::nullopt;
    }

    std::optional<SyslogReject> param(bool ours) {
        const auto name = in_.take_while(is_sd_name_char);
        if (name.empty() || !in_.eat('=') || !in_.eat('"')) return SyslogReject::bad_sd;
        // The value ends at the first quote not preceded by an escaping backslash.
        const auto text = in_.rest();
        std::size_t end = 0;
        while (end < text.size() && text[end] != '"') end += text[end] == '\\' ? 2 : 1;
        if (end >= text.size()) return SyslogReject::bad_sd;  // no closing quote
        in_.seek(in_.pos() + end + 1);
        if (!ours) return std::nullopt;
        std::string value;
        value.reserve(end);
        decode_into(text.substr(0, end), "\\\"]", true, value);
        if (fields_.empty()) fields_.reserve(8);
        upsert(fields_, name, std::move(value));
        return std::nullopt;
    }

    Cursor& in_;
    Fields& fields_;
    std::size_t params_ = 0;
};

// A header field: a non-empty run of printable ASCII of at most `max` bytes. The caller
// checks the single space after it.
std::optional<std::string_view> header_token(Cursor& in, std::size_t max) {
    const auto token = in.take_while(is_print_ascii);
    if (token.empty() || token.size() > max) return std::nullopt;
    return token;
}

// `<PRI>`; the cursor is left after '>'.
std::optional<SyslogReject> parse_pri(Cursor& in, int& pri) {
    if (!in.eat('<')) return SyslogReject::no_pri;
    const auto digits = in.take_while(is_digit);
    if (digits.empty() || digits.size() > 3 || !in.eat('>')) return SyslogReject::bad_pri;
    pri = 0;
    for (const char c : digits) pri = pri * 10 + (c - '0');
    if (pri > 191) return SyslogReject::bad_pri;
    return std::nullopt;
}

// Everything after `MSGID SP`: SD then optional MSG (engine.md §7.4's three cases).
std::optional<SyslogReject> parse_rest(Cursor& in, ParsedSyslog& out) {
    if (in.eat('-')) {
        // NILVALUE; like the reference, leading whitespace of MSG is dropped (`-x` → `x`).
        in.take_while(is_blank);
        out.msg = decode_msg(in.rest());
        return std::nullopt;
    }
    if (in.peek() == '[') {
        SdParser sd(in, out.fields);
        if (auto reject = sd.parse()) return reject;
        if (in.done()) return std::nullopt;
        if (in.take_while(is_blank).empty()) return SyslogReject::bad_sd;  // `]msg`
        out.msg = decode_msg(in.rest());
        return std::nullopt;
    }
    if (is_blank(in.peek())) return SyslogReject::bad_header;  // empty SD field
    // No SD marker at all: the reference took the whole rest as MSG; so do we.
    out.msg = decode_msg(in.rest());
    return std::nullopt;
}

std::optional<SyslogReject> parse_5424(Cursor& in, ParsedSyslog& out) {
    struct Spec {
        std::string* target;
        std::size_t max;
    };
    const Spec header[] = {{&out.timestamp_raw, kMaxTimestampLength},
                           {&out.hostname, kMaxHostnameLength},
                           {&out.app, kMaxAppNameLength},
                           {&out.procid, kMaxProcIdLength},
                           {&out.msgid, kMaxMsgIdLength}};
    for (const auto& field : header) {
        const auto token = header_token(in, field.max);
        if (!token) return SyslogReject::bad_header;
        field.target->assign(*token);
        if (in.done()) return SyslogReject::missing_sd;
        if (!in.eat(' ')) return SyslogReject::bad_header;
    }
    if (in.done()) return SyslogReject::missing_sd;
    return parse_rest(in, out);
}

// --- RFC 3164, best effort: `<PRI>Mmm dd hh:mm:ss host tag[pid]: msg` --------------------

bool is_bsd_timestamp(std::string_view s) {
    static constexpr std::string_view kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
    if (s.size() < 15) return false;
    bool month = false;
    for (std::size_t m = 0; m < kMonths.size(); m += 3) {
        month |= s.substr(0, 3) == kMonths.substr(m, 3);
    }
    const auto d = [&](std::size_t i) { return is_digit(s[i]); };
    return month && s[3] == ' ' && (s[4] == ' ' || d(4)) && d(5) && s[6] == ' ' && d(7) && d(8) &&
           s[9] == ':' && d(10) && d(11) && s[12] == ':' && d(13) && d(14);
}

bool is_tag_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' ||
           c == '-' || c == '.' || c == '/';
}

// `tag[pid]:` or `tag:`; on a match fills app/procid and leaves the cursor after ": ".
bool parse_3164_tag(Cursor& in, ParsedSyslog& out) {
    const std::size_t start = in.pos();
    const auto tag = in.take_while(is_tag_char);
    std::string_view pid;
    if (!tag.empty() && tag.size() <= kMaxAppNameLength && in.eat('[')) {
        pid = in.take_while([](char c) { return is_print_ascii(c) && c != ']'; });
        if (pid.empty() || pid.size() > kMaxProcIdLength || !in.eat(']')) pid = {};
    }
    if (tag.empty() || tag.size() > kMaxAppNameLength || !in.eat(':')) {
        in.seek(start);
        return false;
    }
    out.app.assign(tag);
    if (!pid.empty()) out.procid.assign(pid);
    in.eat(' ');
    return true;
}

// Optional HOSTNAME then optional TAG; a first word that is already `tag:` is the tag.
void parse_3164_source(Cursor& in, ParsedSyslog& out) {
    if (parse_3164_tag(in, out)) return;
    const std::size_t start = in.pos();
    const auto host = header_token(in, kMaxHostnameLength);
    if (host && in.eat(' ')) {
        out.hostname.assign(*host);
        parse_3164_tag(in, out);
    } else {
        in.seek(start);
    }
}

std::optional<SyslogReject> parse_3164(Cursor& in, ParsedSyslog& out) {
    out.dialect = SyslogDialect::rfc3164;
    out.hostname = out.app = out.procid = out.msgid = "-";
    if (in.done()) return SyslogReject::bad_header;
    const auto rest = in.rest();
    if (is_bsd_timestamp(rest)) {
        out.timestamp_raw.assign(rest.substr(0, 15));
        in.seek(in.pos() + 15);
    } else if (rest.size() > 4 && std::all_of(rest.begin(), rest.begin() + 4, is_digit) &&
               rest[4] == '-') {
        // rsyslog's RFC 3339 variant of the old format.
        out.timestamp_raw.assign(in.take_while(is_print_ascii));
    }
    if (out.timestamp_raw.empty()) {
        parse_3164_tag(in, out);
    } else if (in.eat(' ')) {
        parse_3164_source(in, out);
    }
    out.msg.assign(in.rest());
    return std::nullopt;
}

// Fills `out` in place: a parsed line is moved once, into the result, at the very end.
std::optional<SyslogReject> parse_valid_utf8(std::string_view line, ParsedSyslog& out) {
    Cursor in(line);
    if (auto reject = parse_pri(in, out.pri)) return reject;
    if (!is_digit(in.peek())) return parse_3164(in, out);
    const std::size_t after_pri = in.pos();
    const auto version = in.take_while(is_digit);
    if (in.peek() == '-' && version.size() == 4) {
        in.seek(after_pri);
        return parse_3164(in, out);
    }
    if (in.done()) return SyslogReject::bad_header;
    if (version != "1" || !in.eat(' ')) return SyslogReject::bad_version;
    return parse_5424(in, out);
}

std::string_view strip_terminator(std::string_view line) {
    if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
}

SyslogParseResult parse_line(std::string_view line, bool& repaired) {
    repaired = false;
    line = strip_terminator(line);
    if (line.empty()) return SyslogReject::empty;
    if (line.size() > kMaxSyslogLine) return SyslogReject::too_long;
    ParsedSyslog parsed;
    std::optional<SyslogReject> reject;
    if (utf8::valid(line)) {
        reject = parse_valid_utf8(line, parsed);
    } else {
        repaired = true;
        reject = parse_valid_utf8(utf8::repair(line), parsed);
    }
    if (reject) return *reject;
    parsed.attacker_ip = attacker_ip_of(parsed);
    parsed.timestamp = normalize_timestamp(parsed.timestamp_raw);
    return SyslogParseResult(std::move(parsed));
}

}  // namespace

std::string_view to_string(SyslogReject reason) {
    switch (reason) {
        case SyslogReject::empty:
            return "empty";
        case SyslogReject::too_long:
            return "too_long";
        case SyslogReject::no_pri:
            return "no_pri";
        case SyslogReject::bad_pri:
            return "bad_pri";
        case SyslogReject::bad_version:
            return "bad_version";
        case SyslogReject::bad_header:
            return "bad_header";
        case SyslogReject::missing_sd:
            return "missing_sd";
        case SyslogReject::bad_sd:
            return "bad_sd";
        case SyslogReject::too_many_params:
            return "too_many_params";
        case SyslogReject::count:
            break;
    }
    return "unknown";
}

const std::string* ParsedSyslog::find(std::string_view name) const {
    for (const auto& [key, value] : fields) {
        if (key == name) return &value;
    }
    return nullptr;
}

std::uint64_t ParserStats::rejected_total() const {
    std::uint64_t total = 0;
    for (const auto& counter : rejected) total += counter.load(std::memory_order_relaxed);
    return total;
}

SyslogParseResult parse_rfc5424(std::string_view line) {
    bool repaired = false;
    return parse_line(line, repaired);
}

SyslogParseResult parse_rfc5424(std::string_view line, ParserStats& stats) {
    bool repaired = false;
    auto result = parse_line(line, repaired);
    if (repaired) stats.utf8_repaired.fetch_add(1, std::memory_order_relaxed);
    if (!result.ok()) {
        stats.rejected[static_cast<std::size_t>(result.error())].fetch_add(
            1, std::memory_order_relaxed);
    } else {
        stats.accepted.fetch_add(1, std::memory_order_relaxed);
        if (result->dialect == SyslogDialect::rfc3164) {
            stats.rfc3164.fetch_add(1, std::memory_order_relaxed);
        }
    }
    return result;
}

}  // namespace decnet
