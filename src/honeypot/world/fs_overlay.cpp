// Copy-on-write writes over the shared tree (see fs_overlay.hpp).
#include "honeypot/world/fs_overlay.hpp"

#include <algorithm>
#include <atomic>
#include <ctime>

namespace decnet::honeypot {
namespace {

std::uint64_t next_overlay_id() {
    static std::atomic<std::uint64_t> next{1};
    return next.fetch_add(1, std::memory_order_relaxed);
}

std::vector<std::string> parent_of(const std::vector<std::string>& names) {
    return {names.begin(), names.end() - 1};
}

}  // namespace

FsOverlay::FsOverlay(std::shared_ptr<const FakeFilesystem> base, FsOverlayLimits limits)
    : base_(std::move(base)), limits_(limits), id_(next_overlay_id()) {
    root_ = base_->root();  // shared until the first write copies it up
}

std::int64_t FsOverlay::now() const {
    return std::time(nullptr);
}

FsError FsOverlay::refuse(FsError error) {
    ++refusals_;
    return error;
}

std::shared_ptr<FsNode> FsOverlay::copy_up(const FsNode& node) {
    auto copy = std::make_shared<FsNode>(node);
    copy->owner = id_;
    ++nodes_;
    if (node.type == FsType::regular) bytes_ += node.data.size();
    return copy;
}

void FsOverlay::release(const FsNode& node) {
    if (node.owner != id_) return;  // shared nodes (and all below them) cost nothing
    --nodes_;
    if (node.type == FsType::regular) bytes_ -= node.data.size();
    for (const auto& [name, child] : node.children) release(*child);
}

FsNode* FsOverlay::own(const std::vector<std::string>& names) {
    if (root_->owner != id_) root_ = copy_up(*root_);
    FsNode* cur = root_.get();
    for (const auto& name : names) {
        const auto it = cur->children.find(name);
        if (it == cur->children.end()) return nullptr;  // walked before: cannot happen
        if (it->second->owner != id_) it->second = copy_up(*it->second);
        cur = it->second.get();
    }
    return cur;
}

namespace {

// The cost of copying up the path `names` (root included) that is not the overlay's yet.
struct Cost {
    std::size_t nodes = 0;
    std::size_t bytes = 0;
};

Cost copy_cost(const FsNode& root, const std::vector<std::string>& names, std::uint64_t id) {
    Cost cost;
    const FsNode* cur = &root;
    auto count = [&](const FsNode& n) {
        if (n.owner == id) return;
        ++cost.nodes;
        if (n.type == FsType::regular) cost.bytes += n.data.size();
    };
    count(*cur);
    for (const auto& name : names) {
        const auto it = cur->children.find(name);
        if (it == cur->children.end()) break;
        cur = it->second.get();
        count(*cur);
    }
    return cost;
}

}  // namespace

FsError FsOverlay::write(std::string_view path, std::string_view data, const FsScope& scope,
                         bool append) {
    if (data.size() > limits_.max_file_size) return refuse(FsError::too_big);
    const auto w = walk(path, scope, true);
    if (w.error == FsError::ok) {
        const FsNode& node = *w.nodes.back();
        if (node.type == FsType::directory) return FsError::is_dir;
        const std::size_t old_size = node.generator ? 0 : node.data.size();
        const std::size_t new_size = append ? old_size + data.size() : data.size();
        if (new_size > limits_.max_file_size) return refuse(FsError::too_big);
        // Copied up, the file holds its old bytes (counted in cost or already in bytes_);
        // then they are replaced by the new ones.
        const Cost cost = copy_cost(*root_, w.names, id_);
        if (nodes_ + cost.nodes > limits_.max_nodes ||
            bytes_ + cost.bytes - node.data.size() + new_size > limits_.max_bytes)
            return refuse(FsError::no_space);
        FsNode* file = own(w.names);
        FsNode* dir = own(parent_of(w.names));
        bytes_ -= file->data.size();
        if (file->generator) {
            file->generator = nullptr;
            file->apparent_size = 0;
            file->data.clear();
        }
        if (append)
            file->data += data;
        else
            file->data.assign(data);
        bytes_ += file->data.size();
        file->meta.mtime = now();
        dir->meta.mtime = file->meta.mtime;
        return FsError::ok;
    }
    if (w.error != FsError::not_found) return w.error;
    std::string leaf;
    const auto parent = walk_parent(path, scope, leaf);
    if (parent.error != FsError::ok) return parent.error;
    const Cost cost = copy_cost(*root_, parent.names, id_);
    if (nodes_ + cost.nodes + 1 > limits_.max_nodes ||
        bytes_ + cost.bytes + data.size() > limits_.max_bytes)
        return refuse(FsError::no_space);
    FsNode* dir = own(parent.names);
    if (const auto old = dir->children.find(leaf); old != dir->children.end())
        release(*old->second);  // a dangling symlink gives way to the file
    auto file = std::make_shared<FsNode>();
    file->type = FsType::regular;
    file->meta = {0644, uid_, gid_, now()};
    file->data.assign(data);
    file->owner = id_;
    ++nodes_;
    bytes_ += data.size();
    dir->children[leaf] = std::move(file);
    dir->meta.mtime = now();
    return FsError::ok;
}

// A new directory or symlink at `path`, which must not exist yet; the parents on its path
// are copied up first (counted against the limits like the node itself).
FsError FsOverlay::add_new(std::string_view path, const FsScope& scope,
                           std::shared_ptr<FsNode> node) {
    std::string leaf;
    const auto parent = walk_parent(path, scope, leaf);
    if (parent.error != FsError::ok) return parent.error;
    if (parent.nodes.back()->children.contains(leaf)) return FsError::exists;
    const Cost cost = copy_cost(*root_, parent.names, id_);
    if (nodes_ + cost.nodes + 1 > limits_.max_nodes || bytes_ + cost.bytes > limits_.max_bytes)
        return refuse(FsError::no_space);
    FsNode* dir = own(parent.names);
    node->owner = id_;
    ++nodes_;
    dir->children[leaf] = std::move(node);
    dir->meta.mtime = now();
    return FsError::ok;
}

FsError FsOverlay::mkdir(std::string_view path, const FsScope& scope, std::uint32_t mode) {
    auto node = std::make_shared<FsNode>();
    node->type = FsType::directory;
    node->meta = {mode & 07777, uid_, gid_, now()};
    return add_new(path, scope, std::move(node));
}

FsError FsOverlay::remove(std::string_view path, const FsScope& scope, bool recursive) {
    const auto w = walk(path, scope, false);
    if (w.error != FsError::ok) return w.error;
    if (w.names.size() <= w.jail_depth) return FsError::invalid;  // "/" itself
    const FsNode& node = *w.nodes.back();
    if (node.type == FsType::directory && !node.children.empty() && !recursive)
        return FsError::not_empty;
    const auto parent_names = parent_of(w.names);
    const Cost cost = copy_cost(*root_, parent_names, id_);
    if (nodes_ + cost.nodes > limits_.max_nodes || bytes_ + cost.bytes > limits_.max_bytes)
        return refuse(FsError::no_space);
    FsNode* dir = own(parent_names);
    const auto it = dir->children.find(w.names.back());
    release(*it->second);
    dir->children.erase(it);
    dir->meta.mtime = now();
    return FsError::ok;
}

FsError FsOverlay::rename(std::string_view from, std::string_view to, const FsScope& scope) {
    const auto src = walk(from, scope, false);
    if (src.error != FsError::ok) return src.error;
    if (src.names.size() <= src.jail_depth) return FsError::invalid;
    std::string leaf;
    const auto dst_parent = walk_parent(to, scope, leaf);
    if (dst_parent.error != FsError::ok) return dst_parent.error;
    auto dst_names = dst_parent.names;
    dst_names.push_back(leaf);
    if (dst_names == src.names) return FsError::ok;
    // A directory cannot move below itself.
    if (dst_names.size() > src.names.size() &&
        std::equal(src.names.begin(), src.names.end(), dst_names.begin()))
        return FsError::invalid;
    const FsNode& moving = *src.nodes.back();
    const auto& siblings = dst_parent.nodes.back()->children;
    if (const auto existing = siblings.find(leaf); existing != siblings.end()) {
        const FsNode& target = *existing->second;
        if (target.type == FsType::directory && moving.type != FsType::directory)
            return FsError::is_dir;
        if (target.type != FsType::directory && moving.type == FsType::directory)
            return FsError::not_dir;
        if (target.type == FsType::directory && !target.children.empty()) return FsError::not_empty;
    }
    const Cost a = copy_cost(*root_, parent_of(src.names), id_);
    const Cost b = copy_cost(*root_, dst_parent.names, id_);
    if (nodes_ + a.nodes + b.nodes > limits_.max_nodes ||
        bytes_ + a.bytes + b.bytes > limits_.max_bytes)
        return refuse(FsError::no_space);
    FsNode* from_dir = own(parent_of(src.names));
    const auto it = from_dir->children.find(src.names.back());
    auto node = std::move(it->second);
    from_dir->children.erase(it);
    from_dir->meta.mtime = now();
    FsNode* to_dir = own(dst_parent.names);
    auto& slot = to_dir->children[leaf];
    if (slot) release(*slot);
    slot = std::move(node);
    to_dir->meta.mtime = now();
    return FsError::ok;
}

FsError FsOverlay::chmod(std::string_view path, std::uint32_t mode, const FsScope& scope) {
    const auto w = walk(path, scope, true);
    if (w.error != FsError::ok) return w.error;
    const Cost cost = copy_cost(*root_, w.names, id_);
    if (nodes_ + cost.nodes > limits_.max_nodes || bytes_ + cost.bytes > limits_.max_bytes)
        return refuse(FsError::no_space);
    own(w.names)->meta.mode = mode & 07777;
    return FsError::ok;
}

FsError FsOverlay::symlink(std::string_view target, std::string_view path, const FsScope& scope) {
    if (target.empty()) return FsError::not_found;
    if (target.size() > kMaxPathLength) return FsError::name_too_long;
    auto node = std::make_shared<FsNode>();
    node->type = FsType::symlink;
    node->meta = {0777, uid_, gid_, now()};
    node->data.assign(target);
    return add_new(path, scope, std::move(node));
}

}  // namespace decnet::honeypot
