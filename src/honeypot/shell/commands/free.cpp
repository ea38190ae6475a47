// free: procps-ng's table from /proc/meminfo's numbers (KiB; -m, -g, -h, --mega, ...).
#include "honeypot/shell/command.hpp"
#include "honeypot/shell/commands/extras.hpp"
#include "honeypot/shell/commands/view_text.hpp"
#include "honeypot/shell/shell_state.hpp"

namespace decnet::honeypot::shell {
namespace {

enum class Unit { kib, mib, gib, bytes, human };

Unit unit_of(const std::vector<std::string>& argv) {
    Unit unit = Unit::kib;
    for (std::size_t i = 1; i < argv.size(); ++i) {
        const auto& a = argv[i];
        if (a == "-m" || a == "--mebi") unit = Unit::mib;
        if (a == "-g" || a == "--gibi") unit = Unit::gib;
        if (a == "-b" || a == "--bytes") unit = Unit::bytes;
        if (a == "-k" || a == "--kibi") unit = Unit::kib;
        if (a == "-h" || a == "--human") unit = Unit::human;
    }
    return unit;
}

std::string cell(std::uint64_t kb, Unit unit) {
    switch (unit) {
        case Unit::kib:
            return std::to_string(kb);
        case Unit::mib:
            return std::to_string(kb / 1024);
        case Unit::gib:
            return std::to_string(kb / 1024 / 1024);
        case Unit::bytes:
            return std::to_string(kb * 1024);
        case Unit::human:
            return human_size(kb * 1024, "i");
    }
    return std::to_string(kb);
}

}  // namespace

boost::asio::awaitable<int> run_free(Invocation& inv) {
    const auto m = memory_view(inv.state.world, now_seconds());
    const Unit unit = unit_of(inv.argv);
    auto row = [&](const char* name, std::initializer_list<std::uint64_t> values) {
        std::string line = format("%-8s", name);
        for (const auto v : values) line += format(" %11s", cell(v, unit).c_str());
        return line + "\n";
    };
    inv.write_out(
        "               total        used        free      shared  buff/cache   available\n");
    inv.write_out(row("Mem:", {m.total, m.used(), m.free, m.shared, m.buff_cache(), m.available}));
    inv.write_out(row("Swap:", {m.swap_total, m.swap_total - m.swap_free, m.swap_free}));
    if (has_flag(inv.argv, 't'))
        inv.write_out(row("Total:", {m.total + m.swap_total, m.used() + m.swap_total - m.swap_free,
                                     m.free + m.swap_free}));
    co_return 0;
}

}  // namespace decnet::honeypot::shell
