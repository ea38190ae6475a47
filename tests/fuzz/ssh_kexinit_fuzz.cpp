// Any bytes as a KEXINIT payload and as a version line: parsing never crashes, and what
// parses re-serialises to a payload that parses to the same lists.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "wire/ssh_codec.hpp"
#include "wire/ssh_kexinit.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    decnet::wire::ssh::parse_version(bytes);
    if (auto kexinit = decnet::wire::ssh::parse_kexinit(bytes)) {
        const auto again =
            decnet::wire::ssh::parse_kexinit(decnet::wire::ssh::build_kexinit(*kexinit));
        if (!again || decnet::wire::ssh::hassh_algorithms(*again) !=
                          decnet::wire::ssh::hassh_algorithms(*kexinit))
            std::abort();
    }
    decnet::wire::ssh::Reader reader(bytes);
    while (reader.ok() && !reader.at_end()) reader.mpint();
    return 0;
}
