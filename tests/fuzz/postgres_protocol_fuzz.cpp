// postgres's startup-packet, SASL and SCRAM parsers and its SQL over the bait databases on
// arbitrary bytes: no crash, no read past the input, at most 64 statements per query.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "honeypot/services/postgres/postgres_protocol.hpp"
#include "honeypot/services/postgres/postgres_sql.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    namespace pg = decnet::honeypot::postgres;
    const auto startup = pg::parse_startup(input);
    if (startup.params.size() > 64) std::abort();
    if (const auto sasl = pg::parse_sasl_initial(input))
        if (sasl->data.size() + sasl->mechanism.size() > size) std::abort();
    (void)pg::parse_client_first(input);
    (void)pg::parse_client_final(input);
    static const pg::Server server = [] {
        decnet::honeypot::DbFacts facts;
        facts.app = "erp";
        facts.people = {"jsmith"};
        return pg::Server{"16.6", "db01", decnet::honeypot::make_db_bait(facts)};
    }();
    pg::Connection connection{"postgres", "erp_prod", "203.0.113.7"};
    const auto results = pg::run_simple_query(server, connection, input);
    if (results.size() > 64) std::abort();
    for (const auto& r : results)
        for (const auto& row : r.values) (void)pg::data_row(row);
    return 0;
}
