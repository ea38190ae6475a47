// Behaviour metrics (intel.md §6.3).
#include "intel/profiler/behavior.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/text.hpp"

namespace decnet::intel {

double py_round(double value, int digits) {
    if (!std::isfinite(value)) return value;
    char buf[512];
    std::snprintf(buf, sizeof buf, "%.*f", digits, value);  // exact value, ties to even
    return std::strtod(buf, nullptr);
}

std::string py_float(double value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, value);
    std::string out(buf, r.ptr);
    if (out.find_first_of(".e") == std::string::npos) out += ".0";
    return out;
}

TimingStats timing_stats(std::vector<double> times) {
    TimingStats s;
    s.event_count = static_cast<long long>(times.size());
    if (times.size() < 2) return s;
    std::sort(times.begin(), times.end());
    s.duration_s = py_round(times.back() - times.front(), 3);
    std::vector<double> iats;
    for (std::size_t i = 1; i < times.size(); ++i)
        if (const double d = times[i] - times[i - 1]; d >= 0) iats.push_back(d);
    if (iats.empty()) return s;
    double sum = 0;
    for (double d : iats) sum += d;
    const double mean = sum / static_cast<double>(iats.size());
    std::vector<double> sorted = iats;
    std::sort(sorted.begin(), sorted.end());
    const auto n = sorted.size();
    const double median = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    double squares = 0;
    for (double d : iats) squares += (d - mean) * (d - mean);
    const double stdev = n > 1 ? std::sqrt(squares / static_cast<double>(n)) : 0.0;
    s.mean = py_round(mean, 3);
    s.median = py_round(median, 3);
    s.stdev = py_round(stdev, 3);
    s.min = py_round(sorted.front(), 3);
    s.max = py_round(sorted.back(), 3);
    if (mean != 0) s.cv = py_round(stdev / mean, 4);
    return s;
}

std::string timing_stats_json(const TimingStats& s) {
    const auto num = [](const std::optional<double>& v) { return v ? py_float(*v) : "null"; };
    return "{\"event_count\": " + std::to_string(s.event_count) +
           ", \"duration_s\": " + py_float(s.duration_s) + ", \"mean_iat_s\": " + num(s.mean) +
           ", \"median_iat_s\": " + num(s.median) + ", \"stdev_iat_s\": " + num(s.stdev) +
           ", \"min_iat_s\": " + num(s.min) + ", \"max_iat_s\": " + num(s.max) +
           ", \"cv\": " + num(s.cv) + "}";
}

std::string behavior_class(long long n, std::optional<double> mean, std::optional<double> cv,
                           std::size_t services) {
    if (n < 3 || !mean) return "unknown";
    const double m = *mean;
    if (services >= 2 && m >= 10 && n >= 4) return "slow_scan";
    if ((services >= 3 && m < 10) || (services >= 2 && m < 2)) return "scanning";
    if (services == 1 && n >= 8 && m < 5 && cv && *cv < 0.6) return "brute_force";
    if (cv && *cv < 0.35 && m >= 5 && n >= 4) return "beaconing";
    if (cv && *cv >= 0.5 && m < 5 && n >= 6) return "interactive";
    return "mixed";
}

std::vector<std::string> beacon_tools(std::optional<double> mean, std::optional<double> cv) {
    struct Signature {
        const char* name;
        double interval, interval_tolerance, jitter, jitter_tolerance;
    };
    static constexpr Signature kTable[] = {{"cobalt_strike", 60, 8, 0.20, 0.05},
                                           {"sliver", 60, 10, 0.30, 0.08},
                                           {"havoc", 45, 8, 0.10, 0.03},
                                           {"mythic", 30, 6, 0.15, 0.03}};
    std::vector<std::string> out;
    if (!mean || !cv) return out;
    for (const auto& s : kTable)
        if (std::fabs(*mean - s.interval) <= s.interval_tolerance &&
            std::fabs(*cv - s.jitter) <= s.jitter_tolerance)
            out.emplace_back(s.name);
    return out;
}

std::vector<std::string> header_tools(std::string_view headers_json) {
    struct Signature {
        const char* tool;
        const char* header;
        const char* pattern;  // case-insensitive substring; "^…": anchored prefix
    };
    static constexpr Signature kSignatures[] = {
        {"nmap", "user-agent", "Nmap Scripting Engine"},
        {"gophish", "x-mailer", "gophish"},
        {"nikto", "user-agent", "Nikto"},
        {"sqlmap", "user-agent", "sqlmap"},
        {"nuclei", "user-agent", "Nuclei"},
        {"masscan", "user-agent", "masscan"},
        {"zgrab", "user-agent", "zgrab"},
        {"metasploit", "user-agent", "Metasploit"},
        {"curl", "user-agent", "^curl/"},
        {"python_requests", "user-agent", "python-requests"},
        {"gobuster", "user-agent", "gobuster"},
        {"dirbuster", "user-agent", "DirBuster"},
        {"hydra", "user-agent", "hydra"},
        {"wfuzz", "user-agent", "Wfuzz"}};
    std::vector<std::string> out;
    auto headers = nlohmann::json::parse(headers_json, nullptr, false);
    if (headers.is_string())
        headers = nlohmann::json::parse(headers.get<std::string>(), nullptr, false);
    if (!headers.is_object()) return out;
    std::vector<std::pair<std::string, std::string>> lowered;
    for (const auto& [key, value] : headers.items())
        if (value.is_string())
            lowered.emplace_back(ascii_lower(key), ascii_lower(value.get<std::string>()));
    for (const auto& s : kSignatures) {
        const std::string pattern = ascii_lower(s.pattern);
        for (const auto& [key, value] : lowered) {
            if (key != s.header) continue;
            const bool hit = pattern[0] == '^' ? value.rfind(pattern.substr(1), 0) == 0
                                               : value.find(pattern) != std::string::npos;
            if (hit && std::find(out.begin(), out.end(), s.tool) == out.end())
                out.emplace_back(s.tool);
        }
    }
    return out;
}

}  // namespace decnet::intel
