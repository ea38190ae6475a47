// SASL NTLM for the mail protocols (see sasl_ntlm.hpp).
#include "honeypot/services/sasl_ntlm.hpp"

#include "core/base64.hpp"
#include "core/text.hpp"
#include "events/event.hpp"
#include "honeypot/world/decky_world.hpp"

namespace decnet::honeypot {
namespace {

NtlmIdentity identity_of(const DeckyWorld* world, std::string_view hostname, bool windows) {
    if (!world) return ntlm_identity(hostname, "", "", windows);
    return ntlm_identity(world->hostname, world->domain, world->archetype,
                         windows || world->os_family == "windows");
}

}  // namespace

SaslNtlm::SaslNtlm(const DeckyWorld* world, std::string_view hostname, bool windows)
    : acceptor_(identity_of(world, hostname, windows)) {}

SaslNtlm::Step SaslNtlm::next(std::string_view line) {
    Step step;
    const auto token = base64_decode(trim(line, " \t\r\n"));
    if (!token || token->empty()) return step;
    if (!challenged_) {
        const auto challenge = acceptor_.challenge(*token);
        if (!challenge) return step;
        challenged_ = true;
        step.kind = Step::Kind::challenge;
        step.challenge = base64_encode(*challenge);
        return step;
    }
    if (!acceptor_.authenticate(*token)) return step;
    step.kind = Step::Kind::done;
    return step;
}

bool SaslNtlm::decide(LoginPolicy& policy, std::string_view peer_ip) {
    const auto& logon = acceptor_.logon();
    return logon && decide_ntlm(policy, peer_ip, *logon).accepted;
}

void SaslNtlm::add_fields(Event& event) const {
    if (const auto& logon = acceptor_.logon()) add_ntlm_fields(event, *logon);
}

}  // namespace decnet::honeypot
