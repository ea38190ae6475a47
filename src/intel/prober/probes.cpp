// The probes' dialogues: JARM's ten hellos, an SSH banner exchange up to the server's
// KEXINIT, a TLS handshake for the certificate, and a connect watched by a raw socket.
// Every read is bounded in bytes and by the deadline.
#include "intel/prober/probes.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>
#include <thread>

#include "events/event.hpp"
#include "intel/prober/jarm.hpp"
#include "intel/prober/probe_socket.hpp"
#include "telemetry/span.hpp"
#include "wire/ssh_kexinit.hpp"

namespace decnet::intel::prober {
namespace {

using Clock = std::chrono::steady_clock;

std::string join(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) {
        if (!out.empty()) out += ',';
        out += n;
    }
    return out;
}

std::string digest_hex(const EVP_MD* md, std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), digest, &len, md, nullptr);
    return to_hex(std::span(digest, len));
}

// One JARM hello: the first bytes of the answer (empty when none), or nullopt on timeout.
std::optional<std::string> jarm_exchange(const std::string& ip, std::uint16_t port,
                                         const std::string& hello,
                                         std::chrono::milliseconds timeout) {
    telemetry::Span span("prober.jarm_send_probe");
    span.set_attributes({{"target_ip", ip}, {"target_port", port}});
    const Deadline deadline = Clock::now() + timeout;
    ProbeSocket socket;
    std::string error;
    const auto connected = socket.connect(ip, port, deadline, error);
    if (connected == IoStatus::timeout) return std::nullopt;
    if (connected != IoStatus::ok) return std::string();
    const auto sent = socket.send_all(hello, deadline);
    if (sent == IoStatus::timeout) return std::nullopt;
    if (sent != IoStatus::ok) return std::string();
    // The reference takes one recv(1484); reading until the first record is whole (then
    // whatever else has already arrived) gives it the same bytes without depending on how
    // the answer was segmented.
    std::string data;
    while (data.size() < jarm::kReadBytes) {
        const auto r = socket.read_some(data, jarm::kReadBytes - data.size(), deadline);
        if (r == IoStatus::timeout) {
            if (data.empty()) return std::nullopt;
            break;
        }
        if (r != IoStatus::ok) break;
        if (data.size() >= 5) {
            const std::size_t record = 5 + ((static_cast<std::uint8_t>(data[3]) << 8) |
                                            static_cast<std::uint8_t>(data[4]));
            if (data.size() >= record) {
                socket.read_some(data, jarm::kReadBytes - data.size(), Clock::now());
                break;
            }
        }
    }
    socket.abort();
    return data;
}

}  // namespace

JarmResult probe_jarm(const std::string& ip, std::uint16_t port,
                      std::chrono::milliseconds timeout) {
    JarmResult result;
    const auto random = jarm::openssl_random();
    for (const auto& probe : jarm::probes()) {
        const auto hello = jarm::build_client_hello(probe, ip, random);
        ++result.connections;
        const auto answer = jarm_exchange(ip, port, hello, timeout);
        if (!answer) {  // the reference's TIMEOUT: the whole JARM is empty
            result.answers.assign(10, "|||");
            break;
        }
        result.answers.push_back(jarm::read_server_hello(*answer));
    }
    telemetry::Span span("prober.jarm_hash");
    result.hash = jarm::hash(result.answers);
    return result;
}

std::optional<HasshResult> probe_hassh(const std::string& ip, std::uint16_t port,
                                       std::chrono::milliseconds timeout, std::string& error) {
    telemetry::Span span("prober.hassh_server");
    span.set_attributes({{"target_ip", ip}, {"target_port", port}});
    const Deadline deadline = Clock::now() + timeout;
    ProbeSocket socket;
    std::string buffer;
    std::string banner;
    {
        telemetry::Span connect_span("prober.hassh_ssh_connect");
        if (socket.connect(ip, port, deadline, error) != IoStatus::ok) return std::nullopt;
        // RFC 4253 §4.2: lines before the version line are allowed (at most 16 here).
        for (int lines = 0; lines < 16 && banner.empty();) {
            const auto eol = buffer.find('\n');
            if (eol == std::string::npos) {
                if (buffer.size() >= 256) {  // the reference's 256-byte banner cap
                    banner = buffer.substr(0, 256);
                    buffer.erase(0, 256);
                    break;
                }
                if (socket.read_some(buffer, 4096, deadline) != IoStatus::ok) return std::nullopt;
                continue;
            }
            std::string line = buffer.substr(0, eol);
            buffer.erase(0, eol + 1);
            while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
            if (line.starts_with("SSH-")) banner = line;
            ++lines;
        }
        if (!banner.starts_with("SSH-")) return std::nullopt;
        if (socket.send_all("SSH-2.0-OpenSSH_9.6\r\n", deadline) != IoStatus::ok)
            return std::nullopt;
    }
    while (buffer.size() < 4)
        if (socket.read_some(buffer, 65536, deadline) != IoStatus::ok) return std::nullopt;
    const std::uint32_t length = (static_cast<std::uint8_t>(buffer[0]) << 24) |
                                 (static_cast<std::uint8_t>(buffer[1]) << 16) |
                                 (static_cast<std::uint8_t>(buffer[2]) << 8) |
                                 static_cast<std::uint8_t>(buffer[3]);
    if (length < 2 || length > 35000) return std::nullopt;
    while (buffer.size() < 4 + length)
        if (socket.read_some(buffer, 4 + length - buffer.size(), deadline) != IoStatus::ok)
            return std::nullopt;
    socket.abort();
    const std::size_t padding = static_cast<std::uint8_t>(buffer[4]);
    if (padding + 1 >= length) return std::nullopt;
    const auto payload = std::string_view(buffer).substr(5, length - padding - 1);
    const auto kexinit = wire::ssh::parse_kexinit(payload);
    if (!kexinit) return std::nullopt;
    HasshResult r;
    r.banner = banner;
    r.algorithms = wire::ssh::hassh_server_algorithms(*kexinit);
    r.hash = digest_hex(EVP_md5(), r.algorithms);
    r.kex = join(kexinit->kex);
    r.enc_s2c = join(kexinit->enc_sc);
    r.mac_s2c = join(kexinit->mac_sc);
    r.cmp_s2c = join(kexinit->cmp_sc);
    return r;
}

namespace {

std::string name_text(X509_NAME* name) {
    if (!name) return {};
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(std::max(len, 0L)));
}

std::string common_name(X509_NAME* name) {
    const int index = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (index < 0) return {};
    const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
    unsigned char* utf8 = nullptr;
    const int len = ASN1_STRING_to_UTF8(&utf8, value);
    if (len < 0) return {};
    std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));
    OPENSSL_free(utf8);
    return out;
}

std::string iso_time(const ASN1_TIME* t) {
    std::tm tm{};
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return {};
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

std::vector<std::string> alt_names(X509* cert) {
    std::vector<std::string> out;
    auto* names =
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
    if (!names) return out;
    const int n = std::min(sk_GENERAL_NAME_num(names), 256);
    for (int i = 0; i < n; ++i) {
        const GENERAL_NAME* g = sk_GENERAL_NAME_value(names, i);
        if (g->type == GEN_DNS) {
            const auto* s = g->d.dNSName;
            out.push_back("DNS:" +
                          std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                      static_cast<std::size_t>(ASN1_STRING_length(s))));
        } else if (g->type == GEN_IPADD && ASN1_STRING_length(g->d.iPAddress) == 4) {
            const auto* b = ASN1_STRING_get0_data(g->d.iPAddress);
            out.push_back("IP:" + std::to_string(b[0]) + "." + std::to_string(b[1]) + "." +
                          std::to_string(b[2]) + "." + std::to_string(b[3]));
        }
    }
    GENERAL_NAMES_free(names);
    return out;
}

}  // namespace

std::optional<CertResult> probe_tls_cert(const std::string& ip, std::uint16_t port,
                                         std::chrono::milliseconds timeout, std::string& error) {
    telemetry::Span span("prober.tls_certificate");
    span.set_attributes({{"target_ip", ip}, {"target_port", port}});
    const Deadline deadline = Clock::now() + timeout;
    ProbeSocket socket;
    if (socket.connect(ip, port, deadline, error) != IoStatus::ok) return std::nullopt;
    std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()),
                                                          SSL_CTX_free);
    if (!ctx) return std::nullopt;
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
    SSL_CTX_set_min_proto_version(ctx.get(), TLS1_VERSION);
    SSL_CTX_set_security_level(ctx.get(), 0);  // old servers' certificates are what we want
    std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(ctx.get()), SSL_free);
    if (!ssl || SSL_set_fd(ssl.get(), socket.fd()) != 1) return std::nullopt;
    for (int rounds = 0; rounds < 1000; ++rounds) {
        const int r = SSL_connect(ssl.get());
        if (r == 1) break;
        const int e = SSL_get_error(ssl.get(), r);
        if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
            error = "TLS handshake failed";
            return std::nullopt;
        }
        pollfd p{socket.fd(), static_cast<short>(e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT), 0};
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
            error = "TLS handshake timed out";
            return std::nullopt;
        }
    }
    X509* cert = SSL_get1_peer_certificate(ssl.get());
    if (!cert) {
        error = "no certificate";
        return std::nullopt;
    }
    std::unique_ptr<X509, decltype(&X509_free)> owned(cert, X509_free);
    CertResult r;
    r.subject = name_text(X509_get_subject_name(cert));
    r.subject_cn = common_name(X509_get_subject_name(cert));
    r.issuer = name_text(X509_get_issuer_name(cert));
    r.sans = alt_names(cert);
    r.not_before = iso_time(X509_get0_notBefore(cert));
    r.not_after = iso_time(X509_get0_notAfter(cert));
    r.self_signed = X509_check_issued(cert, cert) == X509_V_OK;
    unsigned char* der = nullptr;
    const int der_len = i2d_X509(cert, &der);
    if (der_len > 0) {
        r.sha256 = digest_hex(EVP_sha256(), std::string_view(reinterpret_cast<char*>(der),
                                                             static_cast<std::size_t>(der_len)));
        OPENSSL_free(der);
    }
    if (const ASN1_INTEGER* serial = X509_get0_serialNumber(cert)) {
        BIGNUM* bn = ASN1_INTEGER_to_BN(serial, nullptr);
        if (bn) {
            char* hex = BN_bn2hex(bn);
            if (hex) r.serial = hex, OPENSSL_free(hex);
            BN_free(bn);
        }
    }
    r.tls_version = SSL_get_version(ssl.get());
    r.cipher = SSL_get_cipher_name(ssl.get());
    SSL_shutdown(ssl.get());
    socket.abort();
    return r;
}

std::optional<SynAck> probe_tcpfp(const std::string& ip, std::uint16_t port,
                                  std::chrono::milliseconds timeout, std::string& error) {
    telemetry::Span span("prober.tcp_fingerprint");
    span.set_attributes({{"target_ip", ip}, {"target_port", port}});
    in_addr target{};
    if (::inet_pton(AF_INET, ip.c_str(), &target) != 1) {
        error = "not an IPv4 address";
        return std::nullopt;
    }
    // Sees every inbound TCP segment; only the one answering our connect is kept.
    const int raw = ::socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
    if (raw < 0) {
        error = errno == EPERM ? "raw socket needs CAP_NET_RAW" : std::strerror(errno);
        return std::nullopt;
    }
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{raw};
    const Deadline deadline = Clock::now() + timeout;
    ProbeSocket socket;
    std::uint16_t local_port = 0;
    if (socket.open_bound(local_port) != IoStatus::ok) {
        error = std::strerror(errno);
        return std::nullopt;
    }
    {
        telemetry::Span syn("prober.tcpfp_send_syn");
        std::string connect_error;
        // Non-blocking: the SYN is out when connect returns; the answer is read below.
        socket.connect(ip, port, Clock::now(), connect_error);
    }
    const std::uint32_t want_src = ntohl(target.s_addr);
    std::string packet(65536, '\0');
    for (int seen = 0; seen < 100000;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) break;
        pollfd p{raw, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
        for (; seen < 100000; ++seen) {
            const auto n = ::recv(raw, packet.data(), packet.size(), 0);
            if (n <= 0) break;
            const auto parsed =
                parse_tcp_packet(std::string_view(packet.data(), static_cast<std::size_t>(n)));
            if (!parsed || parsed->src != want_src || parsed->src_port != port ||
                parsed->dst_port != local_port)
                continue;
            socket.abort();
            if ((parsed->flags & 0x17) == 0x12) return parsed;  // SYN+ACK, no RST/FIN
            error = (parsed->flags & 0x04) ? "connection refused" : "no SYN-ACK";
            return std::nullopt;
        }
    }
    socket.abort();
    error = "no SYN-ACK within the timeout";
    return std::nullopt;
}

}  // namespace decnet::intel::prober
