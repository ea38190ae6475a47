#include "wire/ssh_codec.hpp"

namespace decnet::wire::ssh {

bool Reader::need(std::size_t n) {
    if (!ok_ || data_.size() - pos_ < n) {
        ok_ = false;
        return false;
    }
    return true;
}

std::uint8_t Reader::byte() {
    if (!need(1)) return 0;
    return static_cast<std::uint8_t>(data_[pos_++]);
}

bool Reader::boolean() {
    return byte() != 0;
}

std::uint32_t Reader::u32() {
    if (!need(4)) return 0;
    std::uint32_t value = 0;
    for (int i = 0; i < 4; ++i) value = (value << 8) | static_cast<std::uint8_t>(data_[pos_++]);
    return value;
}

std::uint64_t Reader::u64() {
    const std::uint64_t high = u32();
    return (high << 32) | u32();
}

std::string_view Reader::string() {
    const auto length = u32();
    if (length > kMaxString || !need(length)) {
        ok_ = false;
        return {};
    }
    const auto view = data_.substr(pos_, length);
    pos_ += length;
    return view;
}

std::string_view Reader::mpint() {
    auto value = string();
    if (!value.empty() && (static_cast<std::uint8_t>(value[0]) & 0x80) != 0) {
        ok_ = false;  // negative: no SSH key exchange value is
        return {};
    }
    while (!value.empty() && value[0] == '\0') value.remove_prefix(1);
    return value;
}

std::vector<std::string> Reader::name_list() {
    const auto list = string();
    if (!ok_) return {};
    auto names = split_names(list);
    if (names.size() > kMaxNames) {
        ok_ = false;
        return {};
    }
    return names;
}

std::string_view Reader::bytes(std::size_t n) {
    if (!need(n)) return {};
    const auto view = data_.substr(pos_, n);
    pos_ += n;
    return view;
}

std::string_view Reader::rest() {
    const auto view = data_.substr(pos_);
    pos_ = data_.size();
    return view;
}

Writer& Writer::byte(std::uint8_t value) {
    data_.push_back(static_cast<char>(value));
    return *this;
}

Writer& Writer::boolean(bool value) {
    return byte(value ? 1 : 0);
}

Writer& Writer::u32(std::uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8) data_.push_back(static_cast<char>(value >> shift));
    return *this;
}

Writer& Writer::u64(std::uint64_t value) {
    u32(static_cast<std::uint32_t>(value >> 32));
    return u32(static_cast<std::uint32_t>(value));
}

Writer& Writer::string(std::string_view value) {
    u32(static_cast<std::uint32_t>(value.size()));
    data_.append(value);
    return *this;
}

Writer& Writer::mpint(std::string_view magnitude) {
    while (!magnitude.empty() && magnitude[0] == '\0') magnitude.remove_prefix(1);
    const bool pad = !magnitude.empty() && (static_cast<std::uint8_t>(magnitude[0]) & 0x80) != 0;
    u32(static_cast<std::uint32_t>(magnitude.size() + (pad ? 1 : 0)));
    if (pad) data_.push_back('\0');
    data_.append(magnitude);
    return *this;
}

Writer& Writer::name_list(const std::vector<std::string>& names) {
    return string(join_names(names));
}

Writer& Writer::raw(std::string_view bytes) {
    data_.append(bytes);
    return *this;
}

std::string join_names(const std::vector<std::string>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) out += ',';  // by position: empty names keep their commas
        out += names[i];
    }
    return out;
}

std::vector<std::string> split_names(std::string_view list) {
    // An exact split ("a,,b," is four names, the last two empty) so that joining gives the
    // same text back: HASSH is computed over what the peer sent.
    std::vector<std::string> names;
    if (list.empty()) return names;
    for (;;) {
        const auto comma = list.find(',');
        names.emplace_back(list.substr(0, comma));
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
        if (names.size() > kMaxNames) break;  // the caller refuses such a list
    }
    return names;
}

}  // namespace decnet::wire::ssh
