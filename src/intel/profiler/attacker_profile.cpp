// Incremental attacker profile: the `attackers` row of intel.md §6.2.
#include "intel/profiler/attacker_profile.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

#include "core/text.hpp"
#include "intel/correlation/iso_time.hpp"
#include "intel/profiler/behavior.hpp"

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

std::optional<double> seconds_of(const std::string& store_time) {
    const auto t = parse_store_time(store_time);
    if (!t) return std::nullopt;
    return static_cast<double>(t->utc_micros) / 1e6;
}

bool is_recon(const std::string& type) {
    static constexpr std::array kTypes{"scan",          "connection", "banner",      "probe",
                                       "login_attempt", "auth",       "auth_failure"};
    return std::find(kTypes.begin(), kTypes.end(), type) != kTypes.end();
}

bool is_exfil(const std::string& type) {
    static constexpr std::array kTypes{"download", "upload", "file_transfer", "data_exfil",
                                       "command",  "exec",   "query",         "shell_input"};
    return std::find(kTypes.begin(), kTypes.end(), type) != kTypes.end();
}

// bytes, size or content_length holding an integer of at least 1 MiB.
bool large_payload(const Json& fields) {
    for (const char* key : {"bytes", "size", "content_length"}) {
        const auto it = fields.find(key);
        if (it == fields.end()) continue;
        std::string text = it->is_string() ? it->get<std::string>() : it->dump();
        const auto trimmed = trim(text, " \t\r\n");
        long long value = 0;
        const auto r = std::from_chars(trimmed.data(), trimmed.data() + trimmed.size(), value);
        if (r.ec == std::errc() && r.ptr == trimmed.data() + trimmed.size() && value >= 1048576)
            return true;
    }
    return false;
}

std::string iso_or_null(const std::optional<double>& seconds) {
    if (!seconds) return "null";
    IsoTime t;
    t.utc_micros = static_cast<std::int64_t>(std::llround(*seconds * 1e6));
    t.offset_seconds = 0;
    return Json(format_iso_time(t)).dump();
}

std::optional<double> seconds_of_iso(const Json& value) {
    if (!value.is_string()) return std::nullopt;
    const auto t = parse_iso_time(value.get<std::string>());
    if (!t) return std::nullopt;
    return static_cast<double>(t->utc_micros) / 1e6;
}

std::string field_text(const Json& fields, const char* key) {
    const auto it = fields.find(key);
    if (it == fields.end() || it->is_null()) return {};
    return it->is_string() ? it->get<std::string>() : it->dump();
}

// Python int() of a field: optional surrounding blanks, a sign, digits.
std::optional<long long> field_int(const Json& fields, const char* key) {
    const std::string text = field_text(fields, key);
    auto t = trim(text, " \t\r\n");
    if (!t.empty() && t[0] == '+') t.remove_prefix(1);
    long long value = 0;
    const auto r = std::from_chars(t.data(), t.data() + t.size(), value);
    if (t.empty() || r.ec != std::errc() || r.ptr != t.data() + t.size()) return std::nullopt;
    return value;
}

void vote(std::vector<std::pair<std::string, int>>& votes, const std::string& label) {
    for (auto& [name, count] : votes)
        if (name == label) {
            ++count;
            return;
        }
    if (votes.size() < 32) votes.emplace_back(label, 1);
}

// Most votes; ties go to the first seen.
std::optional<std::string> winner(const std::vector<std::pair<std::string, int>>& votes) {
    const std::pair<std::string, int>* best = nullptr;
    for (const auto& v : votes)
        if (!best || v.second > best->second) best = &v;
    if (!best) return std::nullopt;
    return best->first;
}

// Coarse OS and initial TTL from an observed TTL.
std::optional<std::pair<std::string, int>> os_from_ttl(long long ttl) {
    if (ttl >= 55 && ttl <= 70) return std::pair<std::string, int>{"linux", 64};
    if (ttl >= 115 && ttl <= 135) return std::pair<std::string, int>{"windows", 128};
    if (ttl >= 235 && ttl <= 255) return std::pair<std::string, int>{"embedded", 255};
    return std::nullopt;
}

std::string snapshot_json(const std::optional<long long>& window,
                          const std::optional<long long>& wscale,
                          const std::optional<long long>& mss, const std::string& options,
                          bool sack, bool timestamps) {
    const auto num = [](const std::optional<long long>& v) {
        return v ? std::to_string(*v) : std::string("null");
    };
    return "{\"window\": " + num(window) + ", \"wscale\": " + num(wscale) +
           ", \"mss\": " + num(mss) + ", \"options_sig\": " +
           Json(options).dump(-1, ' ', true, Json::error_handler_t::replace) +
           ", \"has_sack\": " + (sack ? "true" : "false") +
           ", \"has_timestamps\": " + (timestamps ? "true" : "false") + "}";
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
    p.geo_ = {row.country, row.country_name, row.asn, row.as_org};
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
    const auto techniques = Json::parse(row.attack_techniques, nullptr, false);
    if (techniques.is_object())
        for (const auto& [id, count] : techniques.items())
            if (count.is_number_integer())
                p.techniques_.emplace_back(id, count.get<std::int64_t>());
    std::sort(p.techniques_.begin(), p.techniques_.end());
    p.bounties_ = {row.bounty_count, row.credential_count, row.fingerprints};
    return p;
}

void AttackerProfile::count_techniques(const std::string& tags, const ProfileLimits& limits) {
    std::string_view rest(tags);
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        const auto id = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        if (id.empty()) continue;
        const auto at = std::lower_bound(
            techniques_.begin(), techniques_.end(), id,
            [](const auto& entry, std::string_view key) { return entry.first < key; });
        if (at != techniques_.end() && at->first == id)
            ++at->second;
        else if (techniques_.size() < limits.max_techniques)
            techniques_.insert(at, {std::string(id), 1});
    }
}

void AttackerProfile::seen_at(const std::string& time) {
    if (first_seen_.empty() || time < first_seen_) first_seen_ = time;
    if (last_seen_.empty() || time > last_seen_) last_seen_ = time;
}

void AttackerProfile::apply(const store::LogRecord& row, const ProfileLimits& limits) {
    seen_at(row.timestamp);
    ++event_count_;
    count_techniques(row.tags, limits);
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
    if (const auto at = seconds_of(row.timestamp)) {
        times_.push_back(*at);
        while (times_.size() > limits.max_event_times) times_.pop_front();
        if (is_recon(row.event_type) && (!recon_end_ || *at > *recon_end_)) recon_end_ = at;
        if (is_exfil(row.event_type) && (!exfil_start_ || *at < *exfil_start_)) exfil_start_ = at;
    }
    if (const auto fields = Json::parse(row.fields, nullptr, false); fields.is_object()) {
        if (large_payload(fields)) ++large_payloads_;
        if (row.event_type == "request" && fields.contains("headers")) {
            const auto& headers = fields["headers"];
            for (auto& tool :
                 header_tools(headers.is_string() ? headers.get<std::string>() : headers.dump()))
                if (header_tools_.size() < 16 &&
                    std::find(header_tools_.begin(), header_tools_.end(), tool) ==
                        header_tools_.end())
                    header_tools_.push_back(std::move(tool));
        }
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
    roll_up(row);
}

void AttackerProfile::roll_up(const store::LogRecord& row) {
    if (row.event_type != "tcp_syn_fingerprint" && row.event_type != "tcp_flow_timing" &&
        row.event_type != "tcpfp_fingerprint")
        return;
    const auto fields = Json::parse(row.fields, nullptr, false);
    if (!fields.is_object()) return;
    if (row.event_type == "tcp_flow_timing") {
        retransmits_ += field_int(fields, "retransmits").value_or(0);
        return;
    }
    if (row.event_type == "tcp_syn_fingerprint") {
        const auto os = field_text(fields, "os_guess");
        if (!os.empty() && os != "unknown") vote(os_votes_, os);
        auto ttl = field_text(fields, "ttl");
        if (ttl.empty()) ttl = field_text(fields, "initial_ttl");
        if (!ttl.empty()) vote(ttl_votes_, ttl);
        if (const auto hop = field_int(fields, "hop_distance");
            hop && *hop > 0 && hops_.size() < 256)
            hops_.push_back(static_cast<int>(*hop));
        tcp_snapshot_ = snapshot_json(field_int(fields, "window"), field_int(fields, "wscale"),
                                      field_int(fields, "mss"), field_text(fields, "options_sig"),
                                      field_text(fields, "has_sack") == "true",
                                      field_text(fields, "has_timestamps") == "true");
        return;
    }
    const auto ttl_text = field_text(fields, "ttl");
    if (!ttl_text.empty()) vote(ttl_votes_, ttl_text);
    if (const auto ttl = field_int(fields, "ttl"))
        if (const auto os = os_from_ttl(*ttl); os && os->second - *ttl > 0 && hops_.size() < 256)
            hops_.push_back(static_cast<int>(os->second - *ttl));
    tcp_snapshot_ =
        snapshot_json(field_int(fields, "window_size"), field_int(fields, "window_scale"),
                      field_int(fields, "mss"), field_text(fields, "options_order"),
                      field_text(fields, "sack_ok") == "1", field_text(fields, "timestamp") == "1");
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
    Json techniques = Json::object();
    for (const auto& [id, count] : techniques_) techniques[id] = count;
    r.attack_techniques = techniques.dump();
    Json commands = Json::array();
    for (const auto& c : commands_)
        commands.push_back(Json{{"service", c.service},
                                {"decky", c.decky},
                                {"command", c.command},
                                {"timestamp", c.timestamp}});
    r.commands = dump(commands);
    r.updated_at = updated_at;
    r.country = geo_.country;
    r.country_name = geo_.country_name;
    r.asn = geo_.asn;
    r.as_org = geo_.as_org;
    return r;
}

store::AttackerBehaviorRecord AttackerProfile::to_behavior(const std::string& updated_at) const {
    store::AttackerBehaviorRecord b;
    b.attacker_uuid = uuid_;
    auto stats = timing_stats(std::vector<double>(times_.begin(), times_.end()));
    stats.event_count = event_count_;
    b.timing_stats = timing_stats_json(stats);
    const auto cls = behavior_class(event_count_, stats.mean, stats.cv, services_.size());
    b.behavior_class = cls;
    if (cls == "beaconing" && stats.mean && stats.cv) {
        b.beacon_interval_s = *stats.mean;
        b.beacon_jitter_pct = py_round(*stats.cv * 100, 2);
    }
    std::optional<std::string> os = winner(os_votes_);
    if (!os)
        if (const auto ttl = winner(ttl_votes_)) {
            Json probe = Json::object();
            probe["ttl"] = *ttl;
            if (const auto value = field_int(probe, "ttl"))
                if (const auto guess = os_from_ttl(*value)) os = guess->first;
        }
    b.os_guess = os;
    if (!hops_.empty()) {
        std::vector<int> sorted = hops_;
        std::sort(sorted.begin(), sorted.end());
        const auto n = sorted.size();
        const double median =
            n % 2 ? sorted[n / 2] : (static_cast<double>(sorted[n / 2 - 1]) + sorted[n / 2]) / 2;
        b.hop_distance = static_cast<std::int64_t>(median);
    }
    b.tcp_fingerprint = tcp_snapshot_.value_or("{}");
    b.retransmit_count = retransmits_;
    auto tools = beacon_tools(stats.mean, stats.cv);
    for (const auto& t : header_tools_)
        if (std::find(tools.begin(), tools.end(), t) == tools.end()) tools.push_back(t);
    if (os == "nmap" && std::find(tools.begin(), tools.end(), "nmap") == tools.end())
        tools.insert(tools.begin(), "nmap");
    b.tool_guesses = python_string_list(tools);
    std::string latency = "null";
    if (recon_end_ && exfil_start_ && *exfil_start_ >= *recon_end_)
        latency = py_float(py_round(*exfil_start_ - *recon_end_, 3));
    b.phase_sequence = "{\"recon_end_ts\": " + iso_or_null(recon_end_) +
                       ", \"exfil_start_ts\": " + iso_or_null(exfil_start_) +
                       ", \"exfil_latency_s\": " + latency +
                       ", \"large_payload_count\": " + std::to_string(large_payloads_) + "}";
    b.updated_at = updated_at;
    return b;
}

void AttackerProfile::restore_behavior(const store::AttackerBehaviorRecord& row) {
    // The rollup comes back as one vote for the stored guess and hop.
    if (row.os_guess) vote(os_votes_, *row.os_guess);
    if (row.hop_distance && *row.hop_distance > 0)
        hops_.push_back(static_cast<int>(*row.hop_distance));
    if (row.tcp_fingerprint != "{}" && !row.tcp_fingerprint.empty())
        tcp_snapshot_ = row.tcp_fingerprint;
    retransmits_ = row.retransmit_count;
    const auto phases = Json::parse(row.phase_sequence, nullptr, false);
    if (phases.is_object()) {
        if (phases.contains("recon_end_ts")) recon_end_ = seconds_of_iso(phases["recon_end_ts"]);
        if (phases.contains("exfil_start_ts"))
            exfil_start_ = seconds_of_iso(phases["exfil_start_ts"]);
        if (phases.contains("large_payload_count") &&
            phases["large_payload_count"].is_number_integer())
            large_payloads_ = phases["large_payload_count"].get<std::int64_t>();
    }
    if (!row.tool_guesses) return;
    static const std::array kBeacons{"cobalt_strike", "sliver", "havoc", "mythic"};
    for (auto& tool : string_list(*row.tool_guesses))
        if (std::find(kBeacons.begin(), kBeacons.end(), tool) == kBeacons.end() && tool != "nmap" &&
            header_tools_.size() < 16)
            header_tools_.push_back(std::move(tool));
}

void AttackerProfile::seed_times(const std::vector<double>& times, const ProfileLimits& limits) {
    std::vector<double> sorted = times;
    std::sort(sorted.begin(), sorted.end());
    if (sorted.size() > limits.max_event_times)
        sorted.erase(sorted.begin(),
                     sorted.end() - static_cast<std::ptrdiff_t>(limits.max_event_times));
    times_.assign(sorted.begin(), sorted.end());
}

std::size_t AttackerProfile::bytes() const {
    std::size_t n = sizeof(*this) + uuid_.capacity() + ip_.capacity() + first_seen_.capacity() +
                    last_seen_.capacity() + bounties_.fingerprints.capacity();
    n += times_.size() * sizeof(double);
    for (const auto* t : {&geo_.country, &geo_.country_name, &geo_.as_org})
        n += *t ? (*t)->capacity() : 0;
    for (const auto& t : header_tools_) n += sizeof(t) + t.capacity();
    for (const auto& v : os_votes_) n += sizeof(v) + v.first.capacity();
    for (const auto& v : ttl_votes_) n += sizeof(v) + v.first.capacity();
    n += hops_.size() * sizeof(int) + (tcp_snapshot_ ? tcp_snapshot_->capacity() : 0);
    for (const auto& s : services_) n += sizeof(s) + s.capacity();
    for (const auto& t : techniques_) n += sizeof(t) + t.first.capacity();
    for (const auto& d : deckies_) n += sizeof(d) + d.decky.capacity() + d.first.capacity();
    for (const auto& c : commands_)
        n += sizeof(c) + c.service.capacity() + c.decky.capacity() + c.command.capacity() +
             c.timestamp.capacity();
    return n;
}

}  // namespace decnet::intel
