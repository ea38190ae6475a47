// Bait indices and the search over them (see es_indices.hpp).
#include "honeypot/services/elasticsearch/es_indices.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>

#include "core/base64.hpp"
#include "core/rng.hpp"
#include "core/text.hpp"
#include "honeypot/services/http/json_body.hpp"
#include "honeypot/world/db_bait.hpp"
#include "honeypot/world/host_profile.hpp"

namespace decnet::honeypot::es {
namespace {

using json = nlohmann::ordered_json;

constexpr std::size_t kMaxFlattened = 512;  // values kept per document for matching
constexpr std::size_t kMaxScript = 4096;

std::string es_uuid(std::uint64_t seed, std::string_view salt) {
    std::string raw;
    std::uint64_t h = stable_hash(salt, seed);
    for (int i = 0; i < 2; ++i, h = stable_hash(salt, h))
        for (int b = 0; b < 8; ++b) raw += static_cast<char>((h >> (b * 8)) & 0xff);
    auto out = base64_encode(raw, false);
    for (auto& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
    return out;
}

// "2023-08-01 12:00:00" (the SQL bait's datetimes) → "2023-08-01T12:00:00Z".
std::string iso_date(std::string_view sql) {
    std::string out(sql);
    if (out.size() == 19 && out[10] == ' ') {
        out[10] = 'T';
        out += 'Z';
    }
    return out;
}

std::string iso_time(std::int64_t t, int millis) {
    const std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char out[96];
    std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
    return out;
}

std::string title_case(std::string_view user) {
    std::string out;
    bool start = true;
    for (const char c : user) {
        if (c == '.' || c == '_' || c == '-') {
            out += ' ';
            start = true;
            continue;
        }
        out += start ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
        start = false;
    }
    return out;
}

void flatten(const json& value, const std::string& prefix, Doc& doc) {
    if (doc.values.size() >= kMaxFlattened) return;
    if (value.is_object()) {
        for (const auto& [key, item] : value.items())
            flatten(item, prefix.empty() ? key : prefix + "." + key, doc);
    } else if (value.is_array()) {
        for (const auto& item : value) flatten(item, prefix, doc);
    } else if (value.is_string()) {
        doc.values.emplace_back(prefix, value.get<std::string>());
    } else if (!value.is_null()) {
        doc.values.emplace_back(prefix, value.dump());
    }
}

Index make_index(const std::string& name, std::uint64_t seed, std::int64_t created,
                 std::vector<FieldDef> mapping) {
    Index index;
    index.name = name;
    index.uuid = es_uuid(seed, "index/" + name);
    index.created = created;
    index.mapping = std::move(mapping);
    return index;
}

void add_doc(Index& index, std::string id, const json& source) {
    if (auto doc = make_doc(std::move(id), source.dump())) index.docs.push_back(std::move(*doc));
}

std::int64_t parse_sql_time(std::string_view sql) {
    std::tm tm{};
    if (sql.size() < 19 ||
        std::sscanf(std::string(sql).c_str(), "%4d-%2d-%2d %2d:%2d:%2d", &tm.tm_year, &tm.tm_mon,
                    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
        return 0;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return static_cast<std::int64_t>(timegm(&tm));
}

Index customers(const DbSchema& schema, std::uint64_t seed) {
    const auto* users = schema.table("users");
    std::int64_t first = 0;
    if (users && !users->rows.empty()) first = parse_sql_time(users->rows.front()[5]) - 86400;
    Index index = make_index("customers", seed, first,
                             {{"customer_id", "long"},
                              {"username", "keyword"},
                              {"full_name", "text"},
                              {"email", "keyword"},
                              {"password_hash", "keyword"},
                              {"role", "keyword"},
                              {"created_at", "date"}});
    if (!users) return index;
    for (const auto& row : users->rows)
        add_doc(index, row[0],
                {{"customer_id", std::stoll(row[0])},
                 {"username", row[1]},
                 {"full_name", title_case(row[1])},
                 {"email", row[2]},
                 {"password_hash", row[3]},
                 {"role", row[4]},
                 {"created_at", iso_date(row[5])}});
    return index;
}

Index orders(const DbSchema& schema, std::uint64_t seed, std::int64_t created) {
    const auto* payments = schema.table("payments");
    Index index = make_index("orders", seed, created,
                             {{"order_id", "long"},
                              {"customer_id", "long"},
                              {"card_holder", "text"},
                              {"card_number", "keyword"},
                              {"card_exp", "keyword"},
                              {"amount", "float"},
                              {"currency", "keyword"},
                              {"status", "keyword"},
                              {"created_at", "date"}});
    if (!payments) return index;
    for (const auto& row : payments->rows)
        add_doc(index, row[0],
                {{"order_id", std::stoll(row[0])},
                 {"customer_id", std::stoll(row[1])},
                 {"card_holder", row[2]},
                 {"card_number", row[3]},
                 {"card_exp", row[4]},
                 {"amount", std::stod(row[5])},
                 {"currency", row[6]},
                 {"status", row[7]},
                 {"created_at", iso_date(row[8])}});
    return index;
}

// The month's application log: logins, payments, a noisy neighbour and the one line that
// leaked a live key (what an attacker greps logs for).
Index logs(const DbFacts& facts, const DbSchema& schema, std::int64_t now) {
    const std::time_t tt = static_cast<std::time_t>(now);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char name[32];
    std::snprintf(name, sizeof name, "logs-%04d.%02d", tm.tm_year + 1900, tm.tm_mon + 1);
    std::tm month = tm;
    month.tm_mday = 1;
    month.tm_hour = month.tm_min = month.tm_sec = 0;
    const auto start = static_cast<std::int64_t>(timegm(&month));
    Index index = make_index(name, facts.seed, start,
                             {{"@timestamp", "date"},
                              {"level", "keyword"},
                              {"service", "keyword"},
                              {"host", "keyword"},
                              {"client_ip", "ip"},
                              {"message", "text"}});
    Rng rng(facts.seed ^ 0x6c6f6773ULL);
    const std::string app = facts.app.empty() ? "shop" : facts.app;
    std::vector<std::string> users;
    if (const auto* t = schema.table("users"))
        for (const auto& row : t->rows) users.push_back(row[1]);
    if (users.empty()) users.emplace_back("admin");
    std::string stripe;
    if (const auto* t = schema.table("api_keys"))
        for (const auto& row : t->rows)
            if (row[1] == "stripe") stripe = row[2];
    constexpr int kLines = 40;
    const std::int64_t span = std::max<std::int64_t>(now - start - 600, kLines);
    for (int i = 0; i < kLines; ++i) {
        const auto t = start + span * i / kLines + static_cast<std::int64_t>(rng.below(1800));
        const std::string ip =
            "10.0." + std::to_string(rng.below(4)) + "." + std::to_string(10 + rng.below(200));
        const auto& user = users[rng.below(users.size())];
        std::string level = "INFO", message;
        switch (rng.below(6)) {
            case 0:
                message = "POST /api/login 200 user=" + user;
                break;
            case 1:
                level = "WARN";
                message = "POST /api/login 401 user=" + user + " reason=bad_password";
                break;
            case 2:
                message = "payment captured order=" + std::to_string(1000 + rng.below(12)) +
                          " provider=stripe";
                break;
            case 3:
                message = "GET /api/orders 200 user=" + user +
                          " took=" + std::to_string(8 + rng.below(90)) + "ms";
                break;
            case 4:
                level = "ERROR";
                message = "db pool exhausted (host=db01:5432 user=" + app + "), retrying in 2s";
                break;
            default:
                message = "session refreshed user=" + user;
                break;
        }
        if (i == kLines / 3 && !stripe.empty()) {
            level = "DEBUG";
            message = "stripe client init api_key=" + stripe + " timeout=30s";
        }
        add_doc(index, es_uuid(facts.seed, "log/" + std::to_string(i)).substr(0, 20),
                {{"@timestamp", iso_time(t, static_cast<int>(rng.below(1000)))},
                 {"level", level},
                 {"service", app + "-api"},
                 {"host", facts.hostname},
                 {"client_ip", ip},
                 {"message", message}});
    }
    return index;
}

// ---- queries ---------------------------------------------------------------------------

struct Query {
    enum class Kind { all, none, match, term, prefix, wildcard, exists, ids, boolean };
    Kind kind = Kind::all;
    std::string field;               // "" = every field
    std::vector<std::string> terms;  // lower-cased
    bool all_terms = false;          // operator and
    std::vector<Query> must, should, must_not;
};

struct ParseFailure {
    Error error;
};

std::vector<std::string> tokens(std::string_view text) {
    std::vector<std::string> out;
    std::string current;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) || u >= 0x80 || c == '*' || c == '?' || c == '@') {
            current += static_cast<char>(std::tolower(u));
        } else if (!current.empty()) {
            out.push_back(std::move(current));
            current.clear();
        }
        if (out.size() >= 64) break;
    }
    if (!current.empty() && out.size() < 64) out.push_back(std::move(current));
    return out;
}

// The position (1-based column on line 1) of `"name"` in the body, as Jackson reports it.
int column_of(std::string_view body, std::string_view name) {
    const auto at = body.find("\"" + std::string(name) + "\"");
    if (at == std::string_view::npos) return 1;
    int line_start = 0;
    for (std::size_t i = 0; i < at; ++i)
        if (body[i] == '\n') line_start = static_cast<int>(i) + 1;
    return static_cast<int>(at) - line_start + static_cast<int>(name.size()) + 3;
}

class QueryParser {
  public:
    QueryParser(std::string_view body, bool modern) : body_(body), modern_(modern) {}

    Query parse(const nlohmann::json& clause) {
        if (++nodes_ > kMaxQueryNodes) throw_parsing("too many clauses");
        if (!clause.is_object() || clause.size() != 1) {
            if (clause.is_object() && clause.empty()) return Query{};
            throw_parsing(modern_ ? "[_na] query malformed, must start with start_object"
                                  : "[_na] query malformed, must start with start_object");
        }
        const auto first = clause.begin();
        const std::string name = first.key();
        const auto& body = first.value();
        auto q = parse_named(name, body);
        terms_ += q.terms.size();
        if (terms_ > kMaxQueryNodes) throw_parsing("too many terms");
        return q;
    }

  private:
    [[noreturn]] void throw_parsing(const std::string& reason, std::string_view at = "") {
        ParseFailure f;
        f.error.type = "parsing_exception";
        f.error.reason = reason;
        f.error.line = 1;
        f.error.col = column_of(body_, at.empty() ? std::string_view("query") : at);
        throw f;
    }

    // {"field": "text"} or {"field": {"query"/"value": "text", ...}}
    std::pair<std::string, nlohmann::json> field_value(const std::string& name,
                                                       const nlohmann::json& body,
                                                       std::string_view key) {
        if (!body.is_object() || body.empty())
            throw_parsing("[" + name + "] query malformed, no start_object after query name", name);
        const auto first = body.begin();
        const std::string field = first.key();
        const auto& value = first.value();
        if (value.is_object()) {
            if (value.contains(key)) return {field, value[std::string(key)]};
            throw_parsing("[" + name + "] query does not support [" + field + "]", name);
        }
        return {field, value};
    }

    static std::string text_of(const nlohmann::json& v) {
        return v.is_string() ? v.get<std::string>() : v.dump();
    }

    Query parse_named(const std::string& name, const nlohmann::json& body) {
        Query q;
        if (name == "match_all") return q;
        if (name == "match_none") {
            q.kind = Query::Kind::none;
            return q;
        }
        if (name == "match" || name == "match_phrase" || name == "match_phrase_prefix" ||
            name == "match_bool_prefix") {
            auto [field, value] = field_value(name, body, "query");
            q.kind = Query::Kind::match;
            q.field = field;
            q.terms = tokens(text_of(value));
            q.all_terms = name != "match" && name != "match_bool_prefix";
            if (body.is_object() && body.begin()->is_object()) {
                const auto& opts = *body.begin();
                if (opts.contains("operator") && opts["operator"].is_string())
                    q.all_terms = iequals(opts["operator"].get<std::string>(), "and");
            }
            return q;
        }
        if (name == "multi_match" || name == "query_string" || name == "simple_query_string") {
            if (!body.is_object() || !body.contains("query"))
                throw_parsing("[" + name + "] requires query value", name);
            return from_query_string(
                text_of(body["query"]),
                body.contains("default_field") && body["default_field"].is_string()
                    ? body["default_field"].get<std::string>()
                    : "",
                body.contains("default_operator") && body["default_operator"].is_string() &&
                    iequals(body["default_operator"].get<std::string>(), "and"));
        }
        if (name == "term" || name == "terms" || name == "prefix" || name == "wildcard" ||
            name == "regexp" || name == "fuzzy") {
            if (!body.is_object() || body.empty())
                throw_parsing("[" + name + "] query malformed, no start_object after query name",
                              name);
            auto [field, value] = name == "terms" ? std::pair<std::string, nlohmann::json>(
                                                        body.begin().key(), body.begin().value())
                                                  : field_value(name, body, "value");
            q.field = field;
            q.kind = name == "prefix"                         ? Query::Kind::prefix
                     : name == "wildcard" || name == "regexp" ? Query::Kind::wildcard
                                                              : Query::Kind::term;
            if (value.is_array()) {
                for (const auto& v : value)
                    if (q.terms.size() < 64) q.terms.push_back(ascii_lower(text_of(v)));
            } else {
                q.terms.push_back(ascii_lower(text_of(value)));
            }
            return q;
        }
        if (name == "exists") {
            if (!body.is_object() || !body.contains("field") || !body["field"].is_string())
                throw_parsing("[exists] must be provided with a [field]", name);
            q.kind = Query::Kind::exists;
            q.field = body["field"].get<std::string>();
            return q;
        }
        if (name == "ids") {
            q.kind = Query::Kind::ids;
            if (body.is_object() && body.contains("values") && body["values"].is_array())
                for (const auto& v : body["values"])
                    if (q.terms.size() < 1000) q.terms.push_back(text_of(v));
            return q;
        }
        if (name == "range") return q;  // every bait value is in any sensible range
        if (name == "bool" || name == "constant_score" || name == "dis_max" ||
            name == "function_score" || name == "boosting") {
            if (!body.is_object())
                throw_parsing("[" + name + "] query malformed, no start_object after query name",
                              name);
            q.kind = Query::Kind::boolean;
            const auto clauses = [&](std::string_view key, std::vector<Query>& into) {
                const std::string k(key);
                if (!body.contains(k)) return;
                const auto& v = body[k];
                if (v.is_array()) {
                    for (const auto& c : v) into.push_back(parse(c));
                } else if (v.is_object()) {
                    into.push_back(parse(v));
                }
            };
            clauses("must", q.must);
            clauses("filter", q.must);
            clauses("should", q.should);
            clauses("must_not", q.must_not);
            clauses("query", q.must);      // function_score, boosting's positive
            clauses("positive", q.must);   // boosting
            clauses("queries", q.should);  // dis_max
            return q;
        }
        // Gone in 5.0 (the old exploits' "filtered"), or never existed.
        if (modern_) throw_parsing("unknown query [" + name + "]", name);
        throw_parsing("no [query] registered for [" + name + "]", name);
    }

    // Lucene's syntax, loosely: terms, field:value, quoted phrases, *, AND/OR/NOT.
    Query from_query_string(const std::string& text, const std::string& default_field,
                            bool and_op) {
        Query q;
        q.kind = Query::Kind::boolean;
        std::string_view rest = text;
        bool negate_next = false;
        std::size_t count = 0;
        while (!rest.empty() && count++ < 64) {
            while (!rest.empty() &&
                   (rest.front() == ' ' || rest.front() == '(' || rest.front() == ')'))
                rest.remove_prefix(1);
            if (rest.empty()) break;
            std::string_view word;
            if (rest.front() == '"') {
                const auto end = rest.find('"', 1);
                word = rest.substr(0, end == std::string_view::npos ? rest.size() : end + 1);
            } else {
                word = rest.substr(0, rest.find_first_of(" ()"));
            }
            rest.remove_prefix(word.size());
            if (word == "AND" || word == "&&") {
                and_op = true;
                continue;
            }
            if (word == "OR" || word == "||") continue;
            if (word == "NOT" || word == "!") {
                negate_next = true;
                continue;
            }
            bool negate = negate_next || word.starts_with('-');
            negate_next = false;
            const bool required = word.starts_with('+');
            if (word.starts_with('-') || word.starts_with('+')) word.remove_prefix(1);
            Query clause;
            clause.kind = Query::Kind::match;
            clause.field = default_field == "*" ? "" : default_field;
            const auto colon = word.find(':');
            if (colon != std::string_view::npos && !word.starts_with('"')) {
                clause.field = std::string(word.substr(0, colon));
                word.remove_prefix(colon + 1);
            }
            if (word == "*") {
                clause.kind = clause.field.empty() || clause.field == "*" ? Query::Kind::all
                                                                          : Query::Kind::exists;
            } else {
                clause.terms = tokens(word);
                clause.all_terms = true;
                if (clause.terms.empty()) continue;
                terms_ += clause.terms.size();
                if (terms_ > kMaxQueryNodes) break;  // the rest of a huge query is ignored
            }
            if (clause.field == "*" || clause.field == "_all") clause.field.clear();
            if (negate)
                q.must_not.push_back(std::move(clause));
            else if (required || and_op)
                q.must.push_back(std::move(clause));
            else
                q.should.push_back(std::move(clause));
        }
        if (and_op) {
            for (auto& c : q.should) q.must.push_back(std::move(c));
            q.should.clear();
        }
        return q;
    }

    std::string_view body_;
    bool modern_;
    std::size_t nodes_ = 0;
    std::size_t terms_ = 0;
};

// ---- matching --------------------------------------------------------------------------

bool field_matches(std::string_view wanted, std::string_view field) {
    if (wanted.empty() || wanted == "*" || wanted == "_all") return true;
    if (wanted.ends_with(".keyword")) wanted.remove_suffix(8);
    if (wanted.find('*') != std::string_view::npos) return glob(wanted, field);
    return wanted == field;
}

bool token_matches(std::string_view term, const std::vector<std::string>& doc_tokens) {
    const bool pattern = term.find_first_of("*?") != std::string_view::npos;
    for (const auto& t : doc_tokens)
        if (pattern ? glob(term, t) : t == term) return true;
    return false;
}

struct Scorer {
    std::span<const Index* const> indices;
    std::size_t doc_count = 0;
    mutable std::map<std::pair<const Query*, std::string>, double> cache;
    // BM25's idf for a term over every searched document.
    double idf(const Query& q, const std::string& term) const {
        const auto key = std::make_pair(&q, term);
        if (const auto it = cache.find(key); it != cache.end()) return it->second;
        std::size_t df = 0;
        for (const auto* index : indices)
            for (const auto& doc : index->docs)
                for (std::size_t i = 0; i < doc.values.size(); ++i)
                    if (field_matches(q.field, doc.values[i].first) &&
                        token_matches(term, doc.tokens[i])) {
                        ++df;
                        break;
                    }
        const double n = static_cast<double>(doc_count);
        const double d = static_cast<double>(df);
        const double out = std::log(1.0 + (n - d + 0.5) / (d + 0.5));
        cache.emplace(key, out);
        return out;
    }
};

// 0 = no match; otherwise the score.
double evaluate(const Query& q, const Index& index, const Doc& doc, const Scorer& scorer) {
    switch (q.kind) {
        case Query::Kind::all:
            return 1.0;
        case Query::Kind::none:
            return 0;
        case Query::Kind::ids:
            return std::find(q.terms.begin(), q.terms.end(), doc.id) != q.terms.end() ? 1.0 : 0;
        case Query::Kind::exists:
            for (const auto& [field, value] : doc.values)
                if (field_matches(q.field, field)) return 1.0;
            return 0;
        case Query::Kind::term:
        case Query::Kind::prefix:
        case Query::Kind::wildcard: {
            for (const auto& [field, value] : doc.values) {
                if (!field_matches(q.field, field)) continue;
                const auto lower = ascii_lower(value);
                for (const auto& term : q.terms) {
                    if (q.kind == Query::Kind::prefix     ? lower.starts_with(term)
                        : q.kind == Query::Kind::wildcard ? glob(term, lower)
                                                          : lower == term)
                        return 1.0;
                }
            }
            return 0;
        }
        case Query::Kind::match: {
            if (q.terms.empty()) return 0;
            double score = 0;
            std::size_t matched = 0;
            for (const auto& term : q.terms) {
                bool found = false;
                for (std::size_t i = 0; i < doc.values.size() && !found; ++i)
                    found = field_matches(q.field, doc.values[i].first) &&
                            token_matches(term, doc.tokens[i]);
                if (found) {
                    ++matched;
                    score += scorer.idf(q, term);
                }
            }
            if (matched == 0 || (q.all_terms && matched < q.terms.size())) return 0;
            return std::max(score, 0.0001);
        }
        case Query::Kind::boolean: {
            double score = 0;
            for (const auto& c : q.must_not)
                if (evaluate(c, index, doc, scorer) > 0) return 0;
            for (const auto& c : q.must) {
                const auto s = evaluate(c, index, doc, scorer);
                if (s <= 0) return 0;
                score += s;
            }
            bool any_should = false;
            for (const auto& c : q.should) {
                const auto s = evaluate(c, index, doc, scorer);
                if (s > 0) any_should = true;
                score += s;
            }
            if (!q.should.empty() && q.must.empty() && !any_should) return 0;
            return score > 0 ? score : 1.0;
        }
    }
    return 0;
}

// float precision, as Lucene's scores are floats.
double as_float(double v) {
    return static_cast<double>(static_cast<float>(v));
}

std::optional<std::size_t> number_of(const nlohmann::json& body, const char* key) {
    if (!body.is_object() || !body.contains(key)) return std::nullopt;
    const auto& v = body[key];
    if (v.is_number_unsigned()) return v.get<std::size_t>();
    if (v.is_number_integer() && v.get<std::int64_t>() >= 0)
        return static_cast<std::size_t>(v.get<std::int64_t>());
    if (v.is_string()) {
        const auto& s = v.get_ref<const std::string&>();
        if (!s.empty() && s.size() < 10 && s.find_first_not_of("0123456789") == std::string::npos)
            return static_cast<std::size_t>(std::stoul(s));
    }
    return std::nullopt;
}

void walk_scripts(const nlohmann::json& v, std::optional<ScriptUse>& out, std::size_t& budget,
                  int depth) {
    if (out || budget == 0 || depth > 70) return;
    --budget;
    if (v.is_object()) {
        for (const auto& [key, item] : v.items()) {
            if (key == "script" || key == "inline") {
                ScriptUse use;
                if (item.is_string()) {
                    use.source = item.get<std::string>();
                    if (v.contains("lang") && v["lang"].is_string())
                        use.lang = v["lang"].get<std::string>();
                } else if (item.is_object()) {
                    for (const char* k : {"source", "inline", "script", "id"})
                        if (item.contains(k) && item[k].is_string()) {
                            use.source = item[k].get<std::string>();
                            break;
                        }
                    if (item.contains("lang") && item["lang"].is_string())
                        use.lang = item["lang"].get<std::string>();
                } else {
                    continue;
                }
                use.source = http::utf8_prefix(use.source, kMaxScript);
                use.lang = http::utf8_prefix(use.lang, 64);
                out = std::move(use);
                return;
            }
            walk_scripts(item, out, budget, depth + 1);
            if (out) return;
        }
    } else if (v.is_array()) {
        for (const auto& item : v) {
            walk_scripts(item, out, budget, depth + 1);
            if (out) return;
        }
    }
}

// The first string argument of exec(…) / execute(…) / "…".execute() in a script.
std::string command_in(std::string_view source) {
    for (const std::string_view call : {"exec(", "execute("}) {
        const auto at = source.find(call);
        if (at == std::string_view::npos) continue;
        auto rest = source.substr(at + call.size());
        while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\\'))
            rest.remove_prefix(1);
        if (rest.empty() || (rest.front() != '"' && rest.front() != '\'')) continue;
        const char quote = rest.front();
        rest.remove_prefix(1);
        std::string out;
        for (std::size_t i = 0; i < rest.size() && out.size() < 1024; ++i) {
            if (rest[i] == '\\' && i + 1 < rest.size()) {
                if (rest[i + 1] == quote) {
                    out += quote;
                    ++i;
                    continue;
                }
                if (rest[i + 1] == '\\') {
                    ++i;
                }
                out += rest[i];
                continue;
            }
            if (rest[i] == quote) return out;
            out += rest[i];
        }
        return out;
    }
    // "id".execute() (Groovy's String.execute()).
    const auto at = source.find("\".execute()");
    if (at != std::string_view::npos) {
        const auto open = source.rfind('"', at > 0 ? at - 1 : 0);
        if (open != std::string_view::npos && open < at) {
            return std::string(source.substr(open + 1, std::min<std::size_t>(at - open - 1, 1024)));
        }
    }
    return {};
}

// The first invalid UTF-8 byte, or -1.
int invalid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = c < 0x80         ? 1
                        : (c >> 5) == 6  ? 2
                        : (c >> 4) == 14 ? 3
                        : (c >> 3) == 30 ? 4
                                         : 0;
        if (n == 0 || (n == 2 && c < 0xc2) || i + n > s.size()) return c;
        for (std::size_t k = 1; k < n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return c;
        i += n;
    }
    return -1;
}

}  // namespace

bool State::deleted(const std::string& index) const {
    std::lock_guard lock(mutex_);
    return deleted_.contains(index);
}

bool State::emptied(const std::string& index) const {
    std::lock_guard lock(mutex_);
    return emptied_.contains(index);
}

void State::remove(const std::string& index) {
    std::lock_guard lock(mutex_);
    if (created_.erase(index) == 0 && deleted_.size() < kMaxIndices) deleted_.insert(index);
}

void State::empty(const std::string& index) {
    std::lock_guard lock(mutex_);
    if (auto it = created_.find(index); it != created_.end()) {
        auto copy = std::make_shared<Index>(*it->second);
        copy->docs.clear();
        it->second = std::move(copy);
    } else if (emptied_.size() < kMaxIndices) {
        emptied_.insert(index);
    }
}

bool State::create(const std::string& index, const std::string& uuid, std::int64_t now) {
    std::lock_guard lock(mutex_);
    if (created_.contains(index)) return true;
    if (created_.size() >= kMaxIndices) return false;
    auto fresh = std::make_shared<Index>();
    fresh->name = index;
    fresh->uuid = uuid;
    fresh->created = now;
    created_.emplace(index, std::move(fresh));
    deleted_.erase(index);
    emptied_.erase(index);
    return true;
}

bool State::put(const std::string& index, Doc doc, const std::string& uuid, std::int64_t now) {
    if (doc.source.size() > kMaxDoc) return false;
    std::lock_guard lock(mutex_);
    auto it = created_.find(index);
    std::shared_ptr<Index> copy;
    if (it == created_.end()) {
        if (created_.size() >= kMaxIndices) return false;
        copy = std::make_shared<Index>();
        copy->name = index;
        copy->uuid = uuid;
        copy->created = now;
    } else {
        copy = std::make_shared<Index>(*it->second);
    }
    bool replaced = false;
    for (auto& existing : copy->docs)
        if (existing.id == doc.id) {
            existing = doc;
            replaced = true;
        }
    if (!replaced) {
        if (copy->docs.size() >= kMaxDocs) return false;
        copy->docs.push_back(std::move(doc));
    }
    if (copy->mapping.empty() && !copy->docs.empty())
        copy->mapping = dynamic_mapping(copy->docs.front());
    created_[index] = std::move(copy);
    deleted_.erase(index);
    emptied_.erase(index);
    return true;
}

std::vector<std::shared_ptr<const Index>> State::created() const {
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<const Index>> out;
    for (const auto& [name, index] : created_) out.push_back(index);
    return out;
}

std::optional<Doc> make_doc(std::string id, std::string_view source) {
    if (http::json_depth(source) > http::kMaxJsonDepth) return std::nullopt;
    auto parsed = json::parse(source, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) return std::nullopt;
    Doc doc;
    doc.id = std::move(id);
    doc.source = parsed.dump(-1, ' ', false, json::error_handler_t::replace);
    flatten(parsed, "", doc);
    for (const auto& [field, value] : doc.values) doc.tokens.push_back(tokens(value));
    return doc;
}

std::vector<FieldDef> dynamic_mapping(const Doc& doc) {
    std::vector<FieldDef> out;
    for (const auto& [field, value] : doc.values) {
        if (field.empty() || out.size() >= 64) continue;
        bool seen = false;
        for (const auto& f : out) seen = seen || f.name == field;
        if (seen) continue;
        const bool number =
            !value.empty() && value.find_first_not_of("-0123456789.eE+") == std::string::npos;
        const bool boolean = value == "true" || value == "false";
        out.push_back({field, boolean  ? "boolean"
                              : number ? (value.find('.') != std::string::npos ? "float" : "long")
                                       : "text"});
    }
    return out;
}

std::vector<Index> make_bait_indices(const DbFacts& facts, std::int64_t now) {
    const auto schemas = make_db_bait(facts);
    std::vector<Index> out;
    if (schemas.empty()) return out;
    const auto& app = schemas.front();
    out.push_back(customers(app, facts.seed));
    out.push_back(orders(app, facts.seed, out.front().created + 3600));
    out.push_back(logs(facts, app, now));
    return out;
}

std::shared_ptr<const std::vector<Index>> BaitCache::get(const DbFacts& facts, std::int64_t now) {
    const std::int64_t hour = now - now % 3600;
    std::lock_guard lock(mutex_);
    if (!made_ || hour != hour_) {
        made_ = std::make_shared<const std::vector<Index>>(make_bait_indices(facts, hour));
        hour_ = hour;
    }
    return made_;
}

std::string byte_size(std::uint64_t bytes) {
    static constexpr const char* kUnits[] = {"b", "kb", "mb", "gb", "tb"};
    double v = static_cast<double>(bytes);
    int unit = 0;
    while (v >= 1024 && unit < 4) {
        v /= 1024;
        ++unit;
    }
    char out[32];
    if (unit == 0 || std::fmod(v * 10, 10) == 0)
        std::snprintf(out, sizeof out, "%.0f%s", std::floor(v), kUnits[unit]);
    else
        std::snprintf(out, sizeof out, "%.1f%s", std::floor(v * 10) / 10, kUnits[unit]);
    return out;
}

std::uint64_t store_size(const Index& index) {
    std::uint64_t bytes = 225;  // an empty index's segments
    for (const auto& doc : index.docs) bytes += doc.source.size() * 2 + 96;
    return bytes;
}

std::string json_problem(std::string_view body) {
    if (const int bad = invalid_utf8(body); bad >= 0) {
        char out[96];
        std::snprintf(out, sizeof out, "Invalid UTF-8 start byte 0x%02x", bad);
        return out;
    }
    if (http::json_depth(body) > http::kMaxJsonDepth)
        return "Document nesting depth exceeds the maximum allowed";
    try {
        const auto parsed = nlohmann::json::parse(body);
        (void)parsed;
    } catch (const nlohmann::json::parse_error& e) {
        const auto at = std::min<std::size_t>(e.byte > 0 ? e.byte - 1 : 0, body.size());
        std::string what = at < body.size() ? std::string(1, body[at]) : std::string("EOF");
        if (at >= body.size()) return "Unexpected end-of-input: expected close marker for Object";
        char code[16];
        std::snprintf(code, sizeof code, "%d", static_cast<unsigned char>(body[at]));
        return "Unexpected character ('" + http::utf8_prefix(what, 4) + "' (code " + code +
               ")): was expecting double-quote to start field name";
    }
    return {};
}

SearchResult search(std::span<const Index* const> indices, const SearchParams& params) {
    SearchResult result;
    nlohmann::json body = nlohmann::json::object();
    const auto trimmed = trim(params.body);
    if (!trimmed.empty()) {
        if (const auto problem = json_problem(trimmed); !problem.empty()) {
            result.error = Error{
                400, params.modern ? "x_content_parse_exception" : "json_parse_exception", problem};
            return result;
        }
        body = nlohmann::json::parse(trimmed, nullptr, false);
        if (!body.is_object()) {
            result.error =
                Error{400, "parsing_exception", "Unknown key for a VALUE_STRING in [query].", 1, 1};
            return result;
        }
    }
    Query query;
    try {
        QueryParser parser(trimmed, params.modern);
        if (body.contains("query")) {
            query = parser.parse(body["query"]);
        } else if (!params.q.empty()) {
            nlohmann::json qs = {{"query", params.q}};
            if (!params.df.empty()) qs["default_field"] = params.df;
            query = parser.parse(nlohmann::json{{"query_string", qs}});
        }
    } catch (const ParseFailure& f) {
        result.error = f.error;
        if (f.error.reason.starts_with("unknown query [")) {
            result.error->cause_type = "named_object_not_found_exception";
            result.error->cause_reason = "[1:" + std::to_string(f.error.col) + "] unknown field [" +
                                         f.error.reason.substr(15, f.error.reason.size() - 16) +
                                         "]";
        }
        return result;
    }
    const auto from = number_of(body, "from").value_or(params.from.value_or(0));
    const auto size = number_of(body, "size").value_or(params.size.value_or(10));
    if (from + size > kMaxWindow) {
        result.error = Error{
            400, "illegal_argument_exception",
            "Result window is too large, from + size must be less than or equal to: [10000] but "
            "was [" +
                std::to_string(from + size) +
                "]. See the scroll api for a more efficient way to request large data sets. This "
                "limit can be set by changing the [index.max_result_window] index level setting."};
        return result;
    }
    Scorer scorer{indices, 0, {}};
    for (const auto* index : indices) scorer.doc_count += index->docs.size();
    std::vector<Hit> all;
    for (const auto* index : indices)
        for (const auto& doc : index->docs) {
            const double score = evaluate(query, *index, doc, scorer);
            if (score > 0) all.push_back({index, &doc, as_float(score)});
        }
    std::stable_sort(all.begin(), all.end(),
                     [](const Hit& a, const Hit& b) { return a.score > b.score; });
    result.total = all.size();
    if (!all.empty()) result.max_score = all.front().score;
    for (std::size_t i = from; i < all.size() && i < from + size; ++i)
        result.hits.push_back(all[i]);
    return result;
}

std::optional<ScriptUse> find_script(std::string_view body) {
    if (body.find("script") == std::string_view::npos &&
        body.find("inline") == std::string_view::npos)
        return std::nullopt;
    std::optional<ScriptUse> out;
    if (http::json_depth(body) <= http::kMaxJsonDepth) {
        const auto parsed = nlohmann::json::parse(body, nullptr, false);
        if (!parsed.is_discarded()) {
            std::size_t budget = 4096;
            walk_scripts(parsed, out, budget, 0);
        }
    }
    if (!out) {
        // Not JSON (or too deep), yet it names a script: keep what follows the key.
        const auto at = body.find("\"script\"");
        if (at == std::string_view::npos) return std::nullopt;
        out = ScriptUse{"", http::utf8_prefix(body.substr(at), kMaxScript), ""};
    }
    out->command = command_in(out->source);
    return out;
}

bool glob(std::string_view pattern, std::string_view text, bool single, int budget) {
    // Iterative with backtracking to the last star.
    std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
    while (t < text.size()) {
        if (--budget < 0) return false;
        if (p < pattern.size() && ((single && pattern[p] == '?') || pattern[p] == text[t])) {
            ++p;
            ++t;
        } else if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            mark = t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

}  // namespace decnet::honeypot::es
