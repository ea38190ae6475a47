#include "wire/ssh_kexinit.hpp"

#include <algorithm>

#include "wire/ssh_codec.hpp"

namespace decnet::wire::ssh {

std::optional<KexInit> parse_kexinit(std::string_view payload) {
    Reader in(payload);
    if (in.byte() != kKexInit) return std::nullopt;
    KexInit out;
    const auto cookie = in.bytes(out.cookie.size());
    if (!in.ok()) return std::nullopt;
    std::copy(cookie.begin(), cookie.end(), out.cookie.begin());
    for (auto* list : {&out.kex, &out.host_key, &out.enc_cs, &out.enc_sc, &out.mac_cs, &out.mac_sc,
                       &out.cmp_cs, &out.cmp_sc, &out.lang_cs, &out.lang_sc})
        *list = in.name_list();
    out.first_kex_follows = in.boolean();
    in.u32();  // reserved
    if (!in.ok()) return std::nullopt;
    return out;
}

std::string build_kexinit(const KexInit& kexinit) {
    Writer out(kKexInit);
    out.raw(std::string_view(reinterpret_cast<const char*>(kexinit.cookie.data()),
                             kexinit.cookie.size()));
    for (const auto* list :
         {&kexinit.kex, &kexinit.host_key, &kexinit.enc_cs, &kexinit.enc_sc, &kexinit.mac_cs,
          &kexinit.mac_sc, &kexinit.cmp_cs, &kexinit.cmp_sc, &kexinit.lang_cs, &kexinit.lang_sc})
        out.name_list(*list);
    out.boolean(kexinit.first_kex_follows).u32(0);
    return out.take();
}

std::string hassh_algorithms(const KexInit& k) {
    return join_names(k.kex) + ';' + join_names(k.enc_cs) + ';' + join_names(k.mac_cs) + ';' +
           join_names(k.cmp_cs);
}

std::string hassh_server_algorithms(const KexInit& k) {
    return join_names(k.kex) + ';' + join_names(k.enc_sc) + ';' + join_names(k.mac_sc) + ';' +
           join_names(k.cmp_sc);
}

std::string negotiate(const std::vector<std::string>& client,
                      const std::vector<std::string>& server) {
    for (const auto& name : client)
        if (std::find(server.begin(), server.end(), name) != server.end()) return name;
    return {};
}

std::optional<VersionLine> parse_version(std::string_view line) {
    if (line.substr(0, 4) != "SSH-") return std::nullopt;
    line.remove_prefix(4);
    const auto dash = line.find('-');
    if (dash == std::string_view::npos || dash == 0) return std::nullopt;
    VersionLine out;
    out.proto = std::string(line.substr(0, dash));
    line.remove_prefix(dash + 1);
    const auto space = line.find(' ');
    out.software = std::string(line.substr(0, space));
    if (space != std::string_view::npos) out.comments = std::string(line.substr(space + 1));
    if (out.software.empty()) return std::nullopt;
    return out;
}

}  // namespace decnet::wire::ssh
