// The REST API of one Elasticsearch node, as pure functions from a parsed request to the
// answer its release gives: the root document, cluster health, the _cat tables (text with
// ?v and ?h, or ?format=json), _nodes, aliases, mappings, settings, index and document
// reads, _search and _count over the decky's indices, writes, deletes and _bulk (applied to
// the decky's State, reported as Effects for the events), the errors Elasticsearch words
// (index_not_found_exception, no handler found, 405 with Allow) and the 401 of a secured
// cluster. The socket side is elasticsearch.cpp's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "events/event.hpp"
#include "honeypot/services/elasticsearch/es_indices.hpp"

namespace decnet::honeypot {
struct EsSettings;
}

namespace decnet::honeypot::es {

struct Request {
    std::string method;
    std::string path;  // decoded, without the query
    Fields query;      // decoded parameters
    std::string body;  // the kept part of the body
    std::size_t body_size = 0;
    const ScriptUse* script = nullptr;  // a script in the body, when there is one
    std::string param(std::string_view name) const;
    bool has(std::string_view name) const;
};

struct Reply {
    int status = 200;
    std::string content_type;  // "" = the release's JSON type
    std::string body;
    Fields headers;             // before the node's own (X-elastic-product, Warning)
    bool authenticated = true;  // false: a 401 (no product header)
};

// What a request changed (one event each).
struct Effect {
    enum class Kind { write, destroy };
    Kind kind = Kind::write;
    std::string action;  // index_create, doc_index, bulk, update, update_by_query,
                         // cluster_settings, index_delete, doc_delete, delete_by_query
    std::string index, id;
    std::size_t count = 0;  // documents touched (bulk items, deleted docs)
};

// The node an answer comes from.
struct Node {
    const EsSettings& settings;
    std::string hostname;  // node.name
    std::string ip;        // its publish address
    std::int64_t now = 0;  // epoch seconds
    const std::vector<Index>* bait = nullptr;
};

Reply handle(const Node& node, const Request& request, std::vector<Effect>& effects);

// The 401 of a secured cluster: credentials missing (user "") or refused.
Reply unauthorized(const Node& node, const Request& request, const std::string& user);

}  // namespace decnet::honeypot::es
