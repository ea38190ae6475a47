// [prober] keys: enabled, dry_run, allow, deny, probes, <probe>_ports, ttl, budget, rate,
// burst, timeout, max_tracked, max_queue.
#include "intel/prober/prober_config.hpp"

#include <charconv>

#include "core/error.hpp"
#include "core/ipv4.hpp"
#include "core/text.hpp"

namespace decnet::intel::prober {
namespace {

class Reader {
  public:
    explicit Reader(const DeploymentConfig& c) : config_(c) {}

    [[noreturn]] void fail(const std::string& key, const std::string& why) const {
        const auto it = config_.prober_origins.find(key);
        const auto where = it == config_.prober_origins.end() ? SourceLine{} : it->second;
        throw ConfigError("[prober] " + key + "=: " + why, where.file, where.line);
    }

    bool flag(const std::string& key, const std::string& value) const {
        const auto v = ascii_lower(value);
        if (v == "true" || v == "yes" || v == "on" || v == "1") return true;
        if (v == "false" || v == "no" || v == "off" || v == "0") return false;
        fail(key, "expected true or false, got '" + value + "'");
    }

    double number(const std::string& key, const std::string& value, double lo, double hi) const {
        double v = 0;
        const auto* end = value.data() + value.size();
        const auto [ptr, ec] = std::from_chars(value.data(), end, v);
        if (ec != std::errc{} || ptr != end || !(v >= lo && v <= hi))
            fail(key, "expected a number from " + std::to_string(lo) + " to " + std::to_string(hi) +
                          ", got '" + value + "'");
        return v;
    }

    std::vector<std::string> list(const std::string& value) const {
        std::vector<std::string> out;
        std::string item;
        for (const char c : value + ",") {
            if (c == ',' || c == ' ' || c == '\n' || c == '\t') {
                if (!item.empty()) out.push_back(item);
                item.clear();
            } else {
                item += c;
            }
        }
        return out;
    }

    std::vector<std::string> cidrs(const std::string& key, const std::string& value) const {
        auto out = list(value);
        for (const auto& cidr : out) {
            try {
                Subnet::parse(cidr);
            } catch (const ConfigError& e) {
                fail(key, e.what());
            }
        }
        return out;
    }

    std::vector<std::uint16_t> ports(const std::string& key, const std::string& value) const {
        std::vector<std::uint16_t> out;
        for (const auto& item : list(value))
            out.push_back(static_cast<std::uint16_t>(number(key, item, 1, 65535)));
        if (out.size() > 64) fail(key, "at most 64 ports");
        return out;
    }

  private:
    const DeploymentConfig& config_;
};

}  // namespace

ProberSettings settings_from_config(const DeploymentConfig& config) {
    ProberSettings s;
    const Reader r(config);
    for (const auto& [key, value] : config.prober) {
        if (key == "enabled") {
            s.enabled = r.flag(key, value);
        } else if (key == "dry_run" || key == "dry-run") {
            s.dry_run = r.flag(key, value);
        } else if (key == "allow") {
            s.allow = r.cidrs(key, value);
        } else if (key == "deny") {
            s.deny = r.cidrs(key, value);
        } else if (key == "probes") {
            s.probes.clear();
            for (const auto& name : r.list(value)) {
                const auto kind = probe_kind_from_string(name);
                if (!kind)
                    r.fail(key, "unknown probe '" + name + "' (jarm, hassh, tcpfp, tls_cert)");
                s.probes.push_back(*kind);
            }
        } else if (key == "jarm_ports") {
            s.ports.jarm = r.ports(key, value);
        } else if (key == "hassh_ports" || key == "ssh_ports") {
            s.ports.hassh = r.ports(key, value);
        } else if (key == "tcpfp_ports") {
            s.ports.tcpfp = r.ports(key, value);
        } else if (key == "tls_cert_ports" || key == "tls_ports") {
            s.ports.tls_cert = r.ports(key, value);
        } else if (key == "ttl") {
            s.ttl = std::chrono::seconds(static_cast<long long>(r.number(key, value, 1, 31536000)));
        } else if (key == "budget") {
            s.target_budget = static_cast<int>(r.number(key, value, 1, 100000));
        } else if (key == "rate") {
            s.rate_per_second = r.number(key, value, 0.001, 1000);
        } else if (key == "burst") {
            s.rate_burst = static_cast<int>(r.number(key, value, 1, 10000));
        } else if (key == "timeout") {
            s.timeout = std::chrono::milliseconds(
                static_cast<long long>(r.number(key, value, 0.05, 60) * 1000));
        } else if (key == "max_tracked") {
            s.max_tracked = static_cast<std::size_t>(r.number(key, value, 16, 10000000));
        } else if (key == "max_queue") {
            s.max_queue = static_cast<std::size_t>(r.number(key, value, 1, 1000000));
        } else {
            r.fail(key, "unknown key (docs/PROBER.md lists them)");
        }
    }
    if (!config.subnet.empty()) s.own_networks.push_back(config.subnet);
    for (const auto& decky : config.deckies)
        if (!decky.ip.empty()) s.own_networks.push_back(decky.ip);
    if (!config.host_ip.empty()) s.own_networks.push_back(config.host_ip);
    TargetPolicy{s};  // every CIDR checked now, not at the first attacker
    return s;
}

}  // namespace decnet::intel::prober
