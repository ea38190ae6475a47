// smtp's command, path and SASL parsers and the MIME walk on arbitrary bytes: no crash, the
// walk stays within its part and depth limits, and no attachment is larger than the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "honeypot/services/smtp/smtp_protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    namespace smtp = decnet::honeypot::smtp;
    const auto command = smtp::parse_command(input);
    if (command.verb.size() + command.arg.size() > size) std::abort();
    const auto from = smtp::parse_path(input, "FROM");
    if (from.params.size() > 16 || from.address.size() > size) std::abort();
    (void)smtp::split_address(input);
    (void)smtp::decode_plain(input);
    (void)smtp::decode_cram(input);
    const smtp::MimeLimits limits;
    const auto summary = smtp::summarize_message(input, limits);
    if (summary.parts > limits.max_parts) std::abort();
    for (const auto& a : summary.attachments)
        if (a.data.size() > size) std::abort();
    (void)smtp::decode_quoted_printable(input);
    return 0;
}
