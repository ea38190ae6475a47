// setns(CLONE_NEWNET) on a worker thread (see enter_namespace.hpp).
#include "engine/netns/enter_namespace.hpp"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <thread>

#include "core/error.hpp"
#include "engine/netns/names.hpp"

namespace decnet::engine::netns {

void run_in_namespace(const std::string& namespace_name, const std::function<void()>& work) {
    if (!is_decnet_namespace_name(namespace_name))
        throw ConfigError("refusing to enter network namespace '" + namespace_name +
                          "': not one decnet creates");
    std::exception_ptr failure;
    std::thread worker([&] {
        try {
            const std::string path = "/run/netns/" + namespace_name;
            const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
            if (fd < 0) throw ConfigError("cannot open " + path + ": " + std::strerror(errno));
            const int rc = setns(fd, CLONE_NEWNET);
            const int err = errno;
            close(fd);
            if (rc != 0)
                throw ConfigError("cannot enter network namespace " + namespace_name + ": " +
                                  std::strerror(err));
            work();
        } catch (...) {
            failure = std::current_exception();
        }
    });
    worker.join();
    if (failure) std::rethrow_exception(failure);
}

}  // namespace decnet::engine::netns
