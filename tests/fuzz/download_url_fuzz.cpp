// The shell downloader's URL and CIDR parsers on arbitrary bytes: no crash; a parsed URL
// has a supported scheme, a port, a path starting with '/', and parses again from its text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "honeypot/shell/downloader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace shell = decnet::honeypot::shell;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    if (const auto url = shell::parse_url(input)) {
        if (url->port == 0 || url->path.empty() || url->path.front() != '/') std::abort();
        const auto again = shell::parse_url(url->text());
        if (!again || again->text() != url->text()) std::abort();
        (void)shell::resolve_reference(*url, input);
    }
    if (const auto network = shell::parse_network(input))
        (void)shell::is_internal_address(network->network);
    return 0;
}
