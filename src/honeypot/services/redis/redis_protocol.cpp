// Redis's inline tokenizer, integer parser and error wording, after sds.c, util.c and
// server.c (processCommand) of Redis 7.
#include "honeypot/services/redis/redis_protocol.hpp"

#include <algorithm>
#include <array>
#include <limits>

#include "core/text.hpp"

namespace decnet::honeypot::redis {
namespace {

bool is_blank(char c) {  // C isspace() in the "C" locale
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

char escaped(char c) {
    switch (c) {
        case 'n':
            return '\n';
        case 'r':
            return '\r';
        case 't':
            return '\t';
        case 'b':
            return '\b';
        case 'a':
            return '\a';
        default:
            return c;
    }
}

// One word starting at line[i] (not a blank); i ends past it. False: unbalanced quotes.
bool next_word(std::string_view line, std::size_t& i, std::string& word) {
    // What follows a closing quote must be a blank or the end of the line.
    const auto closes = [&](std::size_t quote) {
        return quote + 1 >= line.size() || is_blank(line[quote + 1]);
    };
    enum class Mode { plain, double_quoted, single_quoted } mode = Mode::plain;
    for (;; ++i) {
        if (i >= line.size()) return mode == Mode::plain;
        const char c = line[i];
        const bool more = i + 1 < line.size();
        if (mode == Mode::double_quoted) {
            if (c == '\\' && i + 3 < line.size() && line[i + 1] == 'x' &&
                hex_value(line[i + 2]) >= 0 && hex_value(line[i + 3]) >= 0) {
                word += static_cast<char>(hex_value(line[i + 2]) * 16 + hex_value(line[i + 3]));
                i += 3;
            } else if (c == '\\' && more) {
                word += escaped(line[++i]);
            } else if (c == '"') {
                if (!closes(i)) return false;
                ++i;
                return true;
            } else {
                word += c;
            }
        } else if (mode == Mode::single_quoted) {
            if (c == '\\' && more && line[i + 1] == '\'') {
                word += '\'';
                ++i;
            } else if (c == '\'') {
                if (!closes(i)) return false;
                ++i;
                return true;
            } else {
                word += c;
            }
        } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
            return true;
        } else if (c == '"') {
            mode = Mode::double_quoted;
        } else if (c == '\'') {
            mode = Mode::single_quoted;
        } else {
            word += c;
        }
    }
}

struct Arity {
    std::string_view name;  // lower case; a container's subcommand as "config|get"
    int words;              // n: exactly n words, -n: at least n
};

// `COMMAND` of redis-server 7.0.15, sorted: every command and container subcommand.
constexpr std::array<Arity, 366> kCommandTable = {{
    {"acl", -2},
    {"acl|cat", -2},
    {"acl|deluser", -3},
    {"acl|dryrun", -4},
    {"acl|genpass", -2},
    {"acl|getuser", 3},
    {"acl|help", 2},
    {"acl|list", 2},
    {"acl|load", 2},
    {"acl|log", -2},
    {"acl|save", 2},
    {"acl|setuser", -3},
    {"acl|users", 2},
    {"acl|whoami", 2},
    {"append", 3},
    {"asking", 1},
    {"auth", -2},
    {"bgrewriteaof", 1},
    {"bgsave", -1},
    {"bitcount", -2},
    {"bitfield", -2},
    {"bitfield_ro", -2},
    {"bitop", -4},
    {"bitpos", -3},
    {"blmove", 6},
    {"blmpop", -5},
    {"blpop", -3},
    {"brpop", -3},
    {"brpoplpush", 4},
    {"bzmpop", -5},
    {"bzpopmax", -3},
    {"bzpopmin", -3},
    {"client", -2},
    {"client|caching", 3},
    {"client|getname", 2},
    {"client|getredir", 2},
    {"client|help", 2},
    {"client|id", 2},
    {"client|info", 2},
    {"client|kill", -3},
    {"client|list", -2},
    {"client|no-evict", 3},
    {"client|pause", -3},
    {"client|reply", 3},
    {"client|setname", 3},
    {"client|tracking", -3},
    {"client|trackinginfo", 2},
    {"client|unblock", -3},
    {"client|unpause", 2},
    {"cluster", -2},
    {"cluster|addslots", -3},
    {"cluster|addslotsrange", -4},
    {"cluster|bumpepoch", 2},
    {"cluster|count-failure-reports", 3},
    {"cluster|countkeysinslot", 3},
    {"cluster|delslots", -3},
    {"cluster|delslotsrange", -4},
    {"cluster|failover", -2},
    {"cluster|flushslots", 2},
    {"cluster|forget", 3},
    {"cluster|getkeysinslot", 4},
    {"cluster|help", 2},
    {"cluster|info", 2},
    {"cluster|keyslot", 3},
    {"cluster|links", 2},
    {"cluster|meet", -4},
    {"cluster|myid", 2},
    {"cluster|nodes", 2},
    {"cluster|replicas", 3},
    {"cluster|replicate", 3},
    {"cluster|reset", -2},
    {"cluster|saveconfig", 2},
    {"cluster|set-config-epoch", 3},
    {"cluster|setslot", -4},
    {"cluster|shards", 2},
    {"cluster|slaves", 3},
    {"cluster|slots", 2},
    {"command", -1},
    {"command|count", 2},
    {"command|docs", -2},
    {"command|getkeys", -4},
    {"command|getkeysandflags", -4},
    {"command|help", 2},
    {"command|info", -2},
    {"command|list", -2},
    {"config", -2},
    {"config|get", -3},
    {"config|help", 2},
    {"config|resetstat", 2},
    {"config|rewrite", 2},
    {"config|set", -4},
    {"copy", -3},
    {"dbsize", 1},
    {"debug", -2},
    {"decr", 2},
    {"decrby", 3},
    {"del", -2},
    {"discard", 1},
    {"dump", 2},
    {"echo", 2},
    {"eval", -3},
    {"eval_ro", -3},
    {"evalsha", -3},
    {"evalsha_ro", -3},
    {"exec", 1},
    {"exists", -2},
    {"expire", -3},
    {"expireat", -3},
    {"expiretime", 2},
    {"failover", -1},
    {"fcall", -3},
    {"fcall_ro", -3},
    {"flushall", -1},
    {"flushdb", -1},
    {"function", -2},
    {"function|delete", 3},
    {"function|dump", 2},
    {"function|flush", -2},
    {"function|help", 2},
    {"function|kill", 2},
    {"function|list", -2},
    {"function|load", -3},
    {"function|restore", -3},
    {"function|stats", 2},
    {"geoadd", -5},
    {"geodist", -4},
    {"geohash", -2},
    {"geopos", -2},
    {"georadius", -6},
    {"georadius_ro", -6},
    {"georadiusbymember", -5},
    {"georadiusbymember_ro", -5},
    {"geosearch", -7},
    {"geosearchstore", -8},
    {"get", 2},
    {"getbit", 3},
    {"getdel", 2},
    {"getex", -2},
    {"getrange", 4},
    {"getset", 3},
    {"hdel", -3},
    {"hello", -1},
    {"hexists", 3},
    {"hget", 3},
    {"hgetall", 2},
    {"hincrby", 4},
    {"hincrbyfloat", 4},
    {"hkeys", 2},
    {"hlen", 2},
    {"hmget", -3},
    {"hmset", -4},
    {"hrandfield", -2},
    {"hscan", -3},
    {"hset", -4},
    {"hsetnx", 4},
    {"hstrlen", 3},
    {"hvals", 2},
    {"incr", 2},
    {"incrby", 3},
    {"incrbyfloat", 3},
    {"info", -1},
    {"keys", 2},
    {"lastsave", 1},
    {"latency", -2},
    {"latency|doctor", 2},
    {"latency|graph", 3},
    {"latency|help", 2},
    {"latency|histogram", -2},
    {"latency|history", 3},
    {"latency|latest", 2},
    {"latency|reset", -2},
    {"lcs", -3},
    {"lindex", 3},
    {"linsert", 5},
    {"llen", 2},
    {"lmove", 5},
    {"lmpop", -4},
    {"lolwut", -1},
    {"lpop", -2},
    {"lpos", -3},
    {"lpush", -3},
    {"lpushx", -3},
    {"lrange", 4},
    {"lrem", 4},
    {"lset", 4},
    {"ltrim", 4},
    {"memory", -2},
    {"memory|doctor", 2},
    {"memory|help", 2},
    {"memory|malloc-stats", 2},
    {"memory|purge", 2},
    {"memory|stats", 2},
    {"memory|usage", -3},
    {"mget", -2},
    {"migrate", -6},
    {"module", -2},
    {"module|help", 2},
    {"module|list", 2},
    {"module|load", -3},
    {"module|loadex", -3},
    {"module|unload", 3},
    {"monitor", 1},
    {"move", 3},
    {"mset", -3},
    {"msetnx", -3},
    {"multi", 1},
    {"object", -2},
    {"object|encoding", 3},
    {"object|freq", 3},
    {"object|help", 2},
    {"object|idletime", 3},
    {"object|refcount", 3},
    {"persist", 2},
    {"pexpire", -3},
    {"pexpireat", -3},
    {"pexpiretime", 2},
    {"pfadd", -2},
    {"pfcount", -2},
    {"pfdebug", 3},
    {"pfmerge", -2},
    {"pfselftest", 1},
    {"ping", -1},
    {"psetex", 4},
    {"psubscribe", -2},
    {"psync", -3},
    {"pttl", 2},
    {"publish", 3},
    {"pubsub", -2},
    {"pubsub|channels", -2},
    {"pubsub|help", 2},
    {"pubsub|numpat", 2},
    {"pubsub|numsub", -2},
    {"pubsub|shardchannels", -2},
    {"pubsub|shardnumsub", -2},
    {"punsubscribe", -1},
    {"quit", -1},
    {"randomkey", 1},
    {"readonly", 1},
    {"readwrite", 1},
    {"rename", 3},
    {"renamenx", 3},
    {"replconf", -1},
    {"replicaof", 3},
    {"reset", 1},
    {"restore", -4},
    {"restore-asking", -4},
    {"role", 1},
    {"rpop", -2},
    {"rpoplpush", 3},
    {"rpush", -3},
    {"rpushx", -3},
    {"sadd", -3},
    {"save", 1},
    {"scan", -2},
    {"scard", 2},
    {"script", -2},
    {"script|debug", 3},
    {"script|exists", -3},
    {"script|flush", -2},
    {"script|help", 2},
    {"script|kill", 2},
    {"script|load", 3},
    {"sdiff", -2},
    {"sdiffstore", -3},
    {"select", 2},
    {"set", -3},
    {"setbit", 4},
    {"setex", 4},
    {"setnx", 3},
    {"setrange", 4},
    {"shutdown", -1},
    {"sinter", -2},
    {"sintercard", -3},
    {"sinterstore", -3},
    {"sismember", 3},
    {"slaveof", 3},
    {"slowlog", -2},
    {"slowlog|get", -2},
    {"slowlog|help", 2},
    {"slowlog|len", 2},
    {"slowlog|reset", 2},
    {"smembers", 2},
    {"smismember", -3},
    {"smove", 4},
    {"sort", -2},
    {"sort_ro", -2},
    {"spop", -2},
    {"spublish", 3},
    {"srandmember", -2},
    {"srem", -3},
    {"sscan", -3},
    {"ssubscribe", -2},
    {"strlen", 2},
    {"subscribe", -2},
    {"substr", 4},
    {"sunion", -2},
    {"sunionstore", -3},
    {"sunsubscribe", -1},
    {"swapdb", 3},
    {"sync", 1},
    {"time", 1},
    {"touch", -2},
    {"ttl", 2},
    {"type", 2},
    {"unlink", -2},
    {"unsubscribe", -1},
    {"unwatch", 1},
    {"wait", 3},
    {"watch", -2},
    {"xack", -4},
    {"xadd", -5},
    {"xautoclaim", -6},
    {"xclaim", -6},
    {"xdel", -3},
    {"xgroup", -2},
    {"xgroup|create", -5},
    {"xgroup|createconsumer", 5},
    {"xgroup|delconsumer", 5},
    {"xgroup|destroy", 4},
    {"xgroup|help", 2},
    {"xgroup|setid", -5},
    {"xinfo", -2},
    {"xinfo|consumers", 4},
    {"xinfo|groups", 3},
    {"xinfo|help", 2},
    {"xinfo|stream", -3},
    {"xlen", 2},
    {"xpending", -3},
    {"xrange", -4},
    {"xread", -4},
    {"xreadgroup", -7},
    {"xrevrange", -4},
    {"xsetid", -3},
    {"xtrim", -4},
    {"zadd", -4},
    {"zcard", 2},
    {"zcount", 4},
    {"zdiff", -3},
    {"zdiffstore", -4},
    {"zincrby", 4},
    {"zinter", -3},
    {"zintercard", -3},
    {"zinterstore", -4},
    {"zlexcount", 4},
    {"zmpop", -4},
    {"zmscore", -3},
    {"zpopmax", -2},
    {"zpopmin", -2},
    {"zrandmember", -2},
    {"zrange", -4},
    {"zrangebylex", -4},
    {"zrangebyscore", -4},
    {"zrangestore", -5},
    {"zrank", 3},
    {"zrem", -3},
    {"zremrangebylex", 4},
    {"zremrangebyrank", 4},
    {"zremrangebyscore", 4},
    {"zrevrange", -4},
    {"zrevrangebylex", -4},
    {"zrevrangebyscore", -4},
    {"zrevrank", 3},
    {"zscan", -3},
    {"zscore", 3},
    {"zunion", -3},
    {"zunionstore", -4},
}};

std::optional<int> arity_of(std::string_view name) {
    const auto it = std::lower_bound(kCommandTable.begin(), kCommandTable.end(), name,
                                     [](const Arity& a, std::string_view n) { return a.name < n; });
    if (it == kCommandTable.end() || it->name != name) return std::nullopt;
    return it->words;
}

bool fits(int arity, std::size_t words) {
    return arity > 0 ? words == static_cast<std::size_t>(arity)
                     : words >= static_cast<std::size_t>(-arity);
}

bool is_container(std::string_view name) {
    const std::string prefix = std::string(name) + "|";
    const auto it = std::lower_bound(kCommandTable.begin(), kCommandTable.end(), prefix,
                                     [](const Arity& a, std::string_view n) { return a.name < n; });
    return it != kCommandTable.end() && it->name.starts_with(prefix);
}

}  // namespace

std::optional<std::vector<std::string>> split_inline(std::string_view line) {
    line = line.substr(0, line.find('\0'));
    std::vector<std::string> words;
    std::size_t i = 0;
    for (;;) {
        while (i < line.size() && is_blank(line[i])) ++i;
        if (i >= line.size()) return words;
        std::string word;
        if (!next_word(line, i, word)) return std::nullopt;
        words.push_back(std::move(word));
    }
}

std::optional<std::int64_t> parse_integer(std::string_view text) {
    if (text == "0") return 0;
    const bool negative = !text.empty() && text[0] == '-';
    if (negative) text.remove_prefix(1);
    if (text.empty() || text.size() > 20 || text[0] < '1' || text[0] > '9') return std::nullopt;
    std::uint64_t value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        const std::uint64_t digit = static_cast<std::uint64_t>(c - '0');
        if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return std::nullopt;
        value = value * 10 + digit;
    }
    constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    if (negative) {
        if (value > kMax + 1) return std::nullopt;
        return value == kMax + 1 ? std::numeric_limits<std::int64_t>::min()
                                 : -static_cast<std::int64_t>(value);
    }
    if (value > kMax) return std::nullopt;
    return static_cast<std::int64_t>(value);
}

std::string error_reply(std::string_view message) {
    std::string out = "-ERR ";
    for (const char c : message) out += c == '\r' || c == '\n' ? ' ' : c;
    return out + "\r\n";
}

std::string unknown_command(const std::vector<std::string>& args) {
    // printf's %.128s: at most 128 bytes, and a C string ends at its first NUL.
    const auto c_string = [](std::string_view s, std::size_t max) {
        return std::string(s.substr(0, std::min(s.find('\0'), max)));
    };
    std::string listed;
    for (std::size_t i = 1; i < args.size() && listed.size() < 128; ++i)
        listed += "'" + c_string(args[i], 128 - listed.size()) + "' ";
    return "unknown command '" + c_string(args.empty() ? "" : args[0], 128) +
           "', with args beginning with: " + listed;
}

std::optional<std::string> command_rejection(const std::vector<std::string>& args) {
    const std::string name = ascii_lower(args[0]);
    std::string full = name;
    // A container with a subcommand is looked up as "name|sub" (with one word, as itself).
    if (args.size() >= 2 && is_container(name)) {
        full += "|" + ascii_lower(args[1]);
        if (!arity_of(full))
            return error_reply("unknown subcommand '" + args[1].substr(0, 128) + "'. Try " +
                               ascii_upper(name) + " HELP.");
    }
    const auto arity = arity_of(full);
    if (!arity) return error_reply(unknown_command(args));
    if (!fits(*arity, args.size()))
        return error_reply("wrong number of arguments for '" + full + "' command");
    return std::nullopt;
}

}  // namespace decnet::honeypot::redis
