// libpcap for the sniffer: a live interface (BPF limited to the deckies' addresses, the
// kernel's drop counters) or a capture file, each frame decoded (wire/packet) and handed
// on with its capture time; optionally every frame written to a pcap file as well.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "wire/packet.hpp"

namespace decnet::intel::sniffer {

struct CaptureOptions {
    std::string interface;   // live capture (e.g. "lo", "decnet0", "any")
    std::string read_file;   // offline: a pcap / pcapng file
    std::string write_file;  // also save every captured frame here
    std::string filter;      // BPF
    int snaplen = 65535;
    int buffer_bytes = 32 * 1024 * 1024;
    bool promiscuous = false;
};

struct CaptureStats {
    std::uint64_t frames = 0, decoded = 0;
    std::uint64_t kernel_received = 0, kernel_dropped = 0, interface_dropped = 0;
    std::string error;  // a capture file that ended in the middle of a record, or lied
};

using PacketHandler = std::function<void(const wire::packet::Packet&, std::int64_t micros)>;

class Capture {
  public:
    // Throws std::runtime_error with libpcap's message (no such device, permission, bad file).
    explicit Capture(const CaptureOptions& options);
    ~Capture();
    Capture(const Capture&) = delete;
    Capture& operator=(const Capture&) = delete;

    // Replaces the BPF filter (throws std::runtime_error when it does not compile).
    void set_filter(const std::string& filter);
    // Reads until the end of the file, stop(), or max_frames (0: no limit). Call from one
    // thread; `on_idle` runs at least every 100 ms of a live capture.
    void run(const PacketHandler& handler, std::uint64_t max_frames = 0,
             const std::function<void()>& on_idle = {});
    void stop();  // any thread
    CaptureStats stats() const;
    wire::packet::LinkType link_type() const;

    struct State;  // libpcap's handle and counters (capture.cpp)

  private:
    std::unique_ptr<State> state_;
};

// "tcp and (host a or host b …)"; "tcp" when there are no addresses.
std::string decky_filter(const std::vector<wire::packet::Address>& addresses);

}  // namespace decnet::intel::sniffer
