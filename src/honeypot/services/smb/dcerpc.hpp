// DCE/RPC over SMB named pipes (C706 connection-oriented PDUs, MS-RPCE) as far as the smb
// emulator answers it: bind/alter context (NDR accepted, NDR64 refused, bind-time feature
// negotiation acknowledged), requests, responses and faults; srvsvc's NetShareEnumAll
// (levels 0 and 1, what `smbclient -L` and impacket ask) in NDR; and the names of the
// interfaces attackers bind (coercion: EFSRPC, spoolss, netdfs, FSRVP). No Boost, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::honeypot::smb {

constexpr std::size_t kMaxRpcContexts = 16;

enum class RpcType : std::uint8_t {
    request = 0,
    response = 2,
    fault = 3,
    bind = 11,
    bind_ack = 12,
    bind_nak = 13,
    alter_context = 14,
    alter_context_resp = 15,
};

struct RpcPdu {
    std::uint8_t type = 0;
    std::uint8_t flags = 0;
    std::uint32_t call_id = 0;
    std::string_view body;  // after the 16-byte header, without the auth trailer
};
// The first PDU of `data` (frag_length bytes); nullopt when malformed.
std::optional<RpcPdu> parse_pdu(std::string_view data);

struct RpcContext {
    std::uint16_t id = 0;
    std::string interface;  // uuid text
    std::uint16_t version = 0;
    std::vector<std::string> transfers;  // uuid text
    std::vector<std::uint16_t> transfer_versions;
};
struct RpcBind {
    std::uint32_t assoc_group = 0;
    std::vector<RpcContext> contexts;
};
std::optional<RpcBind> parse_bind(std::string_view body);
// bind_ack (or alter_context_resp when `alter`) for `pipe` ("\PIPE\srvsvc").
std::string bind_ack(std::uint32_t call_id, const RpcBind& bind, std::string_view pipe,
                     std::uint32_t assoc_group, bool alter);

struct RpcRequest {
    std::uint16_t context = 0;
    std::uint16_t opnum = 0;
    std::string_view stub;
};
std::optional<RpcRequest> parse_request(const RpcPdu& pdu);
std::string rpc_response(std::uint32_t call_id, std::uint16_t context, std::string_view stub);
std::string rpc_fault(std::uint32_t call_id, std::uint16_t context, std::uint32_t status);

// "srvsvc", "lsarpc", "efsrpc", "spoolss", "netdfs", "fsrvp", … or "" for an unknown uuid.
std::string_view interface_name(std::string_view uuid);
// Interfaces whose calls make a host authenticate to an attacker (PetitPotam, PrinterBug,
// DFSCoerce, ShadowCoerce).
bool is_coercion_interface(std::string_view name);
// The first UNC path (\\host\...) in an NDR stub, for the coercion event; "" when none.
std::string find_unc_path(std::string_view stub);

struct ShareInfo {
    std::string name;
    std::uint32_t type = 0;  // STYPE_DISKTREE 0, STYPE_IPC 3, | 0x80000000 special
    std::string comment;
};
// NetShareEnumAll's level from its request stub; nullopt when malformed.
std::optional<std::uint32_t> share_enum_level(std::string_view stub);
// The response stub (WERR_UNKNOWN_LEVEL for levels other than 0 and 1).
std::string share_enum_response(std::uint32_t level, const std::vector<ShareInfo>& shares);

}  // namespace decnet::honeypot::smb
