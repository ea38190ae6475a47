// libFuzzer target: what the elasticsearch emulator reads out of attacker bodies — search
// bodies (queries of any shape and nesting, from/size, query strings), scripts and the
// commands in them, documents written to indices (and the indices' bounded state) — must
// never crash, hang or overflow.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "honeypot/services/elasticsearch/es_indices.hpp"
#include "honeypot/world/db_bait.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace decnet::honeypot;
    static const auto bait = [] {
        DbFacts facts;
        facts.hostname = "search-01";
        facts.app = "shop";
        facts.people = {"alice", "bob"};
        facts.seed = 7;
        return es::make_bait_indices(facts, 1'796'000'000);
    }();
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    std::vector<const es::Index*> indices;
    for (const auto& index : bait) indices.push_back(&index);

    es::SearchParams params;
    params.body = input;
    (void)es::search(indices, params);
    params.body = {};
    params.q = std::string(input.substr(0, 4096));
    params.modern = size % 2 == 0;
    (void)es::search(indices, params);
    (void)es::find_script(input);
    (void)es::json_problem(input);
    if (auto doc = es::make_doc("1", input)) {
        (void)es::dynamic_mapping(*doc);
        es::State state;
        state.put("fuzz", *doc, "uuid", 0);
        state.empty("fuzz");
        state.remove("fuzz");
    }
    return 0;
}
