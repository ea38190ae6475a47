// WHERE clauses of the log and bounty filters (api.md §6.1, §1.5) as SQL text with
// placeholders plus the values to bind, one value per placeholder (fixes QUIRK Q3).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "store/mysql/connection.hpp"

namespace decnet::store::mysql {

struct Where {
    std::string sql;  // "" or " WHERE ... AND ..."
    std::vector<Value> params;

    // Appends `clause` (ANDed) with its values, in placeholder order.
    void add(std::string_view clause, std::vector<Value> values);
};

Where log_where(const LogFilter& filter);
Where bounty_where(const BountyFilter& filter);

// "%text%" for LIKE. Backslash is MySQL's LIKE escape character, so it is doubled to
// match itself like on SQLite; '%' and '_' stay wildcards as in the reference.
std::string contains_pattern(std::string_view text);

}  // namespace decnet::store::mysql
