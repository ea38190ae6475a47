// What netns mode created on the host, in creation order: kept in memory to roll back a
// half-finished setup or tear down a finished one, and mirrored line by line into a
// record file in the state directory, so `teardown --all` can remove it after a crash.
// Only objects this process created are listed: a bridge that already existed never is.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace decnet::engine::netns {

struct CreatedObject {
    enum class Kind { bridge, link, netns, namespace_link };
    Kind kind;
    std::string name;            // interface or namespace name
    std::string namespace_name;  // namespace_link: the namespace the link lives in
};

class CreatedObjects {
  public:
    // `record_path` empty: memory only.
    explicit CreatedObjects(std::string record_path);

    // Appends one object (in memory and to the record file, flushed and fsynced).
    void add(CreatedObject object);
    // Removes everything in reverse order, tolerating objects already gone; then deletes
    // the record file. Returns how many objects were actually removed.
    std::size_t remove_all();
    // Removes the objects `which` selects (one decky's, for `teardown --id`), in reverse
    // order, and rewrites the record file (atomically) without them. Returns how many
    // were actually removed.
    std::size_t remove_if(const std::function<bool(const CreatedObject&)>& which);
    bool empty() const { return objects_.empty(); }

    // Objects listed in a record file (malformed or foreign lines are skipped).
    static std::vector<CreatedObject> read_record(const std::string& record_path);

  private:
    void rewrite_record() const;

    std::string record_path_;
    std::vector<CreatedObject> objects_;
};

// Removes what a record file lists (after a crash) and the file itself. Returns the
// number of objects removed; 0 when there is no record.
std::size_t remove_recorded_objects(const std::string& record_path);

}  // namespace decnet::engine::netns
