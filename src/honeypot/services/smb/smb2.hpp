// SMB2/3 messages (MS-SMB2 §2.2): the 64-byte header, a frame split into its compounded
// messages, the requests the emulator reads and the fixed parts of its responses. No Boost,
// no I/O (the fuzz target links it alone). Bounds: at most kMaxCompound messages per frame,
// every offset and length checked against its message, names of at most kMaxName bytes.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::honeypot::smb {

constexpr std::size_t kHeaderSize = 64;
constexpr std::size_t kMaxCompound = 32;
constexpr std::size_t kMaxName = 2048;  // a path, UTF-16LE bytes

enum class Command : std::uint16_t {
    negotiate = 0,
    session_setup = 1,
    logoff = 2,
    tree_connect = 3,
    tree_disconnect = 4,
    create = 5,
    close = 6,
    flush = 7,
    read = 8,
    write = 9,
    lock = 10,
    ioctl = 11,
    cancel = 12,
    echo = 13,
    query_directory = 14,
    change_notify = 15,
    query_info = 16,
    set_info = 17,
    oplock_break = 18,
};
std::string_view command_name(std::uint16_t command);

namespace status {
constexpr std::uint32_t kSuccess = 0, kMoreProcessing = 0xc0000016, kLogonFailure = 0xc000006d,
                        kAccessDenied = 0xc0000022, kBadNetworkName = 0xc00000cc,
                        kNotFound = 0xc0000034, kPathNotFound = 0xc000003a,
                        kNotSupported = 0xc00000bb, kInvalidParameter = 0xc000000d,
                        kNoMoreFiles = 0x80000006, kNoSuchFile = 0xc000000f,
                        kEndOfFile = 0xc0000011, kFileClosed = 0xc0000128,
                        kNotADirectory = 0xc0000103, kFileIsADirectory = 0xc00000ba,
                        kNameCollision = 0xc0000035, kInvalidInfoClass = 0xc0000003,
                        kInfoLengthMismatch = 0xc0000004, kBufferOverflow = 0x80000005,
                        kUserSessionDeleted = 0xc0000203, kNetworkNameDeleted = 0xc00000c9,
                        kFsDriverRequired = 0xc000019c, kInvalidDeviceRequest = 0xc0000010,
                        kDiskFull = 0xc000007f, kRequestNotAccepted = 0xc00000d0,
                        kPipeEmpty = 0xc00000d9, kObjectNameInvalid = 0xc0000033,
                        kCancelled = 0xc0000120, kNotImplemented = 0xc0000002;
}

constexpr std::uint32_t kFlagResponse = 0x1, kFlagAsync = 0x2, kFlagRelated = 0x4,
                        kFlagSigned = 0x8;

struct Header {
    std::uint16_t credit_charge = 0;
    std::uint32_t status = 0;
    std::uint16_t command = 0;
    std::uint16_t credits = 0;
    std::uint32_t flags = 0;
    std::uint32_t next_command = 0;
    std::uint64_t message_id = 0;
    std::uint32_t process_id = 0;
    std::uint32_t tree_id = 0;
    std::uint64_t session_id = 0;
    std::array<std::uint8_t, 16> signature{};
};

// One message of a frame: its header, its body (after the header, up to the next message)
// and its whole bytes (what signing and the preauth hash cover).
struct Message {
    Header header;
    std::string_view body;
    std::string_view bytes;
};

std::optional<Header> parse_header(std::string_view message);
std::string build_header(const Header& header);
// The messages of an SMB2 frame (NextCommand chain); nullopt when malformed or longer than
// kMaxCompound.
std::optional<std::vector<Message>> split_compound(std::string_view frame);

struct NegotiateRequest {
    std::uint16_t security_mode = 0;
    std::uint32_t capabilities = 0;
    std::array<std::uint8_t, 16> client_guid{};
    std::vector<std::uint16_t> dialects;
    // 3.1.1 contexts: the hash algorithms and ciphers offered, the signing algorithms.
    std::vector<std::uint16_t> hashes, ciphers, signing;
    bool has_preauth = false;
};
std::optional<NegotiateRequest> parse_negotiate(std::string_view body, std::string_view message);

struct SessionSetupRequest {
    std::uint8_t flags = 0, security_mode = 0;
    std::uint64_t previous_session = 0;
    std::string_view token;
};
std::optional<SessionSetupRequest> parse_session_setup(std::string_view body,
                                                       std::string_view message);

// A name in a request (path, pattern): UTF-16LE at (offset from the header, length).
std::optional<std::string> utf16_field(std::string_view message, std::size_t offset,
                                       std::size_t length);

struct TreeConnectRequest {
    std::string path;  // \\server\share
};
std::optional<TreeConnectRequest> parse_tree_connect(std::string_view body,
                                                     std::string_view message);

struct FileId {
    std::uint64_t persistent = 0, volatile_id = 0;
};

struct CreateRequest {
    std::uint32_t desired_access = 0, file_attributes = 0, share_access = 0, disposition = 0,
                  options = 0;
    std::string name;  // relative to the share, backslashes
};
std::optional<CreateRequest> parse_create(std::string_view body, std::string_view message);

std::optional<FileId> parse_close(std::string_view body);

struct ReadRequest {
    std::uint32_t length = 0;
    std::uint64_t offset = 0;
    FileId file;
};
std::optional<ReadRequest> parse_read(std::string_view body);

struct WriteRequest {
    std::uint64_t offset = 0;
    FileId file;
    std::string_view data;
};
std::optional<WriteRequest> parse_write(std::string_view body, std::string_view message);

struct QueryDirectoryRequest {
    std::uint8_t info_class = 0, flags = 0;
    FileId file;
    std::string pattern;
    std::uint32_t output_length = 0;
};
std::optional<QueryDirectoryRequest> parse_query_directory(std::string_view body,
                                                           std::string_view message);

struct QueryInfoRequest {
    std::uint8_t info_type = 0, info_class = 0;
    std::uint32_t output_length = 0;
    FileId file;
};
std::optional<QueryInfoRequest> parse_query_info(std::string_view body);

struct IoctlRequest {
    std::uint32_t code = 0;
    FileId file;
    std::string_view input;
    std::uint32_t max_output = 0;
};
std::optional<IoctlRequest> parse_ioctl(std::string_view body, std::string_view message);

struct SetInfoRequest {
    std::uint8_t info_type = 0, info_class = 0;
    FileId file;
    std::string_view buffer;
};
std::optional<SetInfoRequest> parse_set_info(std::string_view body, std::string_view message);

// Response bodies (the header is built apart).
std::string error_body();
std::string simple_body(std::uint16_t structure_size);  // LOGOFF, TREE_DISCONNECT, ECHO, …
void put_file_id(std::string& out, const FileId& id);

}  // namespace decnet::honeypot::smb
