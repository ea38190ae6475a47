// Table rendering.
#include "cli/table.hpp"

#include <algorithm>

namespace decnet::cli {
namespace {

std::size_t display_width(const std::string& s) {
    // Count code points: every byte that is not a UTF-8 continuation byte.
    return static_cast<std::size_t>(std::count_if(
        s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

void append_row(std::string& out, const std::vector<std::string>& cells,
                const std::vector<std::size_t>& widths) {
    std::string line;
    for (std::size_t i = 0; i < widths.size(); ++i) {
        const std::string cell = i < cells.size() ? cells[i] : std::string();
        line += cell;
        if (i + 1 < widths.size()) line += std::string(widths[i] - display_width(cell) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
}

}  // namespace

Table::Table(std::string title, std::vector<std::string> headers)
    : title_(std::move(title)), headers_(std::move(headers)) {}

void Table::add_row(std::vector<std::string> cells) {
    rows_.push_back(std::move(cells));
}

std::string Table::render() const {
    std::vector<std::size_t> widths(headers_.size());
    for (std::size_t i = 0; i < headers_.size(); ++i) {
        widths[i] = display_width(headers_[i]);
        for (const auto& row : rows_)
            if (i < row.size()) widths[i] = std::max(widths[i], display_width(row[i]));
    }
    std::string out;
    if (!title_.empty()) out += title_ + "\n";
    append_row(out, headers_, widths);
    std::vector<std::string> rules;
    for (auto w : widths) rules.emplace_back(w, '-');
    append_row(out, rules, widths);
    for (const auto& row : rows_) append_row(out, row, widths);
    return out;
}

}  // namespace decnet::cli
