// LDAPv3 messages (RFC 4511) over the shared BER reader: framing of a byte stream into
// LDAPMessages, decoding of the requests a server receives (bind, search with its filter,
// modify/add/delete/modDN/compare, extended, controls), RFC 4515 rendering of a filter, and
// the responses a server sends, encoded as OpenLDAP's liblber and Active Directory do
// (constructed lengths always in the 4-octet long form — what nmap's probes match on).
// Bounds: a message of at most the caller's size; filters at most kMaxFilterDepth deep and
// kMaxFilterNodes nodes (a filter is the only recursive structure and is parsed with an
// explicit depth count); at most kMaxAttributes attributes, kMaxValues values, kMaxControls
// controls. No Boost, no I/O (a fuzz target links it alone).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace decnet::wire::ldap {

constexpr std::size_t kMaxFilterDepth = 16;
constexpr std::size_t kMaxFilterNodes = 256;
constexpr std::size_t kMaxAttributes = 128;
constexpr std::size_t kMaxValues = 256;
constexpr std::size_t kMaxControls = 16;

// protocolOp CHOICE numbers ([APPLICATION n]).
enum class Op : std::uint8_t {
    bind_request = 0,
    bind_response = 1,
    unbind_request = 2,
    search_request = 3,
    search_entry = 4,
    search_done = 5,
    modify_request = 6,
    modify_response = 7,
    add_request = 8,
    add_response = 9,
    del_request = 10,
    del_response = 11,
    modify_dn_request = 12,
    modify_dn_response = 13,
    compare_request = 14,
    compare_response = 15,
    abandon_request = 16,
    search_reference = 19,
    extended_request = 23,
    extended_response = 24,
    intermediate_response = 25,
};

// resultCode values used by servers here.
namespace result {
constexpr int success = 0, operations_error = 1, protocol_error = 2, size_limit_exceeded = 4,
              compare_false = 5, compare_true = 6, auth_method_not_supported = 7,
              stronger_auth_required = 8, sasl_bind_in_progress = 14, no_such_object = 32,
              invalid_credentials = 49, insufficient_access_rights = 50, unwilling_to_perform = 53;
}

struct Control {
    std::string oid;
    bool critical = false;
    std::optional<std::string> value;
};

struct Filter {
    enum class Kind {
        and_,
        or_,
        not_,
        equality,
        substrings,
        greater_or_equal,
        less_or_equal,
        present,
        approx,
        extensible
    };
    Kind kind = Kind::present;
    std::string attribute;  // the attribute description (extensible: may be empty)
    std::string value;      // assertion value (equality, ge, le, approx, extensible)
    std::optional<std::string> initial, final_;  // substrings
    std::vector<std::string> any;
    std::string matching_rule;  // extensible
    bool dn_attributes = false;
    std::vector<Filter> children;  // and, or (any number), not (one)
};

struct BindRequest {
    std::int64_t version = 0;
    std::string name;
    bool simple = true;
    std::string password;                    // simple
    std::string mechanism;                   // SASL
    std::optional<std::string> credentials;  // SASL, or the Sicily NTLM message
    // AD's Sicily NTLM binds (MS-ADTS 5.1.1.1.3; ldap3 and impacket use them): 9 package
    // discovery, 10 negotiate, 11 response; 0 otherwise. mechanism is then "SICILY".
    int sicily = 0;
};

struct SearchRequest {
    std::string base;
    std::int64_t scope = 0;  // 0 base, 1 one level, 2 subtree
    std::int64_t deref = 0;
    std::int64_t size_limit = 0;
    std::int64_t time_limit = 0;
    bool types_only = false;
    Filter filter;
    std::vector<std::string> attributes;
};

// An attribute with its values (add request entries, modify changes, search results).
using Attribute = std::pair<std::string, std::vector<std::string>>;

struct Change {
    std::int64_t operation = 0;  // 0 add, 1 delete, 2 replace
    Attribute attribute;
};

struct Message {
    std::int64_t id = 0;
    Op op = Op::unbind_request;
    BindRequest bind;
    SearchRequest search;
    std::string dn;                     // modify, add, delete, modify DN, compare: the entry
    std::vector<Change> changes;        // modify
    std::vector<Attribute> attributes;  // add
    std::string new_rdn, new_superior;  // modify DN
    bool delete_old_rdn = false;
    Attribute assertion;          // compare: attribute and one value
    std::int64_t abandon_id = 0;  // abandon
    std::string extended_name;    // extended: requestName
    std::optional<std::string> extended_value;
    std::vector<Control> controls;
};

// What `frame` found at the start of a stream buffer.
struct Frame {
    enum class Status { need_more, complete, bad } status = Status::need_more;
    std::size_t size = 0;  // complete: the LDAPMessage's total length
    std::string error;     // bad: why
};
// The first LDAPMessage in `buffer`: complete (with its size), need_more, or bad (not a
// SEQUENCE, an indefinite or over-long length, or larger than `max_message`).
Frame frame(std::string_view buffer, std::size_t max_message);

struct Parsed {
    std::optional<Message> message;
    std::string error;
    std::int64_t id = 0;  // the message ID when it could be read (for an error response)
};
// One whole LDAPMessage (as `frame` delimited it).
Parsed parse_message(std::string_view bytes);

// RFC 4515 text of a filter ("(&(objectClass=user)(cn=ad*))"), cut at `max` bytes.
std::string filter_to_string(const Filter& filter, std::size_t max = 1024);

// Responses. Constructed TLVs use the 4-octet long length form, as liblber and AD write.
std::string constructed(std::uint8_t tag, std::string_view contents);
std::string message(std::int64_t id, std::string_view protocol_op,
                    const std::vector<Control>& controls = {});
// An LDAPResult-shaped response ([APPLICATION op] SEQUENCE { resultCode, matchedDN,
// diagnosticMessage, extra }); `extra` is appended inside (serverSaslCreds [7],
// responseName [10], responseValue [11]).
std::string result_op(Op op, int code, std::string_view matched_dn, std::string_view diagnostic,
                      std::string_view extra = {});
std::string search_entry_op(std::string_view dn, const std::vector<Attribute>& attributes,
                            bool types_only = false);
// Extended response: name and value are optional (empty: absent).
std::string extended_response_op(int code, std::string_view diagnostic, std::string_view name,
                                 const std::optional<std::string>& value);
// serverSaslCreds [7] of a BindResponse (the `extra` of result_op).
std::string sasl_credentials(std::string_view creds);
// The paged results control (1.2.840.113556.1.4.319) value: { size, cookie }.
std::string paged_results_value(std::int64_t size, std::string_view cookie);
std::optional<std::pair<std::int64_t, std::string>> parse_paged_results(std::string_view value);

constexpr std::string_view kPagedResultsOid = "1.2.840.113556.1.4.319";
constexpr std::string_view kStartTlsOid = "1.3.6.1.4.1.1466.20037";
constexpr std::string_view kWhoAmIOid = "1.3.6.1.4.1.4203.1.11.3";

}  // namespace decnet::wire::ldap
