// df: coreutils' table of the decky's filesystems (1K blocks; -h, -H, -T, -m, -k).
#include "honeypot/shell/command.hpp"
#include "honeypot/shell/commands/extras.hpp"
#include "honeypot/shell/commands/view_text.hpp"
#include "honeypot/shell/shell_state.hpp"

namespace decnet::honeypot::shell {

boost::asio::awaitable<int> run_df(Invocation& inv) {
    const bool human = has_flag(inv.argv, 'h');
    const bool mebi = has_flag(inv.argv, 'm');
    const bool types = has_flag(inv.argv, 'T');
    auto size = [&](std::uint64_t kb) {
        if (human) return kb == 0 ? std::string("0") : human_size(kb * 1024);
        return std::to_string(mebi ? (kb + 1023) / 1024 : kb);
    };
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> header{"Filesystem"};
    if (types) header.push_back("Type");
    header.insert(header.end(), {human  ? "Size"
                                 : mebi ? "1M-blocks"
                                        : "1K-blocks",
                                 "Used", human ? "Avail" : "Available", "Use%", "Mounted on"});
    rows.push_back(header);
    for (const auto& disk : disk_table(inv.state.world)) {
        std::vector<std::string> row{disk.source};
        if (types) row.push_back(disk.type);
        const auto total = disk.used_kb + disk.avail_kb;
        const auto percent = total == 0 ? 0 : (disk.used_kb * 100 + total - 1) / total;
        row.insert(row.end(), {size(disk.size_kb), size(disk.used_kb), size(disk.avail_kb),
                               std::to_string(percent) + "%", disk.mount});
        rows.push_back(row);
    }
    // coreutils pads the first column to at least 14 ("Filesystem    ").
    rows.front().front().resize(14, ' ');
    std::vector<bool> left{true};
    if (types) left.push_back(true);
    left.insert(left.end(), {false, false, false, false, true});
    std::string text = table(rows, left);
    inv.write_out(text);
    co_return 0;
}

}  // namespace decnet::honeypot::shell
