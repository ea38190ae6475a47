// The in-memory tree and its path resolution (see fake_filesystem.hpp).
#include "honeypot/world/fake_filesystem.hpp"

#include <ctime>
#include <deque>

namespace decnet::honeypot {

std::string_view fs_error_text(FsError error) {
    switch (error) {
        case FsError::ok:
            return "Success";
        case FsError::not_found:
            return "No such file or directory";
        case FsError::not_dir:
            return "Not a directory";
        case FsError::is_dir:
            return "Is a directory";
        case FsError::loop:
            return "Too many levels of symbolic links";
        case FsError::exists:
            return "File exists";
        case FsError::not_empty:
            return "Directory not empty";
        case FsError::no_space:
            return "No space left on device";
        case FsError::too_big:
            return "File too large";
        case FsError::invalid:
            return "Invalid argument";
        case FsError::name_too_long:
            return "File name too long";
    }
    return "Input/output error";
}

std::vector<std::string> split_path(std::string_view path) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at < path.size()) {
        const auto slash = path.find('/', at);
        const auto end = slash == std::string_view::npos ? path.size() : slash;
        if (end > at) out.emplace_back(path.substr(at, end - at));
        at = end + 1;
    }
    return out;
}

std::string join_path(const std::vector<std::string>& components) {
    if (components.empty()) return "/";
    std::string out;
    for (const auto& c : components) out += "/" + c;
    return out;
}

FsReader::Walk FsReader::walk(std::string_view path, const FsScope& scope, bool follow_last) const {
    Walk w;
    w.nodes.push_back(root_.get());
    if (path.size() > kMaxPathLength || scope.cwd.size() > kMaxPathLength ||
        scope.jail.size() > kMaxPathLength) {
        w.error = FsError::name_too_long;
        return w;
    }
    // The jail is a plain directory path of the tree (no symlinks: we chose it).
    for (auto& name : split_path(scope.jail)) {
        if (name == ".") continue;
        const FsNode* dir = w.nodes.back();
        const auto it = dir->children.find(name);
        if (name == ".." || it == dir->children.end() || it->second->type != FsType::directory) {
            w.error = FsError::not_found;
            return w;
        }
        w.nodes.push_back(it->second.get());
        w.names.push_back(std::move(name));
    }
    w.jail_depth = w.names.size();

    std::deque<std::string> pending;
    if (!path.starts_with('/'))
        for (auto& c : split_path(scope.cwd)) pending.push_back(std::move(c));
    for (auto& c : split_path(path)) pending.push_back(std::move(c));
    const bool trailing_slash = path.size() > 1 && path.ends_with('/');
    int hops = 0;
    while (!pending.empty()) {
        std::string name = std::move(pending.front());
        pending.pop_front();
        if (name == ".") continue;
        if (name == "..") {
            // `..` at the jail's root stays there, as it does at "/".
            if (w.names.size() > w.jail_depth) {
                w.names.pop_back();
                w.nodes.pop_back();
            }
            continue;
        }
        if (name.size() > kMaxNameLength) {
            w.error = FsError::name_too_long;
            return w;
        }
        const FsNode* dir = w.nodes.back();
        if (dir->type != FsType::directory) {
            w.error = FsError::not_dir;
            return w;
        }
        const auto it = dir->children.find(name);
        if (it == dir->children.end()) {
            w.error = FsError::not_found;
            return w;
        }
        const FsNode* child = it->second.get();
        const bool last = pending.empty();
        if (child->type == FsType::symlink && (!last || follow_last || trailing_slash)) {
            if (++hops > kMaxSymlinkHops) {
                w.error = FsError::loop;
                return w;
            }
            // An absolute target starts again at the jail's root: a link never leaves it.
            if (child->data.starts_with('/')) {
                w.nodes.resize(w.jail_depth + 1);
                w.names.resize(w.jail_depth);
            }
            auto parts = split_path(child->data);
            pending.insert(pending.begin(), parts.begin(), parts.end());
            if (pending.size() > kMaxPathLength) {
                w.error = FsError::name_too_long;
                return w;
            }
            continue;
        }
        w.nodes.push_back(child);
        w.names.push_back(std::move(name));
    }
    if (trailing_slash && w.nodes.back()->type != FsType::directory) w.error = FsError::not_dir;
    return w;
}

FsReader::Walk FsReader::walk_parent(std::string_view path, const FsScope& scope,
                                     std::string& leaf) const {
    auto parts = split_path(path);
    if (path.size() > kMaxPathLength) {
        Walk w;
        w.error = FsError::name_too_long;
        return w;
    }
    if (parts.empty() || parts.back() == "." || parts.back() == "..") {
        Walk w;
        w.error = FsError::invalid;
        return w;
    }
    leaf = std::move(parts.back());
    parts.pop_back();
    std::string parent = path.starts_with('/') ? join_path(parts) : ".";
    if (!path.starts_with('/'))
        for (const auto& p : parts) parent += "/" + p;
    auto w = walk(parent, scope, true);
    if (w.error == FsError::ok && w.nodes.back()->type != FsType::directory)
        w.error = FsError::not_dir;
    if (w.error == FsError::ok && leaf.size() > kMaxNameLength) w.error = FsError::name_too_long;
    return w;
}

FsStat FsReader::stat_of(const FsNode& node) {
    FsStat st;
    st.type = node.type;
    st.meta = node.meta;
    switch (node.type) {
        case FsType::directory:
            st.size = 4096;
            st.nlink = 2;
            for (const auto& [name, child] : node.children)
                if (child->type == FsType::directory) ++st.nlink;
            break;
        case FsType::regular:
            st.size = node.generator ? node.apparent_size : node.data.size();
            break;
        case FsType::symlink:
            st.size = node.data.size();
            st.target = node.data;
            break;
    }
    return st;
}

FsResult<std::string> FsReader::realpath(std::string_view path, const FsScope& scope) const {
    const auto w = walk(path, scope, true);
    if (w.error != FsError::ok) return {{}, w.error};
    return {
        join_path({w.names.begin() + static_cast<std::ptrdiff_t>(w.jail_depth), w.names.end()})};
}

FsResult<FsStat> FsReader::stat(std::string_view path, const FsScope& scope, bool follow) const {
    const auto w = walk(path, scope, follow);
    if (w.error != FsError::ok) return {{}, w.error};
    return {stat_of(*w.nodes.back())};
}

FsResult<std::string> FsReader::read(std::string_view path, const FsScope& scope,
                                     std::int64_t now) const {
    const auto w = walk(path, scope, true);
    if (w.error != FsError::ok) return {{}, w.error};
    const FsNode& node = *w.nodes.back();
    if (node.type == FsType::directory) return {{}, FsError::is_dir};
    if (node.generator) return {node.generator(now ? now : std::time(nullptr))};
    return {node.data};
}

FsResult<std::vector<FsEntry>> FsReader::list(std::string_view path, const FsScope& scope) const {
    const auto w = walk(path, scope, true);
    if (w.error != FsError::ok) return {{}, w.error};
    const FsNode& node = *w.nodes.back();
    std::vector<FsEntry> out;
    if (node.type != FsType::directory) {
        out.push_back({w.names.empty() ? "/" : w.names.back(), stat_of(node)});
        return {std::move(out)};
    }
    out.reserve(node.children.size());
    for (const auto& [name, child] : node.children) out.push_back({name, stat_of(*child)});
    return {std::move(out)};
}

bool FsReader::is_dir(std::string_view path, const FsScope& scope) const {
    const auto st = stat(path, scope);
    return st && st.value.type == FsType::directory;
}

std::size_t FsReader::node_count() const {
    std::size_t count = 0;
    std::vector<const FsNode*> todo{root_.get()};
    while (!todo.empty()) {
        const FsNode* n = todo.back();
        todo.pop_back();
        ++count;
        for (const auto& [name, child] : n->children) todo.push_back(child.get());
    }
    return count;
}

FakeFilesystem::FakeFilesystem(std::int64_t default_mtime) : default_mtime_(default_mtime) {
    root_ = std::make_shared<FsNode>();
    root_->type = FsType::directory;
    root_->meta = {0755, 0, 0, default_mtime};
}

FsNode& FakeFilesystem::place(std::string_view path, FsType type, FsMeta meta) {
    auto parts = split_path(path);
    FsNode* dir = root_.get();
    if (parts.empty()) {
        if (type == FsType::directory) dir->meta = meta;
        return *dir;
    }
    const std::string leaf = parts.back();
    parts.pop_back();
    for (const auto& name : parts) {
        auto& slot = dir->children[name];
        if (!slot || slot->type != FsType::directory) {
            slot = std::make_shared<FsNode>();
            slot->type = FsType::directory;
            slot->meta = {0755, 0, 0, default_mtime_};
        }
        dir = slot.get();
    }
    auto& slot = dir->children[leaf];
    if (slot && slot->type == FsType::directory && type == FsType::directory) {
        slot->meta = meta;  // keep what is already inside
        return *slot;
    }
    slot = std::make_shared<FsNode>();
    slot->type = type;
    slot->meta = meta;
    return *slot;
}

void FakeFilesystem::add_dir(std::string_view path, FsMeta meta) {
    if (meta.mtime == 0) meta.mtime = default_mtime_;
    place(path, FsType::directory, meta);
}

void FakeFilesystem::add_file(std::string_view path, std::string data, FsMeta meta) {
    if (meta.mtime == 0) meta.mtime = default_mtime_;
    place(path, FsType::regular, meta).data = std::move(data);
}

void FakeFilesystem::add_generated(std::string_view path, FsGenerator generator, FsMeta meta,
                                   std::uint64_t apparent_size) {
    if (meta.mtime == 0) meta.mtime = default_mtime_;
    auto& node = place(path, FsType::regular, meta);
    node.generator = std::move(generator);
    node.apparent_size = apparent_size;
}

void FakeFilesystem::add_symlink(std::string_view path, std::string target, FsMeta meta) {
    if (meta.mtime == 0) meta.mtime = default_mtime_;
    place(path, FsType::symlink, meta).data = std::move(target);
}

bool FakeFilesystem::remove(std::string_view path) {
    auto parts = split_path(path);
    if (parts.empty()) return false;
    FsNode* dir = root_.get();
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
        const auto it = dir->children.find(parts[i]);
        if (it == dir->children.end()) return false;
        dir = it->second.get();
    }
    return dir->children.erase(parts.back()) > 0;
}

}  // namespace decnet::honeypot
