// Whether a log query lets the free-text index narrow its substring terms, and with
// which trigrams. Decided per query from cheap, capped probes of the index.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/log_search.hpp"
#include "store/repository.hpp"
#include "store/sqlite/statement.hpp"

namespace decnet::store::sqlite {

struct SearchPlan {
    std::vector<SearchTerm> terms;
    std::optional<std::string> index_match;  // MATCH expression, when the index is used
};

// The index is used when it hands over at most `candidate_limit` rows (the unindexed
// tail included). A common word ("ssh") matches millions of rows; then walking the
// query's own order (newest first) and testing LIKE reaches a page of 50 long before the
// candidates are sorted.
SearchPlan plan_search(Connection& c, const LogFilter& filter, bool has_index,
                       std::int64_t candidate_limit);

}  // namespace decnet::store::sqlite
