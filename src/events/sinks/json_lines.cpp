// The collector's JSON-lines record (api.md §5.3), byte-compatible with the reference's
// json.dumps output so its ingester (and ours) can tail the file.
#include <algorithm>

#include "events/lifecycle_rate_limiter.hpp"
#include "events/rfc5424.hpp"
#include "events/sinks/file_sinks.hpp"
#include "events/utf8.hpp"

namespace decnet {

namespace {

constexpr char kHex[] = "0123456789abcdef";  // Python writes \u escapes in lower case

void append_u_escape(std::string& out, unsigned code_unit) {
    out.append("\\u");
    for (int shift = 12; shift >= 0; shift -= 4) out.push_back(kHex[(code_unit >> shift) & 0xf]);
}

unsigned decode_code_point(std::string_view text, std::size_t i, std::size_t length) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
    if (length == 2) return ((byte(0) & 0x1fu) << 6) | (byte(1) & 0x3fu);
    if (length == 3)
        return ((byte(0) & 0x0fu) << 12) | ((byte(1) & 0x3fu) << 6) | (byte(2) & 0x3fu);
    return ((byte(0) & 0x07u) << 18) | ((byte(1) & 0x3fu) << 12) | ((byte(2) & 0x3fu) << 6) |
           (byte(3) & 0x3fu);
}

// Above the BMP Python writes a UTF-16 surrogate pair.
void append_code_point(std::string& out, unsigned code_point) {
    if (code_point < 0x10000) {
        append_u_escape(out, code_point);
        return;
    }
    const unsigned v = code_point - 0x10000;
    append_u_escape(out, 0xd800 + (v >> 10));
    append_u_escape(out, 0xdc00 + (v & 0x3ff));
}

void append_ascii(std::string& out, char c) {
    switch (c) {
        case '"':
            out.append("\\\"");
            return;
        case '\\':
            out.append("\\\\");
            return;
        case '\n':
            out.append("\\n");
            return;
        case '\r':
            out.append("\\r");
            return;
        case '\t':
            out.append("\\t");
            return;
        case '\b':
            out.append("\\b");
            return;
        case '\f':
            out.append("\\f");
            return;
        default:
            break;
    }
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {  // json.dumps escapes everything outside ' '..'~'
        append_u_escape(out, byte);
    } else {
        out.push_back(c);
    }
}

void append_key(std::string& out, std::string_view key) {
    append_python_json_string(out, key);
    out.append(": ");
}

void append_member(std::string& out, std::string_view key, std::string_view value) {
    append_key(out, key);
    append_python_json_string(out, value);
    out.append(", ");
}

// What the collector's parser would make of the line. It only refuses a line our
// formatter wrote when it exceeds kMaxSyslogLine; such an event is described from the
// Event itself rather than lost.
ParsedSyslog collector_view(std::string_view line, const Event& event) {
    if (auto parsed = parse_rfc5424(line)) return std::move(parsed).value();
    ParsedSyslog view;
    view.timestamp = normalize_timestamp(format_iso8601(event.time));
    view.hostname = event.decky.empty() ? "-" : event.decky;
    view.app = event.service.empty() ? "-" : event.service;
    view.msgid = event.event_type.empty() ? "-" : event.event_type;
    for (const auto& entry : event.fields) {
        // Named copies: clang 14 cannot capture structured bindings in a lambda.
        const std::string& name = entry.first;
        const std::string& value = entry.second;
        const auto same = [&](const Field& field) { return field.first == name; };
        if (auto it = std::find_if(view.fields.begin(), view.fields.end(), same);
            it != view.fields.end()) {
            it->second = value;  // Python dict: first position, last value
        } else {
            view.fields.emplace_back(name, value);
        }
    }
    view.msg = event.msg;
    view.attacker_ip = "Unknown";
    for (std::string_view name :
         {"src_ip", "src", "client_ip", "remote_ip", "remote_addr", "target_ip", "ip"}) {
        if (const auto* value = view.find(name)) {
            view.attacker_ip = *value;
            break;
        }
    }
    return view;
}

void append_record(std::string& out, const ParsedSyslog& view, std::string_view rfc5424_line,
                   const Event& event, bool include_trace) {
    out.push_back('{');
    append_member(out, "timestamp", view.timestamp);
    append_member(out, "decky", view.hostname);
    append_member(out, "service", view.app);
    append_member(out, "event_type", view.msgid);
    append_member(out, "attacker_ip", view.attacker_ip);
    append_key(out, "fields");
    out.push_back('{');
    for (std::size_t i = 0; i < view.fields.size(); ++i) {
        if (i > 0) out.append(", ");
        append_key(out, view.fields[i].first);
        append_python_json_string(out, view.fields[i].second);
    }
    out.append("}, ");
    append_member(out, "msg", view.msg);
    append_key(out, "raw_line");
    append_python_json_string(out, rfc5424_line);
    if (include_trace && event.trace.valid()) {
        out.append(", ");
        append_key(out, "_trace");
        out.push_back('{');
        append_key(out, "traceparent");
        append_python_json_string(out, event.trace.traceparent());
        out.push_back('}');
    }
    out.push_back('}');
}

}  // namespace

void append_python_json_string(std::string& out, std::string_view utf8) {
    out.push_back('"');
    for (std::size_t i = 0; i < utf8.size();) {
        if (static_cast<unsigned char>(utf8[i]) < 0x80) {
            append_ascii(out, utf8[i++]);
            continue;
        }
        const std::size_t length = utf8::sequence_length(utf8, i);
        if (length == 0) {
            append_u_escape(out, 0xfffd);
            ++i;
            continue;
        }
        append_code_point(out, decode_code_point(utf8, i, length));
        i += length;
    }
    out.push_back('"');
}

void append_collector_json(std::string& out, std::string_view rfc5424_line, const Event& event,
                           bool include_trace) {
    append_record(out, collector_view(rfc5424_line, event), rfc5424_line, event, include_trace);
}

std::string format_collector_json(const Event& event, bool include_trace) {
    std::string out;
    append_collector_json(out, format_rfc5424(event), event, include_trace);
    return out;
}

std::filesystem::path json_path_for(const std::filesystem::path& log_path) {
    std::filesystem::path json = log_path;
    json.replace_extension(".json");
    return json;
}

JsonLinesFileSink::JsonLinesFileSink(std::filesystem::path path)
    : JsonLinesFileSink(std::move(path), Options{}) {}

JsonLinesFileSink::JsonLinesFileSink(std::filesystem::path path, Options options)
    : LineFileSink(std::move(path), options.file),
      include_trace_(options.include_trace),
      rate_limiter_(std::move(options.rate_limiter)) {}

bool JsonLinesFileSink::append_line(std::string& out, const Event& event) {
    line_.clear();
    append_rfc5424(line_, event);
    const ParsedSyslog view = collector_view(line_, event);
    if (rate_limiter_ &&
        !rate_limiter_->allow(view.attacker_ip, view.hostname, view.app, view.msgid)) {
        return false;
    }
    append_record(out, view, line_, event, include_trace_);
    out.push_back('\n');
    return true;
}

}  // namespace decnet
