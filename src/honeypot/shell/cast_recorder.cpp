// The asciinema v2 recorder (cast_recorder.hpp).
#include "honeypot/shell/cast_recorder.hpp"

#include <cstdio>
#include <ctime>

namespace decnet::honeypot::shell {
namespace {

// The length of the valid UTF-8 sequence at the start of `s`, or 0.
std::size_t utf8_sequence(std::string_view s) {
    const auto c = static_cast<unsigned char>(s[0]);
    std::size_t n = 0;
    std::uint32_t min = 0;
    if (c < 0x80) return 1;
    if ((c & 0xe0) == 0xc0)
        n = 2, min = 0x80;
    else if ((c & 0xf0) == 0xe0)
        n = 3, min = 0x800;
    else if ((c & 0xf8) == 0xf0)
        n = 4, min = 0x10000;
    else
        return 0;
    if (s.size() < n) return 0;
    std::uint32_t code = c & (0xff >> (n + 1));
    for (std::size_t i = 1; i < n; ++i) {
        const auto b = static_cast<unsigned char>(s[i]);
        if ((b & 0xc0) != 0x80) return 0;
        code = code << 6 | (b & 0x3f);
    }
    // Overlong forms, surrogates and values past Unicode are not valid UTF-8.
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return 0;
    return n;
}

}  // namespace

std::string json_string(std::string_view data) {
    std::string out = "\"";
    out.reserve(data.size() + 2);
    while (!data.empty()) {
        const auto c = static_cast<unsigned char>(data[0]);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c < 0x20 || c == 0x7f) {
            char escape[8];
            std::snprintf(escape, sizeof escape, "\\u%04x", c);
            out += escape;
        } else {
            const std::size_t n = utf8_sequence(data);
            if (n == 0) {
                out += "\\ufffd";
                data.remove_prefix(1);
                continue;
            }
            out.append(data.substr(0, n));
            data.remove_prefix(n);
            continue;
        }
        data.remove_prefix(1);
    }
    return out + "\"";
}

CastRecorder::CastRecorder(Terminal& inner, CastOptions options)
    : inner_(inner), max_bytes_(options.max_bytes), start_(std::chrono::steady_clock::now()) {
    cols = inner.cols;
    rows = inner.rows;
    const std::int64_t timestamp =
        options.timestamp ? options.timestamp : static_cast<std::int64_t>(std::time(nullptr));
    cast_ = "{\"version\": 2, \"width\": " + std::to_string(cols) +
            ", \"height\": " + std::to_string(rows) +
            ", \"timestamp\": " + std::to_string(timestamp) +
            ", \"env\": {\"SHELL\": " + json_string(options.shell) +
            ", \"TERM\": " + json_string(options.term) + "}";
    if (!options.title.empty()) cast_ += ", \"title\": " + json_string(options.title);
    cast_ += "}\n";
}

double CastRecorder::elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void CastRecorder::record(char type, std::string_view data) {
    if (finished_ || truncated_ || data.empty()) return;
    // Never earlier than the previous event, whatever the clock's rounding.
    last_time_ = std::max(last_time_, elapsed());
    char time[32];
    std::snprintf(time, sizeof time, "[%.6f, \"%c\", ", last_time_, type);
    std::string line = time + json_string(data) + "]\n";
    if (cast_.size() + line.size() > max_bytes_) {
        truncated_ = true;
        std::snprintf(time, sizeof time, "[%.6f, \"m\", ", last_time_);
        cast_ += std::string(time) + "\"truncated\"]\n";
        return;
    }
    cast_ += line;
}

void CastRecorder::sync_size() {
    if (inner_.cols == cols && inner_.rows == rows) return;
    cols = inner_.cols;
    rows = inner_.rows;
    record('r', std::to_string(cols) + "x" + std::to_string(rows));
}

boost::asio::awaitable<std::optional<std::string>> CastRecorder::read() {
    auto bytes = co_await inner_.read();
    sync_size();
    if (bytes) record('i', *bytes);
    co_return bytes;
}

boost::asio::awaitable<bool> CastRecorder::write(std::string_view bytes) {
    sync_size();
    record('o', bytes);
    const bool ok = co_await inner_.write(bytes);
    co_return ok;
}

CastResult CastRecorder::finish(ArtifactStore* store) {
    CastResult result;
    result.truncated = truncated_;
    result.duration = last_time_;
    finished_ = true;
    result.artifact = ArtifactCapture::whole(store, cast_);
    return result;
}

}  // namespace decnet::honeypot::shell
