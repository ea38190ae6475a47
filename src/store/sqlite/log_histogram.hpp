// The log histogram of api.md §6.3 on SQLite: counts per epoch-aligned bucket.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/log_search.hpp"
#include "store/repository.hpp"
#include "store/sqlite/statement.hpp"

namespace decnet::store::sqlite {

// Buckets of `bucket_seconds`, ascending, empty ones omitted, for the rows matching
// `filter` (parsed `terms`, optional free-text `index_match` as in add_log_filter).
std::vector<HistogramBucket> log_histogram(Connection& c, const LogFilter& filter,
                                           const std::vector<SearchTerm>& terms,
                                           const std::optional<std::string>& index_match,
                                           std::int64_t bucket_seconds);

// "YYYY-MM-DD HH:MM:SS" with an optional ".fraction" as Unix seconds (the fraction
// dropped); nullopt for any other text. Exposed for tests.
std::optional<std::int64_t> stored_time_seconds(std::string_view text);
// Unix seconds as "YYYY-MM-DD HH:MM:SS" (years 0000-9999).
std::optional<std::string> format_seconds(std::int64_t seconds);

}  // namespace decnet::store::sqlite
