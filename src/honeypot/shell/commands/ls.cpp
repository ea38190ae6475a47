// ls: GNU coreutils' listing of the overlay — names in columns on a terminal (one per line
// into a pipe), -l's long format with aligned columns, -a/-A, -h, -R, -d, -F, -1; colour off.
#include <algorithm>
#include <ctime>

#include "honeypot/shell/commands/support.hpp"
#include "honeypot/shell/terminal.hpp"
#include "honeypot/world/fs_format.hpp"
#include "honeypot/world/fs_overlay.hpp"

namespace decnet::honeypot::shell {
namespace {

constexpr std::size_t kMaxListed = 20000;  // entries one ls prints (-R over / stops there)

struct Options {
    bool all = false, almost = false, long_form = false, human = false, recursive = false,
         directory = false, classify = false, one = false, columns = false;
    int width = 80;
};

std::string human_size(std::uint64_t size) {
    if (size < 1024) return std::to_string(size);
    static constexpr char kUnits[] = "KMGTPE";
    double value = static_cast<double>(size);
    int unit = -1;
    while (value >= 1024 && unit < 5) {
        value /= 1024;
        ++unit;
    }
    char text[32];
    if (value < 10) {
        // ls rounds up: 4097 bytes is 4.1K
        const double up = static_cast<double>(static_cast<long long>(value * 10 + 0.9999)) / 10;
        std::snprintf(text, sizeof text, "%.1f%c", up, kUnits[unit]);
    } else {
        std::snprintf(text, sizeof text, "%lld%c", static_cast<long long>(value + 0.9999),
                      kUnits[unit]);
    }
    return text;
}

std::string suffix(const FsStat& st, const Options& o) {
    if (!o.classify) return "";
    if (st.type == FsType::directory) return "/";
    if (st.type == FsType::symlink) return o.long_form ? "" : "@";
    if (st.meta.mode & 0111) return "*";
    return "";
}

std::string pad(const std::string& s, std::size_t width, bool left) {
    const std::string fill(width > s.size() ? width - s.size() : 0, ' ');
    return left ? s + fill : fill + s;
}

// Names in columns, filled top to bottom, as wide as the terminal allows (GNU's layout).
std::string in_columns(const std::vector<std::string>& names, int width) {
    if (names.empty()) return "";
    const std::size_t n = names.size();
    std::size_t best_rows = n;
    for (std::size_t cols = n; cols >= 1; --cols) {
        const std::size_t rows = (n + cols - 1) / cols;
        std::size_t total = 0;
        for (std::size_t c = 0; c < cols; ++c) {
            std::size_t w = 0;
            for (std::size_t r = 0; r < rows && c * rows + r < n; ++r)
                w = std::max(w, names[c * rows + r].size());
            total += w + (c + 1 < cols ? 2 : 0);
        }
        if (total <= static_cast<std::size_t>(width)) {
            best_rows = rows;
            break;
        }
    }
    const std::size_t rows = best_rows, cols = (n + rows - 1) / rows;
    std::vector<std::size_t> widths(cols, 0);
    for (std::size_t i = 0; i < n; ++i)
        widths[i / rows] = std::max(widths[i / rows], names[i].size());
    std::string out;
    for (std::size_t r = 0; r < rows; ++r) {
        std::string line;
        for (std::size_t c = 0; c < cols; ++c) {
            const std::size_t i = c * rows + r;
            if (i >= n) break;
            const bool last = c + 1 == cols || (c + 1) * rows + r >= n;
            line += last ? names[i] : pad(names[i], widths[c] + 2, true);
        }
        out += line + "\n";
    }
    return out;
}

std::string long_listing(const ShellState& state, const std::vector<FsEntry>& entries,
                         const Options& o, bool total) {
    std::size_t wl = 1, wo = 1, wg = 1, ws = 1;
    std::uint64_t blocks = 0;
    for (const auto& e : entries) {
        wl = std::max(wl, std::to_string(e.stat.nlink).size());
        wo = std::max(wo, user_name(state, e.stat.meta.uid).size());
        wg = std::max(wg, group_name(state, e.stat.meta.gid).size());
        const auto size = o.human ? human_size(e.stat.size) : std::to_string(e.stat.size);
        ws = std::max(ws, size.size());
        if (e.stat.type != FsType::symlink) blocks += (e.stat.size + 4095) / 4096 * 4;
    }
    std::string out;
    if (total)
        out = "total " + (o.human ? human_size(blocks * 1024) : std::to_string(blocks)) + "\n";
    const auto now = static_cast<std::int64_t>(std::time(nullptr));
    for (const auto& e : entries) {
        const auto size = o.human ? human_size(e.stat.size) : std::to_string(e.stat.size);
        out += mode_string(e.stat) + " " + pad(std::to_string(e.stat.nlink), wl, false) + " " +
               pad(user_name(state, e.stat.meta.uid), wo, true) + " " +
               pad(group_name(state, e.stat.meta.gid), wg, true) + " " + pad(size, ws, false) +
               " " + listing_date(e.stat.meta.mtime, now) + " " + e.name + suffix(e.stat, o);
        if (e.stat.type == FsType::symlink) out += " -> " + e.stat.target;
        out += "\n";
    }
    return out;
}

std::string show(const ShellState& state, const std::vector<FsEntry>& entries, const Options& o,
                 bool total) {
    if (o.long_form) return long_listing(state, entries, o, total);
    std::vector<std::string> names;
    for (const auto& e : entries) names.push_back(e.name + suffix(e.stat, o));
    if (o.columns && !o.one) return in_columns(names, o.width);
    std::string out;
    for (const auto& n : names) out += n + "\n";
    return out;
}

// The entries of one directory as -a/-A filter them.
std::vector<FsEntry> entries_of(const ShellState& state, const std::string& dir,
                                std::vector<FsEntry> listed, const Options& o) {
    std::vector<FsEntry> shown;
    if (o.all) {
        const auto self = state.fs.stat(dir, state.scope());
        const auto parent = state.fs.stat(dir + "/..", state.scope());
        if (self) shown.push_back({".", self.value});
        if (parent) shown.push_back({"..", parent.value});
    }
    for (auto& e : listed)
        if (o.all || o.almost || !e.name.starts_with('.')) shown.push_back(std::move(e));
    return shown;
}

void list_directory(Invocation& inv, const std::string& path, const Options& o, bool header,
                    bool& first, std::size_t& listed, int& status, int depth) {
    auto& state = inv.state;
    auto entries = state.fs.list(path, state.scope());
    if (!first) inv.write_out("\n");
    first = false;
    if (header) inv.write_out(path + ":\n");
    const auto stat = state.fs.stat(path, state.scope());
    if (!entries || (stat && !may_read(state, stat.value))) {
        inv.write_err("ls: cannot open directory '" + path + "': Permission denied\n");
        status = 2;
        return;
    }
    auto shown = entries_of(state, path, std::move(entries.value), o);
    listed += shown.size();
    if (!inv.write_out(show(state, shown, o, true))) return;
    if (!o.recursive || depth > 32) return;
    for (const auto& e : shown) {
        if (listed > kMaxListed) return;
        if (e.stat.type != FsType::directory || e.name == "." || e.name == "..") continue;
        const std::string child = path == "/" ? "/" + e.name : path + "/" + e.name;
        list_directory(inv, child, o, true, first, listed, status, depth + 1);
    }
}

}  // namespace

namespace cmd {

boost::asio::awaitable<int> ls(Invocation& inv) {
    const auto args = parse_args(inv.argv, "", "aAlhRd1FCtrSs");
    if (args.invalid) {
        inv.write_err(invalid_option("ls", args.invalid));
        co_return 2;
    }
    Options o;
    o.all = args.has('a');
    o.almost = args.has('A');
    o.long_form = args.has('l');
    o.human = args.has('h') || args.has_long("human-readable");
    o.recursive = args.has('R');
    o.directory = args.has('d');
    o.classify = args.has('F');
    o.one = args.has('1');
    o.columns = (inv.terminal != nullptr && inv.state.pty) || args.has('C');
    if (inv.terminal) o.width = std::clamp(inv.terminal->cols, 20, 500);
    auto& state = inv.state;
    std::vector<std::string> operands = args.operands;
    if (operands.empty()) operands.push_back(".");
    int status = 0;
    std::vector<FsEntry> files;
    std::vector<std::string> dirs;
    for (const auto& path : operands) {
        const auto st = state.fs.stat(path, state.scope(), !o.long_form || path.ends_with('/'));
        if (!st) {
            inv.write_err("ls: cannot access '" + path +
                          "': " + std::string(fs_error_text(st.error)) + "\n");
            status = 2;
            continue;
        }
        bool is_dir = st.value.type == FsType::directory;
        if (st.value.type == FsType::symlink && !o.long_form)
            is_dir = state.fs.is_dir(path, state.scope());
        if (is_dir && !o.directory)
            dirs.push_back(path);
        else
            files.push_back({path, st.value});
    }
    bool first = true;
    if (!files.empty()) {
        inv.write_out(show(state, files, o, false));
        first = false;
    }
    std::size_t listed = files.size();
    const bool headers = operands.size() > 1 || o.recursive;
    for (const auto& dir : dirs) list_directory(inv, dir, o, headers, first, listed, status, 0);
    co_return status;
}

}  // namespace cmd

}  // namespace decnet::honeypot::shell
