#include "intel/sniffer/p0f.hpp"

#include <charconv>
#include <fstream>
#include <sstream>

#include "core/text.hpp"

namespace decnet::intel::sniffer::p0f {
namespace {

constexpr int kMaxDistance = 35;  // p0f's MAX_DIST

struct QuirkName {
    Quirk quirk;
    const char* name;
};
constexpr QuirkName kQuirks[] = {
    {kDf, "df"},
    {kNonZeroId, "id+"},
    {kZeroId, "id-"},
    {kEcn, "ecn"},
    {kMustBeZero, "0+"},
    {kFlow, "flow"},
    {kZeroSeq, "seq-"},
    {kNonZeroAck, "ack+"},
    {kZeroAck, "ack-"},
    {kNonZeroUrg, "uptr+"},
    {kUrg, "urgf+"},
    {kPush, "pushf+"},
    {kZeroTsVal, "ts1-"},
    {kNonZeroTsEcr, "ts2+"},
    {kOptAfterEol, "opt+"},
    {kExcessiveWscale, "exws"},
    {kBadOptions, "bad"},
};

std::optional<int> number(std::string_view text) {
    int value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end) return std::nullopt;
    return value;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (true) {
        const auto at = text.find(separator, start);
        out.push_back(text.substr(start, at - start));
        if (at == std::string_view::npos) break;
        start = at + 1;
    }
    return out;
}

int guess_initial_ttl(int ttl) {
    for (int ittl : {32, 64, 128})
        if (ttl <= ittl) return ittl;
    return 255;
}

std::string os_of(std::string_view label) {
    // "s:unix:Linux:3.11 and newer" → "Linux 3.11 and newer"
    const auto parts = split(label, ':');
    if (parts.size() < 4) return std::string(label);
    std::string out(parts[2]);
    if (!parts[3].empty()) out += ' ' + std::string(parts[3]);
    return out;
}

}  // namespace

std::string quirks_text(std::uint32_t quirks) {
    std::string out;
    for (const auto& q : kQuirks)
        if (quirks & q.quirk) {
            if (!out.empty()) out += ',';
            out += q.name;
        }
    return out;
}

Observation observe(const wire::packet::Packet& p) {
    namespace flag = wire::packet::tcp_flag;
    Observation o;
    o.ip_version = p.ip_version;
    o.ttl = p.ttl;
    o.ip_options_length = p.ip_options_length;
    o.window = p.window;
    o.payload = !p.payload.empty();
    const auto options = wire::packet::parse_tcp_options(p.tcp_options);
    std::uint32_t q = 0;
    if (p.ip_version == 4) {
        if (p.df) q |= kDf;
        if (p.df && p.ip_id != 0) q |= kNonZeroId;
        if (!p.df && p.ip_id == 0) q |= kZeroId;
        if (p.reserved_flag) q |= kMustBeZero;
    } else if (p.flow_label != 0) {
        q |= kFlow;
    }
    if ((p.tos & 3) != 0 || (p.flags & (flag::ece | flag::cwr)) != 0 || p.ns_flag) q |= kEcn;
    if (p.seq == 0) q |= kZeroSeq;
    if ((p.flags & flag::ack) != 0) {
        if (p.ack == 0) q |= kZeroAck;
    } else if (p.ack != 0) {
        q |= kNonZeroAck;
    }
    if ((p.flags & flag::urg) != 0)
        q |= kUrg;
    else if (p.urgent != 0)
        q |= kNonZeroUrg;
    if ((p.flags & flag::psh) != 0) q |= kPush;
    std::string layout;
    for (auto kind : options.kinds) {
        if (!layout.empty()) layout += ',';
        switch (kind) {
            case 0:
                layout += "eol+" + std::to_string(options.eol_padding);
                break;
            case 1:
                layout += "nop";
                break;
            case 2:
                layout += "mss";
                break;
            case 3:
                layout += "ws";
                break;
            case 4:
                layout += "sok";
                break;
            case 5:
                layout += "sack";
                break;
            case 8:
                layout += "ts";
                break;
            default:
                layout += '?' + std::to_string(kind);
                break;
        }
    }
    if (options.ts_val && *options.ts_val == 0) q |= kZeroTsVal;
    if (options.ts_ecr && *options.ts_ecr != 0 && (p.flags & flag::ack) == 0) q |= kNonZeroTsEcr;
    if (options.data_after_eol) q |= kOptAfterEol;
    if (options.wscale && *options.wscale > 14) q |= kExcessiveWscale;
    if (options.malformed) q |= kBadOptions;
    o.layout = std::move(layout);
    o.quirks = q;
    // p0f reads a missing MSS or window scale as 0.
    o.mss = options.mss.value_or(0);
    o.wscale = options.wscale.value_or(0);
    return o;
}

std::string Observation::signature() const {
    const int ittl = guess_initial_ttl(ttl);
    std::string window_text = std::to_string(window);
    if (mss > 0 && window % mss == 0)
        window_text = "mss*" + std::to_string(window / mss);
    else if (mss > 0 && window % (mss + (ip_version == 6 ? 60 : 40)) == 0)
        window_text = "mtu*" + std::to_string(window / (mss + (ip_version == 6 ? 60 : 40)));
    return std::to_string(ip_version) + ':' + std::to_string(ttl) + '+' +
           std::to_string(ittl - ttl) + ':' + std::to_string(ip_options_length) + ':' +
           std::to_string(mss) + ':' + window_text + ',' + std::to_string(wscale) + ':' + layout +
           ':' + quirks_text(quirks) + ':' + (payload ? '+' : '0');
}

std::optional<Signature> parse_signature(std::string_view text) {
    const auto f = split(decnet::trim(text), ':');
    if (f.size() != 8) return std::nullopt;
    Signature s;
    if (f[0] != "*") {
        const auto v = number(f[0]);
        if (!v || (*v != 4 && *v != 6)) return std::nullopt;
        s.ip_version = *v;
    }
    auto ttl = f[1];
    if (!ttl.empty() && ttl.back() == '-') {
        s.bad_ttl = true;
        ttl.remove_suffix(1);
    }
    const auto plus = ttl.find('+');  // "ttl+distance"
    if (plus != std::string_view::npos) {
        const auto base = number(ttl.substr(0, plus));
        const auto dist = number(ttl.substr(plus + 1));
        if (!base || !dist) return std::nullopt;
        s.ittl = *base + *dist;
    } else {
        const auto v = number(ttl);
        if (!v) return std::nullopt;
        s.ittl = *v;
    }
    if (s.ittl < 1 || s.ittl > 255) return std::nullopt;
    const auto olen = number(f[2]);
    if (!olen || *olen < 0 || *olen > 40) return std::nullopt;
    s.ip_options_length = *olen;
    if (f[3] != "*") {
        const auto v = number(f[3]);
        if (!v || *v < 0 || *v > 65535) return std::nullopt;
        s.mss = *v;
    }
    const auto window = split(f[4], ',');
    if (window.size() != 2) return std::nullopt;
    auto w = window[0];
    using Window = Signature::Window;
    if (w == "*") {
        s.window_kind = Window::any;
    } else {
        s.window_kind = Window::exact;
        if (w.substr(0, 4) == "mss*")
            s.window_kind = Window::mss, w.remove_prefix(4);
        else if (w.substr(0, 4) == "mtu*")
            s.window_kind = Window::mtu, w.remove_prefix(4);
        else if (w.substr(0, 1) == "%")
            s.window_kind = Window::modulo, w.remove_prefix(1);
        const auto v = number(w);
        if (!v || *v < 0 || *v > 65535 || (s.window_kind == Window::modulo && *v == 0))
            return std::nullopt;
        s.window = *v;
    }
    if (window[1] != "*") {
        const auto v = number(window[1]);
        if (!v || *v < 0 || *v > 255) return std::nullopt;
        s.wscale = *v;
    }
    s.layout = std::string(f[5]);
    if (!f[6].empty())
        for (const auto name : split(f[6], ',')) {
            bool known = false;
            for (const auto& q : kQuirks)
                if (name == q.name) s.quirks |= q.quirk, known = true;
            if (!known) return std::nullopt;
        }
    if (f[7] == "*")
        s.payload = -1;
    else if (f[7] == "0")
        s.payload = 0;
    else if (f[7] == "+")
        s.payload = 1;
    else
        return std::nullopt;
    return s;
}

Database Database::parse(std::string_view text) {
    Database db;
    enum class Section { other, request, response } section = Section::other;
    std::string label;
    std::istringstream lines{std::string(text)};
    std::string line;
    while (std::getline(lines, line)) {
        const auto l = decnet::trim(line);
        if (l.empty() || l.front() == ';') continue;
        if (l.front() == '[') {
            section = l == "[tcp:request]"    ? Section::request
                      : l == "[tcp:response]" ? Section::response
                                              : Section::other;
            label.clear();
            continue;
        }
        if (section == Section::other) continue;
        const auto eq = l.find('=');
        if (eq == std::string_view::npos) {
            ++db.skipped_;
            continue;
        }
        const auto key = decnet::trim(l.substr(0, eq));
        const auto value = decnet::trim(l.substr(eq + 1));
        if (key == "label") {
            label = std::string(value);
        } else if (key == "sig") {
            auto sig = parse_signature(value);
            if (!sig || label.empty() || db.size() >= kMaxSignatures) {
                ++db.skipped_;
                continue;
            }
            sig->label = label;
            sig->generic = label.substr(0, 2) == "g:";
            (section == Section::request ? db.request_ : db.response_).push_back(std::move(*sig));
        }
    }
    return db;
}

std::optional<Database> Database::load(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::string text;
    text.resize(1 << 20);  // p0f.fp is ~36 KiB: a megabyte bounds a wrong path
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    return parse(text);
}

std::optional<Match> Database::match(const Observation& o, bool syn_ack) const {
    using Window = Signature::Window;
    const Signature* generic = nullptr;
    const Signature* fuzzy_match = nullptr;
    for (const auto& s : syn_ack ? response_ : request_) {
        if (s.layout != o.layout) continue;
        bool fuzzy = false;
        if (s.quirks != o.quirks) {
            const auto deleted = (s.quirks ^ o.quirks) & s.quirks;
            const auto added = (s.quirks ^ o.quirks) & o.quirks;
            if ((deleted & ~(kDf | kNonZeroId)) != 0 || (added & ~(kZeroId | kEcn)) != 0) continue;
            fuzzy = true;
        }
        if (s.ip_options_length != o.ip_options_length) continue;
        if (s.ip_version != -1 && s.ip_version != o.ip_version) continue;
        if (s.bad_ttl) {
            if (s.ittl < o.ttl) continue;
        } else if (s.ittl < o.ttl || s.ittl - o.ttl > kMaxDistance) {
            fuzzy = true;
        }
        if (s.mss != -1 && s.mss != o.mss) continue;
        if (s.wscale != -1 && s.wscale != o.wscale) continue;
        if (s.payload != -1 && s.payload != (o.payload ? 1 : 0)) continue;
        switch (s.window_kind) {
            case Window::any:
                break;
            case Window::exact:
                if (s.window != o.window) continue;
                break;
            case Window::modulo:
                if (o.window % s.window != 0) continue;
                break;
            case Window::mss:
                if (o.mss < 100 || s.window * o.mss != o.window) continue;
                break;
            case Window::mtu:
                if (o.mss < 100 || s.window * (o.mss + (o.ip_version == 6 ? 60 : 40)) != o.window)
                    continue;
                break;
        }
        if (fuzzy) {
            if (!fuzzy_match) fuzzy_match = &s;
            continue;
        }
        if (s.generic) {
            if (!generic) generic = &s;
            continue;
        }
        return Match{s.label, os_of(s.label), false, false, std::max(0, s.ittl - o.ttl)};
    }
    const auto* s = generic ? generic : fuzzy_match;
    if (!s) return std::nullopt;
    const int distance = s->ittl >= o.ttl ? s->ittl - o.ttl : guess_initial_ttl(o.ttl) - o.ttl;
    return Match{s->label, os_of(s->label), s->generic, s == fuzzy_match && !generic, distance};
}

}  // namespace decnet::intel::sniffer::p0f
