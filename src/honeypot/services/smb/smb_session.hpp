// One SMB connection's state and its command handlers: smb.cpp owns the connection (framing,
// negotiate, session setup, tree connect), smb_files.cpp the opens (create, read, write,
// directory listings, information classes, named pipes and their DCE/RPC).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "honeypot/auth/ntlm_acceptor.hpp"
#include "honeypot/services/module.hpp"
#include "honeypot/services/smb/smb2.hpp"
#include "honeypot/services/smb/smb_shares.hpp"
#include "honeypot/services/smb/smb_signing.hpp"
#include "honeypot/world/fs_overlay.hpp"

namespace decnet::honeypot {

class Session;
class LoginPolicy;

namespace smb {

constexpr std::size_t kMaxFrame = 8 * 1024 * 1024 + 4096;  // MaxWriteSize plus headers
// Before NEGOTIATE nothing legitimate is bigger than a negotiate request; a larger length is
// another protocol's bytes read as a header (a DNS or AFP probe), which the server drops
// at once rather than waiting for megabytes that never come.
constexpr std::size_t kMaxFrameBeforeNegotiate = 64 * 1024;
constexpr std::uint16_t kNetbiosPort = 139;
constexpr std::uint32_t kMaxIo = 8 * 1024 * 1024;  // MaxTransact/Read/WriteSize
constexpr std::size_t kMaxSessions = 4, kMaxTrees = 32, kMaxOpens = 256, kMaxLegs = 8;
constexpr std::size_t kMaxUploadBytes = 16 * 1024 * 1024;  // per connection
constexpr std::size_t kMaxPipeOutput = 256 * 1024;

struct SmbSettings : ServiceSettings {
    std::shared_ptr<LoginPolicy> policy;
    bool signing_required = false;
    std::uint16_t max_dialect = 0x0311;
    bool smb1 = false;  // a Windows persona answers SMB1 ("NT LM 0.12") instead of dropping it
};

struct SmbUser {
    std::uint64_t id = 0;
    std::unique_ptr<NtlmAcceptor> ntlm;
    std::size_t legs = 0;
    bool valid = false;  // authenticated
    bool anonymous = false;
    std::string user;
    std::optional<Key> signing_key;
    PreauthHash preauth{};
};

struct SmbTree {
    const Share* share = nullptr;
};

struct SmbOpen {
    std::uint32_t tree_id = 0;
    const Share* share = nullptr;
    std::string path;  // in the fake filesystem; for a pipe its name
    bool directory = false;
    bool pipe = false;
    // A directory listing being read, and where the next QUERY_DIRECTORY starts.
    std::vector<FsEntry> listing;
    std::size_t cursor = 0;
    bool listed = false;
    // A file's content as read once, or what WRITEs built (then captured at CLOSE).
    std::optional<std::string> content;
    std::string written;
    bool wrote = false, truncated = false, reported_read = false;
    // A pipe: the DCE/RPC interface bound and the answer waiting to be read.
    std::string rpc_interface;
    std::uint16_t rpc_context = 0;
    std::string pipe_output;
};

// What one handler answers: the status and the response body.
struct Reply {
    std::uint32_t status = status::kSuccess;
    std::string body;
    bool none = false;         // CANCEL: nothing is sent
    bool sign = false;         // sign even if the request was not (final SESSION_SETUP)
    bool hash_conn = false;    // the response joins the connection's preauth hash
    bool hash_user = false;    // … the session's
    bool close_after = false;  // the connection ends after this answer
};

class SmbConnection {
  public:
    SmbConnection(Session& s, const SmbSettings& settings);
    boost::asio::awaitable<void> run();

  private:
    // Framing and dispatch (smb.cpp).
    boost::asio::awaitable<bool> handle_frame(std::string frame);
    boost::asio::awaitable<bool> handle_smb1(std::string_view message);
    // SMB1 with it on (smb1_session.cpp): the answers, "" to drop the connection.
    std::string smb1_negotiate(std::string_view message, const std::vector<std::string>& dialects);
    std::string smb1_command_answer(std::string_view message);
    std::string smb1_session_setup(std::string_view message);
    std::string handle_compound(const std::vector<Message>& messages);
    Reply dispatch(const Message& m, Header& context);
    Reply negotiate(const Message& m, bool smb1_upgrade, std::uint16_t wildcard);
    Reply session_setup(const Message& m, Header& context);
    Reply tree_connect(const Message& m, Header& context);
    std::string negotiate_body(std::uint16_t dialect, const NegotiateRequest* request);
    SmbUser* user_of(std::uint64_t id);
    const SmbTree* tree_of(const Header& h) const;

    // Opens (smb_files.cpp).
    Reply create(const Message& m, const Header& h, FileId& created);
    Reply close(const Message& m, const Header& h);
    Reply read(const Message& m, const Header& h);
    Reply write(const Message& m, const Header& h);
    Reply query_directory(const Message& m, const Header& h);
    Reply query_info(const Message& m, const Header& h);
    Reply set_info(const Message& m, const Header& h);
    Reply ioctl(const Message& m, const Header& h);
    SmbOpen* open_of(const FileId& id);
    std::string pipe_transact(SmbOpen& open, std::string_view input);
    void finish_upload(SmbOpen& open);
    std::optional<std::string> resolve(const Share& share, std::string_view name) const;

    Session& s_;
    const SmbSettings& settings_;
    NtlmIdentity identity_;
    std::vector<Share> shares_;
    FsOverlay fs_;
    std::uint16_t dialect_ = 0;
    std::uint32_t caps_ = 0;  // the capabilities the NEGOTIATE response gave
    bool negotiated_ = false;
    PreauthHash preauth_{};
    std::array<std::uint8_t, 16> server_guid_{};
    std::vector<std::pair<std::string, std::string>> accounts_;  // the decky's own logins
    std::map<std::uint64_t, SmbUser> users_;
    std::map<std::uint32_t, SmbTree> trees_;
    std::map<std::uint64_t, SmbOpen> opens_;
    std::uint32_t next_tree_ = 1;
    std::uint64_t next_file_ = 1;
    std::size_t uploaded_ = 0;
    std::uint32_t assoc_group_ = 0x5a6b;
    FileId related_file_;   // what a related request's FileId {-1, -1} means
    bool closing_ = false;  // a handler asked to end the connection
    // SMB1 (a persona with it on): negotiated, extended security or the basic challenge.
    bool smb1_ = false, smb1_extended_ = false;
    std::array<std::uint8_t, 8> smb1_challenge_{};
    std::unique_ptr<NtlmAcceptor> smb1_ntlm_;
    std::uint16_t smb1_uid_ = 0;
    std::size_t smb1_legs_ = 0;
};

}  // namespace smb
}  // namespace decnet::honeypot
