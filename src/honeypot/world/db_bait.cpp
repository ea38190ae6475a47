#include "honeypot/world/db_bait.hpp"

#include <ctime>
#include <map>
#include <mutex>

#include "core/rng.hpp"
#include "core/text.hpp"

namespace decnet::honeypot {
namespace {

constexpr std::string_view kCustomers[] = {
    "jennifer.walsh", "mkowalski", "david.chen", "sarah_j",    "tom.becker",
    "lucia.romero",   "a.novak",   "pdubois",    "kevin.omar", "emma.larsen",
};
constexpr std::string_view kBcrypt =
    "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

std::string bcrypt_like(Rng& rng) {
    std::string out = "$2y$10$";
    for (int i = 0; i < 53; ++i) out += kBcrypt[rng.below(kBcrypt.size())];
    return out;
}

std::string date_time(std::int64_t t) {
    const std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S", &tm);
    return buffer;
}

// A 16-digit card number with a valid Luhn check digit.
std::string card_number(Rng& rng) {
    std::string digits = rng.below(2) ? "4" : "5" + std::to_string(1 + rng.below(5));
    while (digits.size() < 15) digits += static_cast<char>('0' + rng.below(10));
    int sum = 0;
    for (std::size_t i = 0; i < 15; ++i) {
        int d = digits[14 - i] - '0';
        if (i % 2 == 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
        sum += d;
    }
    digits += static_cast<char>('0' + (10 - sum % 10) % 10);
    return digits;
}

std::string alnum(Rng& rng, int n) {
    static constexpr std::string_view kChars =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    std::string out;
    for (int i = 0; i < n; ++i) out += kChars[rng.below(kChars.size())];
    return out;
}

DbSchema app_schema(const DbFacts& facts, const std::string& name, std::uint64_t salt) {
    Rng rng(facts.seed ^ (salt * 0x9e3779b97f4a7c15ULL));
    const std::string domain = facts.domain.empty() ? "example.com" : facts.domain;
    std::int64_t t = 1'690'000'000 + static_cast<std::int64_t>(rng.below(20'000'000));
    DbSchema schema{name, {}};

    DbTable users{"users",
                  {{"id", DbType::integer},
                   {"username", DbType::text},
                   {"email", DbType::text},
                   {"password_hash", DbType::text},
                   {"role", DbType::text},
                   {"created_at", DbType::datetime}},
                  {}};
    std::vector<std::string> names = facts.people;
    for (const auto c : kCustomers) names.emplace_back(c);
    for (std::size_t i = 0; i < names.size(); ++i) {
        t += 3600 + static_cast<std::int64_t>(rng.below(9 * 86400));
        const bool staff = i < facts.people.size();
        users.rows.push_back({std::to_string(i + 1), names[i],
                              names[i] + "@" + (staff ? domain : "gmail.com"), bcrypt_like(rng),
                              staff ? "admin" : "customer", date_time(t)});
    }

    DbTable payments{"payments",
                     {{"id", DbType::integer},
                      {"user_id", DbType::integer},
                      {"card_holder", DbType::text},
                      {"card_number", DbType::text},
                      {"card_exp", DbType::text},
                      {"amount", DbType::decimal},
                      {"currency", DbType::text},
                      {"status", DbType::text},
                      {"created_at", DbType::datetime}},
                     {}};
    static constexpr std::string_view kStatus[] = {"captured", "captured", "captured", "refunded",
                                                   "failed"};
    for (int i = 0; i < 12; ++i) {
        const auto user = facts.people.size() + rng.below(std::size(kCustomers));
        t += 600 + static_cast<std::int64_t>(rng.below(2 * 86400));
        const auto cents = 499 + rng.below(60000);
        std::string holder = names[user];
        for (auto& c : holder)
            if (c == '.' || c == '_') c = ' ';
        payments.rows.push_back(
            {std::to_string(1000 + i), std::to_string(user + 1), ascii_upper(holder),
             card_number(rng),
             std::to_string(1 + rng.below(12)) + "/" + std::to_string(26 + rng.below(4)),
             std::to_string(cents / 100) + "." + (cents % 100 < 10 ? "0" : "") +
                 std::to_string(cents % 100),
             rng.below(3) ? "USD" : "EUR", std::string(kStatus[rng.below(std::size(kStatus))]),
             date_time(t)});
    }

    DbTable keys{"api_keys",
                 {{"id", DbType::integer},
                  {"service", DbType::text},
                  {"api_key", DbType::text},
                  {"created_at", DbType::datetime}},
                 {}};
    keys.rows.push_back({"1", "stripe", "sk_live_" + alnum(rng, 24), date_time(t - 86400 * 90)});
    keys.rows.push_back({"2", "sendgrid", "SG." + alnum(rng, 22) + "." + alnum(rng, 43),
                         date_time(t - 86400 * 60)});
    keys.rows.push_back({"3", "aws", "AKIA" + ascii_upper(alnum(rng, 16)), date_time(t - 86400)});

    schema.tables = {std::move(keys), std::move(payments), std::move(users)};
    return schema;
}

}  // namespace

const DbColumn* DbTable::column(std::string_view wanted) const {
    for (const auto& c : columns)
        if (iequals(c.name, wanted)) return &c;
    return nullptr;
}

const DbTable* DbSchema::table(std::string_view wanted) const {
    for (const auto& t : tables)
        if (iequals(t.name, wanted)) return &t;
    return nullptr;
}

std::vector<DbSchema> make_db_bait(const DbFacts& facts) {
    // A pure function of the facts that every database connection asks for: made once per
    // decky and copied after that (making it, hashes and all, cost more than the rest of a
    // short session). Bounded: a fleet has far fewer deckies than this.
    constexpr std::size_t kMaxKept = 1024;
    static std::mutex mutex;
    static auto& made = *new std::map<std::string, std::vector<DbSchema>>;  // never destroyed
    std::string key = facts.hostname + '\0' + facts.domain + '\0' + facts.app + '\0' +
                      facts.app_password + '\0' + std::to_string(facts.seed);
    for (const auto& person : facts.people) key += '\0' + person;
    std::lock_guard lock(mutex);
    if (const auto kept = made.find(key); kept != made.end()) return kept->second;
    std::vector<DbSchema> schemas;
    const std::string app = facts.app.empty() ? "shop" : facts.app;
    schemas.push_back(app_schema(facts, app + "_prod", 1));
    schemas.push_back(app_schema(facts, "shop", 2));  // also when the app is itself a shop
    if (made.size() >= kMaxKept) made.clear();
    made.emplace(std::move(key), schemas);
    return schemas;
}

}  // namespace decnet::honeypot
