// RELP frame parsing and printing.
#include "events/relp_frame.hpp"

namespace decnet {

namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Up to `max_digits` digits then `terminator` (or, for DATALEN, LF). Returns the index
// after the number, 0 when more bytes are needed, npos on a syntax error.
constexpr std::size_t kNeedMore = 0;
constexpr std::size_t kBad = std::string_view::npos;

std::size_t read_number(std::string_view text, std::size_t at, std::size_t max_digits,
                        std::uint64_t& value) {
    value = 0;
    std::size_t i = at;
    while (i < text.size() && is_digit(text[i])) {
        if (i - at >= max_digits) return kBad;
        value = value * 10 + static_cast<std::uint64_t>(text[i] - '0');
        ++i;
    }
    if (i == text.size()) return kNeedMore;
    if (i == at) return kBad;
    return i;
}

RelpParse failed(std::string_view why) {
    RelpParse out;
    out.status = RelpParse::Status::error;
    out.error = why;
    return out;
}

}  // namespace

RelpParse parse_relp_frame(std::string_view buffer, std::size_t max_data) {
    RelpParse out;
    std::uint64_t txnr = 0;
    std::size_t i = read_number(buffer, 0, 9, txnr);
    if (i == kNeedMore) return out;
    if (i == kBad || buffer[i] != ' ') return failed("bad transaction number");
    ++i;
    const std::size_t command_start = i;
    while (i < buffer.size() && is_alpha(buffer[i])) {
        if (i - command_start >= kRelpMaxCommand) return failed("command too long");
        ++i;
    }
    if (i == buffer.size()) return out;
    if (i == command_start || buffer[i] != ' ') return failed("bad command");
    const std::string_view command = buffer.substr(command_start, i - command_start);
    ++i;
    std::uint64_t length = 0;
    i = read_number(buffer, i, 9, length);
    if (i == kNeedMore) return out;
    if (i == kBad) return failed("bad data length");
    if (length > max_data) return failed("frame too large");
    if (buffer[i] == ' ') {
        ++i;
    } else if (buffer[i] != '\n' || length != 0) {
        return failed("bad data length");
    }
    // DATA, then the LF trailer.
    if (buffer.size() - i < length + 1) return out;
    if (buffer[i + length] != '\n') return failed("missing frame trailer");
    out.status = RelpParse::Status::complete;
    out.frame.txnr = static_cast<std::uint32_t>(txnr);
    out.frame.command = std::string(command);
    out.frame.data = std::string(buffer.substr(i, length));
    out.consumed = i + length + 1;
    return out;
}

std::string format_relp_frame(std::uint32_t txnr, std::string_view command, std::string_view data) {
    std::string out = std::to_string(txnr);
    out.push_back(' ');
    out.append(command);
    out.push_back(' ');
    out += std::to_string(data.size());
    if (!data.empty()) {
        out.push_back(' ');
        out.append(data);
    }
    out.push_back('\n');
    return out;
}

std::uint32_t next_relp_txnr(std::uint32_t txnr) {
    return txnr >= kRelpMaxTxnr ? 1 : txnr + 1;
}

int relp_response_code(std::string_view data) {
    if (data.size() < 3 || !is_digit(data[0]) || !is_digit(data[1]) || !is_digit(data[2])) return 0;
    if (data.size() > 3 && data[3] != ' ' && data[3] != '\n') return 0;
    return (data[0] - '0') * 100 + (data[1] - '0') * 10 + (data[2] - '0');
}

}  // namespace decnet
