#include "honeypot/auth/login_policy.hpp"

#include <list>
#include <mutex>
#include <set>
#include <unordered_map>

#include "core/text.hpp"
#include "honeypot/services/module.hpp"

namespace decnet::honeypot {
namespace {

// The passwords root gets in with by default: the persona's own and the handful every
// brute-force list starts with (a honeypot that never lets anyone in learns less).
constexpr std::string_view kDefaultRootPasswords[] = {"admin", "123456", "password", "root",
                                                      "toor"};

std::string key(std::string_view user, std::string_view password) {
    std::string k(user);
    k += '\0';
    k += password;
    return k;
}

}  // namespace

// Per attacker: the credentials already answered and how; least recently seen evicted.
struct LoginPolicy::Memory {
    struct Attacker {
        std::set<std::string> accepted, refused;
        int distinct_failures = 0;
        std::list<std::string>::iterator age;
    };
    std::mutex mutex;
    std::unordered_map<std::string, Attacker> attackers;
    std::list<std::string> ages;                          // front: most recent
    static constexpr std::size_t kMaxPerAttacker = 4096;  // credentials remembered each
};

LoginPolicy::LoginPolicy(Options options)
    : options_(std::move(options)), memory_(std::make_unique<Memory>()) {}
LoginPolicy::~LoginPolicy() = default;

bool LoginPolicy::accepts(std::string_view peer_ip, std::string_view user,
                          std::string_view password) {
    auto in_list = [&] {
        for (const auto& [u, p] : options_.logins)
            if (u == user && p == password) return true;
        return false;
    };
    switch (options_.mode) {
        case AcceptMode::never:
            return false;
        case AcceptMode::any:
            return true;
        case AcceptMode::list:
            return in_list();
        case AcceptMode::after_failures:
            break;
    }
    std::lock_guard lock(memory_->mutex);
    auto& m = *memory_;
    auto [it, fresh] = m.attackers.try_emplace(std::string(peer_ip));
    auto& attacker = it->second;
    if (fresh) {
        m.ages.push_front(it->first);
        attacker.age = m.ages.begin();
        if (m.attackers.size() > options_.max_attackers) {
            m.attackers.erase(m.ages.back());
            m.ages.pop_back();
        }
    } else {
        m.ages.splice(m.ages.begin(), m.ages, attacker.age);
    }
    const auto k = key(user, password);
    if (attacker.accepted.contains(k)) return true;
    if (attacker.refused.contains(k)) return false;
    if (attacker.distinct_failures >= options_.after) {
        if (attacker.accepted.size() < Memory::kMaxPerAttacker) attacker.accepted.insert(k);
        return true;
    }
    ++attacker.distinct_failures;
    if (attacker.refused.size() < Memory::kMaxPerAttacker) attacker.refused.insert(k);
    return false;
}

std::shared_ptr<LoginPolicy> read_login_policy(const PersonaReader& persona) {
    LoginPolicy::Options options;
    const auto accept = persona.text("accept");
    if (accept == "never") {
        options.mode = AcceptMode::never;
    } else if (accept == "any") {
        options.mode = AcceptMode::any;
    } else if (accept == "list" || accept.empty()) {
        options.mode = AcceptMode::list;
    } else if (accept.starts_with("after:")) {
        options.mode = AcceptMode::after_failures;
        const auto count = accept.substr(6);
        if (count.empty() || count.size() > 3 ||
            count.find_first_not_of("0123456789") != std::string::npos)
            persona.fail("accept", "expected never, any, list or after:N (N from 0 to 999)");
        options.after = std::stoi(count);
    } else {
        persona.fail("accept", "expected never, any, list or after:N");
    }
    const auto logins = persona.text("logins");
    if (logins.empty()) {
        const auto password = persona.text("password");
        if (!password.empty()) options.logins.emplace_back("root", password);
        for (const auto p : kDefaultRootPasswords)
            if (p != password) options.logins.emplace_back("root", std::string(p));
    } else {
        std::string_view rest = logins;
        while (!rest.empty()) {
            const auto comma = rest.find(',');
            const auto item = trim(rest.substr(0, comma));
            rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
            if (item.empty()) continue;
            const auto colon = item.find(':');
            if (colon == std::string_view::npos || colon == 0)
                persona.fail("logins", "expected user:password pairs separated by commas");
            options.logins.emplace_back(std::string(item.substr(0, colon)),
                                        std::string(item.substr(colon + 1)));
            if (options.logins.size() > 1000) persona.fail("logins", "at most 1000 pairs");
        }
    }
    return std::make_shared<LoginPolicy>(std::move(options));
}

}  // namespace decnet::honeypot
