// One HTTP/1.1 connection of the API server (internal to api/server): reads requests with
// Beast's parser, routes them, writes answers (at once when the socket takes them, which
// is nearly always), keeps the connection alive, and turns into a chunked stream for SSE.
#pragma once

#include "api/server/server_core.hpp"

namespace decnet::api {

// Serves an accepted connection on `home`'s thread until either side ends it.
void serve_connection(HttpSocket socket, ServerCore& core, IoThread& home);
// On `home`'s thread: closes the connections whose deadline (idle, read or write) passed.
void expire_overdue_sessions(IoThread& home);
// On `home`'s thread, for stop(): idle connections close now, streams end, busy ones close
// after their answer.
void close_idle_sessions(IoThread& home);

}  // namespace decnet::api
