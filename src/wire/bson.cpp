// BSON decoder, encoder and JSON rendering (bson.hpp): every length is checked against the
// bytes left before it is used, recursion is bounded by Limits::max_depth.
#include "wire/bson.hpp"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "events/utf8.hpp"

namespace decnet::wire::bson {
namespace {

std::uint32_t le32(std::string_view b, std::size_t at) {
    std::uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(b[at + i]);
    return v;
}

std::uint64_t le64(std::string_view b, std::size_t at) {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(b[at + i]);
    return v;
}

void put32(std::string& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

void put64(std::string& out, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

class Decoder {
  public:
    explicit Decoder(const Limits& limits) : limits_(limits) {}

    // The document in exactly `bytes`, at nesting `depth`.
    bool document(std::string_view bytes, int depth, Document& out) {
        if (depth > limits_.max_depth)
            return fail("nesting depth exceeds " + std::to_string(limits_.max_depth));
        if (bytes.size() < 5) return fail("document shorter than 5 bytes");
        const auto length = le32(bytes, 0);
        if (length != bytes.size())
            return fail("document length " + std::to_string(length) + " does not match its " +
                        std::to_string(bytes.size()) + " bytes");
        if (bytes.back() != '\0') return fail("document does not end with a NUL");
        std::size_t pos = 4;
        const std::size_t end = bytes.size() - 1;
        while (pos < end) {
            if (++elements_ > limits_.max_elements) return fail("too many elements");
            const auto type = static_cast<std::uint8_t>(bytes[pos++]);
            const auto nul = bytes.find('\0', pos);
            if (nul == std::string_view::npos || nul >= end) return fail("unterminated field name");
            Element element{std::string(bytes.substr(pos, nul - pos)), {}};
            pos = nul + 1;
            if (!value(bytes.substr(0, end), pos, type, depth, element.value)) return false;
            out.elements.push_back(std::move(element));
        }
        return true;
    }

    const std::string& error() const { return error_; }

  private:
    bool fail(std::string why) {
        if (error_.empty()) error_ = std::move(why);
        return false;
    }

    bool need(std::string_view b, std::size_t pos, std::size_t n) {
        if (pos > b.size() || b.size() - pos < n) return fail("value runs past the document");
        return true;
    }

    // A length-prefixed string (int32 length including its NUL).
    bool string(std::string_view b, std::size_t& pos, std::string& out) {
        if (!need(b, pos, 4)) return false;
        const auto length = le32(b, pos);
        if (length < 1 || length > b.size()) return fail("bad string length");
        pos += 4;
        if (!need(b, pos, length)) return false;
        if (b[pos + length - 1] != '\0') return fail("string does not end with a NUL");
        out.assign(b.substr(pos, length - 1));
        pos += length;
        return true;
    }

    bool cstring(std::string_view b, std::size_t& pos, std::string& out) {
        const auto nul = b.find('\0', pos);
        if (pos > b.size() || nul == std::string_view::npos) return fail("unterminated cstring");
        out.assign(b.substr(pos, nul - pos));
        pos = nul + 1;
        return true;
    }

    bool embedded(std::string_view b, std::size_t& pos, int depth, Document& out) {
        if (!need(b, pos, 4)) return false;
        const auto length = le32(b, pos);
        if (length < 5 || !need(b, pos, length)) return fail("bad embedded document length");
        if (!document(b.substr(pos, length), depth + 1, out)) return false;
        pos += length;
        return true;
    }

    bool value(std::string_view b, std::size_t& pos, std::uint8_t type, int depth, Value& v) {
        v.type = static_cast<Type>(type);
        switch (v.type) {
            case Type::double_: {
                if (!need(b, pos, 8)) return false;
                const auto bits = le64(b, pos);
                std::memcpy(&v.number, &bits, 8);
                pos += 8;
                return true;
            }
            case Type::string:
            case Type::javascript:
            case Type::symbol:
                return string(b, pos, v.bytes);
            case Type::document:
            case Type::array:
                return embedded(b, pos, depth, v.document);
            case Type::binary: {
                if (!need(b, pos, 5)) return false;
                const auto length = le32(b, pos);
                v.subtype = static_cast<std::uint8_t>(b[pos + 4]);
                pos += 5;
                if (length > b.size() || !need(b, pos, length)) return fail("bad binary length");
                v.bytes.assign(b.substr(pos, length));
                pos += length;
                return true;
            }
            case Type::undefined:
            case Type::null:
            case Type::min_key:
            case Type::max_key:
                return true;
            case Type::object_id:
            case Type::decimal128: {
                const std::size_t n = v.type == Type::object_id ? 12 : 16;
                if (!need(b, pos, n)) return false;
                v.bytes.assign(b.substr(pos, n));
                pos += n;
                return true;
            }
            case Type::boolean: {
                if (!need(b, pos, 1)) return false;
                const auto byte = static_cast<std::uint8_t>(b[pos++]);
                if (byte > 1) return fail("bad boolean");
                v.integer = byte;
                return true;
            }
            case Type::datetime:
            case Type::timestamp:
            case Type::int64:
                if (!need(b, pos, 8)) return false;
                v.integer = static_cast<std::int64_t>(le64(b, pos));
                pos += 8;
                return true;
            case Type::int32:
                if (!need(b, pos, 4)) return false;
                v.integer = static_cast<std::int32_t>(le32(b, pos));
                pos += 4;
                return true;
            case Type::regex:
                return cstring(b, pos, v.bytes) && cstring(b, pos, v.extra);
            case Type::db_pointer:
                if (!string(b, pos, v.bytes) || !need(b, pos, 12)) return false;
                v.extra.assign(b.substr(pos, 12));
                pos += 12;
                return true;
            case Type::code_w_scope: {
                if (!need(b, pos, 4)) return false;
                const auto total = le32(b, pos);
                if (total < 14 || !need(b, pos, total)) return fail("bad code_w_scope length");
                const auto inner = b.substr(0, pos + total);
                std::size_t at = pos + 4;
                if (!string(inner, at, v.bytes) || !embedded(inner, at, depth, v.document))
                    return false;
                if (at != pos + total) return fail("code_w_scope length does not match");
                pos = at;
                return true;
            }
        }
        return fail("unknown BSON type " + std::to_string(type));
    }

    const Limits& limits_;
    std::size_t elements_ = 0;
    std::string error_;
};

void encode_into(std::string& out, const Document& d);

void encode_string(std::string& out, std::string_view s) {
    put32(out, static_cast<std::uint32_t>(s.size() + 1));
    out += s;
    out += '\0';
}

void encode_value(std::string& out, const Value& v) {
    switch (v.type) {
        case Type::double_: {
            std::uint64_t bits = 0;
            std::memcpy(&bits, &v.number, 8);
            put64(out, bits);
            return;
        }
        case Type::string:
        case Type::javascript:
        case Type::symbol:
            encode_string(out, v.bytes);
            return;
        case Type::document:
        case Type::array:
            encode_into(out, v.document);
            return;
        case Type::binary:
            put32(out, static_cast<std::uint32_t>(v.bytes.size()));
            out += static_cast<char>(v.subtype);
            out += v.bytes;
            return;
        case Type::object_id:
            out += v.bytes.substr(0, 12);
            out.append(12 - std::min<std::size_t>(12, v.bytes.size()), '\0');
            return;
        case Type::decimal128:
            out += v.bytes.substr(0, 16);
            out.append(16 - std::min<std::size_t>(16, v.bytes.size()), '\0');
            return;
        case Type::boolean:
            out += static_cast<char>(v.integer ? 1 : 0);
            return;
        case Type::datetime:
        case Type::timestamp:
        case Type::int64:
            put64(out, static_cast<std::uint64_t>(v.integer));
            return;
        case Type::int32:
            put32(out, static_cast<std::uint32_t>(static_cast<std::int32_t>(v.integer)));
            return;
        case Type::regex:
            out += v.bytes;
            out += '\0';
            out += v.extra;
            out += '\0';
            return;
        case Type::db_pointer:
            encode_string(out, v.bytes);
            out += v.extra.substr(0, 12);
            out.append(12 - std::min<std::size_t>(12, v.extra.size()), '\0');
            return;
        case Type::code_w_scope: {
            std::string inner;
            encode_string(inner, v.bytes);
            encode_into(inner, v.document);
            put32(out, static_cast<std::uint32_t>(inner.size() + 4));
            out += inner;
            return;
        }
        case Type::undefined:
        case Type::null:
        case Type::min_key:
        case Type::max_key:
            return;
    }
}

void encode_into(std::string& out, const Document& d) {
    const auto start = out.size();
    put32(out, 0);
    for (const auto& e : d.elements) {
        out += static_cast<char>(e.value.type);
        out.append(e.name.data(), std::min(e.name.size(), e.name.find('\0')));
        out += '\0';
        encode_value(out, e.value);
    }
    out += '\0';
    const auto length = static_cast<std::uint32_t>(out.size() - start);
    for (int i = 0; i < 4; ++i) out[start + i] = static_cast<char>((length >> (8 * i)) & 0xff);
}

std::string hex(std::string_view bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (const char c : bytes) {
        out += kDigits[static_cast<unsigned char>(c) >> 4];
        out += kDigits[static_cast<unsigned char>(c) & 0xf];
    }
    return out;
}

class JsonWriter {
  public:
    explicit JsonWriter(std::size_t max) : max_(max) {}

    bool full() const { return out_.size() >= max_; }

    void quoted(std::string_view s) {
        out_ += '"';
        for (std::size_t i = 0; i < s.size() && !full();) {
            const auto c = static_cast<unsigned char>(s[i]);
            const auto n = utf8::sequence_length(s, i);
            if (n == 0) {
                out_ += "\\ufffd";
                ++i;
                continue;
            }
            if (c == '"' || c == '\\') {
                out_ += '\\';
                out_ += static_cast<char>(c);
            } else if (c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out_ += buf;
            } else {
                out_.append(s.substr(i, n));
            }
            i += n;
        }
        out_ += '"';
    }

    void value(const Value& v, int depth) {
        if (full()) return;
        char buf[64];
        switch (v.type) {
            case Type::double_:
                if (std::isfinite(v.number)) {
                    std::snprintf(buf, sizeof buf, "%.17g", v.number);
                    out_ += buf;
                } else {
                    out_ += "{\"$numberDouble\":\"";
                    out_ +=
                        std::isnan(v.number) ? "NaN" : (v.number > 0 ? "Infinity" : "-Infinity");
                    out_ += "\"}";
                }
                return;
            case Type::string:
            case Type::symbol:
                quoted(v.bytes);
                return;
            case Type::javascript:
            case Type::code_w_scope:
                out_ += "{\"$code\":";
                quoted(v.bytes);
                out_ += '}';
                return;
            case Type::document:
                document(v.document, depth + 1, false);
                return;
            case Type::array:
                document(v.document, depth + 1, true);
                return;
            case Type::binary:
                out_ += "{\"$binary\":\"" + hex(v.bytes.substr(0, max_)) + "\",\"$type\":\"";
                std::snprintf(buf, sizeof buf, "%02x", v.subtype);
                out_ += buf;
                out_ += "\"}";
                return;
            case Type::object_id:
                out_ += "{\"$oid\":\"" + hex(v.bytes) + "\"}";
                return;
            case Type::decimal128:
                out_ += "{\"$numberDecimal\":\"" + hex(v.bytes) + "\"}";
                return;
            case Type::boolean:
                out_ += v.integer ? "true" : "false";
                return;
            case Type::datetime: {
                const std::time_t t = static_cast<std::time_t>(v.integer / 1000);
                std::tm tm{};
                if (gmtime_r(&t, &tm) && tm.tm_year >= 0 && tm.tm_year < 8100) {
                    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
                    out_ += "{\"$date\":\"";
                    out_ += buf;
                    std::snprintf(buf, sizeof buf, ".%03dZ\"}",
                                  static_cast<int>(((v.integer % 1000) + 1000) % 1000));
                    out_ += buf;
                } else {
                    out_ += "{\"$date\":" + std::to_string(v.integer) + "}";
                }
                return;
            }
            case Type::timestamp:
                out_ += "{\"$timestamp\":{\"t\":" +
                        std::to_string(static_cast<std::uint64_t>(v.integer) >> 32) +
                        ",\"i\":" + std::to_string(v.integer & 0xffffffff) + "}}";
                return;
            case Type::int32:
            case Type::int64:
                out_ += std::to_string(v.integer);
                return;
            case Type::regex:
                out_ += "{\"$regex\":";
                quoted(v.bytes);
                out_ += ",\"$options\":";
                quoted(v.extra);
                out_ += '}';
                return;
            case Type::db_pointer:
                out_ += "{\"$dbPointer\":";
                quoted(v.bytes);
                out_ += '}';
                return;
            case Type::undefined:
                out_ += "{\"$undefined\":true}";
                return;
            case Type::null:
                out_ += "null";
                return;
            case Type::min_key:
                out_ += "{\"$minKey\":1}";
                return;
            case Type::max_key:
                out_ += "{\"$maxKey\":1}";
                return;
        }
    }

    void document(const Document& d, int depth, bool array) {
        out_ += array ? '[' : '{';
        bool first = true;
        for (const auto& e : d.elements) {
            if (full()) break;
            if (!first) out_ += ',';
            first = false;
            if (!array) {
                quoted(e.name);
                out_ += ':';
            }
            value(e.value, depth);
        }
        out_ += array ? ']' : '}';
    }

    std::string take() {
        if (out_.size() > max_) {
            std::size_t cut = max_;
            while (cut > 0 && (static_cast<unsigned char>(out_[cut]) & 0xc0) == 0x80) --cut;
            out_.resize(cut);
            out_ += "…";
        }
        return std::move(out_);
    }

  private:
    std::size_t max_;
    std::string out_;
};

}  // namespace

const Value* Document::find(std::string_view name) const {
    for (const auto& e : elements)
        if (e.name == name) return &e.value;
    return nullptr;
}

Document& Document::add(std::string name, Value value) {
    elements.push_back({std::move(name), std::move(value)});
    return *this;
}

Value Value::str(std::string text) {
    Value v;
    v.type = Type::string;
    v.bytes = std::move(text);
    return v;
}
Value Value::i32(std::int32_t n) {
    Value v;
    v.type = Type::int32;
    v.integer = n;
    return v;
}
Value Value::i64(std::int64_t n) {
    Value v;
    v.type = Type::int64;
    v.integer = n;
    return v;
}
Value Value::dbl(double d) {
    Value v;
    v.type = Type::double_;
    v.number = d;
    return v;
}
Value Value::boolean(bool b) {
    Value v;
    v.type = Type::boolean;
    v.integer = b ? 1 : 0;
    return v;
}
Value Value::null() {
    return Value{};
}
Value Value::date(std::int64_t ms) {
    Value v;
    v.type = Type::datetime;
    v.integer = ms;
    return v;
}
Value Value::oid(std::string twelve_bytes) {
    Value v;
    v.type = Type::object_id;
    v.bytes = std::move(twelve_bytes);
    v.bytes.resize(12, '\0');
    return v;
}
Value Value::binary(std::string payload, std::uint8_t subtype) {
    Value v;
    v.type = Type::binary;
    v.bytes = std::move(payload);
    v.subtype = subtype;
    return v;
}
Value Value::doc(Document d) {
    Value v;
    v.type = Type::document;
    v.document = std::move(d);
    return v;
}
Value Value::array(std::vector<Value> items) {
    Value v;
    v.type = Type::array;
    for (std::size_t i = 0; i < items.size(); ++i)
        v.document.add(std::to_string(i), std::move(items[i]));
    return v;
}

bool Value::is_number() const {
    return type == Type::int32 || type == Type::int64 || type == Type::double_ ||
           type == Type::decimal128;
}

std::optional<double> Value::as_number() const {
    switch (type) {
        case Type::int32:
        case Type::int64:
        case Type::boolean:
            return static_cast<double>(integer);
        case Type::double_:
            return number;
        default:
            return std::nullopt;
    }
}

std::vector<const Value*> Value::items() const {
    std::vector<const Value*> out;
    if (type != Type::array) return out;
    out.reserve(document.elements.size());
    for (const auto& e : document.elements) out.push_back(&e.value);
    return out;
}

bool Value::truthy() const {
    const auto n = as_number();
    return n && *n != 0;
}

std::int32_t peek_length(std::string_view bytes) {
    if (bytes.size() < 4) return 0;
    return static_cast<std::int32_t>(le32(bytes, 0));
}

Decoded decode(std::string_view bytes, const Limits& limits) {
    Decoded result;
    if (bytes.size() > limits.max_size) {
        result.error = "document of " + std::to_string(bytes.size()) + " bytes exceeds " +
                       std::to_string(limits.max_size);
        return result;
    }
    Decoder decoder(limits);
    Document document;
    if (decoder.document(bytes, 0, document))
        result.document = std::move(document);
    else
        result.error = decoder.error();
    return result;
}

std::string encode(const Document& document) {
    std::string out;
    encode_into(out, document);
    return out;
}

std::string to_json(const Document& document, std::size_t max_chars) {
    JsonWriter writer(max_chars);
    writer.document(document, 0, false);
    return writer.take();
}

bool valid_utf8(std::string_view text) {
    return utf8::valid(text);
}

}  // namespace decnet::wire::bson
