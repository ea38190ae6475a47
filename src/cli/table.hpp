// Plain-text tables for terminal output: a title, a header row, aligned columns.
// Widths count UTF-8 code points so "—" and "→" line up.
#pragma once

#include <string>
#include <vector>

namespace decnet::cli {

class Table {
  public:
    Table(std::string title, std::vector<std::string> headers);
    void add_row(std::vector<std::string> cells);
    std::size_t rows() const { return rows_.size(); }
    std::string render() const;

  private:
    std::string title_;
    std::vector<std::string> headers_;
    std::vector<std::vector<std::string>> rows_;
};

}  // namespace decnet::cli
