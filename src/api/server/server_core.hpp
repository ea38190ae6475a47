// What the API server's pieces share (internal to api/server): the router and limits
// every connection uses, and the I/O threads — one io_context each, run by that thread
// alone, with the registry its sweeps and stop() walk.
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "api/server/api_server.hpp"
#include "api/server/fast_answers.hpp"

namespace decnet::api {

class HttpSession;
struct IoThread;

// A connection's socket, bound to its thread's io_context by type: no type-erased
// executor copied through every operation.
using HttpSocket =
    boost::asio::ip::tcp::socket::rebind_executor<boost::asio::io_context::executor_type>::other;

struct ServerCore {
    Router router;
    ServerOptions options;
    std::atomic<bool> stopping{false};
    // Sessions alive anywhere; stop() waits for it to reach zero.
    std::mutex mutex;
    std::condition_variable drained;
    std::size_t open_sessions = 0;
    // The thread SSE streams move to once their answer starts: a frame then never waits
    // behind the requests queued on an I/O thread. Null: streams stay where they are.
    IoThread* stream_io = nullptr;

    ServerCore(Router r, ServerOptions o) : router(std::move(r)), options(std::move(o)) {}
};

struct IoThread {
    boost::asio::io_context ioc{1};
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{
        ioc.get_executor()};
    // Closes connections past their deadline a few times a second: one timer per thread
    // instead of one per socket operation.
    boost::asio::steady_timer sweep{ioc};
    // This thread's sessions. Entries are added and removed by the sessions themselves
    // (a session may be freed on another thread, hence the lock and the weak pointers).
    std::mutex mutex;
    std::unordered_map<HttpSession*, std::weak_ptr<HttpSession>> sessions;
    // Answers this thread may repeat (its sessions only, so no lock).
    FastAnswers fast;
};

}  // namespace decnet::api
