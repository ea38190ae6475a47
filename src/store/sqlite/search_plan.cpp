// plan_search: trigram selection by sampled frequency, and the index-or-scan decision.
//
// With detail=none the index keeps only row ids per trigram, and FTS5 intersects an AND
// by walking the doclists: a trigram present in nearly every row ("ses" of "session")
// costs a full doclist read while narrowing nothing. So each candidate trigram's
// frequency is sampled over the newest indexed rows (a rowid range the index seeks to,
// so a probe costs at most kSampleRows entries) and only the rarest few are ANDed.
// The sample only steers speed: results are always re-checked by LIKE.
#include "store/sqlite/search_plan.hpp"

#include <algorithm>
#include <utility>

#include "store/sqlite/log_filter_sql.hpp"

namespace decnet::store::sqlite {
namespace {

constexpr std::size_t kMaxProbes = 16;        // trigrams sampled per query
constexpr std::size_t kChosen = 6;            // the rarest, ANDed
constexpr std::int64_t kSampleRows = 20'000;  // newest indexed rows sampled per trigram
constexpr double kUbiquitous = 0.5;           // in more rows than this: never worth it

// Rows matching `match`, counted up to `cap`.
std::int64_t hits(Connection& c, const std::string& match, std::int64_t cap) {
    return c
        .query_int64(
            "SELECT COUNT(*) FROM (SELECT 1 FROM logs_fts WHERE logs_fts MATCH ?1 LIMIT ?2)",
            {match, cap})
        .value_or(0);
}

// Rows among the sample (rowid > from) matching `match`.
std::int64_t sample_hits(Connection& c, const std::string& match, std::int64_t from) {
    return c
        .query_int64("SELECT COUNT(*) FROM logs_fts WHERE logs_fts MATCH ?1 AND rowid > ?2",
                     {match, from})
        .value_or(0);
}

struct Progress {
    std::int64_t indexed = 0;  // last id in the index
    std::int64_t backlog = 0;  // rows above it, which a search must scan by LIKE
};

Progress progress(Connection& c) {
    auto statement = c.prepare(
        "SELECT last_id, MAX(0, IFNULL((SELECT MAX(id) FROM logs), 0) - last_id) "
        "FROM logs_fts_progress");
    if (!statement->step()) return {};
    return {statement->column_int64(0), statement->column_int64(1)};
}

// The rarest trigrams by sampled frequency, leaving out near-ubiquitous ones (unless
// nothing else is left).
std::vector<std::string> rarest(Connection& c, std::vector<std::string> trigrams,
                                std::int64_t indexed) {
    if (trigrams.size() <= 1 || indexed == 0) return trigrams;
    const std::int64_t from = std::max<std::int64_t>(0, indexed - kSampleRows);
    const double sample = static_cast<double>(indexed - from);
    std::vector<std::pair<std::int64_t, std::string>> ranked;
    for (auto& trigram : trigrams) {
        // Absent from the sample is not absent from the index: rank, never stop early.
        ranked.emplace_back(sample_hits(c, all_of({trigram}), from), std::move(trigram));
    }
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::string> chosen;
    for (auto& [n, trigram] : ranked)
        if (chosen.empty() || (chosen.size() < kChosen && n <= kUbiquitous * sample))
            chosen.push_back(std::move(trigram));
    return chosen;
}

}  // namespace

SearchPlan plan_search(Connection& c, const LogFilter& filter, bool has_index,
                       std::int64_t candidate_limit) {
    SearchPlan plan;
    if (filter.search) plan.terms = parse_search(*filter.search);
    if (!has_index) return plan;
    auto trigrams = substring_trigrams(plan.terms, kMaxProbes);
    if (trigrams.empty()) return plan;
    const auto [indexed, backlog] = progress(c);
    if (backlog > candidate_limit) return plan;
    std::string match = all_of(rarest(c, std::move(trigrams), indexed));
    // Counting stops just past the limit, so a common match costs little to rule out.
    if (backlog + hits(c, match, candidate_limit - backlog + 1) <= candidate_limit)
        plan.index_match = std::move(match);
    return plan;
}

}  // namespace decnet::store::sqlite
