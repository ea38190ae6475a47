#include "intel/attack/attack_tags.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>

#include "core/text.hpp"
#include "store/repository.hpp"

namespace decnet::intel::attack {
namespace {

using Condition = RuleSet::Condition;

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    for (;;) {
        const auto at = text.find(separator);
        parts.push_back(text.substr(0, at));
        if (at == std::string_view::npos) return parts;
        text.remove_prefix(at + 1);
    }
}

std::vector<std::string_view> words(std::string_view text) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= text.size(); ++i)
        if (i == text.size() || text[i] == ' ' || text[i] == '\t') {
            if (i > start) out.push_back(text.substr(start, i - start));
            start = i + 1;
        }
    return out;
}

Condition parse_condition(std::string_view text) {
    Condition c;
    text = trim(text);
    if (text.empty()) return c;
    std::size_t at = text.find_first_of("=*~");
    if (at == std::string_view::npos || at == 0)
        throw std::invalid_argument("condition needs <field>=, *= or ~");
    c.field = std::string(trim(text.substr(0, at)));
    if (text[at] == '*') {
        if (at + 1 >= text.size() || text[at + 1] != '=')
            throw std::invalid_argument("`*` must be followed by `=`");
        c.op = Condition::Op::contains;
        at += 2;
    } else {
        c.op = text[at] == '=' ? Condition::Op::equals : Condition::Op::word;
        at += 1;
    }
    for (auto value : split(text.substr(at), ',')) {
        value = trim(value);
        if (!value.empty()) c.values.push_back(ascii_lower(value));
    }
    if (c.values.empty()) throw std::invalid_argument("condition has no values");
    return c;
}

bool is_word_char(char c) {
    // Blanks and shell punctuation end a word; paths, options and dots stay inside one.
    static constexpr std::string_view kBreaks = " \t\r\n;|&()`$'\"<>{}=,";
    return kBreaks.find(c) == std::string_view::npos;
}

// Whether `word` occurs in `text` (lower-case) as a whole word.
bool has_word(std::string_view text, std::string_view word) {
    for (std::size_t at = text.find(word); at != std::string_view::npos;
         at = text.find(word, at + 1)) {
        const bool starts = at == 0 || !is_word_char(text[at - 1]);
        const std::size_t end = at + word.size();
        // A command's path counts as the command: /usr/bin/wget is wget.
        const bool starts_after_slash = at > 0 && text[at - 1] == '/';
        const bool ends = end == text.size() || !is_word_char(text[end]);
        if ((starts || starts_after_slash) && ends) return true;
    }
    return false;
}

bool satisfied(const Condition& c, std::string_view lowered) {
    switch (c.op) {
        case Condition::Op::none:
            return true;
        case Condition::Op::equals:
            return std::find(c.values.begin(), c.values.end(), lowered) != c.values.end();
        case Condition::Op::contains:
            return std::any_of(c.values.begin(), c.values.end(), [&](const std::string& v) {
                return lowered.find(v) != std::string_view::npos;
            });
        case Condition::Op::word:
            return std::any_of(c.values.begin(), c.values.end(),
                               [&](const std::string& v) { return has_word(lowered, v); });
    }
    return false;
}

bool in_scope(const RuleSet::Rule& rule, std::string_view service, std::string_view event) {
    return std::any_of(rule.scopes.begin(), rule.scopes.end(), [&](const auto& scope) {
        return (scope.first == "*" || scope.first == service) &&
               (scope.second == "*" || scope.second == event);
    });
}

}  // namespace

RuleSet RuleSet::parse(std::string_view table) {
    RuleSet set;
    std::size_t number = 0;
    for (auto line : split(table, '\n')) {
        ++number;
        if (const auto hash = line.find('#'); hash != std::string_view::npos)
            line = line.substr(0, hash);
        line = trim(line);
        if (line.empty()) continue;
        try {
            const auto columns = split(line, '|');
            if (columns.size() < 3 || columns.size() > 4)
                throw std::invalid_argument("expected 3 or 4 `|`-separated columns");
            Rule rule;
            rule.technique.id = std::string(trim(columns[0]));
            rule.technique.name = std::string(trim(columns[1]));
            const auto& id = rule.technique.id;
            if (id.size() < 5 || id[0] != 'T' || !std::all_of(id.begin() + 1, id.end(), [](char c) {
                    return (c >= '0' && c <= '9') || c == '.';
                }))
                throw std::invalid_argument("technique id must look like T1110 or T1059.004");
            for (auto scope : words(trim(columns[2]))) {
                const auto colon = scope.find(':');
                if (colon == std::string_view::npos || colon == 0 || colon + 1 == scope.size())
                    throw std::invalid_argument("scope must be <service>:<event>");
                rule.scopes.emplace_back(std::string(scope.substr(0, colon)),
                                         std::string(scope.substr(colon + 1)));
            }
            if (rule.scopes.empty()) throw std::invalid_argument("no <service>:<event> scope");
            if (columns.size() == 4) rule.condition = parse_condition(columns[3]);
            set.rules_.push_back(std::move(rule));
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument("ATT&CK rule line " + std::to_string(number) + ": " +
                                        e.what());
        }
    }
    return set;
}

std::string RuleSet::tags(std::string_view service, std::string_view event_type,
                          std::string_view fields_json) const {
    std::vector<std::string_view> ids;
    std::optional<nlohmann::json> fields;  // parsed on the first rule that needs a field
    for (const auto& rule : rules_) {
        if (!in_scope(rule, service, event_type)) continue;
        if (rule.condition.op != Condition::Op::none) {
            if (!fields) {
                fields = nlohmann::json::parse(fields_json, nullptr, false);
                if (!fields->is_object()) fields = nlohmann::json::object();
            }
            const auto it = fields->find(rule.condition.field);
            if (it == fields->end() || !it->is_string()) continue;
            const auto& value = it->get_ref<const std::string&>();
            const auto lowered = ascii_lower(
                std::string_view(value).substr(0, std::min(value.size(), kMaxScannedBytes)));
            if (!satisfied(rule.condition, lowered)) continue;
        }
        ids.push_back(rule.technique.id);
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::string out;
    for (const auto id : ids) {
        if (!out.empty()) out += ',';
        out += id;
    }
    return out;
}

store::IngesterOptions tagging_ingester_options(store::IngesterOptions base) {
    base.enrich = [](store::LogRecord& row) { RuleSet::builtin().tag(row); };
    return base;
}

void RuleSet::tag(store::LogRecord& row) const {
    row.tags = tags(row.service, row.event_type, row.fields);
}

std::vector<Technique> RuleSet::techniques() const {
    std::vector<Technique> out;
    for (const auto& rule : rules_)
        if (std::none_of(out.begin(), out.end(),
                         [&](const Technique& t) { return t.id == rule.technique.id; }))
            out.push_back(rule.technique);
    return out;
}

}  // namespace decnet::intel::attack
