// Behaviour metrics of intel.md §6.3 as pure functions: timing statistics over event
// times (population stdev, Python round-half-even), the behaviour class, C2 beacon
// attribution, tool signatures in HTTP headers, and the JSON the attacker_behavior row
// keeps (Python json.dumps defaults).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::intel {

struct TimingStats {
    long long event_count = 0;
    double duration_s = 0;
    std::optional<double> mean, median, stdev, min, max, cv;
};

// Python's round(x, digits) for the values stored here (exact binary value, ties to even).
double py_round(double value, int digits);
// Python's repr of a float ("60.0", "0.0494").
std::string py_float(double value);

// `times` in seconds, any order. event_count = times.size().
TimingStats timing_stats(std::vector<double> times);
// {"event_count": …, "duration_s": …, "mean_iat_s": …, …, "cv": …}
std::string timing_stats_json(const TimingStats& stats);

// unknown, slow_scan, scanning, brute_force, beaconing, interactive or mixed (§6.3 order).
std::string behavior_class(long long events, std::optional<double> mean, std::optional<double> cv,
                           std::size_t services);

// C2 frameworks whose beacon matches (cobalt_strike, sliver, havoc, mythic; table order).
std::vector<std::string> beacon_tools(std::optional<double> mean, std::optional<double> cv);

// Tools named by a request's headers (JSON object text or JSON string of one), in
// signature order.
std::vector<std::string> header_tools(std::string_view headers_json);

}  // namespace decnet::intel
