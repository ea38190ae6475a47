// MITRE ATT&CK tags: a rule table (text, attack_rule_table.cpp) maps a service's event type,
// and optionally one of its fields, to technique ids; the ingester applies it to every row
// before storing it (logs.tags), so /logs filters by `tag:T1110` and attackers show them.
// Matching is keyword-based, never regex: attacker text is long and hostile, and every
// condition costs one bounded scan of a field of at most kMaxScannedBytes.
//
// Rule line: `<technique> | <name> | <service>:<event> ... | [<field><op><values>]`
//   service or event may be `*`; ops: `=` the field is one of the comma-separated values
//   (ASCII case-insensitive), `*=` it contains one of them, `~` one of them is a whole
//   word of it (words split at blanks and shell punctuation). `#` starts a comment.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "store/ingest/ingester.hpp"

namespace decnet::intel::attack {

inline constexpr std::size_t kMaxScannedBytes = 8192;

struct Technique {
    std::string id;    // "T1110", "T1059.004"
    std::string name;  // "Brute Force"
};

class RuleSet {
  public:
    // Throws std::invalid_argument naming the line when the table is malformed.
    static RuleSet parse(std::string_view table);
    // The table decnet ships (attack_rule_table.cpp).
    static const RuleSet& builtin();

    // The sorted, distinct technique ids the rules give an event, comma-separated ("" when
    // none). `fields_json` is the row's fields object (parsed only when a rule needs it).
    std::string tags(std::string_view service, std::string_view event_type,
                     std::string_view fields_json) const;
    void tag(store::LogRecord& row) const;

    // Every technique the table names, in table order, once (docs and the dashboard).
    std::vector<Technique> techniques() const;
    std::size_t size() const { return rules_.size(); }

    struct Condition {
        enum class Op { none, equals, contains, word };
        Op op = Op::none;
        std::string field;
        std::vector<std::string> values;  // lower-case
    };
    struct Rule {
        Technique technique;
        std::vector<std::pair<std::string, std::string>> scopes;  // (service, event), "*" = any
        Condition condition;
    };

    const std::vector<Rule>& rules() const { return rules_; }

  private:
    std::vector<Rule> rules_;
};

// Ingester options whose enrich step tags every row with the builtin rules (what `up`,
// `deploy`, `collect` and `ingest` store with).
store::IngesterOptions tagging_ingester_options(store::IngesterOptions base = {});

}  // namespace decnet::intel::attack
