// Record file format: one object a line — "bridge NAME", "link NAME", "netns NAME",
// "nslink NAMESPACE NAME".
#include "engine/netns/created_objects.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "engine/netns/command.hpp"
#include "engine/netns/names.hpp"

namespace decnet::engine::netns {
namespace {

std::string to_line(const CreatedObject& o) {
    switch (o.kind) {
        case CreatedObject::Kind::bridge:
            return "bridge " + o.name + "\n";
        case CreatedObject::Kind::link:
            return "link " + o.name + "\n";
        case CreatedObject::Kind::netns:
            return "netns " + o.name + "\n";
        case CreatedObject::Kind::namespace_link:
            return "nslink " + o.namespace_name + " " + o.name + "\n";
    }
    return {};
}

// Names are checked again on the way back in: the record is a file on disk, and only
// names decnet can produce are ever handed to `ip … del`.
bool parse_line(const std::string& line, CreatedObject& out) {
    std::istringstream in(line);
    std::string kind, a, b;
    in >> kind >> a >> b;
    if (kind == "bridge" && valid_interface_name(a) && b.empty()) {
        out = {CreatedObject::Kind::bridge, a, {}};
    } else if (kind == "link" && valid_interface_name(a) && b.empty()) {
        out = {CreatedObject::Kind::link, a, {}};
    } else if (kind == "netns" && is_decnet_namespace_name(a) && b.empty()) {
        out = {CreatedObject::Kind::netns, a, {}};
    } else if (kind == "nslink" && is_decnet_namespace_name(a) && valid_interface_name(b)) {
        out = {CreatedObject::Kind::namespace_link, b, a};
    } else {
        return false;
    }
    return true;
}

bool remove_one(const CreatedObject& o) {
    switch (o.kind) {
        case CreatedObject::Kind::bridge:
        case CreatedObject::Kind::link:
            return try_ip({"link", "del", "dev", o.name}).exit_code == 0;
        case CreatedObject::Kind::netns:
            return try_ip({"netns", "del", o.name}).exit_code == 0;
        case CreatedObject::Kind::namespace_link:
            return try_ip({"-n", o.namespace_name, "link", "del", "dev", o.name}).exit_code == 0;
    }
    return false;
}

std::size_t remove_in_reverse(const std::vector<CreatedObject>& objects) {
    std::size_t removed = 0;
    for (auto it = objects.rbegin(); it != objects.rend(); ++it)
        if (remove_one(*it)) ++removed;
    return removed;
}

}  // namespace

CreatedObjects::CreatedObjects(std::string record_path) : record_path_(std::move(record_path)) {}

void CreatedObjects::add(CreatedObject object) {
    objects_.push_back(object);
    if (record_path_.empty()) return;
    const std::string line = to_line(object);
    const int fd = open(record_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    const bool ok = fd >= 0 &&
                    write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                    fsync(fd) == 0;
    const int err = errno;
    if (fd >= 0) close(fd);
    if (!ok)
        throw ConfigError("cannot record created network objects in " + record_path_ + ": " +
                          std::strerror(err));
}

std::size_t CreatedObjects::remove_all() {
    const std::size_t removed = remove_in_reverse(objects_);
    objects_.clear();
    if (!record_path_.empty()) unlink(record_path_.c_str());
    return removed;
}

std::size_t CreatedObjects::remove_if(const std::function<bool(const CreatedObject&)>& which) {
    std::vector<CreatedObject> chosen, kept;
    for (const auto& o : objects_) (which(o) ? chosen : kept).push_back(o);
    if (chosen.empty()) return 0;
    const std::size_t removed = remove_in_reverse(chosen);
    objects_ = std::move(kept);
    rewrite_record();
    return removed;
}

// Temp file + fsync + rename: after a crash the record is the old or the new list, and
// either way `teardown --all` only meets names that are ours (a removed one is skipped).
void CreatedObjects::rewrite_record() const {
    if (record_path_.empty()) return;
    std::string text;
    for (const auto& o : objects_) text += to_line(o);
    const std::string tmp = record_path_ + ".tmp";
    const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    const bool written = fd >= 0 &&
                         write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                         fsync(fd) == 0;
    if (fd >= 0) close(fd);
    // On failure the old record still lists everything, which `teardown --all` tolerates
    // (an object already gone is skipped): never worth failing the removal for.
    if (!written || std::rename(tmp.c_str(), record_path_.c_str()) != 0) unlink(tmp.c_str());
}

std::vector<CreatedObject> CreatedObjects::read_record(const std::string& record_path) {
    std::vector<CreatedObject> out;
    std::ifstream in(record_path);
    // Bounded by the file: one object a line, a few per decky.
    for (std::string line; std::getline(in, line);) {
        CreatedObject o{};
        if (parse_line(line, o)) out.push_back(o);
    }
    return out;
}

std::size_t remove_recorded_objects(const std::string& record_path) {
    if (access(record_path.c_str(), F_OK) != 0) return 0;
    const std::size_t removed = remove_in_reverse(CreatedObjects::read_record(record_path));
    unlink(record_path.c_str());
    return removed;
}

}  // namespace decnet::engine::netns
