// Incremental attacker profile: the `attackers` row of intel.md §6.2.
#include "intel/profiler/attacker_profile.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>

namespace decnet::intel {
namespace {

using Json = nlohmann::ordered_json;

std::string dump(const Json& j) {
    return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// Python json.dumps of a list of strings: ", " separators, non-ASCII escaped.
std::string python_string_list(const std::vector<std::string>& items) {
    std::string out = "[";
    for (const auto& item : items) {
        if (out.size() > 1) out += ", ";
        out += Json(item).dump(-1, ' ', true, Json::error_handler_t::replace);
    }
    return out + "]";
}

std::vector<std::string> string_list(const std::string& text) {
    std::vector<std::string> out;
    const auto j = Json::parse(text, nullptr, false);
    if (!j.is_array()) return out;
    for (const auto& item : j)
        if (item.is_string()) out.push_back(item.get<std::string>());
    return out;
}

}  // namespace

std::optional<std::string> command_text(const store::LogRecord& row) {
    static constexpr std::array kTypes{"command", "exec",        "query",
                                       "input",   "shell_input", "execute",
                                       "run",     "sql_query",   "redis_command"};
    if (std::find(kTypes.begin(), kTypes.end(), row.event_type) == kTypes.end())
        return std::nullopt;
    const auto fields = Json::parse(row.fields, nullptr, false);
    if (!fields.is_object()) return std::nullopt;
    for (const char* key : {"command", "query", "input", "line", "sql", "cmd"}) {
        const auto it = fields.find(key);
        if (it == fields.end()) continue;
        std::string text = it->is_string() ? it->get<std::string>() : it->dump();
        if (!text.empty() && text != "null") return text;
    }
    return std::nullopt;
}

std::string store_time_to_iso(const std::string& t) {
    std::string out = t;
    if (out.size() > 10 && out[10] == ' ') out[10] = 'T';
    if (out.size() == 26 && out.compare(19, 7, ".000000") == 0) out.resize(19);
    return out + "+00:00";
}

AttackerProfile AttackerProfile::from_record(const store::AttackerRecord& row) {
    AttackerProfile p(row.uuid, row.ip);
    p.first_seen_ = row.first_seen;
    p.last_seen_ = row.last_seen;
    p.event_count_ = row.event_count;
    p.services_ = string_list(row.services);
    std::sort(p.services_.begin(), p.services_.end());
    for (auto& d : string_list(row.deckies)) p.deckies_.push_back({std::move(d), row.first_seen});
    const auto commands = Json::parse(row.commands, nullptr, false);
    if (commands.is_array())
        for (const auto& c : commands) {
            if (!c.is_object()) continue;
            auto text = [&](const char* key) {
                const auto it = c.find(key);
                return it != c.end() && it->is_string() ? it->get<std::string>() : std::string();
            };
            p.commands_.push_back(
                {text("service"), text("decky"), text("command"), text("timestamp")});
        }
    p.bounties_ = {row.bounty_count, row.credential_count, row.fingerprints};
    return p;
}

void AttackerProfile::seen_at(const std::string& time) {
    if (first_seen_.empty() || time < first_seen_) first_seen_ = time;
    if (last_seen_.empty() || time > last_seen_) last_seen_ = time;
}

void AttackerProfile::apply(const store::LogRecord& row, const ProfileLimits& limits) {
    seen_at(row.timestamp);
    ++event_count_;
    const auto s = std::lower_bound(services_.begin(), services_.end(), row.service);
    if ((s == services_.end() || *s != row.service) && services_.size() < limits.max_services)
        services_.insert(s, row.service);
    auto known = std::find_if(deckies_.begin(), deckies_.end(),
                              [&](const Contact& c) { return c.decky == row.decky; });
    if (known != deckies_.end()) {
        // An earlier event arriving late moves the decky's first contact back.
        if (row.timestamp < known->first) {
            Contact moved{known->decky, row.timestamp};
            deckies_.erase(known);
            const auto at = std::upper_bound(
                deckies_.begin(), deckies_.end(), moved.first,
                [](const std::string& t, const Contact& c) { return t < c.first; });
            deckies_.insert(at, std::move(moved));
        }
    } else if (deckies_.size() < limits.max_deckies) {
        const auto at =
            std::upper_bound(deckies_.begin(), deckies_.end(), row.timestamp,
                             [](const std::string& t, const Contact& c) { return t < c.first; });
        deckies_.insert(at, {row.decky, row.timestamp});
    }
    if (auto text = command_text(row)) {
        if (text->size() > limits.max_command_bytes) text->resize(limits.max_command_bytes);
        commands_.push_back(
            {row.service, row.decky, std::move(*text), store_time_to_iso(row.timestamp)});
        while (commands_.size() > limits.max_commands) commands_.pop_front();
    }
}

void AttackerProfile::apply_intel(const store::LogRecord& row) {
    if (first_seen_.empty()) seen_at(row.timestamp);
}

std::vector<std::string> AttackerProfile::deckies() const {
    std::vector<std::string> out;
    out.reserve(deckies_.size());
    for (const auto& c : deckies_) out.push_back(c.decky);
    return out;
}

store::AttackerRecord AttackerProfile::to_record(const std::string& updated_at) const {
    store::AttackerRecord r;
    r.uuid = uuid_;
    r.ip = ip_;
    r.first_seen = first_seen_.empty() ? updated_at : first_seen_;
    r.last_seen = last_seen_.empty() ? updated_at : last_seen_;
    r.event_count = event_count_;
    r.service_count = static_cast<std::int64_t>(services_.size());
    r.decky_count = static_cast<std::int64_t>(deckies_.size());
    r.services = python_string_list(services_);
    const auto names = deckies();
    r.deckies = python_string_list(names);
    r.is_traversal = names.size() >= 2;
    if (r.is_traversal) {
        std::string path;
        for (const auto& d : names) path += (path.empty() ? "" : " \u2192 ") + d;
        r.traversal_path = std::move(path);
    }
    r.bounty_count = bounties_.total;
    r.credential_count = bounties_.credentials;
    r.fingerprints = bounties_.fingerprints;
    Json commands = Json::array();
    for (const auto& c : commands_)
        commands.push_back(Json{{"service", c.service},
                                {"decky", c.decky},
                                {"command", c.command},
                                {"timestamp", c.timestamp}});
    r.commands = dump(commands);
    r.updated_at = updated_at;
    return r;
}

std::size_t AttackerProfile::bytes() const {
    std::size_t n = sizeof(*this) + uuid_.capacity() + ip_.capacity() + first_seen_.capacity() +
                    last_seen_.capacity() + bounties_.fingerprints.capacity();
    for (const auto& s : services_) n += sizeof(s) + s.capacity();
    for (const auto& d : deckies_) n += sizeof(d) + d.decky.capacity() + d.first.capacity();
    for (const auto& c : commands_)
        n += sizeof(c) + c.service.capacity() + c.decky.capacity() + c.command.capacity() +
             c.timestamp.capacity();
    return n;
}

}  // namespace decnet::intel
