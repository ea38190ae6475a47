#include "intel/sniffer/capture.hpp"

#include <pcap/pcap.h>

#include <stdexcept>
#include <string_view>

namespace decnet::intel::sniffer {

struct Capture::State {
    pcap_t* pcap = nullptr;
    pcap_dumper_t* dumper = nullptr;
    bool live = false;
    wire::packet::LinkType link = wire::packet::LinkType::ethernet;
    std::atomic<bool> stopping{false};
    CaptureStats stats;
    const PacketHandler* handler = nullptr;
};

namespace {

[[noreturn]] void fail(const std::string& what, const char* why) {
    throw std::runtime_error(what + ": " + why);
}

void on_frame(u_char* user, const pcap_pkthdr* header, const u_char* bytes) {
    auto& state = *reinterpret_cast<Capture::State*>(user);
    ++state.stats.frames;
    if (state.dumper) pcap_dump(reinterpret_cast<u_char*>(state.dumper), header, bytes);
    const std::string_view frame(reinterpret_cast<const char*>(bytes), header->caplen);
    const auto packet = wire::packet::decode(state.link, frame);
    if (!packet) return;
    ++state.stats.decoded;
    const std::int64_t micros =
        static_cast<std::int64_t>(header->ts.tv_sec) * 1'000'000 + header->ts.tv_usec;
    (*state.handler)(*packet, micros);
}

}  // namespace

Capture::Capture(const CaptureOptions& options) : state_(std::make_unique<State>()) {
    char error[PCAP_ERRBUF_SIZE] = {};
    if (!options.read_file.empty()) {
        state_->pcap = pcap_open_offline_with_tstamp_precision(options.read_file.c_str(),
                                                               PCAP_TSTAMP_PRECISION_MICRO, error);
        if (!state_->pcap) fail(options.read_file, error);
    } else {
        state_->live = true;
        state_->pcap = pcap_create(options.interface.c_str(), error);
        if (!state_->pcap) fail(options.interface, error);
        pcap_set_snaplen(state_->pcap, options.snaplen);
        pcap_set_promisc(state_->pcap, options.promiscuous ? 1 : 0);
        pcap_set_timeout(state_->pcap, 100);
        pcap_set_buffer_size(state_->pcap, options.buffer_bytes);
        pcap_set_immediate_mode(state_->pcap, 0);
        const int status = pcap_activate(state_->pcap);
        if (status < 0) {
            const std::string why = pcap_geterr(state_->pcap);
            pcap_close(state_->pcap);
            state_->pcap = nullptr;
            fail(options.interface, why.c_str());
        }
    }
    state_->link = static_cast<wire::packet::LinkType>(pcap_datalink(state_->pcap));
    if (!options.filter.empty()) set_filter(options.filter);
    if (!options.write_file.empty()) {
        state_->dumper = pcap_dump_open(state_->pcap, options.write_file.c_str());
        if (!state_->dumper) fail(options.write_file, pcap_geterr(state_->pcap));
    }
}

Capture::~Capture() {
    if (state_->dumper) pcap_dump_close(state_->dumper);
    if (state_->pcap) pcap_close(state_->pcap);
}

void Capture::set_filter(const std::string& filter) {
    bpf_program program{};
    if (pcap_compile(state_->pcap, &program, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0)
        fail("BPF filter '" + filter + "'", pcap_geterr(state_->pcap));
    const int status = pcap_setfilter(state_->pcap, &program);
    pcap_freecode(&program);
    if (status != 0) fail("BPF filter", pcap_geterr(state_->pcap));
}

void Capture::run(const PacketHandler& handler, std::uint64_t max_frames,
                  const std::function<void()>& on_idle) {
    state_->handler = &handler;
    while (!state_->stopping.load(std::memory_order_relaxed)) {
        int budget = 1024;
        if (max_frames != 0) {
            if (state_->stats.frames >= max_frames) break;
            budget =
                static_cast<int>(std::min<std::uint64_t>(1024, max_frames - state_->stats.frames));
        }
        const int n =
            pcap_dispatch(state_->pcap, budget, on_frame, reinterpret_cast<u_char*>(state_.get()));
        if (n == PCAP_ERROR_BREAK) break;
        if (n < 0) {
            // A truncated or lying file: what was read counts, the rest is reported.
            if (!state_->live) {
                state_->stats.error = pcap_geterr(state_->pcap);
                break;
            }
            fail("capture", pcap_geterr(state_->pcap));
        }
        if (n == 0 && !state_->live) break;  // end of file
        if (on_idle) on_idle();
    }
    if (state_->dumper) pcap_dump_flush(state_->dumper);
    state_->handler = nullptr;
}

void Capture::stop() {
    state_->stopping = true;
    pcap_breakloop(state_->pcap);
}

CaptureStats Capture::stats() const {
    auto out = state_->stats;
    pcap_stat ps{};
    if (state_->live && pcap_stats(state_->pcap, &ps) == 0) {
        out.kernel_received = ps.ps_recv;
        out.kernel_dropped = ps.ps_drop;
        out.interface_dropped = ps.ps_ifdrop;
    }
    return out;
}

wire::packet::LinkType Capture::link_type() const {
    return state_->link;
}

std::string decky_filter(const std::vector<wire::packet::Address>& addresses) {
    if (addresses.empty()) return "tcp";
    std::string out = "tcp and (";
    for (std::size_t i = 0; i < addresses.size(); ++i) {
        if (i) out += " or ";
        out += "host " + addresses[i].text();
    }
    return out + ")";
}

}  // namespace decnet::intel::sniffer
