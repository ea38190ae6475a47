// Cast parsing and the replay filter (cast_player.hpp).
#include "cli/cast_player.hpp"

#include <nlohmann/json.hpp>

namespace decnet::cli {
namespace {

// A CSI longer than this is not one a terminal would act on: it is passed through as text.
constexpr std::size_t kMaxCsi = 64;

// The length of the UTF-8 sequence at the start of `s`: n when valid, 0 when invalid, and
// -1 when `s` ends inside a sequence that may still be valid.
int utf8_length(std::string_view s) {
    const auto c = static_cast<unsigned char>(s[0]);
    const int n = c < 0x80             ? 1
                  : (c & 0xe0) == 0xc0 ? 2
                  : (c & 0xf0) == 0xe0 ? 3
                  : (c & 0xf8) == 0xf0 ? 4
                                       : 0;
    if (n <= 1) return n;
    for (int k = 1; k < n; ++k) {
        if (static_cast<std::size_t>(k) >= s.size()) return -1;
        if ((static_cast<unsigned char>(s[k]) & 0xc0) != 0x80) return 0;
    }
    return n;
}

nlohmann::json parse(std::string_view line) {
    return nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
}

}  // namespace

std::optional<CastHeader> parse_cast_header(std::string_view line) {
    const auto json = parse(line);
    // Only what is there and of the right type is read: json::value() throws when the key
    // holds another type ({"version": {}} made replay die on an uncaught type_error).
    if (!json.is_object() || !json.contains("version") || !json["version"].is_number_integer() ||
        json["version"] != 2)
        return std::nullopt;
    CastHeader header;
    if (json.contains("width") && json["width"].is_number_integer()) header.width = json["width"];
    if (json.contains("height") && json["height"].is_number_integer())
        header.height = json["height"];
    if (json.contains("timestamp") && json["timestamp"].is_number_integer())
        header.timestamp = json["timestamp"];
    if (json.contains("idle_time_limit") && json["idle_time_limit"].is_number())
        header.idle_time_limit = json["idle_time_limit"].get<double>();
    if (json.contains("title") && json["title"].is_string()) header.title = json["title"];
    return header;
}

std::optional<CastEvent> parse_cast_event(std::string_view line) {
    const auto json = parse(line);
    if (!json.is_array() || json.size() != 3 || !json[0].is_number() || !json[1].is_string() ||
        !json[2].is_string())
        return std::nullopt;
    CastEvent event{json[0].get<double>(), json[1].get<std::string>(), json[2].get<std::string>()};
    if (!(event.time >= 0.0)) return std::nullopt;  // also refuses NaN
    return event;
}

std::string TerminalFilter::filter(std::string_view chunk) {
    // A C1 control's UTF-8 lead byte may end one event and its second byte start the next.
    const std::string joined = held_ + std::string(chunk);
    held_.clear();
    const std::string_view data = joined;
    std::string out;
    out.reserve(data.size());
    for (std::size_t i = 0; i < data.size(); ++i) {
        const auto c = static_cast<unsigned char>(data[i]);
        switch (state_) {
            case State::text: {
                if (c < 0x80) {
                    if (c == 0x1b)
                        state_ = State::escape;
                    else
                        out += static_cast<char>(c);
                    break;
                }
                // Text is passed on as whole UTF-8 characters only: a stray byte could
                // otherwise join a neighbour into a C1 control once a sequence between
                // them is dropped.
                const int n = utf8_length(data.substr(i));
                if (n < 0) {  // continues in the next event
                    held_ = std::string(data.substr(i));
                    i = data.size();
                    break;
                }
                if (n == 0) {
                    out += '?';
                    break;
                }
                const auto second = static_cast<unsigned char>(data[i + 1]);
                if (n == 2 && c == 0xc2 && (second == 0x90 || second == 0x98 || second >= 0x9d))
                    state_ = State::string;  // C1 DCS, SOS, OSC, PM, APC
                else if (n == 2 && c == 0xc2 && second == 0x9b) {
                    state_ = State::csi;  // C1 CSI
                    csi_ = "\xc2\x9b";
                } else {
                    out.append(data.substr(i, static_cast<std::size_t>(n)));
                }
                i += static_cast<std::size_t>(n) - 1;
                break;
            }
            case State::escape:
                if (c != 0x1b && (c < 0x20 || c > 0x7e)) {
                    // Not an escape sequence: the ESC is dropped, the byte read as text.
                    state_ = State::text;
                    --i;
                } else if (c == ']' || c == 'P' || c == '_' || c == '^' || c == 'X') {
                    state_ = State::string;
                } else if (c == '[') {
                    state_ = State::csi;
                    csi_ = "\x1b[";
                } else if (c != 0x1b) {  // a second ESC supersedes the first
                    out += '\x1b';
                    out += static_cast<char>(c);
                    state_ = State::text;
                }
                break;
            case State::csi:
                if (c < 0x20 || c > 0x7e) {
                    // ESC, CAN, SUB abort a sequence in a terminal, and no CSI holds other
                    // controls or non-ASCII: the unfinished one is dropped, the byte reread.
                    csi_.clear();
                    state_ = State::text;
                    if (c != 0x18 && c != 0x1a) --i;
                    break;
                }
                csi_ += static_cast<char>(c);
                if (c >= 0x40 && c <= 0x7e) {  // the final byte
                    if (c != 'n' && c != 'c' && c != 't') out += csi_;
                    csi_.clear();
                    state_ = State::text;
                } else if (csi_.size() > kMaxCsi) {
                    out += csi_;
                    csi_.clear();
                    state_ = State::text;
                }
                break;
            case State::string:  // until BEL, ST (ESC \) or C1 ST (U+009C)
                if (c == 0x07) state_ = State::text;
                if (c == 0x1b) state_ = State::string_escape;
                if (c == 0xc2 && i + 1 < data.size() &&
                    static_cast<unsigned char>(data[i + 1]) == 0x9c) {
                    ++i;
                    state_ = State::text;
                }
                break;
            case State::string_escape:
                state_ = c == '\\' ? State::text : c == 0x1b ? State::string_escape : State::string;
                break;
        }
    }
    return out;
}

}  // namespace decnet::cli
