#include "honeypot/services/mongodb/mongodb_commands.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <ctime>

#include "core/text.hpp"

namespace decnet::honeypot::mongodb {
namespace {

using bson::Document;
using bson::Value;

constexpr std::size_t kLoggedDocuments = 4096;
constexpr std::size_t kBatch = 101;  // find's default first batch

int major_of(std::string_view version) {
    return std::atoi(std::string(version).c_str());
}

int minor_of(std::string_view version) {
    const auto dot = version.find('.');
    return dot == std::string_view::npos ? 0
                                         : std::atoi(std::string(version.substr(dot + 1)).c_str());
}

std::uint64_t fnv(std::string_view text) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (const char c : text) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    return h;
}

std::int64_t parse_datetime_ms(std::string_view text) {
    std::tm tm{};
    if (text.size() < 19 || !strptime(std::string(text).c_str(), "%Y-%m-%d %H:%M:%S", &tm))
        return 0;
    return static_cast<std::int64_t>(timegm(&tm)) * 1000;
}

Document unauthorized(std::string_view name) {
    return error_reply(13, "Unauthorized",
                       "command " + std::string(name) + " requires authentication");
}

// The string value of `name` in `body`, "" when absent or not a string.
std::string text_of(const Document& body, std::string_view name) {
    const auto* v = body.find(name);
    return v && v->is_string() ? v->bytes : std::string();
}

const DbSchema* find_schema(const Server& server, std::string_view db) {
    for (const auto& s : server.databases)
        if (s.name == db) return &s;
    return nullptr;
}

const DbTable* find_table(const DbSchema* schema, std::string_view name) {
    if (!schema) return nullptr;
    for (const auto& t : schema->tables)
        if (t.name == name) return &t;
    return nullptr;
}

// The system databases every mongod has, with their collections.
struct SystemDb {
    std::string_view name;
    std::int64_t size;
    std::array<std::string_view, 2> collections;
};
constexpr SystemDb kSystemDbs[] = {
    {"admin", 40960, {"system.version", ""}},
    {"config", 61440, {"system.sessions", ""}},
    {"local", 73728, {"startup_log", ""}},
};

std::int64_t schema_size(const DbSchema& schema) {
    std::int64_t rows = 0;
    for (const auto& t : schema.tables) rows += static_cast<std::int64_t>(t.rows.size());
    return 8192 * static_cast<std::int64_t>(schema.tables.size() * 2) + 4096 * ((rows + 7) / 8);
}

// ---- filters and projections over bait documents ----------------------------------------

bool equal_values(const Value& a, const Value& b) {
    const auto na = a.as_number(), nb = b.as_number();
    if (na && nb && a.type != bson::Type::boolean && b.type != bson::Type::boolean)
        return *na == *nb;
    if (a.type != b.type) return false;
    return a.bytes == b.bytes && a.integer == b.integer && a.number == b.number;
}

// Equality on top-level fields; an operator expression ({$gt: …}, {$regex: …}) or a
// dotted path matches anything (the bait is small; the attacker sees rows either way).
bool matches(const Document& doc, const Document& filter) {
    for (const auto& [name, wanted] : filter.elements) {
        if (name.starts_with('$') || name.find('.') != std::string::npos) continue;
        if (wanted.is_document() && !wanted.document.empty() &&
            wanted.document.elements.front().name.starts_with('$'))
            continue;
        const auto* have = doc.find(name);
        if (!have) {
            if (wanted.type == bson::Type::null) continue;
            return false;
        }
        if (!equal_values(*have, wanted)) return false;
    }
    return true;
}

Document project(const Document& doc, const Document* projection) {
    if (!projection || projection->empty()) return doc;
    bool inclusion = false;
    bool keep_id = true;
    for (const auto& [name, v] : projection->elements) {
        if (name == "_id") {
            keep_id = v.truthy();
            continue;
        }
        if (v.truthy() || v.is_string() || v.is_document()) inclusion = true;
    }
    Document out;
    for (const auto& e : doc.elements) {
        if (e.name == "_id") {
            if (keep_id) out.elements.push_back(e);
            continue;
        }
        const auto* p = projection->find(e.name);
        const bool listed = p && (p->truthy() || p->is_string() || p->is_document());
        if (inclusion ? listed : !(p && !p->truthy())) out.elements.push_back(e);
    }
    return out;
}

std::int64_t integer_option(const Document& body, std::string_view name) {
    const auto* v = body.find(name);
    const auto n = v ? v->as_number() : std::nullopt;
    if (!n || !std::isfinite(*n)) return 0;
    return static_cast<std::int64_t>(std::clamp(*n, -1e12, 1e12));
}

std::vector<Document> select(const Server& server, std::string_view db, std::string_view coll,
                             const Document* filter, std::int64_t skip, std::int64_t limit) {
    std::vector<Document> out;
    const auto* schema = find_schema(server, db);
    const auto* table = find_table(schema, coll);
    if (!table) return out;
    std::int64_t skipped = 0;
    for (auto& doc : table_documents(*schema, *table, server.started_ms)) {
        if (filter && !matches(doc, *filter)) continue;
        if (skipped++ < skip) continue;
        out.push_back(std::move(doc));
        if (limit > 0 && static_cast<std::int64_t>(out.size()) >= limit) break;
    }
    return out;
}

Value cursor(std::string_view ns, std::vector<Document> batch, bool first_batch_first = true) {
    std::vector<Value> items;
    for (auto& d : batch) items.push_back(Value::doc(std::move(d)));
    Document c;
    if (first_batch_first) {
        c.add("firstBatch", Value::array(std::move(items)))
            .add("id", Value::i64(0))
            .add("ns", Value::str(std::string(ns)));
    } else {
        c.add("id", Value::i64(0))
            .add("ns", Value::str(std::string(ns)))
            .add("firstBatch", Value::array(std::move(items)));
    }
    return Value::doc(std::move(c));
}

// ---- the commands --------------------------------------------------------------------------

Document hello(const Server& server, const Connection& c, const Command& cmd, std::string_view name,
               std::int64_t now_ms) {
    Document topology;
    topology.add("processId", Value::oid(server.process_id)).add("counter", Value::i64(0));
    Document d;
    d.add("topologyVersion", Value::doc(std::move(topology)));
    if (name == "hello")
        d.add("isWritablePrimary", Value::boolean(true));
    else
        d.add("ismaster", Value::boolean(true));
    d.add("maxBsonObjectSize", Value::i32(16777216))
        .add("maxMessageSizeBytes", Value::i32(kMaxMessage))
        .add("maxWriteBatchSize", Value::i32(100000))
        .add("localTime", Value::date(now_ms))
        .add("logicalSessionTimeoutMinutes", Value::i32(30))
        .add("connectionId", Value::i32(c.id))
        .add("minWireVersion", Value::i32(0))
        .add("maxWireVersion", Value::i32(server.wire_version))
        .add("readOnly", Value::boolean(false));
    if (const auto* ok = cmd.body.find("helloOk"); ok && ok->truthy())
        d.add("helloOk", Value::boolean(true));
    // saslSupportedMechs: "<db>.<user>": the mechanisms that user has (both, by default).
    if (const auto* mechs = cmd.body.find("saslSupportedMechs"); mechs && mechs->is_string())
        d.add("saslSupportedMechs",
              Value::array({Value::str("SCRAM-SHA-1"), Value::str("SCRAM-SHA-256")}));
    return ok_reply(std::move(d));
}

Document build_info(const Server& server) {
    const int major = major_of(server.version), minor = minor_of(server.version);
    int patch = 0;
    if (const auto second = server.version.find('.', server.version.find('.') + 1);
        second != std::string::npos)
        patch = std::atoi(server.version.c_str() + second + 1);
    const bool v4 = server.wire_version >= 21;  // 7.0+: toolchain v4
    const std::string cc = v4 ? "/opt/mongodbtoolchain/v4/bin/gcc: gcc (GCC) 11.3.0"
                              : "/opt/mongodbtoolchain/v3/bin/gcc: gcc (GCC) 8.5.0";
    const std::string cxx = v4 ? "/opt/mongodbtoolchain/v4/bin/g++: g++ (GCC) 11.3.0"
                               : "/opt/mongodbtoolchain/v3/bin/g++: g++ (GCC) 8.5.0";
    Document openssl;
    openssl.add("running", Value::str(server.openssl)).add("compiled", Value::str(server.openssl));
    Document env;
    env.add("distmod", Value::str(server.distmod))
        .add("distarch", Value::str("x86_64"))
        .add("cc", Value::str(cc))
        .add("ccflags", Value::str("-Werror -include mongo/platform/basic.h -ffp-contract=off "
                                   "-fasynchronous-unwind-tables -ggdb -Wall -Wsign-compare "
                                   "-Wno-unknown-pragmas -Winvalid-pch -gdwarf-5 -fno-omit-frame-"
                                   "pointer -fno-strict-aliasing -O2 -march=sandybridge "
                                   "-mtune=generic -mprefer-vector-width=128 -Wno-unused-local-"
                                   "typedefs -Wno-unused-function -Wno-deprecated-declarations "
                                   "-fno-builtin-memcmp -Wimplicit-fallthrough=5"))
        .add("cxx", Value::str(cxx))
        .add("cxxflags", Value::str("-Woverloaded-virtual -Wpessimizing-move -Wno-maybe-"
                                    "uninitialized -fsized-deallocation -std=c++17"))
        .add("linkflags", Value::str("-Wl,--fatal-warnings -B/opt/mongodbtoolchain/v" +
                                     std::string(v4 ? "4" : "3") +
                                     "/bin -gdwarf-5 -pthread -Wl,-z,now -fuse-ld=lld -fstack-"
                                     "protector-strong -gdwarf64 -Wl,--build-id -Wl,--hash-"
                                     "style=gnu -Wl,-z,noexecstack -Wl,--warn-execstack -Wl,-z,"
                                     "relro -Wl,--compress-debug-sections=none -Wl,-z,origin "
                                     "-Wl,--enable-new-dtags"))
        .add("target_arch", Value::str("x86_64"))
        .add("target_os", Value::str("linux"))
        .add(
            "cppdefines",
            Value::str("SAFEINT_USE_INTRINSICS 0 PCRE2_STATIC NDEBUG _XOPEN_SOURCE 700 "
                       "_GNU_SOURCE _FORTIFY_SOURCE 2 ABSL_FORCE_ALIGNED_ACCESS "
                       "BOOST_ENABLE_ASSERT_DEBUG_HANDLER BOOST_FILESYSTEM_NO_CXX20_ATOMIC_REF "
                       "BOOST_LOG_NO_SHORTHAND_NAMES BOOST_LOG_USE_NATIVE_SYSLOG "
                       "BOOST_LOG_WITHOUT_THREAD_ATTR BOOST_MATH_NO_LONG_DOUBLE_MATH_FUNCTIONS "
                       "BOOST_SYSTEM_NO_DEPRECATED BOOST_THREAD_USES_DATETIME BOOST_THREAD_VERSION "
                       "5"));
    std::vector<Value> engines;
    if (server.wire_version <= 9) engines.push_back(Value::str("biggie"));
    engines.push_back(Value::str("devnull"));
    if (server.wire_version <= 17) engines.push_back(Value::str("ephemeralForTest"));
    engines.push_back(Value::str("wiredTiger"));
    Document d;
    d.add("version", Value::str(server.version))
        .add("gitVersion", Value::str(server.git_version))
        .add("openssl", Value::doc(std::move(openssl)))
        .add("modules", Value::array({}))
        .add("allocator", Value::str("tcmalloc"))
        .add("javascriptEngine", Value::str("mozjs"))
        .add("sysInfo", Value::str("deprecated"))
        .add("versionArray",
             Value::array({Value::i32(major), Value::i32(minor), Value::i32(patch), Value::i32(0)}))
        .add("bits", Value::i32(64))
        .add("debug", Value::boolean(false))
        .add("maxBsonObjectSize", Value::i32(16777216))
        .add("buildEnvironment", Value::doc(std::move(env)))
        .add("storageEngines", Value::array(std::move(engines)));
    return ok_reply(std::move(d));
}

Document list_databases(const Server& server, const Command& cmd) {
    const bool name_only = cmd.body.find("nameOnly") && cmd.body.find("nameOnly")->truthy();
    std::vector<std::pair<std::string, std::int64_t>> dbs;
    for (const auto& s : kSystemDbs) dbs.emplace_back(std::string(s.name), s.size);
    for (const auto& s : server.databases) dbs.emplace_back(s.name, schema_size(s));
    std::sort(dbs.begin(), dbs.end());
    std::vector<Value> items;
    std::int64_t total = 0;
    for (const auto& [name, size] : dbs) {
        Document d;
        d.add("name", Value::str(name));
        if (!name_only) d.add("sizeOnDisk", Value::i64(size)).add("empty", Value::boolean(false));
        items.push_back(Value::doc(std::move(d)));
        total += size;
    }
    Document d;
    d.add("databases", Value::array(std::move(items)));
    if (!name_only)
        d.add("totalSize", Value::i64(total)).add("totalSizeMb", Value::i64(total / (1024 * 1024)));
    return ok_reply(std::move(d));
}

Document collection_entry(const Server& server, std::string_view db, std::string_view name,
                          bool name_only) {
    Document d;
    d.add("name", Value::str(std::string(name))).add("type", Value::str("collection"));
    if (name_only) return d;
    Document info;
    std::string uuid(16, '\0');
    auto h = fnv(std::string(db) + "." + std::string(name) + server.hostname);
    for (int i = 0; i < 16; ++i) {
        if (i == 8) h = fnv(std::to_string(h));
        uuid[i] = static_cast<char>((h >> (8 * (i % 8))) & 0xff);
    }
    uuid[6] = static_cast<char>((uuid[6] & 0x0f) | 0x40);
    uuid[8] = static_cast<char>((uuid[8] & 0x3f) | 0x80);
    info.add("readOnly", Value::boolean(false)).add("uuid", Value::binary(uuid, 4));
    Document key;
    key.add("_id", Value::i32(1));
    Document index;
    index.add("v", Value::i32(2))
        .add("key", Value::doc(std::move(key)))
        .add("name", Value::str("_id_"));
    d.add("options", Value::doc({})).add("info", Value::doc(std::move(info)));
    d.add("idIndex", Value::doc(std::move(index)));
    return d;
}

Document list_collections(const Server& server, const Command& cmd) {
    const bool name_only = cmd.body.find("nameOnly") && cmd.body.find("nameOnly")->truthy();
    std::vector<std::string> names;
    for (const auto& s : kSystemDbs)
        if (s.name == cmd.database)
            for (const auto c : s.collections)
                if (!c.empty()) names.emplace_back(c);
    if (const auto* schema = find_schema(server, cmd.database))
        for (const auto& t : schema->tables) names.push_back(t.name);
    std::string wanted;
    if (const auto* filter = cmd.body.find("filter"); filter && filter->is_document())
        wanted = text_of(filter->document, "name");
    std::vector<Document> batch;
    for (const auto& n : names)
        if (wanted.empty() || wanted == n)
            batch.push_back(collection_entry(server, cmd.database, n, name_only));
    Document d;
    d.add("cursor", cursor(cmd.database + ".$cmd.listCollections", std::move(batch), false));
    return ok_reply(std::move(d));
}

Document find(const Server& server, const Command& cmd, const std::string& coll) {
    const auto* filter = cmd.body.find("filter");
    const auto* projection = cmd.body.find("projection");
    auto limit = std::abs(integer_option(cmd.body, "limit"));
    if (limit == 0 || limit > static_cast<std::int64_t>(kBatch)) limit = kBatch;
    auto docs = select(server, cmd.database, coll,
                       filter && filter->is_document() ? &filter->document : nullptr,
                       std::max<std::int64_t>(0, integer_option(cmd.body, "skip")), limit);
    for (auto& d : docs)
        d = project(d, projection && projection->is_document() ? &projection->document : nullptr);
    Document out;
    out.add("cursor", cursor(cmd.database + "." + coll, std::move(docs)));
    return ok_reply(std::move(out));
}

Document count(const Server& server, const Command& cmd, const std::string& coll) {
    const auto* query = cmd.body.find("query");
    const auto docs = select(server, cmd.database, coll,
                             query && query->is_document() ? &query->document : nullptr,
                             std::max<std::int64_t>(0, integer_option(cmd.body, "skip")),
                             std::max<std::int64_t>(0, integer_option(cmd.body, "limit")));
    Document d;
    d.add("n", Value::i32(static_cast<std::int32_t>(docs.size())));
    return ok_reply(std::move(d));
}

// $match, $skip, $limit, $project, $count and a $group counting documents ({$sum: 1}): what
// count_documents, estimated counts and a quick look need. Other stages pass documents on.
Document aggregate(const Server& server, const Command& cmd, const std::string& coll) {
    std::vector<Document> docs = select(server, cmd.database, coll, nullptr, 0, 0);
    const auto* pipeline = cmd.body.find("pipeline");
    if (pipeline && pipeline->is_array()) {
        for (const auto* stage : pipeline->items()) {
            if (!stage->is_document() || stage->document.empty()) continue;
            const auto& op = stage->document.elements.front().name;
            const auto& arg = stage->document.elements.front().value;
            if (op == "$match" && arg.is_document()) {
                std::erase_if(docs, [&](const Document& d) { return !matches(d, arg.document); });
            } else if (op == "$skip" || op == "$limit") {
                const auto n =
                    static_cast<std::size_t>(std::clamp(arg.as_number().value_or(0), 0.0, 1e9));
                if (op == "$skip")
                    docs.erase(docs.begin(), docs.begin() + static_cast<std::ptrdiff_t>(
                                                                std::min(n, docs.size())));
                else if (n < docs.size())
                    docs.resize(n);
            } else if (op == "$project" && arg.is_document()) {
                for (auto& d : docs) d = project(d, &arg.document);
            } else if (op == "$count" && arg.is_string()) {
                Document c;
                c.add(arg.bytes, Value::i32(static_cast<std::int32_t>(docs.size())));
                docs = {};
                if (c.elements.front().value.integer > 0) docs.push_back(std::move(c));
            } else if (op == "$group" && arg.is_document()) {
                Document g;
                for (const auto& [field, expr] : arg.document.elements) {
                    if (field == "_id") {
                        g.add("_id", expr);
                    } else if (expr.is_document() && expr.document.find("$sum")) {
                        const auto per = expr.document.find("$sum")->as_number().value_or(0);
                        g.add(field, Value::i32(static_cast<std::int32_t>(
                                         per * static_cast<double>(docs.size()))));
                    }
                }
                const bool any = !docs.empty();
                docs = {};
                if (any) docs.push_back(std::move(g));
            }
        }
    }
    if (docs.size() > kBatch) docs.resize(kBatch);
    Document out;
    out.add("cursor", cursor(cmd.database + "." + coll, std::move(docs)));
    return ok_reply(std::move(out));
}

Document distinct(const Server& server, const Command& cmd, const std::string& coll) {
    const auto key = text_of(cmd.body, "key");
    const auto* query = cmd.body.find("query");
    std::vector<Value> values;
    for (const auto& d : select(server, cmd.database, coll,
                                query && query->is_document() ? &query->document : nullptr, 0, 0)) {
        const auto* v = d.find(key);
        if (!v) continue;
        if (std::none_of(values.begin(), values.end(),
                         [&](const Value& seen) { return equal_values(seen, *v); }))
            values.push_back(*v);
    }
    Document out;
    out.add("values", Value::array(std::move(values)));
    return ok_reply(std::move(out));
}

Document host_info(const Server& server, std::int64_t now_ms) {
    Document system;
    system.add("currentTime", Value::date(now_ms))
        .add("hostname", Value::str(server.hostname))
        .add("cpuAddrSize", Value::i32(64))
        .add("memSizeMB", Value::i64(server.mem_mb))
        .add("memLimitMB", Value::i64(server.mem_mb))
        .add("numCores", Value::i32(server.cores))
        .add("numPhysicalCores", Value::i32(server.cores))
        .add("numCpuSockets", Value::i32(1))
        .add("cpuArch", Value::str("x86_64"))
        .add("numaEnabled", Value::boolean(false))
        .add("numNumaNodes", Value::i32(1));
    Document os;
    os.add("type", Value::str("Linux"))
        .add("name", Value::str(server.os_name))
        .add("version", Value::str(server.os_version));
    Document extra;
    extra.add("versionString", Value::str("Linux version " + server.kernel))
        .add("kernelVersion", Value::str(server.kernel))
        .add("pageSize", Value::i64(4096))
        .add("numPages", Value::i32(static_cast<std::int32_t>(server.mem_mb * 256)))
        .add("maxOpenFiles", Value::i32(64000));
    Document d;
    d.add("system", Value::doc(std::move(system)))
        .add("os", Value::doc(std::move(os)))
        .add("extra", Value::doc(std::move(extra)));
    return ok_reply(std::move(d));
}

std::string iso_ms(std::int64_t ms) {
    const std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    char frac[16];
    std::snprintf(frac, sizeof frac, ".%03d+00:00", static_cast<int>(ms % 1000));
    return std::string(buf) + frac;
}

Document get_log(const Server& server, const Command& cmd) {
    const auto which = text_of(cmd.body, "getLog");
    if (which == "*") {
        Document d;
        d.add("names", Value::array({Value::str("global"), Value::str("startupWarnings")}));
        return ok_reply(std::move(d));
    }
    if (which != "global" && which != "startupWarnings")
        return error_reply(0, "", "no RamLog named: " + which);
    std::vector<Value> lines;
    const auto at = iso_ms(server.started_ms + 812);
    if (!server.auth)
        lines.push_back(Value::str(
            "{\"t\":{\"$date\":\"" + at +
            "\"},\"s\":\"W\",  \"c\":\"CONTROL\",  \"id\":22120,   \"ctx\":\"initandlisten\","
            "\"msg\":\"Access control is not enabled for the database. Read and write access to "
            "data and configuration is unrestricted\",\"tags\":[\"startupWarnings\"]}"));
    lines.push_back(Value::str(
        "{\"t\":{\"$date\":\"" + at +
        "\"},\"s\":\"W\",  \"c\":\"CONTROL\",  \"id\":22178,   \"ctx\":\"initandlisten\","
        "\"msg\":\"/sys/kernel/mm/transparent_hugepage/enabled is 'always'. We suggest setting "
        "it to 'never'\",\"tags\":[\"startupWarnings\"]}"));
    Document d;
    d.add("totalLinesWritten", Value::i32(static_cast<std::int32_t>(lines.size())))
        .add("log", Value::array(std::move(lines)));
    return ok_reply(std::move(d));
}

Document server_status(const Server& server, const Connection& c, std::int64_t now_ms) {
    const auto up = std::max<std::int64_t>(0, now_ms - server.started_ms);
    Document connections;
    connections.add("current", Value::i32(3))
        .add("available", Value::i32(51197))
        .add("totalCreated", Value::i32(c.id))
        .add("active", Value::i32(1));
    Document d;
    d.add("host", Value::str(server.hostname))
        .add("version", Value::str(server.version))
        .add("process", Value::str("mongod"))
        .add("pid", Value::i64(static_cast<std::int64_t>(700 + fnv(server.hostname) % 900)))
        .add("uptime", Value::dbl(static_cast<double>(up / 1000)))
        .add("uptimeMillis", Value::i64(up))
        .add("uptimeEstimate", Value::i64(up / 1000))
        .add("localTime", Value::date(now_ms))
        .add("connections", Value::doc(std::move(connections)));
    return ok_reply(std::move(d));
}

Document cmd_line_opts(const Server& server) {
    Document net;
    net.add("bindIp", Value::str("0.0.0.0")).add("port", Value::i32(27017));
    Document storage;
    storage.add("dbPath", Value::str("/var/lib/mongodb"));
    Document log;
    log.add("destination", Value::str("file"))
        .add("logAppend", Value::boolean(true))
        .add("path", Value::str("/var/log/mongodb/mongod.log"));
    Document pm;
    pm.add("timeZoneInfo", Value::str("/usr/share/zoneinfo"));
    Document parsed;
    parsed.add("config", Value::str("/etc/mongod.conf"))
        .add("net", Value::doc(std::move(net)))
        .add("processManagement", Value::doc(std::move(pm)));
    if (server.auth) {
        Document security;
        security.add("authorization", Value::str("enabled"));
        parsed.add("security", Value::doc(std::move(security)));
    }
    parsed.add("storage", Value::doc(std::move(storage)))
        .add("systemLog", Value::doc(std::move(log)));
    Document d;
    d.add("argv", Value::array({Value::str("/usr/bin/mongod"), Value::str("--config"),
                                Value::str("/etc/mongod.conf")}))
        .add("parsed", Value::doc(std::move(parsed)));
    return ok_reply(std::move(d));
}

Document connection_status(const Connection& c) {
    std::vector<Value> users, roles;
    if (c.authenticated) {
        Document u;
        u.add("user", Value::str(c.user)).add("db", Value::str(c.user_db));
        users.push_back(Value::doc(std::move(u)));
        Document r;
        r.add("role", Value::str("root")).add("db", Value::str("admin"));
        roles.push_back(Value::doc(std::move(r)));
    }
    Document info;
    info.add("authenticatedUsers", Value::array(std::move(users)))
        .add("authenticatedUserRoles", Value::array(std::move(roles)));
    Document d;
    d.add("authInfo", Value::doc(std::move(info)));
    return ok_reply(std::move(d));
}

Document db_stats(const Server& server, const Command& cmd) {
    const auto* schema = find_schema(server, cmd.database);
    std::int64_t objects = 0;
    std::int32_t collections = 0;
    if (schema) {
        collections = static_cast<std::int32_t>(schema->tables.size());
        for (const auto& t : schema->tables) objects += static_cast<std::int64_t>(t.rows.size());
    }
    const std::int64_t data = objects * 212;
    Document d;
    d.add("db", Value::str(cmd.database))
        .add("collections", Value::i64(collections))
        .add("views", Value::i64(0))
        .add("objects", Value::i64(objects))
        .add("avgObjSize", Value::dbl(objects ? 212.0 : 0.0))
        .add("dataSize", Value::dbl(static_cast<double>(data)))
        .add("storageSize", Value::dbl(schema ? static_cast<double>(schema_size(*schema)) : 0.0))
        .add("indexes", Value::i64(collections))
        .add("indexSize", Value::dbl(4096.0 * collections))
        .add("totalSize", Value::dbl(schema ? schema_size(*schema) + 4096.0 * collections : 0.0))
        .add("scaleFactor", Value::i64(1))
        .add("fsUsedSize", Value::dbl(21474836480.0))
        .add("fsTotalSize", Value::dbl(105089261568.0));
    return ok_reply(std::move(d));
}

Document no_such_command(std::string_view name) {
    return error_reply(59, "CommandNotFound", "no such command: '" + std::string(name) + "'");
}

struct Alias {
    std::string_view sent, canonical;
};
constexpr Alias kCommands[] = {
    {"hello", "hello"},
    {"isMaster", "isMaster"},
    {"ismaster", "isMaster"},
    {"buildInfo", "buildInfo"},
    {"buildinfo", "buildInfo"},
    {"ping", "ping"},
    {"saslStart", "saslStart"},
    {"saslContinue", "saslContinue"},
    {"authenticate", "authenticate"},
    {"logout", "logout"},
    {"endSessions", "endSessions"},
    {"whatsmyuri", "whatsmyuri"},
    {"connectionStatus", "connectionStatus"},
    {"listDatabases", "listDatabases"},
    {"listCollections", "listCollections"},
    {"listIndexes", "listIndexes"},
    {"find", "find"},
    {"count", "count"},
    {"aggregate", "aggregate"},
    {"distinct", "distinct"},
    {"getMore", "getMore"},
    {"killCursors", "killCursors"},
    {"hostInfo", "hostInfo"},
    {"getLog", "getLog"},
    {"serverStatus", "serverStatus"},
    {"getCmdLineOpts", "getCmdLineOpts"},
    {"getParameter", "getParameter"},
    {"dbStats", "dbStats"},
    {"dbstats", "dbStats"},
    {"collStats", "collStats"},
    {"collstats", "collStats"},
    {"usersInfo", "usersInfo"},
    {"currentOp", "currentOp"},
    {"insert", "insert"},
    {"update", "update"},
    {"delete", "delete"},
    {"findAndModify", "findAndModify"},
    {"findandmodify", "findAndModify"},
    {"create", "create"},
    {"createIndexes", "createIndexes"},
    {"renameCollection", "renameCollection"},
    {"createUser", "createUser"},
    {"updateUser", "updateUser"},
    {"dropUser", "dropUser"},
    {"grantRolesToUser", "grantRolesToUser"},
    {"drop", "drop"},
    {"dropDatabase", "dropDatabase"},
    {"dropIndexes", "dropIndexes"},
    {"deleteIndexes", "dropIndexes"},
    {"shutdown", "shutdown"},
    {"fsync", "fsync"},
    {"setParameter", "setParameter"},
};

// Every string in a document tree, lower-cased and concatenated (bounded), for the ransom
// check.
void collect_text(const Document& d, std::string& out, int depth = 0) {
    if (depth > 20) return;
    for (const auto& [name, v] : d.elements) {
        if (out.size() > 65536) return;
        out += ascii_lower(name) + " ";
        if (v.is_string()) out += ascii_lower(v.bytes.substr(0, 4096)) + " ";
        if (v.is_document() || v.is_array()) collect_text(v.document, out, depth + 1);
    }
}

// A write command's outcome: the reply, its classification and what it carried (`field`
// of the command, rendered as {field: value}).
Outcome write(const Command& cmd, const std::string& coll, Document reply, const char* capture,
              std::string_view field = {}) {
    Outcome o;
    o.reply = std::move(reply);
    o.database = cmd.database;
    o.collection = coll;
    o.capture = capture;
    const auto* carried = field.empty() ? nullptr : cmd.body.find(field);
    if (field == "*") carried = nullptr;
    Document logged;
    if (field == "*")
        logged = cmd.body;
    else if (carried)
        logged.add(std::string(field), *carried);
    if (!logged.empty()) {
        o.documents = bson::to_json(logged, kLoggedDocuments);
        std::string text;
        collect_text(logged, text);
        if (o.capture == std::string_view("write") && ransom_words(text)) o.capture = "ransom_note";
    }
    return o;
}

std::int32_t matched_count(const Server& server, const Command& cmd, const std::string& coll,
                           const Value* statements, std::string_view query_field) {
    std::int64_t n = 0;
    if (!statements || !statements->is_array()) return 0;
    for (const auto* s : statements->items()) {
        if (!s->is_document()) continue;
        const auto* q = s->document.find(query_field);
        n += static_cast<std::int64_t>(
            select(server, cmd.database, coll, q && q->is_document() ? &q->document : nullptr, 0, 0)
                .size());
        if (n > 1000000) break;
    }
    return static_cast<std::int32_t>(n);
}

}  // namespace

int wire_version_of(std::string_view version) {
    const int major = major_of(version), minor = minor_of(version);
    if (major >= 8) return 25 + (major - 8) * 0;
    if (major == 7) return minor == 0 ? 21 : 22 + std::min(minor - 1, 3);
    if (major == 6) return minor == 0 ? 17 : 18 + std::min(minor - 1, 2);
    if (major == 5) return minor == 0 ? 13 : 14 + std::min(minor - 1, 2);
    if (major == 4) return minor >= 4 ? 9 : (minor >= 2 ? 8 : 7);
    if (major == 3) return minor >= 6 ? 6 : (minor >= 4 ? 5 : 4);
    return 3;
}

bool needs_no_login(std::string_view command) {
    for (const auto name :
         {"hello", "isMaster", "buildInfo", "ping", "saslStart", "saslContinue", "authenticate",
          "logout", "endSessions", "whatsmyuri", "connectionStatus"})
        if (command == name) return true;
    return false;
}

std::string canonical_command(std::string_view name) {
    for (const auto& a : kCommands)
        if (a.sent == name) return std::string(a.canonical);
    return {};
}

bool ransom_words(std::string_view lower) {
    for (const auto w : {"bitcoin", "btc", "ransom", "recover", "restore", "decrypt", "readme",
                         "backup", "paid", "pay ", "your data", "wallet", "@proton", "tor "})
        if (lower.find(w) != std::string_view::npos) return true;
    return false;
}

std::vector<bson::Document> table_documents(const DbSchema& schema, const DbTable& table,
                                            std::int64_t fallback_ms) {
    std::vector<Document> docs;
    const auto seed = fnv(schema.name + "." + table.name);
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
        const auto& row = table.rows[r];
        std::int64_t created = fallback_ms;
        Document d;
        for (std::size_t c = 0; c < table.columns.size() && c < row.size(); ++c) {
            const auto& column = table.columns[c];
            const auto& cell = row[c];
            Value v;
            switch (column.type) {
                case DbType::integer: {
                    const auto n = std::strtoll(cell.c_str(), nullptr, 10);
                    v = n >= INT32_MIN && n <= INT32_MAX ? Value::i32(static_cast<std::int32_t>(n))
                                                         : Value::i64(n);
                    break;
                }
                case DbType::decimal:
                    v = Value::dbl(std::strtod(cell.c_str(), nullptr));
                    break;
                case DbType::datetime: {
                    const auto ms = parse_datetime_ms(cell);
                    if (ms) created = ms;
                    v = Value::date(ms);
                    break;
                }
                case DbType::text:
                    v = Value::str(cell);
                    break;
            }
            d.add(column.name, std::move(v));
        }
        // ObjectId: creation time, a per-collection "process" part, a row counter.
        std::string oid(12, '\0');
        const auto secs = static_cast<std::uint32_t>(created / 1000);
        for (int i = 0; i < 4; ++i) oid[i] = static_cast<char>((secs >> (24 - 8 * i)) & 0xff);
        for (int i = 0; i < 5; ++i) oid[4 + i] = static_cast<char>((seed >> (8 * i)) & 0xff);
        const auto counter = static_cast<std::uint32_t>((seed >> 40) + r);
        for (int i = 0; i < 3; ++i)
            oid[9 + i] = static_cast<char>((counter >> (16 - 8 * i)) & 0xff);
        d.elements.insert(d.elements.begin(), bson::Element{"_id", Value::oid(oid)});
        docs.push_back(std::move(d));
    }
    return docs;
}

Outcome run_command(const Server& server, Connection& c, const Command& cmd, std::int64_t now_ms) {
    Outcome o;
    o.database = cmd.database;
    const auto sent = cmd.name();
    const auto name = canonical_command(sent);
    // Since 5.1 OP_QUERY is the handshake's only: anything else is refused.
    if (cmd.legacy && server.wire_version >= 14 && name != "hello" && name != "isMaster") {
        if (cmd.legacy_find) {
            o.reply = error_reply(5739101, "Location5739101",
                                  "OP_QUERY is no longer supported. The client driver may require "
                                  "an upgrade. For more details see "
                                  "https://dochub.mongodb.org/core/legacy-opcode-removal");
            return o;
        }
        o.reply = error_reply(352, "UnsupportedOpQueryCommand",
                              "Unsupported OP_QUERY command: " + sent +
                                  ". The client driver may require an upgrade. For more details "
                                  "see https://dochub.mongodb.org/core/legacy-opcode-removal");
        return o;
    }
    if (cmd.legacy && cmd.legacy_find) {  // 4.4's OP_QUERY find
        if (server.auth && !c.authenticated) {
            o.reply = error_reply(13, "Unauthorized", "command find requires authentication");
            return o;
        }
        o.legacy_documents = select(server, cmd.database, cmd.collection, &cmd.body, 0,
                                    static_cast<std::int64_t>(kBatch));
        return o;
    }
    if (name.empty() || (name == "hello" && server.wire_version < 9)) {
        o.reply = no_such_command(sent);
        return o;
    }
    if (server.auth && !c.authenticated && !needs_no_login(name)) {
        o.reply = unauthorized(name);
        return o;
    }
    const auto target = text_of(cmd.body, sent);  // the collection most commands name
    o.collection = target;
    if (name == "hello" || name == "isMaster") {
        o.reply = hello(server, c, cmd, name == "hello" ? "hello" : "isMaster", now_ms);
        const auto* topology = cmd.body.find("topologyVersion");
        const auto* wait = cmd.body.find("maxAwaitTimeMS");
        if (topology && topology->is_document() && wait && wait->as_number())
            o.await_ms = static_cast<std::int64_t>(std::clamp(*wait->as_number(), 0.0, 10000.0));
        return o;
    }
    if (name == "buildInfo") {
        o.reply = build_info(server);
        return o;
    }
    if (name == "ping" || name == "endSessions" || name == "fsync" || name == "setParameter") {
        o.reply = ok_reply();
        return o;
    }
    if (name == "logout") {
        c.authenticated = false;
        o.reply = ok_reply();
        return o;
    }
    if (name == "whatsmyuri") {
        Document d;
        d.add("you", Value::str(c.peer));
        o.reply = ok_reply(std::move(d));
        return o;
    }
    if (name == "connectionStatus") {
        o.reply = connection_status(c);
        return o;
    }
    if (name == "authenticate") {  // MONGODB-X509 / MONGODB-CR: not offered
        o.reply = error_reply(18, "AuthenticationFailed", "Authentication failed.");
        return o;
    }
    if (name == "saslStart" || name == "saslContinue") {  // the session handles SASL
        o.reply = error_reply(17, "ProtocolError", "No SASL session state found");
        return o;
    }
    if (name == "listDatabases") {
        if (cmd.database != "admin") {
            o.reply = error_reply(13, "Unauthorized",
                                  "listDatabases may only be run against the admin database.");
            return o;
        }
        o.reply = list_databases(server, cmd);
        return o;
    }
    if (name == "listCollections") {
        o.reply = list_collections(server, cmd);
        return o;
    }
    if (name == "listIndexes") {
        if (!find_table(find_schema(server, cmd.database), target)) {
            o.reply = error_reply(26, "NamespaceNotFound",
                                  "ns does not exist: " + cmd.database + "." + target);
            return o;
        }
        Document key;
        key.add("_id", Value::i32(1));
        Document index;
        index.add("v", Value::i32(2))
            .add("key", Value::doc(std::move(key)))
            .add("name", Value::str("_id_"));
        std::vector<Document> batch;
        batch.push_back(std::move(index));
        Document d;
        d.add("cursor", cursor(cmd.database + "." + target, std::move(batch), false));
        o.reply = ok_reply(std::move(d));
        return o;
    }
    if (name == "find") {
        o.reply = find(server, cmd, target);
        return o;
    }
    if (name == "count") {
        o.reply = count(server, cmd, target);
        return o;
    }
    if (name == "aggregate") {
        o.reply = aggregate(server, cmd, target);
        return o;
    }
    if (name == "distinct") {
        o.reply = distinct(server, cmd, target);
        return o;
    }
    if (name == "getMore") {
        const auto* id = cmd.body.find("getMore");
        o.reply = error_reply(43, "CursorNotFound",
                              "cursor id " + std::to_string(id ? id->integer : 0) + " not found");
        return o;
    }
    if (name == "killCursors") {
        Document d;
        d.add("cursorsKilled", Value::array({}))
            .add("cursorsNotFound",
                 cmd.body.find("cursors") ? *cmd.body.find("cursors") : Value::array({}))
            .add("cursorsAlive", Value::array({}))
            .add("cursorsUnknown", Value::array({}));
        o.reply = ok_reply(std::move(d));
        return o;
    }
    if (name == "hostInfo") {
        o.reply = host_info(server, now_ms);
        return o;
    }
    if (name == "getLog") {
        o.reply = get_log(server, cmd);
        return o;
    }
    if (name == "serverStatus") {
        o.reply = server_status(server, c, now_ms);
        return o;
    }
    if (name == "getCmdLineOpts") {
        o.reply = cmd_line_opts(server);
        return o;
    }
    if (name == "getParameter") {
        Document d;
        if (cmd.body.find("featureCompatibilityVersion")) {
            Document fcv;
            fcv.add("version", Value::str(std::to_string(major_of(server.version)) + "." +
                                          std::to_string(minor_of(server.version))));
            d.add("featureCompatibilityVersion", Value::doc(std::move(fcv)));
        }
        o.reply = ok_reply(std::move(d));
        return o;
    }
    if (name == "dbStats") {
        o.reply = db_stats(server, cmd);
        return o;
    }
    if (name == "collStats") {
        const auto* table = find_table(find_schema(server, cmd.database), target);
        Document d;
        const auto n = table ? static_cast<std::int32_t>(table->rows.size()) : 0;
        d.add("ns", Value::str(cmd.database + "." + target))
            .add("size", Value::i32(n * 212))
            .add("count", Value::i32(n))
            .add("storageSize", Value::i32(table ? 20480 : 0))
            .add("nindexes", Value::i32(table ? 1 : 0));
        o.reply = ok_reply(std::move(d));
        return o;
    }
    if (name == "usersInfo") {
        Document d;
        d.add("users", Value::array({}));
        o.reply = ok_reply(std::move(d));
        return o;
    }
    if (name == "currentOp") {
        Document d;
        d.add("inprog", Value::array({}));
        o.reply = ok_reply(std::move(d));
        return o;
    }
    // ---- writes: answered, never applied ----
    if (name == "insert") {
        const auto* docs = cmd.body.find("documents");
        Document d;
        d.add("n", Value::i32(docs ? static_cast<std::int32_t>(docs->document.size()) : 0));
        return write(cmd, target, ok_reply(std::move(d)), "write", "documents");
    }
    if (name == "update" || name == "findAndModify") {
        Document d;
        if (name == "update") {
            const auto n = matched_count(server, cmd, target, cmd.body.find("updates"), "q");
            d.add("n", Value::i32(n)).add("nModified", Value::i32(n));
            return write(cmd, target, ok_reply(std::move(d)), "write", "updates");
        }
        Document last;
        last.add("n", Value::i32(0)).add("updatedExisting", Value::boolean(false));
        d.add("lastErrorObject", Value::doc(std::move(last))).add("value", Value::null());
        const bool remove = cmd.body.find("remove") && cmd.body.find("remove")->truthy();
        return write(cmd, target, ok_reply(std::move(d)), remove ? "destructive" : "write",
                     remove ? "query" : "update");
    }
    if (name == "delete") {
        Document d;
        d.add("n", Value::i32(matched_count(server, cmd, target, cmd.body.find("deletes"), "q")));
        return write(cmd, target, ok_reply(std::move(d)), "destructive", "deletes");
    }
    if (name == "create" || name == "createIndexes" || name == "renameCollection" ||
        name == "createUser" || name == "updateUser" || name == "grantRolesToUser") {
        Document d;
        if (name == "createIndexes")
            d.add("numIndexesBefore", Value::i32(1))
                .add("numIndexesAfter", Value::i32(2))
                .add("createdCollectionAutomatically", Value::boolean(false));
        return write(cmd, target, ok_reply(std::move(d)), "write", "*");
    }
    if (name == "drop") {
        const bool exists = find_table(find_schema(server, cmd.database), target) != nullptr;
        if (!exists && server.wire_version < 21) {
            o.reply = error_reply(26, "NamespaceNotFound", "ns not found");
            o.capture = "destructive";
            return o;
        }
        Document d;
        if (exists)
            d.add("nIndexesWas", Value::i32(1)).add("ns", Value::str(cmd.database + "." + target));
        return write(cmd, target, ok_reply(std::move(d)), "destructive");
    }
    if (name == "dropDatabase") {
        Document d;
        if (server.wire_version <= 9) d.add("dropped", Value::str(cmd.database));
        return write(cmd, {}, ok_reply(std::move(d)), "destructive");
    }
    if (name == "dropIndexes" || name == "dropUser") {
        Document d;
        if (name == "dropIndexes") d.add("nIndexesWas", Value::i32(1));
        return write(cmd, target, ok_reply(std::move(d)), "destructive");
    }
    if (name == "shutdown") {
        o.capture = "destructive";
        o.reply = error_reply(13, "Unauthorized",
                              "shutdown must run from localhost when running db without auth");
        return o;
    }
    o.reply = no_such_command(sent);
    return o;
}

}  // namespace decnet::honeypot::mongodb
