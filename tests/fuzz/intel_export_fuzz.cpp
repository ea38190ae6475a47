// libFuzzer target for identities and exports: any bytes, split into bounty payloads and
// attacker fields, must link and export without crashing; every JSON export parses back
// and every CSV row has the header's cell count.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "intel/export/export.hpp"
#include "intel/identity/identity_linker.hpp"

namespace {

void check(bool condition) {
    if (!condition) std::abort();
}

std::vector<std::string> pieces(std::string_view input) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= input.size() && out.size() < 64) {
        const auto end = input.find('\x1e', start);
        out.emplace_back(input.substr(start, end == std::string_view::npos ? end : end - start));
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace ex = decnet::intel::exporting;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto parts = pieces(input);
    std::vector<decnet::intel::Observation> observations;
    ex::ExportData export_data;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        decnet::store::BountyRecord b;
        b.attacker_ip = "10.0.0." + std::to_string(i % 5);
        b.timestamp = "2026-04-01 10:00:00.000000";
        b.bounty_type = i % 3 == 0 ? "credential" : i % 3 == 1 ? "fingerprint" : "artifact";
        b.payload = parts[i];
        for (auto& o : decnet::intel::observations_of(b)) observations.push_back(std::move(o));
        ex::ExportAttacker a;
        a.row.ip = i % 2 ? parts[i] : b.attacker_ip;
        a.row.first_seen = parts[i];
        a.row.last_seen = b.timestamp;
        a.services = {parts[i]};
        a.commands = {parts[i]};
        a.credentials = {{parts[i], parts[i]}};
        a.fingerprints = {{"ja3", parts[i]}, {"hassh", parts[i]}};
        a.artifacts = {{parts[i], parts[i]}};
        a.techniques = {{parts[i], parts[i], 1}};
        export_data.attackers.push_back(std::move(a));
    }
    for (const auto& identity : decnet::intel::link_identities(observations, {}, "now"))
        check(nlohmann::json::parse(identity.evidence, nullptr, false).is_array());
    check(!nlohmann::json::parse(ex::to_stix(export_data), nullptr, false).is_discarded());
    check(!nlohmann::json::parse(ex::to_misp(export_data), nullptr, false).is_discarded());
    check(!nlohmann::json::parse(ex::to_json(export_data), nullptr, false).is_discarded());
    const auto csv = ex::to_csv(export_data);
    check(csv.ends_with("\r\n"));
    (void)ex::stix_time(std::string(input));
    (void)ex::parse_since(std::string(input), 1775037600LL * 1000000);
    return 0;
}
