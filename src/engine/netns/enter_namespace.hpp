// Running a piece of code inside a named network namespace from this process: a
// short-lived thread setns()es into /run/netns/<name>, runs it, and ends. Only that thread
// changes namespace; sockets it creates stay in the namespace after it is gone.
#pragma once

#include <functional>
#include <string>

namespace decnet::engine::netns {

// Runs `work` on a fresh thread inside the namespace and waits for it. An exception
// thrown by `work` is rethrown here; failing to enter throws ConfigError.
void run_in_namespace(const std::string& namespace_name, const std::function<void()>& work);

}  // namespace decnet::engine::netns
