// RFC 5424 formatter (services.md §1.1): one Event → one line, always valid UTF-8 and
// never containing a line break, so a log file or a TCP stream frames it by '\n'.
//
// Value encoding. The reference escaped only `\` `"` `]` and let newlines split an event
// across two lines. We keep those three escapes and add, in SD-PARAM-VALUEs and in MSG:
//   LF → \n   CR → \r   TAB → \t   other C0 controls, DEL, and each byte that is not part
//   of well-formed UTF-8 → \xHH (two lower-case hex digits)
// In MSG `\` is escaped too (`\\`), `"` and `]` are not, and a space at the very start or
// end of MSG is written \x20 so that whitespace trimming by the parser or by a line reader
// cannot eat it. rfc5424_parser.cpp decodes exactly this. For a value without control
// bytes or bad UTF-8 the output is byte-identical to the reference's.
#include <string>
#include <string_view>

#include "events/rfc5424.hpp"
#include "events/utf8.hpp"

namespace decnet {

namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

enum class Context { sd_value, msg };

void append_hex_escape(std::string& out, unsigned char byte) {
    out.append("\\x");
    out.push_back(kHexDigits[byte >> 4]);
    out.push_back(kHexDigits[byte & 0x0f]);
}

// The escape for an ASCII byte, or empty when it goes out as is.
std::string_view ascii_escape(unsigned char c, Context context) {
    switch (c) {
        case '\\':
            return "\\\\";
        case '"':
            return context == Context::sd_value ? "\\\"" : "";
        case ']':
            return context == Context::sd_value ? "\\]" : "";
        case '\n':
            return "\\n";
        case '\r':
            return "\\r";
        case '\t':
            return "\\t";
        default:
            return "";
    }
}

bool needs_hex(unsigned char c) {
    return c < 0x20 || c == 0x7f;
}

// Copies runs of bytes that need no escape in one append; this is the hot loop.
void append_escaped(std::string& out, std::string_view text, Context context) {
    std::size_t run_start = 0;
    std::size_t i = 0;
    auto flush = [&] { out.append(text.substr(run_start, i - run_start)); };
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x80) {
            const std::size_t length = utf8::sequence_length(text, i);
            if (length != 0) {
                i += length;
                continue;
            }
            flush();
            append_hex_escape(out, c);
        } else if (const auto escape = ascii_escape(c, context); !escape.empty()) {
            flush();
            out.append(escape);
        } else if (needs_hex(c)) {
            flush();
            append_hex_escape(out, c);
        } else {
            ++i;
            continue;
        }
        run_start = ++i;
    }
    flush();
}

void append_msg(std::string& out, std::string_view msg) {
    const bool leading_space = msg.front() == ' ';
    if (leading_space) {
        out.append("\\x20");
        msg.remove_prefix(1);
    }
    const bool trailing_space = !msg.empty() && msg.back() == ' ';
    if (trailing_space) msg.remove_suffix(1);
    append_escaped(out, msg, Context::msg);
    if (trailing_space) out.append("\\x20");
}

// HOSTNAME, APP-NAME and MSGID are PRINTUSASCII tokens (RFC 5424 §6): anything else,
// space included, would shift every following header field for a reader.
void append_header_token(std::string& out, std::string_view text, std::size_t max_length) {
    if (text.empty()) {
        out.push_back('-');
        return;
    }
    // Truncation counts bytes; the names that land here are ASCII in practice.
    text = text.substr(0, max_length);
    for (const char c : text) {
        const auto b = static_cast<unsigned char>(c);
        out.push_back(b >= 0x21 && b <= 0x7e ? c : '_');
    }
}

// SD-NAME is PRINTUSASCII except '=', ' ', ']' and '"'. Not truncated to RFC 5424's 32
// characters: the reference did not, and our parser accepts longer names.
void append_param_name(std::string& out, std::string_view name) {
    if (name.empty()) {
        out.push_back('_');
        return;
    }
    for (const char c : name) {
        const auto b = static_cast<unsigned char>(c);
        const bool ok = b >= 0x21 && b <= 0x7e && c != '=' && c != ']' && c != '"';
        out.push_back(ok ? c : '_');
    }
}

void append_structured_data(std::string& out, const Fields& fields, const TraceContext* trace) {
    if (fields.empty() && !trace) {
        out.push_back('-');
        return;
    }
    out.push_back('[');
    out.append(kDecnetSdId);
    for (const auto& [name, value] : fields) {
        out.push_back(' ');
        append_param_name(out, name);
        out.append("=\"");
        append_escaped(out, value, Context::sd_value);
        out.push_back('"');
    }
    if (trace) {
        out.push_back(' ');
        out.append(kTraceparentParam);
        out.append("=\"");
        out.append(trace->traceparent());  // hex and '-' only: nothing to escape
        out.push_back('"');
    }
    out.push_back(']');
}

void append_pri(std::string& out, Severity severity) {
    const int pri = kLocal0Facility * 8 + (static_cast<int>(severity) & 0x07);
    out.push_back('<');
    out.append(std::to_string(pri));
    out.push_back('>');
}

void append_line(std::string& out, const Event& event, const TraceContext* trace) {
    append_pri(out, event.severity);
    out.append("1 ");
    append_iso8601(out, event.time);
    out.push_back(' ');
    append_header_token(out, event.decky, kMaxHostnameLength);
    out.push_back(' ');
    append_header_token(out, event.service, kMaxAppNameLength);
    out.append(" - ");
    append_header_token(out, event.event_type, kMaxMsgIdLength);
    out.push_back(' ');
    append_structured_data(out, event.fields, trace);
    if (!event.msg.empty()) {
        out.push_back(' ');
        append_msg(out, event.msg);
    }
}

}  // namespace

void append_rfc5424(std::string& out, const Event& event) {
    append_line(out, event, nullptr);
}

void append_rfc5424_traced(std::string& out, const Event& event) {
    append_line(out, event, event.trace.valid() ? &event.trace : nullptr);
}

std::string format_rfc5424(const Event& event) {
    std::string out;
    out.reserve(128 + event.msg.size() + event.fields.size() * 24);
    append_rfc5424(out, event);
    return out;
}

}  // namespace decnet
