// Log filter SQL for SQLite (api.md §6.1) and the trigram pre-filter for substring terms.
#include "store/sqlite/log_filter_sql.hpp"

#include <algorithm>

namespace decnet::store::sqlite {
namespace {

// Byte offsets of each code point of `text`, plus text.size() at the end; nullopt unless
// `text` is well-formed UTF-8 without NUL (the trigram tokenizer and LIKE then agree on
// character boundaries).
std::optional<std::vector<std::size_t>> code_point_offsets(std::string_view text) {
    std::vector<std::size_t> offsets;
    std::size_t i = 0;
    while (i < text.size()) {
        const auto lead = static_cast<unsigned char>(text[i]);
        if (lead == 0) return std::nullopt;
        const std::size_t length = lead < 0x80                    ? 1
                                   : lead >= 0xC2 && lead <= 0xDF ? 2
                                   : lead >= 0xE0 && lead <= 0xEF ? 3
                                   : lead >= 0xF0 && lead <= 0xF4 ? 4
                                                                  : 0;
        if (length == 0) return std::nullopt;  // continuation byte or invalid lead
        char32_t cp = length == 1 ? lead : lead & (0x7F >> length);
        if (i + length > text.size()) return std::nullopt;
        for (std::size_t k = 1; k < length; ++k) {
            const auto byte = static_cast<unsigned char>(text[i + k]);
            if ((byte & 0xC0) != 0x80) return std::nullopt;
            cp = (cp << 6) | (byte & 0x3F);
        }
        const bool overlong = (length == 3 && cp < 0x800) || (length == 4 && cp < 0x10000);
        if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
        offsets.push_back(i);
        i += length;
    }
    offsets.push_back(text.size());
    return offsets;
}

// Every trigram of `segment`: a row containing the segment has all of them. Overlapping
// ones are not redundant: with no positions in the index (detail=none), "abc"+"bcd"
// rejects far more rows lacking "abcd" than "abc" alone would.
void segment_trigrams(std::string_view segment, std::vector<std::string>& out) {
    const auto offsets = code_point_offsets(segment);
    if (!offsets) return;
    const std::size_t chars = offsets->size() - 1;
    for (std::size_t start = 0; start + 3 <= chars; ++start)
        out.emplace_back(
            segment.substr((*offsets)[start], (*offsets)[start + 3] - (*offsets)[start]));
}

// LIKE treats % and _ as wildcards (api.md §6.1 keeps them), so only the literal runs
// between them must appear in a matching row.
std::vector<std::string_view> literal_runs(std::string_view value) {
    std::vector<std::string_view> runs;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= value.size(); ++i)
        if (i == value.size() || value[i] == '%' || value[i] == '_') {
            if (i > start) runs.push_back(value.substr(start, i - start));
            start = i + 1;
        }
    return runs;
}

// A subset of `all` spread over it, so long tokens still constrain both ends.
std::vector<std::string> spread(std::vector<std::string> all, std::size_t limit) {
    if (all.size() <= limit) return all;
    if (limit <= 1) return {std::move(all.front())};
    std::vector<std::string> chosen;
    for (std::size_t k = 0; k < limit; ++k)
        chosen.push_back(std::move(all[k * (all.size() - 1) / (limit - 1)]));
    return chosen;
}

// An FTS5 string literal: double quotes, inner quotes doubled. A 3-character string is a
// single trigram token, never a phrase (detail=none supports no phrases).
std::string fts_string(std::string_view text) {
    std::string quoted = "\"";
    for (char c : text) {
        if (c == '"') quoted += '"';
        quoted += c;
    }
    return quoted + '"';
}

std::string like_pattern(const std::string& value) {
    return "%" + value + "%";
}

void add_substring(Where& where, const std::string& value) {
    const auto p = where.bind(like_pattern(value));
    where.require("(raw_line LIKE " + p + " OR decky LIKE " + p + " OR service LIKE " + p +
                  " OR attacker_ip LIKE " + p + ")");
}

void add_term(Where& where, const SearchTerm& term) {
    switch (term.kind) {
        case SearchTerm::Kind::column:
            // term.name comes from log_search's fixed alias table, never from the input.
            where.require(term.name + " = " + where.bind(term.value));
            break;
        case SearchTerm::Kind::json_field:
            // The path is bound too; the key is already reduced to [A-Za-z0-9_]+.
            where.require("json_extract(fields, " + where.bind("$." + term.name) +
                          ") = " + where.bind(term.value));
            break;
        case SearchTerm::Kind::substring:
            add_substring(where, term.value);
            break;
        case SearchTerm::Kind::tag:
            // One id of the comma-separated list, whole (T1059 never matches T1059.004).
            where.require("instr(',' || tags || ',', " + where.bind("," + term.value + ",") +
                          ") > 0");
            break;
    }
}

}  // namespace

std::string Where::bind(Param value) {
    params_.push_back(std::move(value));
    return "?" + std::to_string(params_.size());
}

void Where::require(std::string condition) {
    conditions_.push_back(std::move(condition));
}

std::string Where::sql() const {
    std::string sql;
    for (const auto& condition : conditions_)
        sql += (sql.empty() ? " WHERE " : " AND ") + condition;
    return sql;
}

std::vector<std::string> substring_trigrams(const std::vector<SearchTerm>& terms,
                                            std::size_t limit) {
    std::vector<std::string> all;
    for (const auto& term : terms)
        if (term.kind == SearchTerm::Kind::substring)
            for (auto run : literal_runs(term.value)) segment_trigrams(run, all);
    std::vector<std::string> distinct;  // in order of appearance, for spread()
    for (auto& trigram : all)
        if (std::find(distinct.begin(), distinct.end(), trigram) == distinct.end())
            distinct.push_back(std::move(trigram));
    return spread(std::move(distinct), limit);
}

std::string all_of(const std::vector<std::string>& trigrams) {
    std::string match;
    for (const auto& trigram : trigrams)
        match += (match.empty() ? "" : " AND ") + fts_string(trigram);
    return match;
}

void add_log_filter(Where& where, const LogFilter& filter, const std::vector<SearchTerm>& terms,
                    const std::optional<std::string>& index_match) {
    // Plain text comparison with the stored "YYYY-MM-DD HH:MM:SS.ffffff" (api.md §6.1).
    if (filter.start_time) where.require("timestamp >= " + where.bind(*filter.start_time));
    if (filter.end_time) where.require("timestamp <= " + where.bind(*filter.end_time));
    for (const auto& term : terms) add_term(where, term);
    if (index_match)
        // Candidates from the index, plus the rows the indexer has not reached; one
        // statement, so the progress mark and the index are read from the same snapshot.
        where.require("id IN (SELECT rowid FROM logs_fts WHERE logs_fts MATCH " +
                      where.bind(*index_match) +
                      " UNION ALL SELECT id FROM logs WHERE id > "
                      "(SELECT last_id FROM logs_fts_progress))");
}

}  // namespace decnet::store::sqlite
