// redis: a RESP2 server with a read-only fake keyspace full of bait (services.md §2.20).
// Captures AUTH (both the 1- and 2-argument forms, fixing the reference's defect) and every
// command. Framing, argument counts and errors are Redis 7's own (redis_protocol), so a
// scanner's probes get the real answers; a protocol error is answered, then ends the session
// with a `protocol_error` event.
#include <boost/asio/awaitable.hpp>

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "core/text.hpp"
#include "events/event.hpp"
#include "honeypot/services/module.hpp"
#include "honeypot/services/redis/redis_protocol.hpp"
#include "honeypot/services/registry.hpp"
#include "honeypot/session.hpp"

namespace decnet::honeypot {
namespace {

using boost::asio::awaitable;

constexpr std::size_t kMaxArgs = 1024;
constexpr std::size_t kLoggedArgs = 8;
// Redis gives up on an inline request (or a count line) this long without its end.
constexpr std::size_t kMaxInline = 64 * 1024;

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

// One command as read off the wire.
struct Command {
    std::vector<std::string> args;  // empty: nothing to run (a blank line, "*0")
    std::string error;              // a protocol error: answered, then the session ends
    bool stalled = false;           // a NUL before the newline: Redis never finds the line's end
};

// RESP: "*<n>" then n "$<len>" bulk strings.
awaitable<std::optional<Command>> read_multibulk(Session& s, std::string_view count_line) {
    Command command;
    const auto count = redis::parse_integer(count_line.substr(1));
    if (!count || *count > static_cast<std::int64_t>(kMaxArgs)) {
        command.error = "Protocol error: invalid multibulk length";
        co_return command;
    }
    for (std::int64_t i = 0; i < *count; ++i) {
        const auto header = co_await s.read_line();
        if (!header) co_return std::nullopt;
        if (header->empty() || (*header)[0] != '$') {
            command.error = "Protocol error: expected '$', got '" +
                            std::string(1, header->empty() ? '\r' : (*header)[0]) + "'";
            co_return command;
        }
        const auto len = redis::parse_integer(std::string_view(*header).substr(1));
        if (!len || *len < 0) {
            command.error = "Protocol error: invalid bulk length";
            co_return command;
        }
        // Bounded by the session's max_line; Redis's own trailing CR LF is not checked.
        auto value = co_await s.read_exact(static_cast<std::size_t>(*len) + 2);
        if (!value) co_return std::nullopt;
        value->resize(value->size() - 2);
        command.args.push_back(std::move(*value));
    }
    co_return command;
}

// One command: RESP when the line starts with '*', else an inline command. nullopt: the
// peer is gone (or sent more than the session allows).
awaitable<std::optional<Command>> read_command(Session& s) {
    auto line = co_await s.read_line();
    if (!line) co_return std::nullopt;
    if (!line->empty() && (*line)[0] == '*') {
        auto multibulk = co_await read_multibulk(s, *line);
        co_return multibulk;
    }
    Command command;
    if (line->find('\0') != std::string::npos) {
        command.stalled = true;
        co_return command;
    }
    auto words = redis::split_inline(*line);
    if (!words)
        command.error = "Protocol error: unbalanced quotes in request";
    else
        command.args = std::move(*words);
    co_return command;
}

// A stalled inline request: Redis reads on, never answering, until the request is too big.
awaitable<void> swallow(Session& s, std::size_t already) {
    while (already <= kMaxInline) {
        const auto more = co_await s.read_some();
        if (!more) co_return;
        already += more->size();
    }
    co_await s.write(redis::error_reply("Protocol error: too big inline request"));
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
    const auto line = [](std::string_view key, std::string_view value) {
        return std::string(key) + ":" + std::string(value) + "\r\n";
    };
    return "# Server\r\n" + line("redis_version", persona.version) +
           "redis_git_sha1:00000000\r\nredis_git_dirty:0\r\nredis_build_id:8b2ec7b4a1f9e3c0\r\n"
           "redis_mode:standalone\r\n" +
           line("os", persona.os) +
           "arch_bits:64\r\nmonotonic_clock:POSIX clock_gettime\r\nmultiplexing_api:epoll\r\n"
           "atomicvar_api:c11-builtin\r\ngcc_version:12.2.0\r\nprocess_id:731\r\n"
           "process_supervised:systemd\r\ntcp_port:6379\r\nuptime_in_seconds:864000\r\n"
           "uptime_in_days:10\r\nhz:10\r\nconfigured_hz:10\r\n"
           "executable:/usr/bin/redis-server\r\nconfig_file:/etc/redis/redis.conf\r\n"
           "io_threads_active:0\r\n\r\n# Clients\r\nconnected_clients:1\r\n"
           "maxclients:10000\r\nblocked_clients:0\r\n\r\n# Keyspace\r\ndb0:keys=" +
           std::to_string(kKeyspace.size()) + ",expires=0,avg_ttl=0\r\n";
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

std::optional<std::string_view> value_of(std::string_view key) {
    for (const auto& [name, value] : kKeyspace)
        if (name == key) return value;
    return std::nullopt;
}

// The commands this server runs (the rest of Redis's table gets "unknown command").
constexpr std::array<std::string_view, 10> kServed = {"AUTH", "CONFIG", "GET",  "INFO", "KEYS",
                                                      "PING", "QUIT",   "SCAN", "TTL",  "TYPE"};

// Redis's own checks first (name, subcommand, word count), then ours.
std::optional<std::string> rejection(const std::string& verb,
                                     const std::vector<std::string>& args) {
    if (auto rejected = redis::command_rejection(args)) return rejected;
    if (std::find(kServed.begin(), kServed.end(), verb) == kServed.end())
        return redis::error_reply(redis::unknown_command(args));
    if (verb == "PING" && args.size() > 2)  // PING's own check, past the table's arity
        return redis::error_reply("wrong number of arguments for 'ping' command");
    return std::nullopt;
}

std::string answer(const Session& s, const std::string& verb,
                   const std::vector<std::string>& args) {
    if (auto rejected = rejection(verb, args)) return *rejected;
    if (verb == "AUTH") return "+OK\r\n";
    if (verb == "PING") return args.size() > 1 ? bulk(args[1]) : "+PONG\r\n";
    if (verb == "INFO") return bulk(info_text(s));
    if (verb == "CONFIG") return iequals(args[1], "get") ? "*0\r\n" : "+OK\r\n";
    if (verb == "KEYS") return array_of(matching_keys(args[1]));
    if (verb == "GET") {
        const auto value = value_of(args[1]);
        return value ? bulk(*value) : "$-1\r\n";
    }
    if (verb == "SCAN") return "*2\r\n$1\r\n0\r\n" + array_of(matching_keys("*"));
    if (verb == "TYPE") return value_of(args[1]) ? "+string\r\n" : "+none\r\n";
    return value_of(args[1]) ? ":-1\r\n" : ":-2\r\n";  // TTL
}

awaitable<void> serve_redis(Session& s) {
    s.emit(s.event("connect"));
    for (;;) {
        auto command = co_await read_command(s);
        if (!command) break;
        if (command->stalled) {
            co_await swallow(s, s.bytes_in());
            break;
        }
        if (!command->error.empty()) {
            s.emit(s.event("protocol_error", Severity::warning).add("error", command->error));
            co_await s.write(redis::error_reply(command->error));
            break;
        }
        const auto& args = command->args;
        if (args.empty()) continue;
        const std::string verb = ascii_upper(args[0]);
        std::vector<std::string> logged(args.begin(),
                                        args.begin() + std::min(args.size(), kLoggedArgs));
        s.emit(s.event("command").add("cmd", verb).add("args", json_list(logged)));
        // Redis drops a client that speaks HTTP to it (a cross-protocol attack), silently.
        if (verb == "POST" || verb == "HOST:") break;
        if (verb == "AUTH" && args.size() >= 2) {
            // AUTH <password> (Redis < 6) or AUTH <username> <password> (ACL form).
            auto auth = s.event("auth");
            if (args.size() >= 3)
                auth.credential(args[1], args[2]);
            else
                auth.credential("default", args[1]);
            s.emit(std::move(auth));
        }
        // QUIT is answered before anything is checked, and ends the session.
        const std::string reply = verb == "QUIT" ? "+OK\r\n" : answer(s, verb, args);
        if (!co_await s.write(reply) || verb == "QUIT") break;
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
