// mongodb's message parsers (OP_MSG with its sections and checksum, OP_QUERY), its SCRAM
// parsers and the commands over the bait databases on arbitrary bytes: no crash, no read
// past the input, every parsed command answered with a document.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "honeypot/services/mongodb/mongodb_commands.hpp"
#include "honeypot/services/mongodb/mongodb_protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace mg = decnet::honeypot::mongodb;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    static const mg::Server server = [] {
        decnet::honeypot::DbFacts facts;
        facts.app = "crm";
        facts.people = {"jsmith"};
        mg::Server s;
        s.hostname = "db01";
        s.process_id = std::string(12, '\x01');
        s.databases = decnet::honeypot::make_db_bait(facts);
        return s;
    }();
    decnet::wire::bson::Limits limits;
    limits.max_depth = 32;
    limits.max_elements = 4096;
    (void)mg::parse_header(input);
    for (const auto& parsed :
         {mg::parse_op_msg(input, limits), mg::parse_op_query(input, limits)}) {
        if (!parsed.command) continue;
        mg::Connection connection{1, "203.0.113.7:40000", false, {}, {}};
        const auto outcome = mg::run_command(server, connection, *parsed.command, 0);
        if (outcome.reply.empty() && outcome.legacy_documents.empty() &&
            !parsed.command->legacy_find)
            std::abort();
        (void)mg::op_msg(1, 2, outcome.reply);
        if (outcome.documents.size() > 8192) std::abort();
    }
    (void)mg::parse_scram_first(input);
    (void)mg::parse_scram_final(input);
    return 0;
}
