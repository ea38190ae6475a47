#include "intel/sniffer/tcp_fingerprint.hpp"

#include <algorithm>

namespace decnet::intel::sniffer {
namespace {

bool ends_with(const std::string& s, std::string_view suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

int initial_ttl(int ttl) {
    for (int bucket : {32, 64, 128, 255})
        if (bucket >= ttl) return bucket;
    return 255;
}

int hop_distance(int ttl) {
    return std::clamp(initial_ttl(ttl) - ttl, 0, 64);
}

std::string options_signature(const wire::packet::TcpOptions& options) {
    std::string out;
    for (auto kind : options.kinds) {
        if (!out.empty()) out += ',';
        switch (kind) {
            case 0:
                out += 'E';
                break;
            case 1:
                out += 'N';
                break;
            case 2:
                out += 'M';
                break;
            case 3:
                out += 'W';
                break;
            case 4:
            case 5:
                out += 'S';
                break;
            case 8:
                out += 'T';
                break;
            case 14:
            case 15:
                out += 'A';
                break;
            case 28:
                out += 'U';
                break;
            default:
                out += '?';
                break;
        }
    }
    return out;
}

std::string guess_os(int ttl, int window, int mss, std::optional<int> wscale,
                     const std::string& sig) {
    const int bucket = initial_ttl(ttl);
    const bool sack = sig.find('S') != std::string::npos;
    const bool ts = sig.find('T') != std::string::npos;
    const auto ws_in = [&](std::initializer_list<int> values) {
        return wscale && std::find(values.begin(), values.end(), *wscale) != values.end();
    };
    const auto nmap_window = [&] {
        for (int w : {1024, 2048, 3072, 4096, 31337, 32768, 65535})
            if (window == w) return true;
        return false;
    };
    if (bucket == 64) {
        if (nmap_window() && mss == 1460 && wscale == 10 && sig == "M,W,T,S,S") return "nmap";
        if (nmap_window() && sig.rfind("M,W,T,S", 0) == 0) return "nmap";
        if (window == 65535 && wscale == 6 && sig == "M,N,W,N,N,T,S,E") return "macos_ios";
        if (window == 65535 && ws_in({5, 6}) && ts && ends_with(sig, "E")) return "macos_ios";
        if (window == 65535 && wscale == 6 && sack && ts && sig.find('E') == std::string::npos)
            return "freebsd";
        if (window >= 5000 && wscale && *wscale >= 6 && *wscale <= 14 && sack && ts) return "linux";
        if ((window == 16384 || window == 16960) && ws_in({3, 4, 5, 6})) return "openbsd";
    } else if (bucket == 128) {
        if (window >= 8192 && ws_in({2, 6, 7, 8}) && sack) return "windows";
        if (window == 8192 || window == 16384 || window == 65535) return "windows";
    } else if (bucket == 255) {
        return "embedded";
    }
    return "unknown";
}

SynFingerprint syn_fingerprint(const wire::packet::Packet& syn) {
    const auto options = wire::packet::parse_tcp_options(syn.tcp_options);
    SynFingerprint fp;
    fp.ttl = syn.ttl;
    fp.initial_ttl = initial_ttl(syn.ttl);
    fp.hop_distance = hop_distance(syn.ttl);
    fp.window = syn.window;
    fp.mss = options.mss.value_or(0);
    if (options.wscale) fp.wscale = *options.wscale;
    fp.options_sig = options_signature(options);
    fp.has_sack = options.sack_permitted || options.sack;
    fp.has_timestamps = options.ts_val.has_value();
    // JA4T: decimal window, option kinds `-` joined, MSS, window scale; "00" when absent.
    std::string kinds;
    for (auto kind : options.kinds) {
        if (!kinds.empty()) kinds += '-';
        kinds += std::to_string(kind);
    }
    fp.ja4t = std::to_string(syn.window) + '_' + (kinds.empty() ? "00" : kinds) + '_' +
              (options.mss ? std::to_string(*options.mss) : "00") + '_' +
              (options.wscale ? std::to_string(*options.wscale) : "00");
    return fp;
}

}  // namespace decnet::intel::sniffer
