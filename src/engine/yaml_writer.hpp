// A minimal YAML emitter for the files decnet generates (the compose export): ordered
// maps, lists, strings and booleans in block style. Strings are single-quoted whenever a
// YAML 1.1 reader could take them for anything but a string ('5', 'yes', 'a: b', ...).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace decnet::engine {

class YamlNode {
  public:
    static YamlNode string(std::string text);
    static YamlNode boolean(bool value);
    static YamlNode list();
    static YamlNode map();
    // A list of plain strings.
    static YamlNode strings(const std::vector<std::string>& items);

    // Maps keep insertion order; setting an existing key replaces its value in place.
    YamlNode& set(std::string_view key, YamlNode value);
    YamlNode& set(std::string_view key, std::string text) {
        return set(key, string(std::move(text)));
    }
    YamlNode& set(std::string_view key, const char* text) { return set(key, string(text)); }
    void erase(std::string_view key);
    // nullptr when absent (maps only).
    YamlNode* find(std::string_view key);
    YamlNode& push(YamlNode value);

    std::string dump() const;

  private:
    enum class Kind { string, boolean, list, map };
    Kind kind_ = Kind::string;
    std::string text_;
    bool flag_ = false;
    std::vector<std::string> keys_;
    std::vector<YamlNode> values_;  // map values (parallel to keys_) or list items

    void emit(std::string& out, int indent) const;
    bool is_collection() const { return kind_ == Kind::list || kind_ == Kind::map; }
    bool is_empty_collection() const { return is_collection() && values_.empty(); }
};

// The scalar as YAML text: plain when unambiguous, else single-quoted.
std::string yaml_scalar(std::string_view text);

}  // namespace decnet::engine
