// libFuzzer target for the INI reader and loader (engine.md §3): any input must parse,
// load or fail with a ConfigError — never crash, hang, or throw anything else.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/ini_loader.hpp"
#include "core/ini_parser.hpp"

namespace {

void parse_and_load(std::string_view text, decnet::IniDuplicates duplicates) {
    try {
        const decnet::IniDocument document = decnet::parse_ini(text, duplicates, "fuzz.ini");
        for (const decnet::IniSection& section : document.sections) {
            (void)document.lookup(section, "services");
            (void)document.effective_entries(section);
        }
        (void)decnet::interpret_ini(document, "fuzz.ini");
    } catch (const decnet::ConfigError&) {
        // Rejecting bad input is the expected outcome; anything else escapes and crashes.
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    (void)decnet::validate_ini_text(text);
    parse_and_load(text, decnet::IniDuplicates::reject);
    parse_and_load(text, decnet::IniDuplicates::merge);
    return 0;
}
