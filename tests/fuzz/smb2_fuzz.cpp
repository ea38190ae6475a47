// libFuzzer target for the smb emulator's codecs (services/smb: smb2, dcerpc, smb1,
// netbios): a frame split into its compounded messages and every request parser over each
// message must stay inside the bytes whatever the offsets claim; DCE/RPC PDUs and SMB1
// negotiates likewise.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "honeypot/services/smb/dcerpc.hpp"
#include "honeypot/services/smb/netbios.hpp"
#include "honeypot/services/smb/smb1.hpp"
#include "honeypot/services/smb/smb2.hpp"

namespace {

void check(bool condition) {
    if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace smb = decnet::honeypot::smb;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    if (const auto messages = smb::split_compound(input)) {
        check(messages->size() <= smb::kMaxCompound);
        for (const auto& m : *messages) {
            check(m.bytes.size() >= smb::kHeaderSize);
            smb::parse_negotiate(m.body, m.bytes);
            smb::parse_session_setup(m.body, m.bytes);
            smb::parse_tree_connect(m.body, m.bytes);
            smb::parse_create(m.body, m.bytes);
            smb::parse_close(m.body);
            smb::parse_read(m.body);
            if (const auto w = smb::parse_write(m.body, m.bytes))
                check(w->data.size() <= m.bytes.size());
            smb::parse_query_directory(m.body, m.bytes);
            smb::parse_query_info(m.body);
            smb::parse_ioctl(m.body, m.bytes);
            smb::parse_set_info(m.body, m.bytes);
        }
    }
    if (const auto pdu = smb::parse_pdu(input)) {
        check(pdu->body.size() <= size);
        if (const auto bind = smb::parse_bind(pdu->body)) {
            check(bind->contexts.size() <= smb::kMaxRpcContexts);
            smb::bind_ack(pdu->call_id, *bind, "\\PIPE\\srvsvc", 1, false);
        }
        if (const auto request = smb::parse_request(*pdu)) {
            smb::find_unc_path(request->stub);
            if (const auto level = smb::share_enum_level(request->stub))
                smb::share_enum_response(*level, {{"IPC$", 0x80000003, "Remote IPC"}});
        }
    }
    smb::parse_smb1_negotiate(input);
    smb::smb1_probe_kind(input);
    if (const auto setup = smb::parse_smb1_session_setup(input))
        check(setup->blob.size() + setup->lm.size() + setup->nt.size() <= input.size());
    smb::parse_session_request(input);
    return 0;
}
