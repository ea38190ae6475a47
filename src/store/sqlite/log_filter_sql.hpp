// SQL for the log filters of api.md §6.1 on SQLite: a WHERE builder that binds every
// value to its own numbered placeholder (QUIRK Q3 fixed), and the trigram lookup that
// lets substring terms use the free-text index.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "store/log_search.hpp"
#include "store/repository.hpp"
#include "store/sqlite/statement.hpp"

namespace decnet::store::sqlite {

// Conditions ANDed into a WHERE clause, with their values. Values are only ever bound,
// never spliced into the SQL text.
class Where {
  public:
    // Adds a value and returns its placeholder ("?N") for use in a condition.
    std::string bind(Param value);
    void require(std::string condition);
    // "" or " WHERE c1 AND c2 ...".
    std::string sql() const;
    const std::vector<Param>& params() const { return params_; }

  private:
    std::vector<std::string> conditions_;
    std::vector<Param> params_;
};

// The distinct trigrams (3-character strings) that every row matching all substring
// terms contains: those of each literal run between LIKE wildcards, in order of
// appearance, at most `limit` of them spread over the whole list. Empty when no term has
// a run of 3 characters (the trigram index cannot help; LIKE alone decides).
std::vector<std::string> substring_trigrams(const std::vector<SearchTerm>& terms,
                                            std::size_t limit);

// An FTS5 MATCH expression requiring every one of `trigrams` (each a single token).
std::string all_of(const std::vector<std::string>& trigrams);

// Adds the §6.1 conditions of `filter` (already parsed into `terms`). With `index_match`
// the substring terms are also restricted to the free-text index's candidates plus the
// rows it has not reached yet; the LIKE conditions always stay, so results are exact.
void add_log_filter(Where& where, const LogFilter& filter, const std::vector<SearchTerm>& terms,
                    const std::optional<std::string>& index_match);

}  // namespace decnet::store::sqlite
