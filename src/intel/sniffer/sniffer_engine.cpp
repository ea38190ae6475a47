#include "intel/sniffer/sniffer_engine.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <span>
#include <string_view>

#include "intel/fingerprints/tls_fingerprints.hpp"
#include "intel/fingerprints/x509_summary.hpp"
#include "intel/sniffer/tcp_fingerprint.hpp"
#include "telemetry/span.hpp"
#include "wire/ssh_kexinit.hpp"
#include "wire/tls_hello.hpp"

namespace decnet::intel::sniffer {

namespace fp = intel::fingerprints;
namespace tls = wire::tls;
namespace flag = wire::packet::tcp_flag;
using wire::packet::Address;
using wire::packet::Packet;

namespace {

constexpr std::size_t kMaxSshBannerLine = 256;
constexpr std::uint32_t kMaxSshPacket = 35000;

// One side's first bytes, in sequence order.
struct Stream {
    bool have_next = false;
    std::uint32_t next_seq = 0;
    std::string data;
    std::vector<std::pair<std::uint32_t, std::string>> pending;  // after a gap
    bool done = false;  // analysed, or not a protocol we read
};

std::string decimal_list(const std::vector<std::uint16_t>& values) {
    std::string out;
    for (auto v : values) {
        if (tls::is_grease(v)) continue;
        if (!out.empty()) out += '-';
        out += std::to_string(v);
    }
    return out;
}

std::string join(const std::vector<std::string>& items, char separator = ',') {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out += separator;
        out += item;
    }
    return out;
}

const char* text_bool(bool value) {
    return value ? "true" : "false";
}

std::int32_t seq_diff(std::uint32_t a, std::uint32_t b) {
    return static_cast<std::int32_t>(a - b);
}

}  // namespace

std::string python_float(double value, int digits) {
    char fixed[64];
    std::snprintf(fixed, sizeof fixed, "%.*f", digits, value);
    const double rounded = std::strtod(fixed, nullptr);
    char out[64];
    const auto [end, ec] = std::to_chars(out, out + sizeof out, rounded);
    std::string text(out, ec == std::errc() ? end : out);
    if (text.find_first_of(".en") == std::string::npos) text += ".0";
    return text;
}

struct SnifferEngine::Flow {
    Address client, server;
    std::uint16_t client_port = 0, server_port = 0;
    std::string decky;
    std::string client_ip, server_ip;  // text, once
    // Flow timing (intel.md §2.8).
    Micros start = 0, last = 0;
    std::uint64_t packets = 0, bytes = 0;
    double iat_sum = 0, iat_min = 0, iat_max = 0;
    std::uint64_t iat_count = 0;
    std::vector<std::uint32_t> seen_seqs;
    std::uint64_t retransmits = 0;
    // The handshake (JA4L).
    Micros syn_time = -1, synack_time = -1, ack_time = -1;  // -1: not seen
    int syn_ttl = -1, synack_ttl = -1;
    // First bytes of each side.
    Stream from_client, from_server;
    bool tls_server_hello_seen = false, tls13 = false;
    bool have_session = false;
    Fields session;  // the ClientHello's fields, for tls_session
    std::string sni;
};

std::size_t SnifferEngine::KeyHash::operator()(const std::string& key) const noexcept {
    return std::hash<std::string_view>{}(key);
}

std::size_t SnifferEngine::FlowKeyHash::operator()(const FlowKey& key) const noexcept {
    return std::hash<std::string_view>{}(
        std::string_view(reinterpret_cast<const char*>(key.bytes.data()), key.bytes.size()));
}

SnifferEngine::SnifferEngine(EngineOptions options, Emit emit)
    : options_(options), emit_(std::move(emit)) {}

SnifferEngine::~SnifferEngine() = default;

void SnifferEngine::set_deckies(std::map<Address, std::string> deckies) {
    if (!deckies.empty()) deckies_ = std::move(deckies);
}

EngineStats SnifferEngine::stats() const {
    auto out = stats_;
    out.flows_active = flows_.size();
    out.dedup_entries = dedup_.size() + dedup_previous_.size();
    return out;
}

bool SnifferEngine::admit(const std::string& src_ip, const std::string& type,
                          const std::string& key) {
    if (options_.dedup_ttl <= 0) return true;
    std::string k;
    k.reserve(src_ip.size() + type.size() + key.size() + 2);
    k.append(src_ip).append(1, '\x1f').append(type).append(1, '\x1f').append(key);
    // Two generations, each at most half the bound: a full current generation becomes the
    // previous one (the old previous is forgotten, counted). O(1) per event even when a
    // spoofed flood brings a new source address with every packet.
    const auto fresh = [&](Micros at) { return now_ - at < options_.dedup_ttl; };
    if (const auto it = dedup_.find(k); it != dedup_.end()) {
        if (fresh(it->second)) {
            ++stats_.deduplicated;
            return false;
        }
        it->second = now_;
        return true;
    }
    if (const auto it = dedup_previous_.find(k); it != dedup_previous_.end() && fresh(it->second)) {
        ++stats_.deduplicated;
        return false;
    }
    if (dedup_.size() >= std::max<std::size_t>(1, options_.max_dedup_entries / 2)) {
        stats_.dedup_evicted += dedup_previous_.size();
        dedup_previous_ = std::move(dedup_);
        dedup_.clear();
    }
    dedup_.emplace(std::move(k), now_);
    return true;
}

void SnifferEngine::emit(Event event) {
    event.time = EventTime(std::chrono::microseconds(now_));
    event.service = "sniffer";
    // One span per emitted event (tracing.md §3.6), not per packet: a SYN flood must not
    // become a span flood. The event carries the span's trace context. Each is a trace of
    // its own (like a decky's session), linked to the capture loop: under the loop, which
    // is open for the process's life, every fingerprint (and every probe back it started)
    // would be one endless trace whose root is exported only at shutdown.
    const auto& type = event.event_type;
    const std::string span_name = type == "tls_session" ? "sniffer.tls_server_hello"
                                  : type == "ssh_client_kexinit" || type == "ssh_server_kexinit"
                                      ? "sniffer.ssh_kexinit"
                                      : "sniffer." + type;
    const auto loop = telemetry::current_span_context();
    telemetry::Span span(
        span_name,
        telemetry::SpanStart{.new_root = true, .links = std::span(&loop, loop.valid() ? 1 : 0)});
    if (span.recording()) {
        const auto field = [&](const char* name) {
            const auto* value = event.find(name);
            return value ? *value : std::string();
        };
        span.set_attribute("attacker_ip", event.src_ip);
        if (type == "tcp_syn_fingerprint") {
            span.set_attribute("dst_port", std::atoi(field("dst_port").c_str()));
            span.set_attribute("os_guess", field("os_guess"));
            span.set_attribute("p0f_os", field("p0f_os"));
        } else if (type == "tls_client_hello") {
            span.set_attribute("dst_port", std::atoi(field("dst_port").c_str()));
            span.set_attribute("ja3", field("ja3"));
            span.set_attribute("ja4", field("ja4"));
            span.set_attribute("sni", field("sni"));
        } else if (type == "tls_session") {
            span.set_attribute("ja3s", field("ja3s"));
            span.set_attribute("ja4s", field("ja4s"));
        } else if (type == "tls_certificate") {
            span.set_attribute("subject_cn", field("subject_cn"));
            span.set_attribute("self_signed", field("self_signed") == "true");
        } else if (type == "ssh_client_kexinit") {
            span.set_attribute("hassh", field("hassh"));
        } else if (type == "ssh_server_kexinit") {
            span.set_attribute("hassh_server", field("hassh_server"));
        }
    }
    event.trace = span.context();
    ++stats_.events;
    if (emit_) emit_(std::move(event));
}

void SnifferEngine::syn_fingerprint(const Packet& p, const std::string& decky) {
    // A scan repeats one SYN from one source: everything the dedup key depends on, raw, was
    // admitted less than a TTL ago → deduplicated without computing it again.
    std::string raw;
    if (options_.dedup_ttl > 0) {
        raw.reserve(64);
        raw.append(reinterpret_cast<const char*>(p.src.bytes.data()), 16);
        const std::uint8_t facts[] = {
            p.ip_version,
            p.ttl,
            static_cast<std::uint8_t>(p.window >> 8),
            static_cast<std::uint8_t>(p.window & 0xff),
            p.flags,
            static_cast<std::uint8_t>((p.df ? 1 : 0) | (p.ip_id == 0 ? 2 : 0) |
                                      (p.reserved_flag ? 4 : 0) | (p.seq == 0 ? 8 : 0) |
                                      (p.ack != 0 ? 16 : 0) | (p.urgent != 0 ? 32 : 0) |
                                      (p.payload.empty() ? 64 : 0) | (p.ns_flag ? 128 : 0)),
            static_cast<std::uint8_t>((p.tos & 3) | (p.flow_label != 0 ? 4 : 0)),
            p.ip_options_length};
        raw.append(reinterpret_cast<const char*>(facts), sizeof facts);
        raw.append(p.tcp_options);
        if (const auto hit = recent_syns_.find(raw);
            hit != recent_syns_.end() && now_ - hit->second < options_.dedup_ttl) {
            ++stats_.deduplicated;
            return;
        }
    }
    const auto fp = sniffer::syn_fingerprint(p);
    const auto os = guess_os(fp.ttl, fp.window, fp.mss, fp.wscale, fp.options_sig);
    std::optional<p0f::Match> match;
    const auto observation = p0f::observe(p);
    auto signature = observation.signature();
    if (options_.p0f) {
        // Scans repeat one stack: remember the answer per raw signature (bounded).
        if (const auto hit = p0f_cache_.find(signature); hit != p0f_cache_.end()) {
            match = hit->second;
        } else {
            match = options_.p0f->match(observation);
            if (p0f_cache_.size() >= kP0fCacheSize) p0f_cache_.clear();
            p0f_cache_.emplace(signature, match);
        }
    }
    const auto src_ip = p.src.text();
    const std::string p0f_label = match ? match->label : "";
    if (!admit(src_ip, "tcp_syn_fingerprint",
               os + '|' + fp.options_sig + '|' + fp.ja4t + '|' + p0f_label))
        return;
    if (!raw.empty()) {
        if (recent_syns_.size() >= kRecentSyns) recent_syns_.clear();
        recent_syns_[std::move(raw)] = now_;
    }
    Event e;
    e.decky = decky;
    e.event_type = "tcp_syn_fingerprint";
    e.src_ip = src_ip;
    e.src_port = p.src_port;
    e.add("src_ip", src_ip)
        .add("src_port", p.src_port)
        .add("dst_ip", p.dst.text())
        .add("dst_port", p.dst_port)
        .add("ttl", fp.ttl)
        .add("initial_ttl", fp.initial_ttl)
        .add("hop_distance", fp.hop_distance)
        .add("window", fp.window)
        .add("mss", fp.mss)
        .add("wscale", fp.wscale ? std::to_string(*fp.wscale) : std::string())
        .add("options_sig", fp.options_sig)
        .add("has_sack", text_bool(fp.has_sack))
        .add("has_timestamps", text_bool(fp.has_timestamps))
        .add("os_guess", os)
        .add("ja4t", fp.ja4t)
        .add("p0f_os", match ? match->os : "unknown")
        .add("p0f_label", p0f_label)
        .add("p0f_match", !match           ? "none"
                          : match->fuzzy   ? "fuzzy"
                          : match->generic ? "generic"
                                           : "exact")
        .add("p0f_distance", match ? std::to_string(match->distance) : std::string())
        .add("p0f_signature", std::move(signature));
    emit(std::move(e));
}

void SnifferEngine::on_packet(const Packet& p, Micros now) {
    ++stats_.packets;
    now_ = std::max(now_, now);
    if (p.protocol != 6 || deckies_.empty()) return;
    const auto to_decky = deckies_.find(p.dst);
    const bool client_to_decky = to_decky != deckies_.end();
    const auto from_decky = client_to_decky ? deckies_.end() : deckies_.find(p.src);
    if (!client_to_decky && from_decky == deckies_.end()) return;
    ++stats_.decky_packets;
    const auto& decky = client_to_decky ? to_decky->second : from_decky->second;
    const bool syn = (p.flags & flag::syn) != 0, ack = (p.flags & flag::ack) != 0;

    if (now_ - last_sweep_ >= options_.sweep_interval) sweep(now_);
    if (syn && !ack && client_to_decky) syn_fingerprint(p, decky);

    // The flow, keyed attacker-first (a SYN-ACK from a decky belongs to the attacker's SYN).
    const Address& client = client_to_decky ? p.src : p.dst;
    const Address& server = client_to_decky ? p.dst : p.src;
    const auto client_port = client_to_decky ? p.src_port : p.dst_port;
    const auto server_port = client_to_decky ? p.dst_port : p.src_port;
    FlowKey key;
    std::copy(client.bytes.begin(), client.bytes.end(), key.bytes.begin());
    std::copy(server.bytes.begin(), server.bytes.end(), key.bytes.begin() + 16);
    key.bytes[32] = static_cast<std::uint8_t>(client_port >> 8);
    key.bytes[33] = static_cast<std::uint8_t>(client_port & 0xff);
    key.bytes[34] = static_cast<std::uint8_t>(server_port >> 8);
    key.bytes[35] = static_cast<std::uint8_t>(server_port & 0xff);
    auto it = flows_.find(key);
    if (it == flows_.end()) {
        // Full: sweep idle flows, at most once a second (a flood must not sweep per packet).
        if (flows_.size() >= options_.max_flows && now_ - last_sweep_ >= 1'000'000) sweep(now_);
        if (flows_.size() >= options_.max_flows) {
            ++stats_.flows_refused;
            return;
        }
        auto flow = std::make_unique<Flow>();
        flow->client = client;
        flow->server = server;
        flow->client_port = client_port;
        flow->server_port = server_port;
        flow->decky = client_to_decky ? decky : deckies_.at(server);
        flow->client_ip = client.text();
        flow->server_ip = server.text();
        flow->start = flow->last = now_;
        it = flows_.emplace(key, std::move(flow)).first;
    }
    Flow& flow = *it->second;
    const bool from_client = client_to_decky;

    // Flow timing.
    if (flow.packets > 0 && now_ >= flow.last) {
        const double iat = static_cast<double>(now_ - flow.last) / 1e6;
        flow.iat_sum += iat;
        flow.iat_min = flow.iat_count == 0 ? iat : std::min(flow.iat_min, iat);
        flow.iat_max = flow.iat_count == 0 ? iat : std::max(flow.iat_max, iat);
        ++flow.iat_count;
    }
    flow.last = now_;
    ++flow.packets;
    flow.bytes += p.payload.size();
    if (from_client && !p.payload.empty()) {
        if (std::find(flow.seen_seqs.begin(), flow.seen_seqs.end(), p.seq) != flow.seen_seqs.end())
            ++flow.retransmits;
        else if (flow.seen_seqs.size() < options_.max_seen_seqs)
            flow.seen_seqs.push_back(p.seq);
    }

    // The handshake: JA4L's A, B and C, and each side's first sequence number.
    if (syn && !ack && from_client) {
        if (flow.syn_time < 0) {
            flow.syn_time = now_;
            flow.syn_ttl = p.ttl;
        }
        flow.from_client.have_next = true;
        flow.from_client.next_seq = p.seq + 1;
    } else if (syn && ack && !from_client) {
        if (flow.synack_time < 0) {
            flow.synack_time = now_;
            flow.synack_ttl = p.ttl;
        }
        flow.from_server.have_next = true;
        flow.from_server.next_seq = p.seq + 1;
    } else if (ack && from_client && flow.synack_time >= 0 && flow.ack_time < 0) {
        flow.ack_time = now_;
    }

    if (!p.payload.empty()) on_payload(flow, from_client, p, now_);

    if ((p.flags & (flag::fin | flag::rst)) != 0) {
        flush(flow);
        flows_.erase(it);
    }
}

void SnifferEngine::on_payload(Flow& flow, bool from_client, const Packet& p, Micros) {
    Stream& s = from_client ? flow.from_client : flow.from_server;
    if (s.done) return;
    if (!s.have_next) {  // joined mid-connection: start at the first payload seen
        s.have_next = true;
        s.next_seq = p.seq;
    }
    const auto append = [&](std::uint32_t seq, std::string_view data) {
        const auto offset = seq_diff(seq, s.next_seq);
        if (offset > 0) return false;
        const auto skip = static_cast<std::size_t>(-static_cast<std::int64_t>(offset));
        if (skip < data.size()) {
            const auto fresh = data.substr(skip);
            s.data.append(fresh.substr(
                0, options_.max_stream_bytes - std::min(s.data.size(), options_.max_stream_bytes)));
            s.next_seq += static_cast<std::uint32_t>(fresh.size());
        }
        return true;
    };
    const auto offset = seq_diff(p.seq, s.next_seq);
    if (offset > 0) {
        // A gap: hold the segment (bounded) until what is missing arrives.
        if (s.pending.size() < options_.max_out_of_order &&
            static_cast<std::size_t>(offset) < options_.max_stream_bytes)
            s.pending.emplace_back(p.seq,
                                   std::string(p.payload.substr(0, options_.max_stream_bytes)));
        return;
    }
    append(p.seq, p.payload);
    for (bool progressed = true; progressed && !s.pending.empty();) {
        progressed = false;
        for (auto it = s.pending.begin(); it != s.pending.end(); ++it)
            if (append(it->first, it->second)) {
                s.pending.erase(it);
                progressed = true;
                break;
            }
    }
    if (from_client)
        analyse_client(flow);
    else
        analyse_server(flow);
    if (!s.done && s.data.size() >= options_.max_stream_bytes) s.done = true;  // gave up
    if (s.done) {
        s.data.clear();
        s.data.shrink_to_fit();
        s.pending.clear();
    }
}

namespace {

// A complete SSH version line and the first binary packet's payload after it, if present.
enum class SshRead { need_more, bad, ok };
SshRead read_ssh(std::string_view data, std::string& version, std::string& payload) {
    const auto eol = data.find('\n');
    if (eol == std::string_view::npos)
        return data.size() > kMaxSshBannerLine ? SshRead::bad : SshRead::need_more;
    auto line = data.substr(0, eol);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    version = std::string(line);
    const auto rest = data.substr(eol + 1);
    if (rest.size() < 6) return SshRead::need_more;
    const std::uint32_t length =
        (static_cast<unsigned char>(rest[0]) << 24) | (static_cast<unsigned char>(rest[1]) << 16) |
        (static_cast<unsigned char>(rest[2]) << 8) | static_cast<unsigned char>(rest[3]);
    const auto padding = static_cast<unsigned char>(rest[4]);
    if (length < 2 || length > kMaxSshPacket || padding + 1u > length) return SshRead::bad;
    if (rest.size() < 4 + length) return SshRead::need_more;
    payload = std::string(rest.substr(5, length - padding - 1));
    return SshRead::ok;
}

}  // namespace

void SnifferEngine::analyse_client(Flow& flow) {
    Stream& s = flow.from_client;
    const std::string_view data = s.data;
    if (data.empty()) return;
    if (data[0] == 'S') {
        std::string version, payload;
        const auto r = read_ssh(data, version, payload);
        if (r == SshRead::need_more) return;
        s.done = true;
        if (r == SshRead::bad || data.substr(0, 4) != "SSH-") return;
        const auto kexinit = wire::ssh::parse_kexinit(payload);
        if (!kexinit) return;
        const auto algorithms = wire::ssh::hassh_algorithms(*kexinit);
        const auto hassh = fp::md5_hex(algorithms);
        if (!admit(flow.client_ip, "ssh_client_kexinit", hassh)) return;
        Event e;
        e.decky = flow.decky;
        e.event_type = "ssh_client_kexinit";
        e.src_ip = flow.client_ip;
        e.src_port = flow.client_port;
        e.add("src_ip", flow.client_ip)
            .add("src_port", flow.client_port)
            .add("dst_ip", flow.server_ip)
            .add("dst_port", flow.server_port)
            .add("client_version", version)
            .add("hassh", hassh)
            .add("hassh_algorithms", algorithms);
        emit(std::move(e));
        return;
    }
    if (static_cast<unsigned char>(data[0]) != tls::kHandshake) {
        s.done = true;
        return;
    }
    const auto scan = tls::read_handshakes(data, 1);
    if (scan.messages.empty()) {
        if (scan.invalid || !scan.need_more) s.done = true;
        return;
    }
    s.done = true;
    if (scan.messages.front().type != tls::kClientHello) return;
    auto hello = tls::parse_client_hello(scan.messages.front().body);
    if (!hello) return;
    const auto ja3 = fp::ja3(*hello);
    const auto ja4 = fp::ja4(*hello);
    const auto resumption = fp::resumption(*hello);
    std::vector<std::uint16_t> extension_types;
    for (const auto& ext : hello->extensions) extension_types.push_back(ext.type);
    Fields session = {{"ja3", ja3.hash},
                      {"ja4", ja4.hash},
                      {"sni", hello->server_name},
                      {"alpn", join(hello->alpn)},
                      {"raw_ciphers", decimal_list(hello->cipher_suites)},
                      {"raw_extensions", decimal_list(extension_types)}};
    if (!resumption.empty()) session.emplace_back("resumption", join(resumption));
    flow.session = session;
    flow.have_session = true;
    flow.sni = hello->server_name;
    if (!admit(flow.client_ip, "tls_client_hello", ja3.hash + '|' + ja4.hash)) return;
    Event e;
    e.decky = flow.decky;
    e.event_type = "tls_client_hello";
    e.src_ip = flow.client_ip;
    e.src_port = flow.client_port;
    e.add("src_ip", flow.client_ip)
        .add("src_port", flow.client_port)
        .add("dst_ip", flow.server_ip)
        .add("dst_port", flow.server_port)
        .add("ja3", ja3.hash)
        .add("ja4", ja4.hash)
        .add("tls_version", tls::version_text(hello->legacy_version));
    for (std::size_t i = 2; i < session.size(); ++i) e.add(session[i].first, session[i].second);
    if (flow.synack_time >= 0 && flow.syn_time >= 0) {
        e.add("ja4l_rtt_ms",
              python_float(static_cast<double>(flow.synack_time - flow.syn_time) / 1000.0, 2))
            .add("ja4l_client_ttl", flow.syn_ttl);
    }
    e.add("ja3_string", ja3.text).add("ja4_r", ja4.raw).add("ja4_o", ja4.original);
    e.add("ja4_decnet", fp::decnet_ja4(*hello));
    if (flow.ack_time >= 0)
        e.add("ja4l_c", std::to_string((flow.ack_time - flow.synack_time) / 2) + '_' +
                            std::to_string(flow.syn_ttl));
    if (flow.synack_time >= 0 && flow.syn_time >= 0)
        e.add("ja4l_s", std::to_string((flow.synack_time - flow.syn_time) / 2) + '_' +
                            std::to_string(flow.synack_ttl));
    emit(std::move(e));
}

void SnifferEngine::analyse_server(Flow& flow) {
    Stream& s = flow.from_server;
    const std::string_view data = s.data;
    if (data.empty()) return;
    if (data[0] == 'S') {
        std::string version, payload;
        const auto r = read_ssh(data, version, payload);
        if (r == SshRead::need_more) return;
        s.done = true;
        if (r == SshRead::bad || data.substr(0, 4) != "SSH-") return;
        const auto kexinit = wire::ssh::parse_kexinit(payload);
        if (!kexinit) return;
        const auto algorithms = wire::ssh::hassh_server_algorithms(*kexinit);
        const auto hassh = fp::md5_hex(algorithms);
        if (!admit(flow.client_ip, "ssh_server_kexinit", hassh)) return;
        Event e;
        e.decky = flow.decky;
        e.event_type = "ssh_server_kexinit";
        e.src_ip = flow.client_ip;
        e.src_port = flow.client_port;
        e.add("src_ip", flow.client_ip)
            .add("src_port", flow.client_port)
            .add("dst_ip", flow.server_ip)
            .add("dst_port", flow.server_port)
            .add("server_version", version)
            .add("hassh_server", hassh)
            .add("hassh_server_algorithms", algorithms);
        emit(std::move(e));
        return;
    }
    if (static_cast<unsigned char>(data[0]) != tls::kHandshake) {
        s.done = true;
        return;
    }
    const auto scan = tls::read_handshakes(data);
    for (std::size_t i = 0; i < scan.messages.size(); ++i) {
        const auto& message = scan.messages[i];
        if (message.type == tls::kServerHello && !flow.tls_server_hello_seen) {
            flow.tls_server_hello_seen = true;
            auto hello = tls::parse_server_hello(message.body);
            if (!hello) {
                s.done = true;
                return;
            }
            flow.tls13 = hello->selected_version == 0x0304;
            const auto ja3s = fp::ja3s(*hello);
            const auto ja4s = fp::ja4s(*hello);
            const auto field = [&](const char* name) {
                for (const auto& [k, v] : flow.session)
                    if (k == name) return v;
                return std::string();
            };
            if (!admit(flow.client_ip, "tls_session",
                       field("ja3") + '|' + ja3s.hash + '|' + field("ja4") + '|' + ja4s.hash))
                continue;
            Event e;
            e.decky = flow.decky;
            e.event_type = "tls_session";
            e.severity = Severity::warning;
            e.src_ip = flow.client_ip;
            e.src_port = flow.client_port;
            e.add("src_ip", flow.client_ip)
                .add("src_port", flow.client_port)
                .add("dst_ip", flow.server_ip)
                .add("dst_port", flow.server_port)
                .add("ja3s", ja3s.hash)
                .add("ja4s", ja4s.hash)
                .add("tls_version", tls::version_text(hello->legacy_version));
            if (flow.have_session)
                for (const auto& [k, v] : flow.session) e.add(k, v);
            if (flow.synack_time >= 0 && flow.syn_time >= 0)
                e.add("ja4l_rtt_ms",
                      python_float(static_cast<double>(flow.synack_time - flow.syn_time) / 1000.0,
                                   2))
                    .add("ja4l_client_ttl", flow.syn_ttl);
            e.add("ja3s_string", ja3s.text).add("ja4s_r", ja4s.raw);
            e.add("ja4s_decnet", fp::decnet_ja4s(*hello));
            if (hello->selected_version)
                e.add("tls_selected_version", tls::version_text(*hello->selected_version));
            emit(std::move(e));
        } else if (message.type == tls::kCertificate && !flow.tls13) {
            s.done = true;
            const auto certs = tls::certificate_list(message.body, false, 1);
            if (certs.empty()) return;
            const auto summary = fp::summarize_certificate(certs.front());
            if (!summary) return;
            if (!admit(flow.client_ip, "tls_certificate",
                       summary->subject_cn + '|' + summary->issuer))
                return;
            Event e;
            e.decky = flow.decky;
            e.event_type = "tls_certificate";
            e.src_ip = flow.client_ip;
            e.src_port = flow.client_port;
            e.add("src_ip", flow.client_ip)
                .add("src_port", flow.client_port)
                .add("dst_ip", flow.server_ip)
                .add("dst_port", flow.server_port)
                .add("subject_cn", summary->subject_cn)
                .add("issuer", summary->issuer)
                .add("self_signed", text_bool(summary->self_signed))
                .add("not_before", summary->not_before)
                .add("not_after", summary->not_after);
            if (!summary->sans.empty()) e.add("sans", join(summary->sans));
            if (!flow.sni.empty()) e.add("sni", flow.sni);
            emit(std::move(e));
            return;
        }
    }
    // Done once the handshake records end (ChangeCipherSpec, encrypted data) or are not TLS.
    if (scan.invalid || !scan.need_more || flow.tls13) s.done = true;
}

void SnifferEngine::flush(Flow& flow) {
    if (!options_.flow_timing) return;
    const double duration = static_cast<double>(flow.last - flow.start) / 1e6;
    if (flow.packets < 4 && flow.retransmits == 0 && duration < 1.0) return;
    if (!deckies_.contains(flow.server)) return;
    if (!admit(flow.client_ip, "tcp_flow_timing",
               flow.server_ip + '|' + std::to_string(flow.server_port)))
        return;
    Event e;
    e.decky = flow.decky;
    e.event_type = "tcp_flow_timing";
    e.src_ip = flow.client_ip;
    e.src_port = flow.client_port;
    const double mean = flow.iat_count ? flow.iat_sum / static_cast<double>(flow.iat_count) : 0.0;
    e.add("src_ip", flow.client_ip)
        .add("src_port", flow.client_port)
        .add("dst_ip", flow.server_ip)
        .add("dst_port", flow.server_port)
        .add("packets", flow.packets)
        .add("bytes", flow.bytes)
        .add("duration_s", python_float(duration, 3))
        .add("mean_iat_ms", python_float(mean * 1000.0, 2))
        .add("min_iat_ms", python_float(flow.iat_min * 1000.0, 2))
        .add("max_iat_ms", python_float(flow.iat_max * 1000.0, 2))
        .add("retransmits", flow.retransmits);
    emit(std::move(e));
}

void SnifferEngine::sweep(Micros now) {
    last_sweep_ = now;
    for (auto it = flows_.begin(); it != flows_.end();) {
        if (now - it->second->last > options_.flow_idle) {
            flush(*it->second);
            it = flows_.erase(it);
        } else {
            ++it;
        }
    }
}

void SnifferEngine::flush_all() {
    for (auto& [key, flow] : flows_) flush(*flow);
    flows_.clear();
}

}  // namespace decnet::intel::sniffer
