// md5sum, sha1sum, sha256sum (and sha512sum): OpenSSL digests of files or stdin, in
// coreutils' "hash  name" lines.
#include <openssl/evp.h>

#include "events/event.hpp"
#include "honeypot/shell/commands/support.hpp"

namespace decnet::honeypot::shell::cmd {

namespace {

std::string digest(const EVP_MD* md, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(data.data(), data.size(), out, &n, md, nullptr);
    return to_hex(std::span<const std::uint8_t>(out, n));
}

boost::asio::awaitable<int> checksum(Invocation& inv, const EVP_MD* md) {
    const std::string self = inv.name().substr(inv.name().rfind('/') + 1);
    const auto args = parse_args(inv.argv, "", "bctwz");
    auto operands = args.operands;
    if (operands.empty()) operands.push_back("-");
    int status = 0;
    std::string out;
    for (const auto& path : operands) {
        std::string data;
        if (path == "-") {
            data = std::string(inv.input);
        } else {
            auto read = read_for_command(inv.state, path);
            if (!read.ok()) {
                inv.write_err(self + ": " + path + ": " + read.error + "\n");
                status = 1;
                continue;
            }
            data = std::move(read.data);
        }
        out += digest(md, data) + "  " + path + "\n";
    }
    inv.write_out(out);
    co_return status;
}

}  // namespace

boost::asio::awaitable<int> md5sum(Invocation& inv) {
    co_return co_await checksum(inv, EVP_md5());
}
boost::asio::awaitable<int> sha1sum(Invocation& inv) {
    co_return co_await checksum(inv, EVP_sha1());
}
boost::asio::awaitable<int> sha256sum(Invocation& inv) {
    co_return co_await checksum(inv, EVP_sha256());
}
boost::asio::awaitable<int> sha512sum(Invocation& inv) {
    co_return co_await checksum(inv, EVP_sha512());
}

}  // namespace decnet::honeypot::shell::cmd
