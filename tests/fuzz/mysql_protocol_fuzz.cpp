// mysql's handshake-response parser and its SQL over the bait databases on arbitrary
// bytes: no crash, no read past the input, and every answer fits one packet.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "honeypot/services/mysql/mysql_protocol.hpp"
#include "honeypot/services/mysql/mysql_sql.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    namespace my = decnet::honeypot::mysql;
    if (const auto h = my::parse_handshake_response(input)) {
        if (h->user.size() + h->auth_response.size() + h->database.size() + h->plugin.size() > size)
            std::abort();
    }
    static const my::Server server = [] {
        decnet::honeypot::DbFacts facts;
        facts.app = "crm";
        facts.people = {"jsmith"};
        return my::Server{"8.0.40", "MySQL Community Server - GPL",       "db01", "Linux",
                          false,    decnet::honeypot::make_db_bait(facts)};
    }();
    my::Connection connection{"root", "203.0.113.7", "shop", 1};
    const auto answer = my::run_query(server, connection, input);
    for (const auto& payload : my::resultset_payloads(answer.columns, answer.result, true))
        if (payload.size() > my::kMaxPayload) std::abort();
    (void)my::use_database(server, connection, input);
    return 0;
}
