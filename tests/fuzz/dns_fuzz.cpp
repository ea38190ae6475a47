// libFuzzer target for the DNS codec (src/wire/dns) LLMNR and mDNS use: parsing never
// crashes or loops (compression pointers only go backwards), names stay within 255 octets,
// and a parsed query's response parses back with the same ID and questions.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "wire/dns.hpp"

namespace {

void check(bool condition) {
    if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace dns = decnet::wire::dns;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto parsed = dns::parse(input);
    if (!parsed.message) {
        check(!parsed.error.empty());
        return 0;
    }
    check(parsed.message->questions.size() <= dns::kMaxQuestions);
    for (const auto& q : parsed.message->questions) check(q.name.size() <= dns::kMaxName);
    const auto reply = dns::encode_response(*parsed.message, 0, {{"x", dns::kTypeA, 30, "abcd"}});
    const auto back = dns::parse(reply);
    check(back.message && back.message->id == parsed.message->id &&
          back.message->questions.size() == parsed.message->questions.size());
    return 0;
}
