// redis's inline tokenizer, integer parser and command checks on arbitrary bytes: no crash,
// no output larger than the input, and an error reply never carries a raw CR or LF.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "honeypot/services/redis/redis_protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    namespace redis = decnet::honeypot::redis;
    if (const auto words = redis::split_inline(input)) {
        std::size_t total = 0;
        for (const auto& w : *words) total += w.size();
        if (total > size) std::abort();
        if (!words->empty()) {
            const auto reply = redis::error_reply(redis::unknown_command(*words));
            if (reply.find_first_of("\r\n") != reply.size() - 2) std::abort();
            const auto rejected = redis::command_rejection(*words);
            if (rejected && rejected->find_first_of("\r\n") != rejected->size() - 2) std::abort();
        }
    }
    (void)redis::parse_integer(input);
    return 0;
}
