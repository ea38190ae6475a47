// One decky's engine state (see engine_state.hpp).
#include "honeypot/services/docker_api/engine_state.hpp"

#include <algorithm>

namespace decnet::honeypot::docker {
namespace {

template <class T>
void push_bounded(std::deque<T>& list, T item) {
    if (list.size() >= EngineState::kMaxEntries) list.pop_front();
    list.push_back(std::move(item));
}

bool matches(const CreatedContainer& c, std::string_view ref) {
    if (ref.starts_with('/')) ref.remove_prefix(1);
    if (ref.empty()) return false;
    return c.name == ref || (ref.size() >= 4 && c.id.starts_with(ref));
}

}  // namespace

void EngineState::add_container(CreatedContainer container) {
    std::lock_guard lock(mutex_);
    push_bounded(containers_, std::move(container));
}

std::optional<CreatedContainer> EngineState::container(std::string_view ref) const {
    std::lock_guard lock(mutex_);
    for (const auto& c : containers_)
        if (matches(c, ref)) return c;
    return std::nullopt;
}

std::vector<CreatedContainer> EngineState::containers() const {
    std::lock_guard lock(mutex_);
    return {containers_.begin(), containers_.end()};
}

void EngineState::update(const CreatedContainer& container) {
    std::lock_guard lock(mutex_);
    for (auto& c : containers_)
        if (c.id == container.id) c = container;
}

bool EngineState::remove_container(std::string_view id) {
    std::lock_guard lock(mutex_);
    const auto before = containers_.size();
    std::erase_if(containers_, [id](const CreatedContainer& c) { return c.id == id; });
    return containers_.size() != before;
}

bool EngineState::name_taken(std::string_view name) const {
    std::lock_guard lock(mutex_);
    return std::any_of(containers_.begin(), containers_.end(),
                       [name](const CreatedContainer& c) { return c.name == name; });
}

void EngineState::add_image(std::string image) {
    std::lock_guard lock(mutex_);
    if (std::find(images_.begin(), images_.end(), image) == images_.end())
        push_bounded(images_, std::move(image));
}

bool EngineState::has_image(std::string_view image) const {
    std::lock_guard lock(mutex_);
    return std::find(images_.begin(), images_.end(), image) != images_.end();
}

std::vector<std::string> EngineState::images() const {
    std::lock_guard lock(mutex_);
    return {images_.begin(), images_.end()};
}

void EngineState::add_exec(CreatedExec exec) {
    std::lock_guard lock(mutex_);
    push_bounded(execs_, std::move(exec));
}

std::optional<CreatedExec> EngineState::exec(std::string_view id) const {
    std::lock_guard lock(mutex_);
    for (const auto& e : execs_)
        if (e.id == id || (id.size() >= 4 && e.id.starts_with(id))) return e;
    return std::nullopt;
}

}  // namespace decnet::honeypot::docker
