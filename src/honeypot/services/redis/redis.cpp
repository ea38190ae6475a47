// redis: a RESP2 server with a read-only fake keyspace full of bait (services.md §2.20).
// Captures AUTH (both the 1- and 2-argument forms, fixing the reference's defect) and every
// command. Garbage ends the session with a `protocol_error` event.
#include <boost/asio/awaitable.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <string>
#include <vector>

#include "events/event.hpp"
#include "honeypot/services/module.hpp"
#include "honeypot/services/registry.hpp"
#include "honeypot/session.hpp"

namespace decnet::honeypot {
namespace {

using boost::asio::awaitable;

constexpr std::size_t kMaxArgs = 1024;
constexpr std::size_t kLoggedArgs = 8;

constexpr std::array<std::pair<std::string_view, std::string_view>, 10> kKeyspace = {{
    {"sessions:user:1234", R"({"id":1234,"user":"admin","token":"eyJhbGciOiJIUzI1NiJ9..."})"},
    {"sessions:user:5678", R"({"id":5678,"user":"alice","token":"eyJhbGciOiJIUzI1NiJ9..."})"},
    {"cache:api_key", "sk_live_9mK3xF2aP7qR1bN8cT4dW6vE0yU5hJ"},
    {"jwt:secret", "super_secret_jwt_signing_key_do_not_share_2024"},
    {"user:admin",
     R"({"username":"admin","password":"$2b$12$LQv3c1yqBWVHxkd0LHAkC.","role":"superadmin"})"},
    {"user:alice",
     R"({"username":"alice","password":"$2b$12$XKLDm3vT8nPqR4sY2hE6fO","role":"user"})"},
    {"config:db_password", "Pr0dDB!2024#Secure"},
    {"config:aws_access_key", "AKIAIOSFODNN7EXAMPLE"},
    {"config:aws_secret_key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
    {"rate_limit:192.168.1.1", "42"},
}};

std::string bulk(std::string_view s) {
    return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}

std::string array_of(const std::vector<std::string_view>& items) {
    std::string out = "*" + std::to_string(items.size()) + "\r\n";
    for (auto item : items) out += bulk(item);
    return out;
}

std::optional<long> parse_count(std::string_view s) {
    long value = -1;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
    return value;
}

std::string upper(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

// One command: a RESP array of bulk strings, or an inline command line. nullopt ends the
// session (peer gone or protocol garbage, reported through `error`).
awaitable<std::optional<std::vector<std::string>>> read_command(Session& s, std::string& error) {
    auto line = co_await s.read_line();
    if (!line) co_return std::nullopt;
    if (line->empty() || (*line)[0] != '*') {
        std::vector<std::string> words;
        std::string word;
        for (char c : *line) {
            if (c == ' ' || c == '\t') {
                if (!word.empty()) words.push_back(std::move(word));
                word.clear();
            } else {
                word += c;
            }
        }
        if (!word.empty()) words.push_back(std::move(word));
        co_return words;
    }
    const auto count = parse_count(std::string_view(*line).substr(1));
    if (!count || *count < 0 || static_cast<std::size_t>(*count) > kMaxArgs) {
        error = "bad array length";
        co_return std::nullopt;
    }
    std::vector<std::string> args;
    for (long i = 0; i < *count; ++i) {
        const auto header = co_await s.read_line();
        if (!header) co_return std::nullopt;
        const auto len = header->size() > 1 && (*header)[0] == '$'
                             ? parse_count(std::string_view(*header).substr(1))
                             : std::nullopt;
        if (!len || *len < 0) {
            error = "bad bulk length";
            co_return std::nullopt;
        }
        auto value = co_await s.read_exact(static_cast<std::size_t>(*len) + 2);
        if (!value) {
            error = "bulk string too long or truncated";
            co_return std::nullopt;
        }
        value->resize(value->size() - 2);
        args.push_back(std::move(*value));
    }
    co_return args;
}

// The persona: what INFO reports.
struct RedisSettings : ServiceSettings {
    std::string version;
    std::string os;
};

std::shared_ptr<const ServiceSettings> configure(const PersonaReader& persona) {
    auto settings = std::make_shared<RedisSettings>();
    settings->version = persona.line("version");
    settings->os = persona.line("os_string");
    return settings;
}

std::string info_text(const Session& s) {
    const auto& persona = s.context().settings_as<RedisSettings>();
    return "# Server\nredis_version:" + persona.version +
           "\nredis_mode:standalone\nos:" + persona.os +
           "\narch_bits:64\ntcp_port:6379\nuptime_in_seconds:864000\nconnected_clients:1\n# "
           "Keyspace\n";
}

std::vector<std::string_view> matching_keys(std::string_view pattern) {
    std::vector<std::string_view> keys;
    for (const auto& [key, value] : kKeyspace) {
        const bool match =
            pattern == "*" ||
            (pattern.ends_with('*') && key.starts_with(pattern.substr(0, pattern.size() - 1))) ||
            key == pattern;
        if (match) keys.push_back(key);
    }
    return keys;
}

std::string answer(const Session& s, const std::string& verb,
                   const std::vector<std::string>& args) {
    if (verb == "AUTH") return "+OK\r\n";
    if (verb == "PING") return "+PONG\r\n";
    if (verb == "INFO") return bulk(info_text(s));
    if (verb == "CONFIG") return "*0\r\n";
    if (verb == "KEYS") return array_of(matching_keys(args.size() > 1 ? args[1] : "*"));
    if (verb == "GET" && args.size() > 1) {
        for (const auto& [key, value] : kKeyspace)
            if (key == args[1]) return bulk(value);
        return "$-1\r\n";
    }
    if (verb == "SCAN") return "*2\r\n$1\r\n0\r\n" + array_of(matching_keys("*"));
    if (verb == "TYPE") return "+string\r\n";
    if (verb == "TTL") return ":-1\r\n";
    if (verb == "QUIT") return "+OK\r\n";
    // A bulk string may hold CR LF: mapped to spaces as Redis's addReplyErrorFormat does,
    // or the peer could forge reply lines.
    std::string name = args.empty() ? std::string() : args[0].substr(0, 64);
    std::replace_if(
        name.begin(), name.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
    return "-ERR unknown command '" + name + "'\r\n";
}

awaitable<void> serve_redis(Session& s) {
    s.emit(s.event("connect"));
    for (;;) {
        std::string error;
        auto args = co_await read_command(s, error);
        if (!args) {
            if (!error.empty())
                s.emit(s.event("protocol_error", Severity::warning).add("error", error));
            break;
        }
        if (args->empty()) continue;
        const std::string verb = upper((*args)[0]);
        std::vector<std::string> logged(args->begin(),
                                        args->begin() + std::min(args->size(), kLoggedArgs));
        s.emit(s.event("command").add("cmd", verb).add("args", json_list(logged)));
        if (verb == "AUTH" && args->size() >= 2) {
            // AUTH <password> (Redis < 6) or AUTH <username> <password> (ACL form).
            auto auth = s.event("auth");
            if (args->size() >= 3)
                auth.credential((*args)[1], (*args)[2]);
            else
                auth.credential("default", (*args)[1]);
            s.emit(std::move(auth));
        }
        if (!co_await s.write(answer(s, verb, *args)) || verb == "QUIT") break;
    }
    s.emit(s.event("disconnect"));
}

constexpr EventDecl kEvents[] = {
    {"connect", "src_ip src_port", "a client connected"},
    {"command", "src_ip src_port cmd args", "one command (verb upper-cased, first 8 arguments)"},
    {"auth", "src_ip src_port username password",
     "AUTH, both the 1- and the 2-argument (ACL) form"},
    {"protocol_error", "src_ip src_port error", "unparseable RESP; the session ends"},
    {"disconnect", "src_ip src_port", "the session ended"},
};

}  // namespace

const ServiceModule& redis_module() {
    static const ServiceModule module{
        .slug = "redis", .configure = &configure, .serve = &serve_redis, .events = kEvents};
    return module;
}

}  // namespace decnet::honeypot
