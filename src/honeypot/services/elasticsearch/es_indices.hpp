// The decky's Elasticsearch indices and the search over them: bait indices built from the
// same facts as its SQL servers' databases (customers with password hashes, orders with card
// numbers, the month's application logs), the indices attackers create, and a small query
// engine (match_all, match, multi_match, query_string, term(s), prefix, wildcard, ids, exists,
// bool) scored like BM25 would roughly score it. Pure functions over bounded input: unit-tested
// and fuzzed apart from the socket (tests/fuzz/es_query_fuzz.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace decnet::honeypot {
struct DbFacts;
}

namespace decnet::honeypot::es {

inline constexpr std::size_t kMaxQueryNodes = 256;  // clauses in one query (bool nesting)
inline constexpr std::size_t kMaxWindow = 10000;    // index.max_result_window

struct FieldDef {
    std::string name;
    std::string type;  // text, keyword, long, float, date, ip
};

struct Doc {
    std::string id;
    std::string source;                                       // compact JSON
    std::vector<std::pair<std::string, std::string>> values;  // flattened "a.b" → text
    std::vector<std::vector<std::string>> tokens;             // each value's, lower-cased
};

struct Index {
    std::string name;
    std::string uuid;
    std::int64_t created = 0;  // epoch seconds
    std::vector<FieldDef> mapping;
    std::vector<Doc> docs;
    int replicas = 1;
};

// A document from its JSON source (values flattened for matching; nullopt when the source is
// not a JSON object or is too deep).
std::optional<Doc> make_doc(std::string id, std::string_view source);
// The mapping Elasticsearch's dynamic mapping gives a document's fields.
std::vector<FieldDef> dynamic_mapping(const Doc& doc);

// customers, orders and logs-<year>.<month> (of `now`), ids and uuids from the facts' seed.
std::vector<Index> make_bait_indices(const DbFacts& facts, std::int64_t now);

// A decky's bait indices, made once an hour and shared by its connections. Made per
// connection they cost more than the rest of a short session, and a log line's @timestamp
// moved from one connection to the next. Thread-safe.
class BaitCache {
  public:
    std::shared_ptr<const std::vector<Index>> get(const DbFacts& facts, std::int64_t now);

  private:
    std::mutex mutex_;
    std::int64_t hour_ = -1;                          // guarded by mutex_
    std::shared_ptr<const std::vector<Index>> made_;  // guarded by mutex_
};

// "25.3kb", "226b": Elasticsearch's byte sizes.
std::string byte_size(std::uint64_t bytes);
// The size an index takes on disk (its sources and what Lucene adds).
std::uint64_t store_size(const Index& index);

// Attackers' changes to the indices, per decky (what a ransom bot checks after its wipe):
// indices deleted or emptied, indices created and the documents written to them. Bounded;
// thread-safe (the decky's sessions share it). Readers get immutable snapshots.
class State {
  public:
    static constexpr std::size_t kMaxIndices = 32;
    static constexpr std::size_t kMaxDocs = 50;
    static constexpr std::size_t kMaxDoc = 4096;  // a stored source, bytes

    bool deleted(const std::string& index) const;
    bool emptied(const std::string& index) const;
    void remove(const std::string& index);  // a bait or created index
    void empty(const std::string& index);
    // false: too many indices already.
    bool create(const std::string& index, const std::string& uuid, std::int64_t now);
    // Stores a document (replacing one with its id) in a created index, creating the index;
    // false when full or the source is too big.
    bool put(const std::string& index, Doc doc, const std::string& uuid, std::int64_t now);
    std::vector<std::shared_ptr<const Index>> created() const;

  private:
    mutable std::mutex mutex_;
    std::set<std::string> deleted_, emptied_;                      // guarded by mutex_
    std::map<std::string, std::shared_ptr<const Index>> created_;  // guarded by mutex_
};

// A search error as Elasticsearch reports it (a root cause and its caused_by).
struct Error {
    Error() = default;
    Error(int status_, std::string type_, std::string reason_, int line_ = 0, int col_ = 0,
          std::string cause_type_ = {}, std::string cause_reason_ = {})
        : status(status_),
          type(std::move(type_)),
          reason(std::move(reason_)),
          line(line_),
          col(col_),
          cause_type(std::move(cause_type_)),
          cause_reason(std::move(cause_reason_)) {}
    int status = 400;
    std::string type, reason;
    int line = 0, col = 0;  // for parsing errors (0: none)
    std::string cause_type, cause_reason;
};

struct Hit {
    const Index* index = nullptr;
    const Doc* doc = nullptr;
    double score = 1.0;
};

struct SearchResult {
    std::vector<Hit> hits;  // the page asked for (from/size)
    std::size_t total = 0;
    double max_score = 0;  // 0 with no hits (null)
    std::optional<Error> error;
};

// What a search asks: its JSON body (may be empty) and the URI parameters q, from, size,
// default_operator, df. `modern` = 7.x or later wording of errors.
struct SearchParams {
    std::string_view body;
    std::string q, df;
    std::optional<std::size_t> from, size;
    bool modern = true;
};
SearchResult search(std::span<const Index* const> indices, const SearchParams& params);

// A script in a request body (script queries, script_fields, update scripts: the old Groovy
// and MVEL remote code execution payloads, CVE-2014-3120 and CVE-2015-1427).
struct ScriptUse {
    std::string lang;     // as given; "" = the default (painless)
    std::string source;   // the script text (bounded)
    std::string command;  // what Runtime.exec / execute() would run, when one is visible
};
std::optional<ScriptUse> find_script(std::string_view body);

// Why a JSON body is refused, as Elasticsearch's parser says it ("" = it parses).
std::string json_problem(std::string_view body);

// `*` any run of characters, with `single` also `?` one character (query wildcards; index
// and column patterns have only `*`); false once `budget` steps are spent.
bool glob(std::string_view pattern, std::string_view text, bool single = true, int budget = 10000);

}  // namespace decnet::honeypot::es
