// Block-style YAML emission for generated files (see yaml_writer.hpp).
#include "engine/yaml_writer.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace decnet::engine {
namespace {

// Words YAML 1.1 (PyYAML, docker compose's loaders) reads as booleans, null or floats,
// compared case-insensitively.
constexpr std::array<std::string_view, 13> kReserved = {
    "y", "yes", "n", "no", "true", "false", "on", "off", "null", "~", ".inf", ".nan", "-.inf"};

bool looks_numeric(std::string_view s) {
    // Anything starting like a number ('5', '3.8', '-1', '.5', '0x1f', '1e3', '12:30')
    // could be read as one by some YAML 1.1 resolver; quoting is always safe.
    const char c = s.front();
    return std::isdigit(static_cast<unsigned char>(c)) ||
           ((c == '-' || c == '+' || c == '.') && s.size() > 1 &&
            (std::isdigit(static_cast<unsigned char>(s[1])) || s[1] == '.'));
}

bool plain_safe(std::string_view s) {
    if (s.empty() || looks_numeric(s)) return false;
    std::string lower(s);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    if (std::find(kReserved.begin(), kReserved.end(), lower) != kReserved.end()) return false;
    const char first = s.front();
    if (!std::isalnum(static_cast<unsigned char>(first)) && first != '/' && first != '_')
        return false;
    // Conservative alphabet: what decky names, images, paths and hostnames use.
    return std::all_of(s.begin(), s.end(), [](unsigned char ch) {
        return std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '/' || ch == '(' ||
               ch == ')' || ch == '+';
    });
}

bool printable(std::string_view s) {
    return std::all_of(s.begin(), s.end(),
                       [](unsigned char ch) { return ch >= 0x20 && ch != 0x7f; });
}

std::string double_quoted(std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "\"";
    for (const unsigned char ch : s) {
        switch (ch) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\r':
                out += "\\r";
                break;
            default:
                if (ch < 0x20 || ch == 0x7f) {
                    out += "\\x";
                    out += kHex[ch >> 4];
                    out += kHex[ch & 0xf];
                } else {
                    out += static_cast<char>(ch);
                }
        }
    }
    return out + "\"";
}

}  // namespace

std::string yaml_scalar(std::string_view text) {
    if (plain_safe(text)) return std::string(text);
    // Control characters need escapes, which only double quotes have.
    if (!printable(text)) return double_quoted(text);
    std::string out = "'";
    for (const char ch : text) out += ch == '\'' ? std::string("''") : std::string(1, ch);
    return out + "'";
}

YamlNode YamlNode::string(std::string text) {
    YamlNode n;
    n.kind_ = Kind::string;
    n.text_ = std::move(text);
    return n;
}

YamlNode YamlNode::boolean(bool value) {
    YamlNode n;
    n.kind_ = Kind::boolean;
    n.flag_ = value;
    return n;
}

YamlNode YamlNode::list() {
    YamlNode n;
    n.kind_ = Kind::list;
    return n;
}

YamlNode YamlNode::map() {
    YamlNode n;
    n.kind_ = Kind::map;
    return n;
}

YamlNode YamlNode::strings(const std::vector<std::string>& items) {
    auto n = list();
    for (const auto& item : items) n.push(string(item));
    return n;
}

YamlNode& YamlNode::set(std::string_view key, YamlNode value) {
    if (auto* existing = find(key)) return *existing = std::move(value);
    keys_.emplace_back(key);
    values_.push_back(std::move(value));
    return values_.back();
}

void YamlNode::erase(std::string_view key) {
    const auto it = std::find(keys_.begin(), keys_.end(), key);
    if (it == keys_.end()) return;
    values_.erase(values_.begin() + (it - keys_.begin()));
    keys_.erase(it);
}

YamlNode* YamlNode::find(std::string_view key) {
    const auto it = std::find(keys_.begin(), keys_.end(), key);
    return it == keys_.end() ? nullptr : &values_[static_cast<std::size_t>(it - keys_.begin())];
}

YamlNode& YamlNode::push(YamlNode value) {
    values_.push_back(std::move(value));
    return values_.back();
}

std::string YamlNode::dump() const {
    std::string out;
    emit(out, 0);
    return out;
}

// Writes this collection's entries, each line starting at `indent` spaces.
void YamlNode::emit(std::string& out, int indent) const {
    const std::string pad(static_cast<std::size_t>(indent), ' ');
    auto value_after_key = [&](const YamlNode& v) {
        if (v.kind_ == Kind::string) {
            out += " " + yaml_scalar(v.text_) + "\n";
        } else if (v.kind_ == Kind::boolean) {
            out += v.flag_ ? " true\n" : " false\n";
        } else if (v.is_empty_collection()) {
            out += v.kind_ == Kind::map ? " {}\n" : " []\n";
        } else {
            out += "\n";
            v.emit(out, indent + 2);
        }
    };
    if (kind_ == Kind::map) {
        for (std::size_t i = 0; i < keys_.size(); ++i) {
            out += pad + yaml_scalar(keys_[i]) + ":";
            value_after_key(values_[i]);
        }
    } else if (kind_ == Kind::list) {
        for (const auto& item : values_) {
            out += pad + "-";
            if (item.kind_ == Kind::map && !item.values_.empty()) {
                // First entry on the dash line, the rest aligned under it.
                std::string nested;
                item.emit(nested, indent + 2);
                out += " " + nested.substr(static_cast<std::size_t>(indent + 2));
            } else {
                value_after_key(item);
            }
        }
    }
}

}  // namespace decnet::engine
