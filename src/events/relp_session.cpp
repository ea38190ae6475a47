// A RELP server session: a reader coroutine plus a write pump. Acknowledgements arrive
// from the store's thread and are posted onto the connection's executor; each message
// holds a slot in the window until its answer is sent, and answers leave in the order the
// messages came (a later message never overtakes an earlier, uncommitted one).
#include "events/relp_session.hpp"

#include <boost/asio.hpp>

#include <array>
#include <deque>
#include <memory>

#include "events/relp_frame.hpp"

namespace decnet {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

constexpr std::string_view kOpenAnswer =
    "200 OK\nrelp_version=0\nrelp_software=decnet\ncommands=syslog";

std::string_view strip_line_end(std::string_view line) {
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
    return line;
}

class Session : public std::enable_shared_from_this<Session> {
  public:
    Session(tcp::socket socket, std::string peer, const SyslogReliableHandler& handler,
            const SyslogListenerLimits& limits, RelpSessionCounters counters)
        : socket_(std::move(socket)),
          wake_(socket_.get_executor()),
          peer_(std::move(peer)),
          handler_(handler),
          limits_(limits),
          counters_(counters) {
        // Answers are small and each one frees the sender's window: no Nagle delay.
        boost::system::error_code ignored;
        socket_.set_option(tcp::no_delay(true), ignored);
    }

    asio::awaitable<void> run() {
        std::string buffer;
        std::array<char, 16384> chunk{};
        asio::steady_timer idle(socket_.get_executor());
        for (;;) {
            for (int guard = 0; guard < 100000 && !closing_ && !draining_; ++guard) {
                auto parsed = parse_relp_frame(buffer, limits_.relp_max_frame);
                if (parsed.status == RelpParse::Status::incomplete) break;
                if (parsed.status == RelpParse::Status::error) {
                    protocol_error(0, parsed.error);
                    break;
                }
                buffer.erase(0, parsed.consumed);
                handle(std::move(parsed.frame));
            }
            if (closing_ || draining_ || !socket_.is_open()) co_return;
            // Backpressure: no more reading while the window is full of uncommitted messages
            // or of answers the peer has not read yet.
            for (int guard = 0;
                 guard < 1000000 &&
                 window_.size() + outbox_.size() + (writing_ ? 1 : 0) >= limits_.relp_window;
                 ++guard) {
                wake_.expires_at(asio::steady_timer::time_point::max());
                boost::system::error_code ignored;
                co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
                if (!socket_.is_open()) co_return;
            }
            idle.expires_after(limits_.idle_timeout);
            idle.async_wait([this](boost::system::error_code ec) {
                if (!ec) close();  // idle or slowloris
            });
            boost::system::error_code ec;
            const auto n = co_await socket_.async_read_some(
                asio::buffer(chunk), asio::redirect_error(asio::use_awaitable, ec));
            idle.cancel();
            if (ec == asio::error::eof && !closing_ && !draining_) {
                // The peer half-closed (nc does): answer what is still being stored,
                // then hang up. The session keeps itself alive until then.
                stop_reading();
                co_return;
            }
            if (ec) {
                close();
                co_return;
            }
            buffer.append(chunk.data(), n);
        }
    }

  private:
    // A message or command waiting for its answer; code 0 = not decided yet.
    struct Slot {
        std::uint32_t txnr = 0;
        int code = 0;
        std::string answer;
        bool close_after = false;
        bool answer_frame = true;  // false: a frame without a readable txnr gets no rsp
    };

    void handle(RelpFrame frame) {
        if (frame.command == "open") {
            if (opened_) return protocol_error(frame.txnr, "open sent twice");
            opened_ = true;
            return answer_now(frame.txnr, 200, std::string(kOpenAnswer), false);
        }
        if (!opened_) return protocol_error(frame.txnr, "open expected first");
        if (frame.command == "close") return answer_now(frame.txnr, 200, "200 OK", true);
        if (frame.command != "syslog") {
            ++counters_.bad_frames;
            return answer_now(frame.txnr, 500, "500 command not supported", false);
        }
        ++counters_.messages;
        const std::uint64_t seq = first_seq_ + window_.size();
        window_.push_back({frame.txnr, 0, {}, false});
        std::weak_ptr<Session> weak = shared_from_this();
        auto executor = socket_.get_executor();
        handler_(strip_line_end(frame.data), peer_, [weak, executor, seq](bool stored) {
            asio::post(executor, [weak, seq, stored] {
                if (auto self = weak.lock()) self->decided(seq, stored);
            });
        });
    }

    void decided(std::uint64_t seq, bool stored) {
        if (seq < first_seq_ || seq - first_seq_ >= window_.size()) return;
        auto& slot = window_[seq - first_seq_];
        if (slot.code != 0) return;
        slot.code = stored ? 200 : 500;
        slot.answer = stored ? "200 OK" : "500 not stored, retry later";
        slot.close_after = !stored;  // the sender retransmits after reconnecting
        if (!stored) ++counters_.nacked;
        flush();
    }

    // Commands are answered in line behind the messages before them.
    void answer_now(std::uint32_t txnr, int code, std::string answer, bool close_after) {
        window_.push_back({txnr, code, std::move(answer), close_after});
        flush();
    }

    // Stops reading; the answers owed for earlier messages still go out in order, then
    // this one's error rsp (when its txnr was readable) and serverclose.
    void protocol_error(std::uint32_t txnr, std::string_view why) {
        ++counters_.bad_frames;
        window_.push_back({txnr, 500, "500 " + std::string(why), true, txnr != 0});
        stop_reading();
    }

    void stop_reading() {
        draining_ = true;
        keep_alive_ = shared_from_this();
        flush();
    }

    void flush() {
        while (!window_.empty() && window_.front().code != 0 && !closing_) {
            const Slot slot = std::move(window_.front());
            window_.pop_front();
            ++first_seq_;
            if (slot.answer_frame) queue(format_relp_frame(slot.txnr, "rsp", slot.answer));
            if (slot.close_after) {
                if (slot.code != 200) queue(format_relp_frame(0, "serverclose", {}));
                closing_ = true;
            }
        }
        if (draining_ && window_.empty()) closing_ = true;
        wake_.cancel();
        pump();
    }

    void queue(std::string bytes) { outbox_.push_back(std::move(bytes)); }

    void pump() {
        if (writing_) return;
        if (outbox_.empty()) {
            if (closing_) close();
            return;
        }
        writing_ = true;
        // Everything answered so far goes in one write.
        sending_.clear();
        for (const auto& bytes : outbox_) sending_ += bytes;
        outbox_.clear();
        asio::async_write(socket_, asio::buffer(sending_),
                          [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                              self->writing_ = false;
                              if (ec) return self->close();
                              self->wake_.cancel();
                              self->pump();
                          });
    }

    void close() {
        boost::system::error_code ignored;
        socket_.shutdown(tcp::socket::shutdown_both, ignored);
        socket_.close(ignored);
        wake_.cancel();
        // Callers hold their own reference (the coroutine, a write handler or a posted
        // acknowledgement), so this never destroys the session under them.
        keep_alive_.reset();
    }

    tcp::socket socket_;
    asio::steady_timer wake_;  // wakes the reader when the window has room again
    const std::string peer_;
    const SyslogReliableHandler& handler_;
    const SyslogListenerLimits& limits_;
    RelpSessionCounters counters_;
    bool opened_ = false;
    bool closing_ = false;  // no more frames are read or answered; closes once written
    bool writing_ = false;
    bool draining_ = false;  // the peer stopped sending: close once every answer is out
    std::shared_ptr<Session> keep_alive_;  // set while draining
    std::deque<Slot> window_;
    std::uint64_t first_seq_ = 0;     // sequence number of window_.front()
    std::deque<std::string> outbox_;  // answers waiting for the write in progress
    std::string sending_;             // the write in progress
};

}  // namespace

asio::awaitable<void> serve_relp(tcp::socket socket, std::string peer,
                                 const SyslogReliableHandler& handler,
                                 const SyslogListenerLimits& limits, RelpSessionCounters counters) {
    auto session =
        std::make_shared<Session>(std::move(socket), std::move(peer), handler, limits, counters);
    co_await session->run();
}

}  // namespace decnet
