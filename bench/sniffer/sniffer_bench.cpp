// The sniffer against the tools it replaces, on one pcap this bench writes: a SYN scan
// (SYNs from many attackers and the deckies' RSTs) plus TLS and SSH handshakes. Prints
// packets/s and packets/s per CPU-second for `decnet`'s engine (read + decode + analyse),
// `p0f -r` and `tshark -r -T fields -e tls.handshake.ja3` on the same file, and the ratios
// (targets ≥ 2 and ≥ 20). Then live: SYNs sent on loopback at 100k/s to a decky address
// while the sniffer captures `lo`, and libpcap's drop counters.
// Usage: sniffer_bench [--syns N] [--flows N] [--live-seconds S] [--rate PPS] [--keep DIR]
//                      [--sender packet|raw] [--senders N] [--ceiling 1] [--live-only 1]
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "../../tests/support/packet_builder.hpp"
#include "../../tests/support/tls_builder.hpp"
#include "intel/sniffer/sniffer_worker.hpp"
#include "wire/ssh_kexinit.hpp"

namespace b = decnet::test::packet;
namespace t = decnet::test::tls;
namespace sn = decnet::intel::sniffer;

namespace {

constexpr const char* kDecky = "127.203.9.1";

struct Writer {
    pcap_t* dead = pcap_open_dead(DLT_EN10MB, 65535);
    pcap_dumper_t* out;
    std::uint64_t packets = 0;
    std::int64_t micros = 1'700'000'000'000'000;
    explicit Writer(const std::string& path) : out(pcap_dump_open(dead, path.c_str())) {}
    ~Writer() {
        pcap_dump_close(out);
        pcap_close(dead);
    }
    void add(const b::Tcp& tcp) {
        const auto frame = b::ethernet(b::ipv4(tcp));
        pcap_pkthdr h{};
        micros += 7;
        h.ts.tv_sec = micros / 1'000'000;
        h.ts.tv_usec = micros % 1'000'000;
        h.caplen = h.len = static_cast<bpf_u_int32>(frame.size());
        pcap_dump(reinterpret_cast<u_char*>(out), &h,
                  reinterpret_cast<const u_char*>(frame.data()));
        ++packets;
    }
};

std::string attacker(std::uint32_t i) {
    return "10." + std::to_string((i >> 16) & 255) + "." + std::to_string((i >> 8) & 255) + "." +
           std::to_string(i & 255 ? i & 255 : 1);
}

std::string ssh_packet(const std::string& payload) {
    const std::uint8_t padding = static_cast<std::uint8_t>(8 - (payload.size() + 5) % 8 + 4);
    return b::be32(static_cast<std::uint32_t>(payload.size() + padding + 1)) +
           static_cast<char>(padding) + payload + std::string(padding, '\0');
}

// One handshake: SYN, SYN-ACK, ACK, client's first bytes, server's first bytes, FIN, RST.
void flow(Writer& w, const std::string& src, std::uint16_t sport, std::uint16_t dport,
          const std::string& client, const std::string& server) {
    b::Tcp c;
    c.src = src;
    c.dst = kDecky;
    c.sport = sport;
    c.dport = dport;
    c.options = b::linux_options();
    c.seq = 100;
    c.flags = 0x02;
    w.add(c);
    b::Tcp s = c;
    std::swap(s.src, s.dst);
    std::swap(s.sport, s.dport);
    s.seq = 500;
    s.flags = 0x12;
    w.add(s);
    c.options.clear();
    c.flags = 0x10;
    c.seq = 101;
    w.add(c);
    c.flags = 0x18;
    c.payload = client;
    w.add(c);
    s.options.clear();
    s.flags = 0x18;
    s.seq = 501;
    s.payload = server;
    w.add(s);
    c.payload.clear();
    c.flags = 0x11;
    c.seq = 101 + static_cast<std::uint32_t>(client.size());
    w.add(c);
    s.payload.clear();
    s.flags = 0x14;
    s.seq = 501 + static_cast<std::uint32_t>(server.size());
    w.add(s);
}

std::uint64_t make_pcap(const std::string& path, std::uint32_t syns, std::uint32_t flows) {
    Writer w(path);
    const auto client_hello =
        t::client_hello({0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8},
                        {t::sni("shop.example"),
                         t::groups({0x001d, 0x0017, 0x0018}),
                         t::point_formats(std::string(1, '\0')),
                         t::sigalgs({0x0403, 0x0804, 0x0401}),
                         t::versions({0x0304, 0x0303}),
                         t::alpn({"h2", "http/1.1"}),
                         {51, std::string(38, 'k')}},
                        std::string(32, 's'));
    const auto server_hello =
        t::server_hello(0x1301, {{43, t::u16(0x0304)}, {51, std::string(36, 'k')}});
    decnet::wire::ssh::KexInit k;
    k.kex = {"curve25519-sha256", "ecdh-sha2-nistp256", "diffie-hellman-group14-sha256"};
    k.host_key = {"ssh-ed25519", "rsa-sha2-512"};
    k.enc_cs = k.enc_sc = {"chacha20-poly1305@openssh.com", "aes128-ctr", "aes256-gcm@openssh.com"};
    k.mac_cs = k.mac_sc = {"umac-64-etm@openssh.com", "hmac-sha2-256"};
    k.cmp_cs = k.cmp_sc = {"none", "zlib@openssh.com"};
    const auto kexinit = ssh_packet(decnet::wire::ssh::build_kexinit(k));
    const std::uint32_t every = flows ? std::max<std::uint32_t>(1, syns / flows) : syns + 1;
    std::uint32_t flow_no = 0;
    for (std::uint32_t i = 0; i < syns; ++i) {
        // nmap-style SYN to port i, and the decky's RST.
        b::Tcp syn;
        syn.src = attacker(i / 1000 + 1);
        syn.dst = kDecky;
        syn.sport = 40000 + (i % 20000);
        syn.dport = static_cast<std::uint16_t>(1 + i % 65000);
        syn.window = 1024;
        syn.df = false;
        syn.ttl = 45;
        syn.options = std::string("\x02\x04\x05\xb4", 4);
        w.add(syn);
        b::Tcp rst = syn;
        std::swap(rst.src, rst.dst);
        std::swap(rst.sport, rst.dport);
        rst.flags = 0x14;
        rst.ack = syn.seq + 1;
        rst.options.clear();
        w.add(rst);
        if (i % every == 0 && flow_no < flows) {
            const auto src = attacker(100000 + flow_no);
            if (flow_no % 2 == 0)
                flow(w, src, 50000, 443, client_hello, server_hello);
            else
                flow(w, src, 50001, 22, "SSH-2.0-OpenSSH_9.6\r\n" + kexinit,
                     "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n" + kexinit);
            ++flow_no;
        }
    }
    return w.packets;
}

struct Timing {
    double wall = 0, cpu = 0;
};

double children_cpu() {
    rusage r{};
    getrusage(RUSAGE_CHILDREN, &r);
    return r.ru_utime.tv_sec + r.ru_stime.tv_sec + (r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
}
double self_cpu() {
    rusage r{};
    getrusage(RUSAGE_SELF, &r);
    return r.ru_utime.tv_sec + r.ru_stime.tv_sec + (r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
}

Timing external(const std::string& command) {
    std::fflush(stdout);
    const auto cpu0 = children_cpu();
    const auto t0 = std::chrono::steady_clock::now();
    if (std::system(command.c_str()) != 0) std::cerr << "bench: failed: " << command << "\n";
    return {std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
            children_cpu() - cpu0};
}

Timing ours(const std::string& pcap, std::uint64_t& events) {
    sn::SnifferOptions options;
    options.capture.read_file = pcap;
    options.deckies = [] {
        return sn::DeckyMap{{*decnet::wire::packet::Address::parse(kDecky), "decky-01"}};
    };
    std::uint64_t n = 0;
    options.publish = [&n](decnet::Event) { ++n; };
    const auto cpu0 = self_cpu();
    const auto t0 = std::chrono::steady_clock::now();
    sn::SnifferWorker worker(std::move(options));
    worker.run();
    const Timing out{std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
                     self_cpu() - cpu0};
    events = n;
    return out;
}

// How the live part sends its SYNs on `lo`.
//  - raw: an IPPROTO_RAW socket. Each SYN is delivered to the host's TCP stack inside the
//    sender's own system call, which answers it with a RST (also delivered, also
//    captured): the kernel's work per SYN, not the sender's, sets the ceiling.
//  - packet: an AF_PACKET socket on `lo` sending whole Ethernet frames addressed to a MAC
//    that is not the host's (02:00:00:00:00:01). The capture taps the frame on transmit,
//    exactly as it taps a raw-socket SYN; the host's IP layer then drops it as "other host"
//    (as it would a SYN for another machine on a bridge), so no RST is made. The IP and TCP
//    headers are the same valid SYNs.
enum class Sender { raw, packet };

struct LiveResult {
    std::uint64_t sent = 0;
    double seconds = 0;
};

// One sender: `total` SYNs from the prebuilt set, sendmmsg in batches of 100, paced against
// the clock at `rate` (0: as fast as it can). Bounded by `total` and by `seconds` × 2.
LiveResult send_syns(Sender sender, const std::vector<std::string>& datagrams, std::uint64_t total,
                     double rate, double seconds) {
    const int fd = sender == Sender::raw ? socket(AF_INET, SOCK_RAW, IPPROTO_RAW)
                                         : socket(AF_PACKET, SOCK_RAW, 0);
    if (fd < 0) return {};
    sockaddr_in to{};
    to.sin_family = AF_INET;
    inet_pton(AF_INET, kDecky, &to.sin_addr);
    std::vector<std::string> frames;
    for (const auto& d : datagrams)
        frames.push_back(sender == Sender::raw
                             ? d
                             : std::string("\x02\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00"
                                           "\x08\x00",
                                           14) +
                                   d);
    if (sender == Sender::packet) {
        sockaddr_ll ll{};
        ll.sll_family = AF_PACKET;
        ll.sll_ifindex = static_cast<int>(if_nametoindex("lo"));
        int one = 1;
        setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);
        if (bind(fd, reinterpret_cast<sockaddr*>(&ll), sizeof ll) != 0) {
            close(fd);
            return {};
        }
    }
    constexpr std::size_t kBatch = 100;
    std::vector<iovec> iov(frames.size());
    std::vector<mmsghdr> messages(frames.size());
    for (std::size_t i = 0; i < frames.size(); ++i) {
        iov[i] = {frames[i].data(), frames[i].size()};
        if (sender == Sender::raw) {
            messages[i].msg_hdr.msg_name = &to;
            messages[i].msg_hdr.msg_namelen = sizeof to;
        }
        messages[i].msg_hdr.msg_iov = &iov[i];
        messages[i].msg_hdr.msg_iovlen = 1;
    }
    LiveResult out;
    const auto start = std::chrono::steady_clock::now();
    const auto deadline = start + std::chrono::duration<double>(seconds * 2);
    for (std::uint64_t i = 0; i < total; i += kBatch) {
        if (rate > 0)
            std::this_thread::sleep_until(
                start + std::chrono::duration<double>(static_cast<double>(i) / rate));
        const int n = sendmmsg(fd, &messages[i % frames.size()], kBatch, 0);
        if (n > 0) out.sent += static_cast<std::uint64_t>(n);
        if ((i / kBatch) % 64 == 0 && std::chrono::steady_clock::now() > deadline) break;
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    close(fd);
    return out;
}

// 4,000 distinct SYNs to the decky (4,000 is a multiple of the batch: no batch wraps).
std::vector<std::string> live_syns() {
    std::vector<std::string> datagrams;
    for (int i = 0; i < 4000; ++i) {
        b::Tcp syn;
        syn.src = "127.203.9." + std::to_string(2 + i % 200);
        syn.dst = kDecky;
        syn.sport = static_cast<std::uint16_t>(10000 + i);
        syn.dport = static_cast<std::uint16_t>(1 + i % 1000);
        syn.window = 1024;
        syn.options = std::string("\x02\x04\x05\xb4", 4);
        datagrams.push_back(b::ipv4(syn));
    }
    return datagrams;
}

// SYNs on loopback at `rate` per second for `seconds` while the sniffer captures `lo`
// (`senders` threads share the rate), then libpcap's counters. With `ceiling`, first the
// same senders unpaced and with no capture open: what this machine can send at all.
void live(double seconds, double rate, Sender sender, int senders, bool ceiling) {
    const char* name = sender == Sender::raw ? "raw" : "packet";
    const auto datagrams = live_syns();
    const auto run_senders = [&](double each_rate) {
        std::vector<LiveResult> results(static_cast<std::size_t>(senders));
        std::vector<std::thread> threads;
        const auto total = static_cast<std::uint64_t>(seconds * rate / senders);
        for (int t = 0; t < senders; ++t)
            threads.emplace_back([&, t] {
                results[static_cast<std::size_t>(t)] =
                    send_syns(sender, datagrams, total, each_rate, seconds);
            });
        for (auto& th : threads) th.join();
        LiveResult sum;
        for (const auto& r : results) {
            sum.sent += r.sent;
            sum.seconds = std::max(sum.seconds, r.seconds);
        }
        return sum;
    };
    if (ceiling) {
        const auto c = run_senders(0);
        if (c.sent == 0) {
            std::cout << "live: skipped (" << name << " socket needs root)\n";
            return;
        }
        std::cout << "live: sender ceiling (" << name << ", " << senders
                  << " thread(s), no capture): " << c.sent << " SYNs in " << c.seconds << " s ("
                  << static_cast<double>(c.sent) / c.seconds << "/s)\n";
    }
    sn::SnifferOptions options;
    options.capture.interface = "lo";
    options.deckies = [] {
        return sn::DeckyMap{{*decnet::wire::packet::Address::parse(kDecky), "decky-01"}};
    };
    std::uint64_t events = 0;
    options.publish = [&events](decnet::Event) { ++events; };
    std::unique_ptr<sn::SnifferWorker> worker;
    try {
        worker = std::make_unique<sn::SnifferWorker>(std::move(options));
    } catch (const std::exception& e) {
        std::cout << "live: skipped (" << e.what() << ")\n";
        return;
    }
    worker->start();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const auto r = run_senders(rate / senders);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    worker->stop();
    const auto s = worker->stats();
    if (r.sent == 0) {
        std::cout << "live: skipped (" << name << " socket needs root)\n";
        return;
    }
    std::cout << "live: " << name << " sender, " << senders << " thread(s): sent " << r.sent
              << " SYNs in " << r.seconds << " s (" << static_cast<double>(r.sent) / r.seconds
              << "/s); captured " << s.capture.frames << " frames, decoded " << s.capture.decoded
              << ", kernel received " << s.capture.kernel_received << ", dropped "
              << s.capture.kernel_dropped << " (interface " << s.capture.interface_dropped << "), "
              << events << " events\n";
}

}  // namespace

int main(int argc, char** argv) {
    std::uint32_t syns = 200000, flows = 10000;
    double live_seconds = 3, rate = 100000;
    std::string keep;
    Sender sender = Sender::packet;
    int senders = 1;
    bool ceiling = false;
    bool live_only = false;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--syns")
            syns = static_cast<std::uint32_t>(std::stoul(argv[i + 1]));
        else if (a == "--flows")
            flows = static_cast<std::uint32_t>(std::stoul(argv[i + 1]));
        else if (a == "--live-seconds")
            live_seconds = std::stod(argv[i + 1]);
        else if (a == "--rate")
            rate = std::stod(argv[i + 1]);
        else if (a == "--keep")
            keep = argv[i + 1];
        else if (a == "--sender")
            sender = std::string(argv[i + 1]) == "raw" ? Sender::raw : Sender::packet;
        else if (a == "--senders")
            senders = std::clamp(std::stoi(argv[i + 1]), 1, 8);
        else if (a == "--ceiling")
            ceiling = std::string(argv[i + 1]) != "0";
        else if (a == "--live-only")
            live_only = std::string(argv[i + 1]) != "0";
    }
    if (live_only) {  // the capture-drop measurement alone (needs root)
        live(live_seconds, rate, sender, senders, ceiling);
        return 0;
    }
    const auto dir = keep.empty() ? std::filesystem::temp_directory_path() /
                                        ("sniffer_bench." + std::to_string(getpid()))
                                  : std::filesystem::path(keep);
    std::filesystem::create_directories(dir);
    const auto pcap = (dir / "scan.pcap").string();
    const auto packets = make_pcap(pcap, syns, flows);
    std::cout << "pcap: " << packets << " packets (" << syns << " SYNs + RSTs, " << flows
              << " TLS/SSH handshakes), " << std::filesystem::file_size(pcap) / 1024 << " KiB"
              << std::endl;

    std::uint64_t events = 0;
    const auto us = ours(pcap, events);
    const auto p0f = external("p0f -r " + pcap + " >/dev/null 2>&1");
    const auto tshark =
        external("tshark -r " + pcap + " -T fields -e tls.handshake.ja3 >/dev/null 2>&1");
    const auto rate_of = [&](const Timing& t) { return static_cast<double>(packets) / t.wall; };
    const auto per_core = [&](const Timing& t) {
        return static_cast<double>(packets) / std::max(t.cpu, 1e-9);
    };
    std::printf("%-8s %12s %14s %10s\n", "tool", "packets/s", "packets/cpu-s", "wall s");
    std::printf("%-8s %12.0f %14.0f %10.3f  (%llu events)\n", "decnet", rate_of(us), per_core(us),
                us.wall, static_cast<unsigned long long>(events));
    std::printf("%-8s %12.0f %14.0f %10.3f\n", "p0f", rate_of(p0f), per_core(p0f), p0f.wall);
    std::printf("%-8s %12.0f %14.0f %10.3f\n", "tshark", rate_of(tshark), per_core(tshark),
                tshark.wall);
    if (live_seconds > 0) live(live_seconds, rate, sender, senders, ceiling);
    if (keep.empty()) std::filesystem::remove_all(dir);
    std::printf(
        "sniffer: %.1fx p0f (target 2), %.1fx tshark ja3 (target 20), %.0f packets/s per core\n",
        rate_of(us) / rate_of(p0f), rate_of(us) / rate_of(tshark), per_core(us));
    return 0;
}
