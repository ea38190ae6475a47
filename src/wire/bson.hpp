// BSON (bsonspec.org 1.1) as MongoDB's wire protocol carries it: a bounded decoder into a
// small document tree, an encoder, and a bounded JSON rendering for events. No Boost, no
// I/O (fuzz targets link it alone).
// Bounds: a document's length prefix must equal the bytes it is given (a lying length is an
// error, never trusted to read further), nesting at most Limits::max_depth, at most
// Limits::max_elements elements in the whole tree, every string, binary and cstring checked
// against the bytes left.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::wire::bson {

enum class Type : std::uint8_t {
    double_ = 0x01,
    string = 0x02,
    document = 0x03,
    array = 0x04,
    binary = 0x05,
    undefined = 0x06,
    object_id = 0x07,
    boolean = 0x08,
    datetime = 0x09,
    null = 0x0a,
    regex = 0x0b,
    db_pointer = 0x0c,
    javascript = 0x0d,
    symbol = 0x0e,
    code_w_scope = 0x0f,
    int32 = 0x10,
    timestamp = 0x11,
    int64 = 0x12,
    decimal128 = 0x13,
    min_key = 0xff,
    max_key = 0x7f,
};

struct Value;
struct Element;

// An ordered list of elements (an array is one whose names are "0", "1", …).
struct Document {
    std::vector<Element> elements;

    // The first element named `name`, or nullptr.
    const Value* find(std::string_view name) const;
    Document& add(std::string name, Value value);
    bool empty() const;  // defined below, once Element is complete
    std::size_t size() const;
};

struct Value {
    Type type = Type::null;
    double number = 0;         // double_
    std::int64_t integer = 0;  // int32, int64, boolean, datetime (ms), timestamp (raw)
    // string, symbol, javascript: the text; binary: the payload; object_id: 12 bytes;
    // decimal128: 16 bytes; regex: the pattern; db_pointer: the namespace.
    std::string bytes;
    std::string extra;         // regex options; db_pointer's 12-byte id
    std::uint8_t subtype = 0;  // binary
    Document document;         // document, array; code_w_scope's scope

    static Value str(std::string text);
    static Value i32(std::int32_t n);
    static Value i64(std::int64_t n);
    static Value dbl(double d);
    static Value boolean(bool b);
    static Value null();
    static Value date(std::int64_t ms);
    static Value oid(std::string twelve_bytes);
    static Value binary(std::string payload, std::uint8_t subtype = 0);
    static Value doc(Document d);
    static Value array(std::vector<Value> items);

    bool is_document() const { return type == Type::document; }
    bool is_array() const { return type == Type::array; }
    bool is_string() const { return type == Type::string; }
    bool is_number() const;
    // int32, int64, double, boolean as a number; nullopt for anything else.
    std::optional<double> as_number() const;
    // A string's text, or nullptr.
    const std::string* as_string() const { return is_string() ? &bytes : nullptr; }
    // An array's items in order.
    std::vector<const Value*> items() const;
    // "truthy" as MongoDB reads a flag (numbers ≠ 0, true; anything else false).
    bool truthy() const;
};

struct Element {
    std::string name;
    Value value;
};

inline bool Document::empty() const {
    return elements.empty();
}
inline std::size_t Document::size() const {
    return elements.size();
}

struct Limits {
    std::size_t max_size = 16 * 1024 * 1024 + 16 * 1024;  // mongod's BSONObjMaxInternalSize
    int max_depth = 100;
    std::size_t max_elements = 100000;
};

struct Decoded {
    std::optional<Document> document;
    std::string error;  // why it is not one (when document is empty)
};

// The int32 length prefix of the document at the start of `bytes` (0 when fewer than 4).
std::int32_t peek_length(std::string_view bytes);
// Exactly one document filling `bytes`.
Decoded decode(std::string_view bytes, const Limits& limits = {});

std::string encode(const Document& document);

// Relaxed Extended JSON for logs, cut at about `max_chars` ("…" marks the cut): strings
// escaped (bytes that are not UTF-8 become U+FFFD), ObjectId/date/binary as $oid/$date/$binary.
std::string to_json(const Document& document, std::size_t max_chars = 4096);
bool valid_utf8(std::string_view text);

}  // namespace decnet::wire::bson
