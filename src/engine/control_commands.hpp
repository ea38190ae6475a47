// What each control-socket request does: parses the JSON request line, calls the Fleet,
// and renders the JSON response line. Verbs: ping, status, teardown, shutdown, mutate.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace decnet::engine {

class Fleet;

// `request_shutdown` is called (after the response is built) for {"cmd":"shutdown"}.
// Never throws: every failure becomes {"ok":false,"error":"..."}.
std::string handle_control_request(Fleet& fleet, std::string_view request,
                                   const std::function<void()>& request_shutdown);

}  // namespace decnet::engine
