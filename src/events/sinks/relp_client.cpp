// RELP client transactions: numbering, pipelining within the window, matching answers.
#include "events/sinks/relp_client.hpp"

#include <algorithm>
#include <vector>

#include "events/relp_frame.hpp"

namespace decnet {

namespace {

using Clock = std::chrono::steady_clock;

// Answers are short ("200 OK", the open's offers): anything bigger is a broken peer.
constexpr std::size_t kMaxAnswer = 64 * 1024;
constexpr std::string_view kOffers = "relp_version=0\nrelp_software=decnet\ncommands=syslog";

}  // namespace

RelpClient::RelpClient(SyslogTransport& transport, std::size_t window,
                       std::chrono::milliseconds timeout)
    : transport_(transport), window_(std::max<std::size_t>(window, 1)), timeout_(timeout) {}

std::string RelpClient::next_frame(RelpFrame& frame, Clock::time_point deadline) {
    for (int guard = 0; guard < 10000; ++guard) {
        auto parsed = parse_relp_frame(inbox_, kMaxAnswer);
        if (parsed.status == RelpParse::Status::error)
            return "bad RELP frame from collector: " + std::string(parsed.error);
        if (parsed.status == RelpParse::Status::complete) {
            inbox_.erase(0, parsed.consumed);
            frame = std::move(parsed.frame);
            if (frame.command == "serverclose") return "collector closed the RELP session";
            if (frame.command != "rsp") return "unexpected RELP command " + frame.command;
            return {};
        }
        if (auto error = transport_.receive(inbox_, deadline); !error.empty()) return error;
    }
    return "RELP: no answer";
}

std::string RelpClient::open() {
    txnr_ = 0;
    inbox_.clear();
    txnr_ = next_relp_txnr(txnr_);
    const auto frame = format_relp_frame(txnr_, "open", kOffers);
    std::size_t sent = 0;
    if (auto error = transport_.send(frame, sent); !error.empty()) return error;
    RelpFrame answer;
    if (auto error = next_frame(answer, Clock::now() + timeout_); !error.empty()) return error;
    if (answer.txnr != txnr_ || relp_response_code(answer.data) != 200)
        return "RELP open refused: " + answer.data.substr(0, 200);
    return {};
}

std::size_t RelpClient::send(std::span<const std::string> batch, std::string& error) {
    error.clear();
    std::size_t done = 0;  // acknowledged, in order
    std::vector<std::uint32_t> txnrs;
    while (done < batch.size()) {
        const std::size_t count = std::min(window_, batch.size() - done);
        frames_.clear();
        txnrs.clear();
        for (std::size_t i = 0; i < count; ++i) {
            txnr_ = next_relp_txnr(txnr_);
            txnrs.push_back(txnr_);
            frames_ += format_relp_frame(txnr_, "syslog", batch[done + i]);
        }
        std::size_t sent = 0;
        if (error = transport_.send(frames_, sent); !error.empty()) return done;
        // Answers come in order; a message counts only when it and all before it are acked.
        const auto deadline = Clock::now() + timeout_;
        for (std::size_t i = 0; i < count; ++i) {
            RelpFrame answer;
            if (error = next_frame(answer, deadline); !error.empty()) return done;
            if (answer.txnr != txnrs[i]) {
                error = "RELP answer out of order (txnr " + std::to_string(answer.txnr) + ")";
                return done;
            }
            if (relp_response_code(answer.data) != 200) {
                error = "collector refused a message: " + answer.data.substr(0, 200);
                return done;
            }
            ++done;
        }
    }
    return done;
}

void RelpClient::close() {
    txnr_ = next_relp_txnr(txnr_);
    const auto frame = format_relp_frame(txnr_, "close", {});
    std::size_t sent = 0;
    transport_.send(frame, sent);
}

}  // namespace decnet
