// The statements the benches' plain sqlite3 C loop inserts with: decnet's own rows (the
// logs columns the store writes, and the bounty insert that skips a payload already held),
// so "decnet against a C loop" compares the same work.
#pragma once

namespace decnet::bench {

inline constexpr const char* kPlainLogInsert =
    "INSERT INTO logs (timestamp, decky, service, event_type, attacker_ip, raw_line, fields, "
    "msg, trace_id, span_id, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

inline constexpr const char* kPlainBountyInsert =
    "INSERT INTO bounty (timestamp, decky, service, attacker_ip, bounty_type, payload, "
    "payload_hash) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 WHERE NOT EXISTS (SELECT 1 FROM bounty "
    "WHERE bounty_type = ?5 AND attacker_ip = ?4 AND payload_hash = ?7 AND payload = ?6)";

}  // namespace decnet::bench
