// The soak's attacker side: one short, protocol-plausible dialogue per emulated service (a
// banner read, then a login attempt or a command; a datagram for UDP services), and the
// driver that runs a fixed number of them at an even pace over the fleet's services.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace decnet::bench::soak {

// Every emulated service (`decnet services`), in an order where no three consecutive ones
// share a port (http and conpot both take 80/tcp, conpot and snmp 161/udp, smtp and
// smtp_relay 25/tcp), so a decky can run any window of three.
const std::vector<std::string>& soak_services();

// One attacker connection: `service` on the decky at `decky_ip`, from `source_ip`.
// Bounded by `deadline` (every connect and read has its own timeout under it). Returns true
// when the decky answered (a banner, a reply or a datagram back).
bool attack(const std::string& service, const std::string& decky_ip, const std::string& source_ip,
            int index, std::chrono::steady_clock::time_point deadline);

struct AttackTarget {
    std::string decky_ip;
    std::string service;
};

struct AttackTotals {
    int started = 0;
    int answered = 0;
    int late = 0;  // started more than a second behind its slot (workers all busy)
    std::map<std::string, std::pair<int, int>> by_service;  // started, answered
};

// Runs `count` attacks over `seconds`, attack k at k*seconds/count from the start, on
// targets[k % size] from one of `sources` source addresses, with `workers` threads.
// Returns when all are done (each bounded) or `stop` is set.
AttackTotals run_attacks(const std::vector<AttackTarget>& targets, int count, int seconds,
                         int workers, const std::vector<std::string>& sources,
                         const std::atomic<bool>& stop);

}  // namespace decnet::bench::soak
