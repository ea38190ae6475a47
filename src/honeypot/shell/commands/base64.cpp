// base64: encode (76-column lines, -w N, -w 0 one line) or decode (-d, whitespace ignored,
// -i garbage skipped) with OpenSSL's codec, as droppers use it to unpack payloads.
#include <openssl/evp.h>

#include <cctype>
#include <cstdlib>
#include <optional>

#include "honeypot/shell/commands/support.hpp"

namespace decnet::honeypot::shell::cmd {

namespace {

std::string encode(std::string_view data, std::size_t wrap) {
    std::string raw(4 * ((data.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(raw.data()),
                                  reinterpret_cast<const unsigned char*>(data.data()),
                                  static_cast<int>(data.size()));
    raw.resize(static_cast<std::size_t>(n));
    if (wrap == 0) return raw.empty() ? raw : raw + "\n";
    std::string out;
    for (std::size_t at = 0; at < raw.size(); at += wrap) out += raw.substr(at, wrap) + "\n";
    return out;
}

// nullopt on invalid input (what is decoded up to there is in `partial`).
std::optional<std::string> decode(std::string_view text, bool ignore_garbage) {
    std::string clean;
    for (const char c : text) {
        const bool alphabet =
            std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=';
        if (alphabet)
            clean += c;
        else if (!std::isspace(static_cast<unsigned char>(c)) && !ignore_garbage)
            return std::nullopt;
    }
    if (clean.size() % 4 == 1) return std::nullopt;
    while (clean.size() % 4) clean += '=';
    std::string out(clean.size() / 4 * 3, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(clean.data()),
                                  static_cast<int>(clean.size()));
    if (n < 0) return std::nullopt;
    std::size_t padding = 0;
    for (auto it = clean.rbegin(); it != clean.rend() && *it == '=' && padding < 2; ++it) ++padding;
    out.resize(static_cast<std::size_t>(n) - padding);
    return out;
}

}  // namespace

boost::asio::awaitable<int> base64(Invocation& inv) {
    const auto args = parse_args(inv.argv, "w", "diw");
    if (args.invalid) {
        inv.write_err(invalid_option("base64", args.invalid));
        co_return 1;
    }
    std::string data;
    if (args.operands.empty() || args.operands[0] == "-") {
        data = std::string(inv.input);
    } else {
        auto read = read_for_command(inv.state, args.operands[0]);
        if (!read.ok()) {
            inv.write_err("base64: " + args.operands[0] + ": " + read.error + "\n");
            co_return 1;
        }
        data = std::move(read.data);
    }
    if (args.has('d') || args.has_long("decode")) {
        const auto decoded = decode(data, args.has('i'));
        if (!decoded) {
            inv.write_err("base64: invalid input\n");
            co_return 1;
        }
        inv.write_out(*decoded);
        co_return 0;
    }
    std::size_t wrap = 76;
    if (args.values.count('w'))
        wrap = static_cast<std::size_t>(std::strtoul(args.values.at('w').c_str(), nullptr, 10));
    inv.write_out(encode(data, wrap));
    co_return 0;
}

}  // namespace decnet::honeypot::shell::cmd
