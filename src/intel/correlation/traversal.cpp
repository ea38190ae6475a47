// Correlation engine: parsing, indexing and the traversal reports.
#include "intel/correlation/traversal.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <unordered_set>

#include "core/text.hpp"
#include "events/rfc5424.hpp"

namespace decnet::intel {

bool is_intel_service(std::string_view service) {
    return service == "sniffer" || service == "prober" || service == "correlator";
}

std::optional<CorrelationEvent> parse_correlation_line(std::string_view line) {
    line = trim(line, " \t\r\n\v\f");
    if (line.empty()) return std::nullopt;
    auto parsed = parse_rfc5424(line);
    if (!parsed || parsed->dialect != SyslogDialect::rfc5424) return std::nullopt;
    const auto& p = parsed.value();
    if (p.procid != "-" || p.hostname == "-" || p.app == "-") return std::nullopt;
    const auto time = parse_iso_time(p.timestamp_raw);
    if (!time) return std::nullopt;
    CorrelationEvent event;
    event.timestamp = *time;
    event.decky = p.hostname;
    event.service = p.app;
    event.event_type = p.msgid;
    static constexpr std::array kIpKeys{"src_ip",      "src",       "client_ip", "remote_ip",
                                        "remote_addr", "target_ip", "ip"};
    for (const char* key : kIpKeys)
        if (const auto* value = p.find(key)) {
            event.attacker_ip = *value;
            break;
        }
    event.fields = p.fields;
    return event;
}

double Traversal::duration_seconds() const {
    return static_cast<double>(last_seen().utc_micros - first_seen().utc_micros) / 1e6;
}

std::string Traversal::path() const {
    return traversal_path(deckies);
}

std::string traversal_path(const std::vector<std::string>& deckies) {
    std::string out;
    for (const auto& d : deckies) {
        if (!out.empty()) out += " \u2192 ";
        out += d;
    }
    return out;
}

std::string format_duration(double seconds) {
    char buf[64];
    if (seconds < 60)
        std::snprintf(buf, sizeof buf, "%.0fs", seconds);
    else if (seconds < 3600)
        std::snprintf(buf, sizeof buf, "%.1fm", seconds / 60);
    else
        std::snprintf(buf, sizeof buf, "%.1fh", seconds / 3600);
    return buf;
}

Event traversal_event(const std::string& attacker_ip, const std::vector<std::string>& deckies,
                      const IsoTime& first_seen, const IsoTime& last_seen, std::int64_t hop_count,
                      EventTime time) {
    Event event;
    event.time = time;
    event.decky = "decnet-correlator";
    event.service = "correlator";
    event.event_type = "traversal_detected";
    event.severity = Severity::warning;
    event.src_ip = attacker_ip;
    std::string joined;
    for (const auto& d : deckies) joined += (joined.empty() ? "" : ",") + d;
    const auto duration = (last_seen.utc_micros - first_seen.utc_micros) / 1000000;
    event.add("attacker_ip", attacker_ip)
        .add("decky_count", static_cast<std::int64_t>(deckies.size()))
        .add("deckies", joined)
        .add("first_seen", format_iso_time(first_seen))
        .add("last_seen", format_iso_time(last_seen))
        .add("hop_count", hop_count)
        .add("duration_s", static_cast<std::int64_t>(duration));
    return event;
}

std::uint32_t CorrelationEngine::intern(const std::string& s) {
    const auto [it, added] =
        string_ids_.try_emplace(s, static_cast<std::uint32_t>(strings_.size()));
    if (added) strings_.push_back(s);
    return it->second;
}

bool CorrelationEngine::ingest(std::string_view line) {
    ++lines_parsed_;
    const auto event = parse_correlation_line(line);
    if (!event || event->attacker_ip.empty() || is_intel_service(event->service)) return false;
    if (events_indexed_ >= kMaxIndexedEvents) return false;
    auto [it, added] = hops_.try_emplace(event->attacker_ip);
    if (added) order_.push_back(event->attacker_ip);
    it->second.push_back({event->timestamp, intern(event->decky), intern(event->service),
                          intern(event->event_type)});
    ++events_indexed_;
    return true;
}

std::vector<Traversal> CorrelationEngine::traversals(int min_deckies) const {
    std::vector<Traversal> result;
    for (const auto& ip : order_) {
        const auto& hops = hops_.at(ip);
        std::unordered_set<std::uint32_t> distinct;
        for (const auto& h : hops) distinct.insert(h.decky);
        if (static_cast<long long>(distinct.size()) < min_deckies) continue;
        std::vector<Hop> sorted = hops;
        std::stable_sort(sorted.begin(), sorted.end(),
                         [](const Hop& a, const Hop& b) { return a.timestamp < b.timestamp; });
        Traversal t;
        t.attacker_ip = ip;
        std::unordered_set<std::uint32_t> seen;
        for (const auto& h : sorted) {
            t.hops.push_back(
                {h.timestamp, strings_[h.decky], strings_[h.service], strings_[h.event_type]});
            if (seen.insert(h.decky).second) t.deckies.push_back(strings_[h.decky]);
        }
        result.push_back(std::move(t));
    }
    std::stable_sort(result.begin(), result.end(), [](const Traversal& a, const Traversal& b) {
        return a.first_seen() < b.first_seen();
    });
    return result;
}

std::string CorrelationEngine::report_json(int min_deckies) const {
    const auto found = traversals(min_deckies);
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& t : found) {
        nlohmann::ordered_json hops = nlohmann::ordered_json::array();
        for (const auto& h : t.hops)
            hops.push_back({{"timestamp", format_iso_time(h.timestamp)},
                            {"decky", h.decky},
                            {"service", h.service},
                            {"event_type", h.event_type}});
        list.push_back({{"attacker_ip", t.attacker_ip},
                        {"decky_count", t.deckies.size()},
                        {"deckies", t.deckies},
                        {"path", t.path()},
                        {"first_seen", format_iso_time(t.first_seen())},
                        {"last_seen", format_iso_time(t.last_seen())},
                        {"duration_seconds", t.duration_seconds()},
                        {"hop_count", t.hops.size()},
                        {"hops", std::move(hops)}});
    }
    nlohmann::ordered_json report = {{"stats",
                                      {{"lines_parsed", lines_parsed_},
                                       {"events_indexed", events_indexed_},
                                       {"unique_ips", order_.size()},
                                       {"traversals", found.size()}}},
                                     {"traversals", std::move(list)}};
    return report.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::vector<std::string> CorrelationEngine::traversal_syslog_lines(int min_deckies,
                                                                   EventTime now) const {
    std::vector<std::string> lines;
    for (const auto& t : traversals(min_deckies))
        lines.push_back(
            format_rfc5424(traversal_event(t.attacker_ip, t.deckies, t.first_seen(), t.last_seen(),
                                           static_cast<std::int64_t>(t.hops.size()), now)));
    return lines;
}

}  // namespace decnet::intel
