// SQL for the log filters of api.md §6.1 on SQLite: a WHERE builder that binds every
// value to its own numbered placeholder (QUIRK Q3 fixed), and the trigram lookup that
// lets substring terms use the free-text index.
#pragma once

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

// An FTS5 MATCH expression (trigram AND trigram ...) whose hits are a superset of the rows
// matching every substring term, or nullopt when no term has a literal run of at least 3
// characters (the trigram index cannot help; LIKE alone decides).
std::optional<std::string> trigram_match(const std::vector<SearchTerm>& terms);

// Adds the §6.1 conditions of `filter` (already parsed into `terms`). With `index_match`
// the substring terms are also restricted to the free-text index's candidates plus the
// rows it has not reached yet; the LIKE conditions always stay, so results are exact.
void add_log_filter(Where& where, const LogFilter& filter, const std::vector<SearchTerm>& terms,
                    const std::optional<std::string>& index_match);

}  // namespace decnet::store::sqlite
