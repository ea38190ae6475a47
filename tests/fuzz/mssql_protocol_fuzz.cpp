// mssql's TDS codec (packet header, PRELOGIN, LOGIN7 with its offsets and lengths, the SQL
// batch text) and its T-SQL over the bait databases on arbitrary bytes: no crash, no read
// past the input, at most 64 statements per batch.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "honeypot/services/mssql/mssql_sql.hpp"
#include "honeypot/services/mssql/tds_protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    namespace tds = decnet::honeypot::tds;
    namespace mssql = decnet::honeypot::mssql;
    (void)tds::parse_header(input);
    if (const auto p = tds::parse_prelogin(input)) {
        if (p->instance.size() > size) std::abort();
        tds::PreloginReply reply;
        reply.mars = p->has_mars;
        (void)tds::prelogin_reply(reply);
    }
    if (const auto l = tds::parse_login7(input)) {
        if (l->sspi.size() > size || l->username.size() > 4 * 256) std::abort();
        (void)tds::tds_version_name(l->tds_version);
    }
    const auto sql = tds::sql_batch_text(input);
    static const mssql::Server server = [] {
        decnet::honeypot::DbFacts facts;
        facts.app = "erp";
        facts.people = {"jsmith"};
        return mssql::Server{
            "Microsoft SQL Server 2019", "15.0.2000.5", "RTM",
            "Standard Edition (64-bit)", "SQL01",       decnet::honeypot::make_db_bait(facts)};
    }();
    mssql::Connection connection{"sa", "erp_prod", "203.0.113.7", "BOX", "app", 52};
    for (const auto text : {std::string_view(sql), input}) {
        const auto results = mssql::run_batch(server, connection, text);
        if (results.size() > 64) std::abort();
        for (const auto& r : results) {
            (void)tds::colmetadata_token(r.columns);
            for (const auto& row : r.values) (void)tds::row_token(r.columns, row);
            (void)tds::error_token(r.message);
        }
    }
    return 0;
}
