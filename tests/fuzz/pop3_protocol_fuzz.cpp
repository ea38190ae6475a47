// pop3's state machine on arbitrary lines (the input split at LF; a login is accepted when
// its user starts with 'a'): no crash, and a message is only retrieved or deleted when it
// exists in the mailbox.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "honeypot/services/pop3/pop3_protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    namespace pop3 = decnet::honeypot::pop3;
    const bool apop = size > 0 && (data[0] & 1);
    pop3::Machine machine({size > 0 && (data[0] & 2), true, apop ? "<1.2@h>" : ""});
    decnet::honeypot::MailFacts facts;
    facts.hostname = "h";
    facts.domain = "example.com";
    const auto box = decnet::honeypot::make_mailbox(facts, "a");
    for (int lines = 0; !input.empty() && lines < 256; ++lines) {
        const auto nl = input.find('\n');
        auto step = machine.handle(input.substr(0, nl));
        input = nl == std::string_view::npos ? std::string_view{} : input.substr(nl + 1);
        if (step.login) step.reply = machine.login_result(step.login->user.starts_with('a'), box);
        if (step.retrieved > box.size() || step.deleted > box.size()) std::abort();
        if (step.close) break;
    }
    return 0;
}
