// The shell's lexer and parser on arbitrary bytes: no crash, no hang, and a parse either
// succeeds or says why; a successful tree never holds more commands than the input has bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "honeypot/shell/parser.hpp"

namespace {

using namespace decnet::honeypot::shell;

std::size_t count(const List& list, int depth);

std::size_t count(const Command& c, int depth) {
    if (depth > 200) std::abort();  // deeper than the parser's limit allows
    std::size_t n = 1;
    for (const auto& l : c.lists) n += count(l, depth + 1);
    if (c.body) n += count(*c.body, depth + 1);
    return n;
}

std::size_t count(const List& list, int depth) {
    std::size_t n = 0;
    for (const auto& item : list.items)
        for (const auto& p : item.pipelines)
            for (const auto& c : p.commands) n += count(*c, depth + 1);
    return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto result = parse(input);
    if (result && count(result.list, 0) > size + 1) std::abort();
    if (!result && result.error.empty()) std::abort();
    return 0;
}
