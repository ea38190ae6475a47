// The REST API of one Elasticsearch node (see es_api.hpp).
#include "honeypot/services/elasticsearch/es_api.hpp"

#include <openssl/rand.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>
#include <memory>

#include "core/text.hpp"
#include "honeypot/services/elasticsearch/es_persona.hpp"
#include "honeypot/services/http/json_body.hpp"
#include "honeypot/world/host_profile.hpp"

namespace decnet::honeypot::es {
namespace {

using json = nlohmann::ordered_json;

constexpr std::size_t kMaxBulkActions = 1000;

// ---- rendering -------------------------------------------------------------------------

std::string compact(const json& v) {
    return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Jackson's pretty printer as XContent configures it.
void pretty_into(const json& v, std::size_t indent, std::string& out) {
    if (indent > 256) {
        out += compact(v);
        return;
    }
    const std::string pad(indent + 2, ' ');
    if (v.is_object()) {
        if (v.empty()) {
            out += "{ }";
            return;
        }
        out += "{\n";
        bool first = true;
        for (const auto& [key, item] : v.items()) {
            if (!first) out += ",\n";
            first = false;
            out += pad + compact(json(key)) + " : ";
            pretty_into(item, indent + 2, out);
        }
        out += "\n" + std::string(indent, ' ') + "}";
    } else if (v.is_array()) {
        if (v.empty()) {
            out += "[ ]";
            return;
        }
        out += "[\n";
        bool first = true;
        for (const auto& item : v) {
            if (!first) out += ",\n";
            first = false;
            out += pad;
            pretty_into(item, indent + 2, out);
        }
        out += "\n" + std::string(indent, ' ') + "]";
    } else {
        out += compact(v);
    }
}

std::string render(const json& v, bool pretty) {
    if (!pretty) return compact(v);
    std::string out;
    pretty_into(v, 0, out);
    return out + "\n";
}

bool wants_pretty(const Request& r) {
    if (!r.has("pretty")) return false;
    const auto v = r.param("pretty");
    return v != "false";
}

Reply json_reply(const Request& r, int status, const json& body) {
    Reply reply;
    reply.status = status;
    reply.body = render(body, wants_pretty(r));
    return reply;
}

// ---- errors ----------------------------------------------------------------------------

// root_cause first, then the top-level copy (the order Elasticsearch writes).
json error_json(const Error& e, const json& extra = json::object()) {
    json cause = {{"type", e.type}, {"reason", e.reason}};
    for (const auto& [k, v] : extra.items()) cause[k] = v;
    if (e.line > 0) {
        cause["line"] = e.line;
        cause["col"] = e.col;
    }
    json error = {{"root_cause", json::array({cause})}};
    for (const auto& [k, v] : cause.items()) error[k] = v;
    if (!e.cause_type.empty())
        error["caused_by"] = {{"type", e.cause_type}, {"reason", e.cause_reason}};
    return {{"error", error}, {"status", e.status}};
}

Reply error_reply(const Request& r, const Error& e, const json& extra = json::object()) {
    return json_reply(r, e.status, error_json(e, extra));
}

Reply index_not_found(const Request& r, const std::string& index) {
    return error_reply(r, Error{404, "index_not_found_exception", "no such index [" + index + "]"},
                       {{"resource.type", "index_or_alias"},
                        {"resource.id", index},
                        {"index_uuid", "_na_"},
                        {"index", index}});
}

Reply no_handler(const Request& r) {
    return json_reply(
        r, 400,
        {{"error", "no handler found for uri [" + r.path + "] and method [" + r.method + "]"}});
}

Reply wrong_method(const Request& r, std::string_view allowed) {
    auto reply =
        json_reply(r, 405,
                   {{"error", "Incorrect HTTP method for uri [" + r.path + "] and method [" +
                                  r.method + "], allowed: [" + std::string(allowed) + "]"},
                    {"status", 405}});
    std::string allow(allowed);
    allow.erase(std::remove(allow.begin(), allow.end(), ' '), allow.end());
    reply.headers.emplace_back("Allow", allow);
    return reply;
}

// ---- the node's view of its indices -----------------------------------------------------

struct View {
    std::vector<std::unique_ptr<Index>> owned;
    std::vector<std::shared_ptr<const Index>> created;
    std::vector<const Index*> all;

    const Index* find(std::string_view name) const {
        for (const auto* index : all)
            if (index->name == name) return index;
        return nullptr;
    }
};

View view_of(const Node& node) {
    View v;
    const auto& state = *node.settings.state;
    auto created = state.created();
    const auto created_named = [&created](const std::string& name) -> const Index* {
        for (const auto& c : created)
            if (c->name == name) return c.get();
        return nullptr;
    };
    // A bait index nobody changed is read where it is; only a changed one is copied.
    std::vector<const Index*> baits;
    if (node.bait)
        for (const auto& bait : *node.bait) {
            if (state.deleted(bait.name)) continue;
            const auto* extra = created_named(bait.name);
            const bool emptied = state.emptied(bait.name);
            if (!extra && !emptied) {
                baits.push_back(&bait);
                continue;
            }
            auto copy = std::make_unique<Index>(bait);
            if (emptied) copy->docs.clear();
            if (extra)
                for (const auto& doc : extra->docs) {
                    auto same = std::find_if(copy->docs.begin(), copy->docs.end(),
                                             [&doc](const Doc& d) { return d.id == doc.id; });
                    if (same != copy->docs.end())
                        *same = doc;
                    else
                        copy->docs.push_back(doc);
                }
            baits.push_back(copy.get());
            v.owned.push_back(std::move(copy));
        }
    for (const auto& c : created) {
        bool merged = false;  // into its bait namesake above
        for (const auto* b : baits) merged = merged || b->name == c->name;
        if (!merged) v.created.push_back(c);
    }
    v.all = baits;
    for (const auto& c : v.created) v.all.push_back(c.get());
    return v;
}

bool is_wildcard(std::string_view expr) {
    return expr == "_all" || expr.find('*') != std::string_view::npos;
}

// The indices an expression names ("a,b", "logs-*", "_all"); `missing` is the first exact
// name that does not exist.
std::vector<const Index*> resolve(const View& v, std::string_view expr, std::string& missing) {
    std::vector<const Index*> out;
    std::size_t parts = 0;
    while (!expr.empty() && parts++ < 64) {
        const auto comma = expr.find(',');
        const auto part = expr.substr(0, comma);
        expr = comma == std::string_view::npos ? std::string_view() : expr.substr(comma + 1);
        if (part.empty()) continue;
        if (part == "_all" || part == "*") {
            out = v.all;
            continue;
        }
        if (part.find('*') != std::string_view::npos) {
            for (const auto* index : v.all)
                if (glob(part, index->name, false) &&
                    std::find(out.begin(), out.end(), index) == out.end())
                    out.push_back(index);
            continue;
        }
        const auto* index = v.find(part);
        if (!index) {
            if (missing.empty()) missing = std::string(part);
            continue;
        }
        if (std::find(out.begin(), out.end(), index) == out.end()) out.push_back(index);
    }
    return out;
}

// Index names Elasticsearch refuses (MetadataCreateIndexService.validateIndexOrAliasName).
std::string invalid_name(const std::string& name) {
    if (name.empty() || name.size() > 255) return "index name is too long";
    if (name != ascii_lower(name)) return "must be lowercase";
    if (name.front() == '_' || name.front() == '-' || name.front() == '+')
        return "must not start with '_', '-', or '+'";
    if (name.find_first_of("\\/*?\"<>| ,#:") != std::string::npos)
        return "must not contain the following characters [ , \", *, \\, <, |, ,, >, /, ?]";
    if (name == "." || name == "..") return "must not be '.' or '..'";
    return {};
}

std::string random_id() {
    std::array<unsigned char, 15> raw{};
    RAND_bytes(raw.data(), static_cast<int>(raw.size()));
    static constexpr char kChars[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    for (std::size_t i = 0; i < 20; ++i) out += kChars[raw[i % raw.size()] * (i + 1) % 64];
    return out;
}

std::string hhmmss(std::int64_t t) {
    const std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char out[16];
    std::snprintf(out, sizeof out, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
    return out;
}

std::string index_version_id(const EsRelease& r) {
    if (r.major >= 8) return "8503000";  // IndexVersion of 8.13
    int a = 0, b = 0, c = 0;
    std::sscanf(std::string(r.number).c_str(), "%d.%d.%d", &a, &b, &c);
    return std::to_string(a * 1000000 + b * 10000 + c * 100 + 99);
}

json shards_json(std::size_t total = 1) {
    return {{"total", total}, {"successful", total}, {"skipped", 0}, {"failed", 0}};
}

json write_shards() {
    return {{"total", 2}, {"successful", 1}, {"failed", 0}};
}

int took(const Request& r) {
    return 1 + static_cast<int>(stable_hash(r.path + r.body) % 9);
}

// ---- documents in answers --------------------------------------------------------------

void add_type(json& j, const EsRelease& r) {
    if (!r.typeless()) j["_type"] = "_doc";
}

json source_of(const Doc& doc) {
    auto parsed = json::parse(doc.source, nullptr, false);
    return parsed.is_discarded() ? json::object() : parsed;
}

json mapping_json(const Index& index, const EsRelease& r) {
    json properties = json::object();
    for (const auto& f : index.mapping) {
        if (f.type == "text")
            properties[f.name] = {
                {"type", "text"},
                {"fields", {{"keyword", {{"type", "keyword"}, {"ignore_above", 256}}}}}};
        else
            properties[f.name] = {{"type", f.type}};
    }
    json mappings = properties.empty() ? json::object() : json{{"properties", properties}};
    if (r.major < 7) return {{"_doc", mappings}};
    return mappings;
}

json settings_json(const Index& index, const EsRelease& r) {
    return {{"index",
             {{"routing", {{"allocation", {{"include", {{"_tier_preference", "data_content"}}}}}}},
              {"number_of_shards", "1"},
              {"provided_name", index.name},
              {"creation_date", std::to_string(index.created * 1000 + 317)},
              {"number_of_replicas", std::to_string(index.replicas)},
              {"uuid", index.uuid},
              {"version", {{"created", index_version_id(r)}}}}}};
}

// ---- handlers --------------------------------------------------------------------------

Reply root(const Node& node, const Request& r) {
    const auto& s = node.settings;
    const auto& rel = *s.release;
    if (r.method == "HEAD") {
        Reply reply;
        reply.content_type = "text/plain; charset=UTF-8";
        return reply;
    }
    json version = {{"number", rel.number}};
    version["build_flavor"] = "default";
    version["build_type"] = s.build_type;
    version["build_hash"] = rel.build_hash;
    version["build_date"] = rel.build_date;
    version["build_snapshot"] = false;
    version["lucene_version"] = rel.lucene;
    version["minimum_wire_compatibility_version"] = rel.min_wire;
    version["minimum_index_compatibility_version"] = rel.min_index;
    json body = {{"name", node.hostname},
                 {"cluster_name", s.cluster_name},
                 {"cluster_uuid", s.cluster_uuid},
                 {"version", version},
                 {"tagline", "You Know, for Search"}};
    Reply reply;
    // The root document is pretty unless ?pretty=false (RestMainAction).
    reply.body = r.param("pretty") == "false" ? compact(body) : render(body, true);
    return reply;
}

struct Health {
    std::string status;
    std::size_t primaries = 0, unassigned = 0;
    double percent = 100.0;
};

Health health_of(const View& v) {
    Health h;
    for (const auto* index : v.all) {
        ++h.primaries;
        h.unassigned += static_cast<std::size_t>(index->replicas);
    }
    h.status = h.unassigned > 0 ? "yellow" : "green";
    const auto total = h.primaries + h.unassigned;
    h.percent = total == 0 ? 100.0 : 100.0 * static_cast<double>(h.primaries) / total;
    return h;
}

Reply cluster_health(const Node& node, const Request& r, const View& v) {
    const auto h = health_of(v);
    json body = {{"cluster_name", node.settings.cluster_name},
                 {"status", h.status},
                 {"timed_out", false},
                 {"number_of_nodes", 1},
                 {"number_of_data_nodes", 1},
                 {"active_primary_shards", h.primaries},
                 {"active_shards", h.primaries},
                 {"relocating_shards", 0},
                 {"initializing_shards", 0},
                 {"unassigned_shards", h.unassigned}};
    if (node.settings.release->major >= 8) body["unassigned_primary_shards"] = 0;
    body["delayed_unassigned_shards"] = 0;
    body["number_of_pending_tasks"] = 0;
    body["number_of_in_flight_fetch"] = 0;
    body["task_max_waiting_in_queue_millis"] = 0;
    body["active_shards_percent_as_number"] = h.percent;
    return json_reply(r, 200, body);
}

// A _cat table: headers with their alignment, rows of cells; text (aligned, ?v for the
// header row, ?h to pick columns) or JSON (?format=json).
struct CatColumn {
    std::string name;
    bool right = false;
};

Reply cat_table(const Request& r, const std::vector<CatColumn>& columns,
                const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> picked;
    if (const auto h = r.param("h"); !h.empty()) {
        std::string_view rest = h;
        while (!rest.empty() && picked.size() < 64) {
            const auto comma = rest.find(',');
            const auto name = trim(rest.substr(0, comma));
            for (std::size_t i = 0; i < columns.size(); ++i)
                if (columns[i].name == name || glob(name, columns[i].name, false))
                    picked.push_back(i);
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
    } else {
        for (std::size_t i = 0; i < columns.size(); ++i) picked.push_back(i);
    }
    const auto format = r.param("format");
    if (format == "json") {
        json out = json::array();
        for (const auto& row : rows) {
            json item = json::object();
            for (const auto i : picked) item[columns[i].name] = row[i];
            out.push_back(item);
        }
        return json_reply(r, 200, out);
    }
    const bool header = r.has("v") && r.param("v") != "false";
    std::vector<std::size_t> width(picked.size(), 0);
    for (std::size_t c = 0; c < picked.size(); ++c) {
        if (header) width[c] = columns[picked[c]].name.size();
        for (const auto& row : rows) width[c] = std::max(width[c], row[picked[c]].size());
    }
    std::string text;
    const auto line = [&](const std::vector<std::string>& cells) {
        for (std::size_t c = 0; c < picked.size(); ++c) {
            const auto& cell = cells[picked[c]];
            const auto pad = std::string(width[c] - std::min(width[c], cell.size()), ' ');
            const bool last = c + 1 == picked.size();
            if (columns[picked[c]].right)
                text += pad + cell;
            else
                text += cell + (last ? "" : pad);
            if (!last) text += ' ';
        }
        text += '\n';
    };
    if (header) {
        std::vector<std::string> names;
        for (const auto& col : columns) names.push_back(col.name);
        line(names);
    }
    for (const auto& row : rows) line(row);
    Reply reply;
    reply.content_type = "text/plain; charset=UTF-8";
    reply.body = std::move(text);
    return reply;
}

Reply cat_indices(const Node& node, const Request& r, const std::vector<const Index*>& indices) {
    const bool eight = node.settings.release->major >= 8;
    std::vector<CatColumn> columns = {{"health"},
                                      {"status"},
                                      {"index"},
                                      {"uuid"},
                                      {"pri", true},
                                      {"rep", true},
                                      {"docs.count", true},
                                      {"docs.deleted", true},
                                      {"store.size", true},
                                      {"pri.store.size", true}};
    if (eight) columns.push_back({"dataset.size", true});
    std::vector<std::vector<std::string>> rows;
    for (const auto* index : indices) {
        const auto size = store_size(*index);
        std::vector<std::string> row = {index->replicas > 0 ? "yellow" : "green",
                                        "open",
                                        index->name,
                                        index->uuid,
                                        "1",
                                        std::to_string(index->replicas),
                                        std::to_string(index->docs.size()),
                                        "0",
                                        byte_size(size),
                                        byte_size(size)};
        if (eight) row.push_back(byte_size(size));
        rows.push_back(std::move(row));
    }
    return cat_table(r, columns, rows);
}

std::string node_roles(const EsRelease& r) {
    if (r.major < 7) return "mdi";
    if (r.minor < 12 && r.major == 7) return "cdhilmrstw";
    return "cdfhilmrstw";
}

// Load figures that drift with time but stay plausible for a small node.
int load_figure(const Node& node, int base, int spread, std::int64_t period) {
    return base +
           static_cast<int>(stable_hash(std::to_string(node.now / period), node.settings.seed) %
                            static_cast<std::uint64_t>(spread));
}

Reply cat_nodes(const Node& node, const Request& r) {
    const auto l1 = load_figure(node, 5, 60, 60), l5 = load_figure(node, 10, 40, 300),
               l15 = load_figure(node, 15, 30, 900);
    const auto load = [](int hundredths) {
        char out[16];
        std::snprintf(out, sizeof out, "%.2f", hundredths / 100.0);
        return std::string(out);
    };
    return cat_table(r,
                     {{"ip"},
                      {"heap.percent", true},
                      {"ram.percent", true},
                      {"cpu", true},
                      {"load_1m", true},
                      {"load_5m", true},
                      {"load_15m", true},
                      {"node.role"},
                      {"master"},
                      {"name"}},
                     {{node.ip, std::to_string(load_figure(node, 22, 40, 30)),
                       std::to_string(load_figure(node, 70, 25, 60)),
                       std::to_string(load_figure(node, 1, 9, 10)), load(l1), load(l5), load(l15),
                       node_roles(*node.settings.release), "*", node.hostname}});
}

Reply cat_health(const Node& node, const Request& r, const View& v) {
    const auto h = health_of(v);
    const bool eight = node.settings.release->major >= 8;
    std::vector<CatColumn> columns = {{"epoch", true},  {"timestamp"},        {"cluster"},
                                      {"status"},       {"node.total", true}, {"node.data", true},
                                      {"shards", true}, {"pri", true},        {"relo", true},
                                      {"init", true},   {"unassign", true}};
    if (eight) columns.push_back({"unassign.pri", true});
    columns.insert(
        columns.end(),
        {{"pending_tasks", true}, {"max_task_wait_time", true}, {"active_shards_percent", true}});
    char percent[16];
    std::snprintf(percent, sizeof percent, "%.1f%%", h.percent);
    std::vector<std::string> row = {std::to_string(node.now),
                                    hhmmss(node.now),
                                    node.settings.cluster_name,
                                    h.status,
                                    "1",
                                    "1",
                                    std::to_string(h.primaries),
                                    std::to_string(h.primaries),
                                    "0",
                                    "0",
                                    std::to_string(h.unassigned)};
    if (eight) row.emplace_back("0");
    row.insert(row.end(), {"0", "-", percent});
    return cat_table(r, columns, {row});
}

Reply cat_count(const Node& node, const Request& r, const std::vector<const Index*>& indices) {
    std::size_t count = 0;
    for (const auto* index : indices) count += index->docs.size();
    return cat_table(r, {{"epoch", true}, {"timestamp"}, {"count", true}},
                     {{std::to_string(node.now), hhmmss(node.now), std::to_string(count)}});
}

Reply cat_shards(const Node& node, const Request& r, const std::vector<const Index*>& indices) {
    std::vector<std::vector<std::string>> rows;
    for (const auto* index : indices) {
        rows.push_back({index->name, "0", "p", "STARTED", std::to_string(index->docs.size()),
                        byte_size(store_size(*index)), node.ip, node.hostname});
        for (int i = 0; i < index->replicas; ++i)
            rows.push_back({index->name, "0", "r", "UNASSIGNED", "", "", "", ""});
    }
    return cat_table(r,
                     {{"index"},
                      {"shard", true},
                      {"prirep", true},
                      {"state"},
                      {"docs", true},
                      {"store", true},
                      {"ip"},
                      {"node"}},
                     rows);
}

constexpr std::string_view kCatHelp =
    "=^.^=\n/_cat/allocation\n/_cat/shards\n/_cat/shards/{index}\n/_cat/master\n/_cat/nodes\n"
    "/_cat/tasks\n/_cat/indices\n/_cat/indices/{index}\n/_cat/segments\n"
    "/_cat/segments/{index}\n/_cat/count\n/_cat/count/{index}\n/_cat/recovery\n"
    "/_cat/recovery/{index}\n/_cat/health\n/_cat/pending_tasks\n/_cat/aliases\n"
    "/_cat/aliases/{alias}\n/_cat/thread_pool\n/_cat/thread_pool/{thread_pools}\n"
    "/_cat/plugins\n/_cat/fielddata\n/_cat/fielddata/{fields}\n/_cat/nodeattrs\n"
    "/_cat/repositories\n/_cat/snapshots/{repository}\n/_cat/templates\n";

Reply cat(const Node& node, const Request& r, const View& v,
          const std::vector<std::string_view>& seg) {
    if (r.method != "GET" && r.method != "HEAD") return wrong_method(r, "GET");
    if (seg.size() == 1) {
        Reply reply;
        reply.content_type = "text/plain; charset=UTF-8";
        reply.body = std::string(kCatHelp);
        return reply;
    }
    const auto what = seg[1];
    std::vector<const Index*> indices = v.all;
    if (seg.size() > 2 && (what == "indices" || what == "count" || what == "shards")) {
        std::string missing;
        indices = resolve(v, seg[2], missing);
        if (!missing.empty()) return index_not_found(r, missing);
    }
    if (what == "indices") return cat_indices(node, r, indices);
    if (what == "nodes") return cat_nodes(node, r);
    if (what == "health") return cat_health(node, r, v);
    if (what == "count") return cat_count(node, r, indices);
    if (what == "shards") return cat_shards(node, r, indices);
    if (what == "master")
        return cat_table(r, {{"id"}, {"host"}, {"ip"}, {"node"}},
                         {{node.settings.node_id, node.ip, node.ip, node.hostname}});
    if (what == "aliases")
        return cat_table(r,
                         {{"alias"},
                          {"index"},
                          {"filter"},
                          {"routing.index"},
                          {"routing.search"},
                          {"is_write_index"}},
                         {});
    if (what == "plugins") return cat_table(r, {{"name"}, {"component"}, {"version"}}, {});
    if (what == "templates")
        return cat_table(r, {{"name"}, {"index_patterns"}, {"order", true}, {"version", true}}, {});
    return no_handler(r);
}

Reply nodes_info(const Node& node, const Request& r) {
    const auto& s = node.settings;
    const auto& rel = *s.release;
    json roles = json::array();
    if (rel.major < 7)
        roles = {"master", "data", "ingest"};
    else
        roles = {"data",      "data_cold", "data_content", "data_frozen", "data_hot",
                 "data_warm", "ingest",    "master",       "ml",          "remote_cluster_client",
                 "transform"};
    const std::string home =
        s.build_type == "tar" ? "/opt/elasticsearch" : "/usr/share/elasticsearch";
    const std::string data = s.build_type == "tar" ? home + "/data" : "/var/lib/elasticsearch";
    const std::string logs = s.build_type == "tar" ? home + "/logs" : "/var/log/elasticsearch";
    const auto pid = 900 + static_cast<int>(s.seed % 40000);
    json info = {
        {"name", node.hostname},
        {"transport_address", node.ip + ":9300"},
        {"host", node.ip},
        {"ip", node.ip},
        {"version", rel.number},
        {"build_flavor", "default"},
        {"build_type", s.build_type},
        {"build_hash", rel.build_hash},
        {"total_indexing_buffer", 103887667},
        {"roles", roles},
        {"attributes",
         {{"ml.machine_memory", "4127346688"},
          {"xpack.installed", "true"},
          {"ml.max_jvm_size", "1073741824"}}},
        {"settings",
         {{"cluster", {{"name", s.cluster_name}}},
          {"node", {{"name", node.hostname}}},
          {"path", {{"logs", logs}, {"home", home}, {"data", data}}},
          {"discovery", {{"type", "single-node"}}},
          {"client", {{"type", "node"}}},
          {"http", {{"type", "security4"}, {"port", "9200"}}},
          {"network", {{"host", "0.0.0.0"}}},
          {"xpack", {{"security", {{"enabled", s.security ? "true" : "false"}}}}}}},
        {"os",
         {{"refresh_interval_in_millis", 1000},
          {"name", "Linux"},
          {"arch", "amd64"},
          {"available_processors", 2},
          {"allocated_processors", 2}}},
        {"process", {{"refresh_interval_in_millis", 1000}, {"id", pid}, {"mlockall", false}}},
        {"jvm",
         {{"pid", pid},
          {"version", rel.jdk},
          {"vm_name", "OpenJDK 64-Bit Server VM"},
          {"vm_vendor", "Oracle Corporation"},
          {"bundled_jdk", true},
          {"using_bundled_jdk", true},
          {"start_time_in_millis",
           (node.now - 86400 * 9 - static_cast<std::int64_t>(s.seed % 86400)) * 1000},
          {"mem",
           {{"heap_init_in_bytes", 1073741824},
            {"heap_max_in_bytes", 1073741824},
            {"non_heap_init_in_bytes", 7667712},
            {"non_heap_max_in_bytes", 0},
            {"direct_max_in_bytes", 0}}},
          {"input_arguments",
           {"-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-Djava.io.tmpdir=/tmp/elasticsearch",
            "-Des.path.home=" + home, "-Des.distribution.type=" + s.build_type}}}},
        {"http",
         {{"bound_address", {"[::]:9200"}},
          {"publish_address", node.ip + ":9200"},
          {"max_content_length_in_bytes", 104857600}}},
        {"plugins", json::array()}};
    json body = {{"_nodes", {{"total", 1}, {"successful", 1}, {"failed", 0}}},
                 {"cluster_name", s.cluster_name},
                 {"nodes", {{s.node_id, info}}}};
    return json_reply(r, 200, body);
}

// GET /<index>, /_mapping, /_settings, /_alias(es): one object per index.
Reply per_index(const Node& node, const Request& r, const std::vector<const Index*>& indices,
                std::string_view what) {
    const auto& rel = *node.settings.release;
    json out = json::object();
    for (const auto* index : indices) {
        json entry = json::object();
        if (what == "aliases" || what == "all") entry["aliases"] = json::object();
        if (what == "mappings" || what == "all") entry["mappings"] = mapping_json(*index, rel);
        if (what == "settings" || what == "all") entry["settings"] = settings_json(*index, rel);
        out[index->name] = entry;
    }
    return json_reply(r, 200, out);
}

std::string script_lang(const ScriptUse& s) {
    return s.lang.empty() ? "painless" : ascii_lower(s.lang);
}

// What the release says to a script: another language is refused, Painless does not compile
// the Java the old exploits send.
Error script_error(const ScriptUse& s) {
    const auto lang = script_lang(s);
    if (lang != "painless" && lang != "expression" && lang != "mustache")
        return Error{400, "illegal_argument_exception", "script_lang not supported [" + lang + "]"};
    return Error{400,
                 "script_exception",
                 "compile error",
                 0,
                 0,
                 "illegal_argument_exception",
                 "invalid sequence of tokens near ['.']."};
}

Reply script_reply(const Node& node, const Request& r, const ScriptUse& s,
                   const std::vector<const Index*>& indices, bool search) {
    const auto e = script_error(s);
    json cause = {{"type", e.type}, {"reason", e.reason}};
    if (e.type == "script_exception") {
        const auto shown = http::utf8_prefix(s.source, 25);
        cause["script_stack"] = {shown + (s.source.size() > 25 ? " ..." : ""), "    ^---- HERE"};
        cause["script"] = http::utf8_prefix(s.source, 1024);
        cause["lang"] = "painless";
        cause["position"] = {
            {"offset", 0}, {"start", 0}, {"end", std::min<std::size_t>(25, s.source.size())}};
    }
    json inner = cause;
    if (!e.cause_type.empty())
        inner["caused_by"] = {{"type", e.cause_type}, {"reason", e.cause_reason}};
    if (!search) {
        json error = {{"root_cause", json::array({cause})}};
        for (const auto& [k, v] : inner.items()) error[k] = v;
        return json_reply(r, 400, {{"error", error}, {"status", 400}});
    }
    json failed = json::array();
    if (!indices.empty())
        failed.push_back({{"shard", 0},
                          {"index", indices.front()->name},
                          {"node", node.settings.node_id},
                          {"reason", inner}});
    json error = {{"root_cause", json::array({cause})},
                  {"type", "search_phase_execution_exception"},
                  {"reason", "all shards failed"},
                  {"phase", "query"},
                  {"grouped", true},
                  {"failed_shards", failed},
                  {"caused_by", inner}};
    return json_reply(r, 400, {{"error", error}, {"status", 400}});
}

std::optional<std::size_t> size_param(const Request& r, std::string_view name) {
    const auto v = r.param(name);
    if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    return static_cast<std::size_t>(std::stoul(v));
}

Reply search_reply(const Node& node, const Request& r, const std::vector<const Index*>& indices,
                   bool count) {
    const auto& rel = *node.settings.release;
    if (r.script) return script_reply(node, r, *r.script, indices, true);
    SearchParams params;
    params.body = r.body;
    params.q = r.param("q");
    params.df = r.param("df");
    params.from = size_param(r, "from");
    params.size = size_param(r, "size");
    params.modern = rel.major >= 7;
    const auto result = search(indices, params);
    if (result.error) return error_reply(r, *result.error);
    if (count)
        return json_reply(r, 200,
                          {{"count", result.total}, {"_shards", shards_json(indices.size())}});
    json hits = json::array();
    for (const auto& hit : result.hits) {
        json h = {{"_index", hit.index->name}};
        add_type(h, rel);
        h["_id"] = hit.doc->id;
        h["_score"] = hit.score;
        h["_source"] = source_of(*hit.doc);
        hits.push_back(h);
    }
    json total =
        rel.total_object() ? json{{"value", result.total}, {"relation", "eq"}} : json(result.total);
    json body = {{"took", took(r)},
                 {"timed_out", false},
                 {"_shards", shards_json(indices.size())},
                 {"hits",
                  {{"total", total},
                   {"max_score", result.total ? json(result.max_score) : json(nullptr)},
                   {"hits", hits}}}};
    return json_reply(r, 200, body);
}

const Doc* find_doc(const Index& index, std::string_view id) {
    for (const auto& doc : index.docs)
        if (doc.id == id) return &doc;
    return nullptr;
}

Reply get_doc(const Node& node, const Request& r, const Index& index, const std::string& id) {
    const auto& rel = *node.settings.release;
    json out = {{"_index", index.name}};
    add_type(out, rel);
    out["_id"] = id;
    const auto* doc = find_doc(index, id);
    if (!doc) {
        out["found"] = false;
        return json_reply(r, 404, out);
    }
    out["_version"] = 1;
    out["_seq_no"] = static_cast<int>(doc - index.docs.data());
    out["_primary_term"] = 1;
    out["found"] = true;
    out["_source"] = source_of(*doc);
    return json_reply(r, 200, out);
}

json write_result(const EsRelease& rel, const std::string& index, const std::string& id,
                  std::string_view result, int version, std::size_t seq) {
    json out = {{"_index", index}};
    add_type(out, rel);
    out["_id"] = id;
    out["_version"] = version;
    out["result"] = result;
    out["_shards"] = write_shards();
    out["_seq_no"] = seq;
    out["_primary_term"] = 1;
    return out;
}

Error body_required() {
    return Error{400, "parse_exception", "request body is required"};
}

Reply index_doc(const Node& node, const Request& r, const View& v, const std::string& index,
                std::string id, std::vector<Effect>& effects) {
    const auto& rel = *node.settings.release;
    if (const auto why = invalid_name(index); !why.empty())
        return error_reply(r,
                           Error{400, "invalid_index_name_exception",
                                 "Invalid index name [" + index + "], " + why},
                           {{"index_uuid", "_na_"}, {"index", index}});
    effects.push_back({Effect::Kind::write, "doc_index", index, id, 1});
    if (trim(r.body).empty()) return error_reply(r, body_required());
    if (id.empty()) id = random_id();
    auto doc = make_doc(id, r.body);
    if (!doc) {
        Error e{400, "mapper_parsing_exception", "failed to parse"};
        e.cause_type = "not_x_content_exception";
        e.cause_reason =
            "Compressor detection can only be called on some xcontent bytes or compressed "
            "xcontent bytes";
        return error_reply(r, e);
    }
    const auto* existing = v.find(index);
    const bool update = existing && find_doc(*existing, id);
    const auto seq = existing ? existing->docs.size() : 0;
    node.settings.state->put(index, std::move(*doc), node.settings.uid("index/" + index), node.now);
    return json_reply(
        r, update ? 200 : 201,
        write_result(rel, index, id, update ? "updated" : "created", update ? 2 : 1, seq));
}

Reply bulk(const Node& node, const Request& r, std::string_view default_index,
           std::vector<Effect>& effects) {
    const auto& rel = *node.settings.release;
    if (trim(r.body).empty()) return error_reply(r, body_required());
    if (rel.major >= 7 && !r.body.empty() && r.body.back() != '\n' && r.body.size() == r.body_size)
        return error_reply(r, Error{400, "illegal_argument_exception",
                                    "The bulk request must be terminated by a newline [\\n]"});
    json items = json::array();
    std::string_view rest = r.body;
    std::size_t writes = 0, deletes = 0, seq = 0;
    std::string first_index;
    while (!rest.empty() && items.size() < kMaxBulkActions) {
        const auto nl = rest.find('\n');
        const auto line = trim(rest.substr(0, nl));
        rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
        if (line.empty()) continue;
        const auto action = http::parse_json_body(line);
        if (!action || !action->is_object() || action->size() != 1) {
            return error_reply(
                r, Error{400, "illegal_argument_exception",
                         "Malformed action/metadata line [" + std::to_string(items.size() * 2 + 1) +
                             "], expected START_OBJECT or END_OBJECT but found "
                             "[VALUE_STRING]"});
        }
        const auto first = action->begin();
        const std::string verb = first.key();
        const auto& meta = first.value();
        std::string index(default_index), id;
        if (meta.is_object()) {
            if (meta.contains("_index") && meta["_index"].is_string())
                index = meta["_index"].get<std::string>();
            if (meta.contains("_id") && meta["_id"].is_string())
                id = meta["_id"].get<std::string>();
        }
        if (first_index.empty()) first_index = index;
        std::string_view source;
        if (verb != "delete") {
            const auto snl = rest.find('\n');
            source = rest.substr(0, snl);
            rest = snl == std::string_view::npos ? std::string_view() : rest.substr(snl + 1);
        }
        if (id.empty()) id = random_id();
        json item;
        if (verb == "delete") {
            ++deletes;
            item = write_result(rel, index, id, "not_found", 1, seq++);
            item["status"] = 404;
        } else {
            ++writes;
            if (auto doc = make_doc(id, source))
                node.settings.state->put(index, std::move(*doc),
                                         node.settings.uid("index/" + index), node.now);
            item = write_result(rel, index, id, "created", 1, seq++);
            item["status"] = 201;
        }
        items.push_back({{verb, item}});
    }
    if (writes) effects.push_back({Effect::Kind::write, "bulk", first_index, "", writes});
    if (deletes)
        effects.push_back({Effect::Kind::destroy, "bulk_delete", first_index, "", deletes});
    json body = {{"took", took(r)}, {"errors", false}, {"items", items}};
    return json_reply(r, 200, body);
}

Reply delete_index(const Node& node, const Request& r, const View& v, std::string_view expr,
                   std::vector<Effect>& effects) {
    const auto& rel = *node.settings.release;
    if (rel.major >= 8 && is_wildcard(expr))
        return error_reply(r, Error{400, "illegal_argument_exception",
                                    "Wildcard expressions or all indices are not allowed"});
    std::string missing;
    const auto indices = resolve(v, expr, missing);
    if (!missing.empty()) {
        effects.push_back({Effect::Kind::destroy, "index_delete", std::string(expr), "", 0});
        return index_not_found(r, missing);
    }
    std::size_t docs = 0;
    std::string names;
    for (const auto* index : indices) {
        docs += index->docs.size();
        names += (names.empty() ? "" : ",") + index->name;
    }
    for (const auto* index : indices) node.settings.state->remove(index->name);
    effects.push_back({Effect::Kind::destroy, "index_delete",
                       names.empty() ? std::string(expr) : names, "", docs});
    return json_reply(r, 200, {{"acknowledged", true}});
}

Reply delete_by_query(const Node& node, const Request& r, const std::vector<const Index*>& indices,
                      std::vector<Effect>& effects) {
    SearchParams params;
    params.body = r.body;
    params.q = r.param("q");
    params.size = kMaxWindow;
    params.modern = node.settings.release->major >= 7;
    const auto result = search(indices, params);
    std::string names;
    for (const auto* index : indices) names += (names.empty() ? "" : ",") + index->name;
    effects.push_back({Effect::Kind::destroy, "delete_by_query", names, "", result.total});
    if (result.error) return error_reply(r, *result.error);
    // A query that matches a whole index empties it (what ransom bots send).
    for (const auto* index : indices) {
        std::size_t matched = 0;
        for (const auto& hit : result.hits) matched += hit.index == index;
        if (matched == index->docs.size()) node.settings.state->empty(index->name);
    }
    json body = {{"took", took(r)},
                 {"timed_out", false},
                 {"total", result.total},
                 {"deleted", result.total},
                 {"batches", result.total ? 1 : 0},
                 {"version_conflicts", 0},
                 {"noops", 0},
                 {"retries", {{"bulk", 0}, {"search", 0}}},
                 {"throttled_millis", 0},
                 {"requests_per_second", -1.0},
                 {"throttled_until_millis", 0},
                 {"failures", json::array()}};
    return json_reply(r, 200, body);
}

Reply create_index(const Node& node, const Request& r, const View& v, const std::string& name,
                   std::vector<Effect>& effects) {
    effects.push_back({Effect::Kind::write, "index_create", name, "", 0});
    if (const auto why = invalid_name(name); !why.empty())
        return error_reply(
            r,
            Error{400, "invalid_index_name_exception", "Invalid index name [" + name + "], " + why},
            {{"index_uuid", "_na_"}, {"index", name}});
    if (const auto* existing = v.find(name))
        return error_reply(r,
                           Error{400, "resource_already_exists_exception",
                                 "index [" + name + "/" + existing->uuid + "] already exists"},
                           {{"index_uuid", existing->uuid}, {"index", name}});
    node.settings.state->create(name, node.settings.uid("index/" + name), node.now);
    return json_reply(r, 200,
                      {{"acknowledged", true}, {"shards_acknowledged", true}, {"index", name}});
}

// /<index>/... routes.
Reply index_routes(const Node& node, const Request& r, const View& v,
                   const std::vector<std::string_view>& seg, std::vector<Effect>& effects) {
    const std::string expr(seg[0]);
    const auto& rel = *node.settings.release;
    const auto resolved = [&](std::string& missing) { return resolve(v, expr, missing); };
    if (seg.size() == 1) {
        if (r.method == "PUT") return create_index(node, r, v, expr, effects);
        if (r.method == "DELETE") return delete_index(node, r, v, expr, effects);
        if (r.method != "GET" && r.method != "HEAD")
            return wrong_method(r, "GET, HEAD, DELETE, PUT");
        std::string missing;
        const auto indices = resolved(missing);
        if (!missing.empty()) {
            if (r.method == "HEAD") return Reply{404, "", "", {}, true};
            return index_not_found(r, missing);
        }
        if (r.method == "HEAD") return Reply{200, "text/plain; charset=UTF-8", "", {}, true};
        return per_index(node, r, indices, "all");
    }
    const auto action = seg[1];
    std::string missing;
    auto indices = resolved(missing);
    const bool read = r.method == "GET" || r.method == "HEAD";
    if (action == "_search" || action == "_count") {
        if (!read && r.method != "POST") return wrong_method(r, "GET, POST");
        if (!missing.empty()) return index_not_found(r, missing);
        return search_reply(node, r, indices, action == "_count");
    }
    if (action == "_doc" || action == "_create" || action == "_update" || action == "_source") {
        const std::string id = seg.size() > 2 ? std::string(seg[2]) : std::string();
        if (seg.size() > 3) return no_handler(r);
        if (action == "_update") {
            if (r.method != "POST" || id.empty()) return no_handler(r);
            effects.push_back({Effect::Kind::write, "update", expr, id, 1});
            if (r.script) return script_reply(node, r, *r.script, indices, false);
            if (!missing.empty() || indices.empty() || !find_doc(*indices.front(), id))
                return error_reply(
                    r,
                    Error{404, "document_missing_exception",
                          "[_doc][" + id + "]: document missing"},
                    {{"index_uuid", indices.empty() ? "_na_" : indices.front()->uuid},
                     {"shard", "0"},
                     {"index", expr}});
            return json_reply(
                r, 200, write_result(rel, expr, id, "updated", 2, indices.front()->docs.size()));
        }
        if (r.method == "PUT" || r.method == "POST") {
            if (r.method == "PUT" && id.empty()) return wrong_method(r, "POST");
            return index_doc(node, r, v, expr, id, effects);
        }
        if (id.empty()) return wrong_method(r, "POST");
        if (r.method == "DELETE") {
            effects.push_back({Effect::Kind::destroy, "doc_delete", expr, id, 1});
            const auto* index = missing.empty() && !indices.empty() ? indices.front() : nullptr;
            const bool found = index && find_doc(*index, id);
            return json_reply(r, found ? 200 : 404,
                              write_result(rel, expr, id, found ? "deleted" : "not_found", 2,
                                           index ? index->docs.size() : 0));
        }
        if (!read) return wrong_method(r, "GET, HEAD, PUT, POST, DELETE");
        if (!missing.empty() || indices.size() != 1) return index_not_found(r, expr);
        if (action == "_source") {
            const auto* doc = find_doc(*indices.front(), id);
            if (!doc)
                return error_reply(r,
                                   Error{404, "resource_not_found_exception",
                                         "Document not found [" + expr + "]/[_doc]/[" + id + "]"});
            return json_reply(r, 200, source_of(*doc));
        }
        return get_doc(node, r, *indices.front(), id);
    }
    if (action == "_bulk") {
        if (r.method != "POST" && r.method != "PUT") return wrong_method(r, "POST, PUT");
        return bulk(node, r, expr, effects);
    }
    if (action == "_delete_by_query") {
        if (r.method != "POST") return wrong_method(r, "POST");
        if (!missing.empty()) return index_not_found(r, missing);
        return delete_by_query(node, r, indices, effects);
    }
    if (action == "_update_by_query") {
        if (r.method != "POST") return wrong_method(r, "POST");
        effects.push_back({Effect::Kind::write, "update_by_query", expr, "", 0});
        if (!missing.empty()) return index_not_found(r, missing);
        if (r.script) return script_reply(node, r, *r.script, indices, true);
        std::size_t docs = 0;
        for (const auto* index : indices) docs += index->docs.size();
        return json_reply(r, 200,
                          {{"took", took(r)},
                           {"timed_out", false},
                           {"total", docs},
                           {"updated", docs},
                           {"deleted", 0},
                           {"batches", docs ? 1 : 0},
                           {"version_conflicts", 0},
                           {"noops", 0},
                           {"retries", {{"bulk", 0}, {"search", 0}}},
                           {"throttled_millis", 0},
                           {"requests_per_second", -1.0},
                           {"throttled_until_millis", 0},
                           {"failures", json::array()}});
    }
    if (action == "_mapping" || action == "_mappings" || action == "_settings" ||
        action == "_alias" || action == "_aliases") {
        if (!read) {
            effects.push_back({Effect::Kind::write, "index_settings", expr, "", 0});
            if (!missing.empty()) return index_not_found(r, missing);
            return json_reply(r, 200, {{"acknowledged", true}});
        }
        if (!missing.empty()) return index_not_found(r, missing);
        return per_index(node, r, indices,
                         action.starts_with("_mapping") ? "mappings"
                         : action == "_settings"        ? "settings"
                                                        : "aliases");
    }
    if (action == "_refresh" || action == "_flush") {
        if (!missing.empty()) return index_not_found(r, missing);
        return json_reply(
            r, 200,
            {{"_shards",
              {{"total", indices.size() * 2}, {"successful", indices.size()}, {"failed", 0}}}});
    }
    return no_handler(r);
}

}  // namespace

std::string Request::param(std::string_view name) const {
    for (const auto& [key, value] : query)
        if (key == name) return value;
    return {};
}

bool Request::has(std::string_view name) const {
    for (const auto& [key, value] : query)
        if (key == name) return true;
    return false;
}

Reply handle(const Node& node, const Request& r, std::vector<Effect>& effects) {
    std::vector<std::string_view> seg;
    std::string_view path = r.path;
    while (!path.empty() && seg.size() < 16) {
        const auto slash = path.find('/');
        const auto part = path.substr(0, slash);
        if (!part.empty()) seg.push_back(part);
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    const bool read = r.method == "GET" || r.method == "HEAD";
    if (r.method == "OPTIONS") {
        // RestController answers OPTIONS itself: the path's methods, no body.
        Reply reply;
        reply.content_type = "text/plain; charset=UTF-8";
        reply.headers.emplace_back("Allow", seg.empty() ? "HEAD,GET" : "HEAD,DELETE,POST,GET,PUT");
        return reply;
    }
    if (seg.empty()) {
        if (!read) return wrong_method(r, "HEAD, GET");
        return root(node, r);
    }
    const auto view = view_of(node);
    const auto first = seg[0];
    if (first == "_cat") return cat(node, r, view, seg);
    if (first == "_cluster") {
        if (seg.size() >= 2 && seg[1] == "health") {
            if (!read) return wrong_method(r, "GET");
            return cluster_health(node, r, view);
        }
        if (seg.size() == 2 && seg[1] == "settings") {
            if (r.method == "PUT") {
                effects.push_back({Effect::Kind::write, "cluster_settings", "", "", 0});
                auto body = http::parse_json_body(r.body);
                json out = {{"acknowledged", true},
                            {"persistent", json::object()},
                            {"transient", json::object()}};
                if (body && body->is_object()) {
                    for (const char* k : {"persistent", "transient"})
                        if (body->contains(k) && (*body)[k].is_object())
                            out[k] = json::parse(
                                (*body)[k].dump(-1, ' ', false,
                                                nlohmann::json::error_handler_t::replace),
                                nullptr, false);
                }
                return json_reply(r, 200, out);
            }
            if (!read) return wrong_method(r, "GET, PUT");
            return json_reply(r, 200,
                              {{"persistent", json::object()}, {"transient", json::object()}});
        }
        return no_handler(r);
    }
    if (first == "_nodes") {
        if (!read) return no_handler(r);
        return nodes_info(node, r);
    }
    if (first == "_search" || first == "_count") {
        if (seg.size() > 1) return no_handler(r);
        if (!read && r.method != "POST") return wrong_method(r, "GET, POST");
        return search_reply(node, r, view.all, first == "_count");
    }
    if (first == "_bulk") {
        if (r.method != "POST" && r.method != "PUT") return wrong_method(r, "POST, PUT");
        return bulk(node, r, "", effects);
    }
    if (seg.size() == 1 && (first == "_mapping" || first == "_mappings" || first == "_settings" ||
                            first == "_alias" || first == "_aliases")) {
        if (!read) return no_handler(r);
        return per_index(node, r, view.all,
                         first.starts_with("_mapping") ? "mappings"
                         : first == "_settings"        ? "settings"
                                                       : "aliases");
    }
    if (first.starts_with('_') && first != "_all") return no_handler(r);
    return index_routes(node, r, view, seg, effects);
}

Reply unauthorized(const Node& node, const Request& r, const std::string& user) {
    const auto& rel = *node.settings.release;
    const std::string resource = "REST request [" + r.path + "]";
    const std::string reason = user.empty()
                                   ? (rel.major >= 7 ? "missing authentication credentials for "
                                                     : "missing authentication token for ") +
                                         resource
                                   : "unable to authenticate user [" + user + "] for " + resource;
    json challenges = json::array({"Basic realm=\"security\" charset=\"UTF-8\""});
    if (rel.major >= 7) challenges.push_back("ApiKey");
    json cause = {{"type", "security_exception"},
                  {"reason", reason},
                  {"header", {{"WWW-Authenticate", challenges}}}};
    json error = {{"root_cause", json::array({cause})}};
    for (const auto& [k, v] : cause.items()) error[k] = v;
    Reply reply = json_reply(r, 401, {{"error", error}, {"status", 401}});
    for (const auto& c : challenges)
        reply.headers.emplace_back("WWW-Authenticate", c.get<std::string>());
    reply.authenticated = false;
    return reply;
}

}  // namespace decnet::honeypot::es
