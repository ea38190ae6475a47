// LoginPolicy: which credentials a login service (ssh, telnet) accepts, from its persona:
//   accept = never | any | list | after:N      (default list)
//   logins = user:password,user:password,...   (the list; default: root with a few weak
//                                              passwords and the persona's `password`)
// `after:N` lets an attacker in on their N+1-th distinct credential. Whatever the policy,
// the same attacker gets the same answer for the same credentials, across connections: a
// bot that retries a password it was refused is refused again, and one let in is let in
// again. That memory is bounded (least recently seen attackers are forgotten first).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace decnet::honeypot {

class PersonaReader;

enum class AcceptMode { never, any, list, after_failures };

class LoginPolicy {
  public:
    struct Options {
        AcceptMode mode = AcceptMode::list;
        std::vector<std::pair<std::string, std::string>> logins;  // for `list`
        int after = 3;                                            // for `after_failures`
        std::size_t max_attackers = 65536;                        // remembered sources
    };
    explicit LoginPolicy(Options options);
    ~LoginPolicy();
    LoginPolicy(const LoginPolicy&) = delete;
    LoginPolicy& operator=(const LoginPolicy&) = delete;

    // Does `user`/`password` from `peer_ip` get in? Thread-safe (one policy per service of a
    // decky, shared by its sessions on every I/O thread).
    bool accepts(std::string_view peer_ip, std::string_view user, std::string_view password);
    const Options& options() const { return options_; }

  private:
    struct Memory;
    Options options_;
    std::unique_ptr<Memory> memory_;
};

// The persona keys `accept` and `logins` (and `password`, root's password, which joins the
// default list); PersonaError on a bad value.
std::shared_ptr<LoginPolicy> read_login_policy(const PersonaReader& persona);

}  // namespace decnet::honeypot
