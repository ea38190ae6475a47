#include "attackers.hpp"

#include "../support/ipv4.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <libssh/libssh.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace decnet::bench::soak {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

int remaining_ms(Clock::time_point deadline, int cap_ms) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    return static_cast<int>(std::clamp<long>(left.count(), 0, cap_ms));
}

// A bounded socket: every wait ends by the attack's deadline, each read after at most 2 s.
class Socket {
  public:
    Socket(const std::string& source, Clock::time_point deadline, int type = SOCK_STREAM)
        : deadline_(deadline) {
        fd_ = ::socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        const auto from = bench::ipv4_address(source, 0);
        if (fd_ >= 0 && ::bind(fd_, reinterpret_cast<const sockaddr*>(&from), sizeof from) != 0) {
            ::close(fd_);
            fd_ = -1;
        }
    }
    ~Socket() {
        if (fd_ >= 0) ::close(fd_);
    }
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;

    bool connect(const std::string& ip, int port) {
        if (fd_ < 0) return false;
        const auto to = bench::ipv4_address(ip, port);
        if (::connect(fd_, reinterpret_cast<const sockaddr*>(&to), sizeof to) == 0) return true;
        if (errno != EINPROGRESS) return false;
        if (!wait(POLLOUT, 3000)) return false;
        int error = 0;
        socklen_t size = sizeof error;
        getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &size);
        return error == 0;
    }

    bool send(const std::string& bytes) {
        std::size_t sent = 0;
        while (sent < bytes.size()) {
            const auto n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
            if (n > 0) {
                sent += static_cast<std::size_t>(n);
                continue;
            }
            if (n < 0 && errno == EAGAIN && wait(POLLOUT, 2000)) continue;
            return false;
        }
        return true;
    }

    // Reads until `until` appears in what was read (or any bytes, when empty), the peer
    // closes, 64 KiB, or the timeout. Everything read is kept in received().
    bool read(const std::string& until = "", int timeout_ms = 2000) {
        const auto end = Clock::now() + std::chrono::milliseconds(timeout_ms);
        const auto start = received_.size();
        char buffer[4096];
        while (received_.size() - start < 65536) {
            const auto n = ::recv(fd_, buffer, sizeof buffer, 0);
            if (n > 0) {
                received_.append(buffer, static_cast<std::size_t>(n));
                if (until.empty() || received_.find(until, start) != std::string::npos) return true;
                continue;
            }
            if (n == 0 || errno != EAGAIN) return received_.size() > start;
            const int left = remaining_ms(std::min(end, deadline_), 2000);
            if (left <= 0 || !wait(POLLIN, left)) return received_.size() > start && until.empty();
        }
        return true;
    }

    bool datagram(const std::string& ip, int port, const std::string& payload) {
        const auto to = bench::ipv4_address(ip, port);
        if (fd_ < 0) return false;
        if (::sendto(fd_, payload.data(), payload.size(), 0, reinterpret_cast<const sockaddr*>(&to),
                     sizeof to) != static_cast<ssize_t>(payload.size()))
            return false;
        char buffer[2048];
        if (!wait(POLLIN, 1000)) return false;
        return ::recv(fd_, buffer, sizeof buffer, 0) > 0;
    }

    const std::string& received() const { return received_; }

  private:
    bool wait(short events, int cap_ms) {
        pollfd p{fd_, events, 0};
        return ::poll(&p, 1, remaining_ms(deadline_, cap_ms)) == 1;
    }

    int fd_ = -1;
    Clock::time_point deadline_;
    std::string received_;
};

std::string bytes(std::initializer_list<int> values) {
    std::string out;
    for (const int v : values) out += static_cast<char>(v);
    return out;
}

std::string be16(std::size_t v) {
    return bytes({static_cast<int>(v >> 8 & 0xff), static_cast<int>(v & 0xff)});
}

std::string le32(std::uint32_t v) {
    std::string out(4, '\0');
    for (int i = 0; i < 4; ++i) out[i] = static_cast<char>(v >> (8 * i) & 0xff);
    return out;
}

std::string base64(const std::string& in) {
    static constexpr char kTable[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < in.size(); i += 3) {
        std::uint32_t n = static_cast<std::uint8_t>(in[i]) << 16;
        if (i + 1 < in.size()) n |= static_cast<std::uint8_t>(in[i + 1]) << 8;
        if (i + 2 < in.size()) n |= static_cast<std::uint8_t>(in[i + 2]);
        out += kTable[n >> 18 & 63];
        out += kTable[n >> 12 & 63];
        out += i + 1 < in.size() ? kTable[n >> 6 & 63] : '=';
        out += i + 2 < in.size() ? kTable[n & 63] : '=';
    }
    return out;
}

// Wordlists: each attack picks by its index, so runs are reproducible.
const char* user_of(int i) {
    static constexpr const char* kUsers[] = {"root", "admin", "oracle", "pi", "ubuntu", "test"};
    return kUsers[i % 6];
}
std::string password_of(int i) {
    return "pass" + std::to_string(i % 97);
}

struct Dialogue {
    Socket& s;
    int i;
};

std::string http_get(const std::string& path, const std::string& extra = "") {
    return "GET " + path + " HTTP/1.1\r\nHost: target\r\nUser-Agent: Mozilla/5.0 zgrab/0.x\r\n" +
           extra + "Connection: close\r\n\r\n";
}

bool line_login(Dialogue d, const std::string& user_cmd, const std::string& pass_cmd,
                const std::string& quit) {
    if (!d.s.read()) return false;
    d.s.send(user_cmd);
    d.s.read();
    d.s.send(pass_cmd);
    d.s.read();
    d.s.send(quit);
    d.s.read();
    return true;
}

// --- one dialogue per service: (socket, index) → answered ---------------------------------

bool conpot(Dialogue d) {  // Modbus/TCP read holding registers
    d.s.send(bytes({0, d.i & 0xff, 0, 0, 0, 6, 1, 3, 0, 0, 0, 10}));
    return d.s.read();
}

bool docker_api(Dialogue d) {
    d.s.send(http_get("/v1.41/containers/json?all=1", "User-Agent: Docker-Client/24.0.7\r\n"));
    return d.s.read();
}

bool elasticsearch(Dialogue d) {
    const auto auth = base64(std::string("elastic:") + password_of(d.i));
    d.s.send(http_get("/_cat/indices?v", "Authorization: Basic " + auth + "\r\n"));
    return d.s.read();
}

bool ftp(Dialogue d) {
    return line_login(d, std::string("USER ") + user_of(d.i) + "\r\n",
                      "PASS " + password_of(d.i) + "\r\n", "QUIT\r\n");
}

bool http(Dialogue d) {
    const auto body = std::string("log=") + user_of(d.i) + "&pwd=" + password_of(d.i);
    d.s.send(
        "POST /wp-login.php HTTP/1.1\r\nHost: target\r\nUser-Agent: Mozilla/5.0\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
    return d.s.read();
}

bool imap(Dialogue d) {
    return line_login(d, "a1 CAPABILITY\r\n",
                      std::string("a2 LOGIN ") + user_of(d.i) + " " + password_of(d.i) + "\r\n",
                      "a3 LOGOUT\r\n");
}

bool k8s(Dialogue d) {
    d.s.send(http_get("/api/v1/namespaces/kube-system/secrets",
                      "Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.soak\r\n"));
    return d.s.read();
}

bool ldap(Dialogue d) {  // simple bind, then unbind
    const std::string dn = std::string("cn=") + user_of(d.i) + ",dc=corp,dc=local";
    const auto password = password_of(d.i);
    const auto bind = bytes({2, 1, 3, 4, static_cast<int>(dn.size())}) + dn +
                      bytes({0x80, static_cast<int>(password.size())}) + password;
    const auto op = bytes({0x60, static_cast<int>(bind.size())}) + bind;
    const auto message = bytes({2, 1, 1}) + op;
    d.s.send(bytes({0x30, static_cast<int>(message.size())}) + message);
    const bool answered = d.s.read();
    d.s.send(bytes({0x30, 5, 2, 1, 2, 0x42, 0}));
    return answered;
}

bool mongodb(Dialogue d) {  // legacy OP_QUERY isMaster on admin.$cmd, then listDatabases
    const auto command = [&](const std::string& name, int request_id) {
        const auto element = bytes({0x10}) + name + '\0' + le32(1);
        const auto document =
            le32(static_cast<std::uint32_t>(4 + element.size() + 1)) + element + '\0';
        const auto body = le32(0) + "admin.$cmd" + '\0' + le32(0) + le32(0xffffffff) + document;
        return le32(static_cast<std::uint32_t>(16 + body.size())) +
               le32(static_cast<std::uint32_t>(request_id)) + le32(0) + le32(2004) + body;
    };
    d.s.send(command("isMaster", 1));
    const bool answered = d.s.read();
    d.s.send(command("listDatabases", 2));
    d.s.read();
    return answered;
}

bool mqtt(Dialogue d) {
    const auto string = [](const std::string& v) { return be16(v.size()) + v; };
    const auto variable = string("MQTT") + bytes({4, 0xc2, 0, 60});
    const auto payload =
        string("soak-" + std::to_string(d.i)) + string(user_of(d.i)) + string(password_of(d.i));
    const auto rest = variable + payload;
    d.s.send(bytes({0x10, static_cast<int>(rest.size())}) + rest);
    const bool answered = d.s.read();
    d.s.send(bytes({0xe0, 0}));
    return answered;
}

bool mssql(Dialogue d) {  // TDS PRELOGIN: VERSION and ENCRYPTION (not supported)
    const auto payload = bytes({0, 0, 11, 0, 6, 1, 0, 17, 0, 1, 0xff, 15, 0, 0x07, 0xd0, 0, 0, 2});
    d.s.send(bytes({0x12, 1}) + be16(8 + payload.size()) + bytes({0, 0, 1, 0}) + payload);
    return d.s.read();
}

bool mysql(Dialogue d) {  // greeting, then a HandshakeResponse41 with a 20-byte scramble
    if (!d.s.read()) return false;
    std::string body = le32(0x000aa205) + le32(16777216) + bytes({33}) + std::string(23, '\0');
    body += std::string(user_of(d.i)) + '\0';
    body += bytes({20}) + std::string(20, static_cast<char>(0x40 + d.i % 26));
    body += std::string("mysql_native_password") + '\0';
    const auto size = static_cast<std::uint32_t>(body.size());
    d.s.send(le32(size).substr(0, 3) + bytes({1}) + body);
    d.s.read();
    return true;
}

bool pop3(Dialogue d) {
    return line_login(d, std::string("USER ") + user_of(d.i) + "\r\n",
                      "PASS " + password_of(d.i) + "\r\n", "QUIT\r\n");
}

bool postgres(Dialogue d) {  // StartupMessage, then an md5 or cleartext password if asked
    const auto params = std::string("user") + '\0' + user_of(d.i) + '\0' + "database" + '\0' +
                        "postgres" + '\0' + '\0';
    const auto be32 = [](std::size_t v) { return be16(v >> 16) + be16(v & 0xffff); };
    d.s.send(be32(8 + params.size()) + be32(196608) + params);
    if (!d.s.read()) return false;
    const auto& r = d.s.received();
    if (r.size() >= 9 && r[0] == 'R' && (r[8] == 3 || r[8] == 5)) {
        const std::string password = r[8] == 5 ? "md5" + std::string(32, 'a') : password_of(d.i);
        d.s.send("p" + be32(4 + password.size() + 1) + password + '\0');
        d.s.read();
    }
    d.s.send(std::string("X") + be32(4));
    return true;
}

bool rdp(Dialogue d) {  // X.224 Connection Request with a cookie and RDP_NEG_REQ (TLS|NLA)
    const auto cookie = std::string("Cookie: mstshash=") + user_of(d.i) + "\r\n";
    const auto negotiate = bytes({1, 0, 8, 0, 3, 0, 0, 0});
    const auto tpdu = bytes({0xe0, 0, 0, 0, 0, 0}) + cookie + negotiate;
    const auto x224 = bytes({static_cast<int>(tpdu.size())}) + tpdu;
    d.s.send(bytes({3, 0}) + be16(4 + x224.size()) + x224);
    return d.s.read();
}

bool redis(Dialogue d) {
    d.s.send("AUTH " + password_of(d.i) + "\r\nINFO server\r\nCONFIG GET dir\r\nQUIT\r\n");
    return d.s.read("", 2000);
}

bool smb(Dialogue d) {  // SMB2 NEGOTIATE (2.0.2, 2.1)
    std::string header = "\xfeSMB" + bytes({64, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0});
    header += std::string(64 - header.size(), '\0');
    std::string negotiate = bytes({36, 0, 2, 0, 1, 0, 0, 0}) + le32(0) + std::string(16, 's') +
                            std::string(8, '\0') + bytes({0x02, 0x02, 0x10, 0x02});
    const auto message = header + negotiate;
    d.s.send(bytes({0, 0}) + be16(message.size()) + message);
    return d.s.read();
}

bool smtp(Dialogue d) {
    const auto plain = base64(std::string("\0", 1) + user_of(d.i) + '\0' + password_of(d.i));
    if (!d.s.read()) return false;
    d.s.send("EHLO soak.example\r\n");
    d.s.read();
    d.s.send("AUTH PLAIN " + plain + "\r\n");
    d.s.read();
    d.s.send("QUIT\r\n");
    d.s.read();
    return true;
}

bool smtp_relay(Dialogue d) {
    if (!d.s.read()) return false;
    const char* steps[] = {"EHLO soak.example\r\n", "MAIL FROM:<spam@soak.example>\r\n",
                           "RCPT TO:<victim@example.org>\r\n", "DATA\r\n"};
    for (const char* step : steps) {
        d.s.send(step);
        d.s.read();
    }
    d.s.send("Subject: soak " + std::to_string(d.i) + "\r\n\r\nrelay test\r\n.\r\n");
    d.s.read();
    d.s.send("QUIT\r\n");
    d.s.read();
    return true;
}

bool ssh(const std::string& ip, const std::string& source, int i) {  // libssh: one password try
    ssh_session s = ssh_new();
    if (s == nullptr) return false;
    int verbosity = SSH_LOG_NOLOG;
    long timeout = 8;
    int port = 22;
    bool no_config = false;
    ssh_options_set(s, SSH_OPTIONS_HOST, ip.c_str());
    ssh_options_set(s, SSH_OPTIONS_PORT, &port);
    ssh_options_set(s, SSH_OPTIONS_USER, user_of(i));
    ssh_options_set(s, SSH_OPTIONS_LOG_VERBOSITY, &verbosity);
    ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout);
    ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no_config);
    ssh_options_set(s, SSH_OPTIONS_BINDADDR, source.c_str());
    const bool connected = ssh_connect(s) == SSH_OK;
    if (connected) {
        ssh_userauth_password(s, nullptr, password_of(i).c_str());
        ssh_disconnect(s);
    }
    ssh_free(s);
    return connected;
}

// netkit telnetd asks about the terminal and waits for an answer (WONT to each), then
// prompts: a user, a password, a command if let in.
bool telnet(Dialogue d) {
    if (!d.s.read()) return false;
    d.s.send(bytes({0xff, 0xfc, 0x18, 0xff, 0xfc, 0x20, 0xff, 0xfc, 0x23, 0xff, 0xfc, 0x27}));
    if (!d.s.read("login:", 3000)) return false;
    d.s.send(std::string(user_of(d.i)) + "\r\n");
    d.s.read("assword:", 3000);
    d.s.send(password_of(d.i) + "\r\n");
    d.s.read("", 3000);
    d.s.send("uname -a\r\nexit\r\n");
    d.s.read("", 1000);
    return true;
}

bool vnc(Dialogue d) {  // RFB 3.8: VNC authentication with a wrong response
    if (!d.s.read("\n")) return false;
    d.s.send("RFB 003.008\n");
    if (!d.s.read()) return true;
    const auto types = d.s.received().substr(12);
    d.s.send(bytes({types.find('\x02') != std::string::npos ? 2 : 1}));
    d.s.read();
    d.s.send(std::string(16, static_cast<char>(d.i & 0xff)));
    d.s.read();
    return true;
}

// UDP: one datagram, a reply awaited for a second.
std::string llmnr(int i) {
    const auto name = "wpad" + std::to_string(i % 10);
    return be16(i & 0xffff) + bytes({0, 0, 0, 1, 0, 0, 0, 0, 0, 0}) +
           bytes({static_cast<int>(name.size())}) + name + bytes({0, 0, 1, 0, 1});
}

std::string sip(const std::string& ip, const std::string& source, int i) {
    const auto ext = std::to_string(100 + i % 50);
    return "OPTIONS sip:" + ext + "@" + ip + " SIP/2.0\r\nVia: SIP/2.0/UDP " + source +
           ":5060;branch=z9hG4bK" + std::to_string(i) + "\r\nFrom: <sip:100@" + source +
           ">;tag=" + std::to_string(i) + "\r\nTo: <sip:" + ext + "@" + ip + ">\r\nCall-ID: soak-" +
           std::to_string(i) +
           "\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nUser-Agent: friendly-scanner\r\n"
           "Content-Length: 0\r\n\r\n";
}

std::string snmp(int i) {  // v2c GetRequest sysDescr.0, community "public"
    return bytes({0x30, 0x29, 2, 1, 1, 4, 6}) + "public" + bytes({0xa0, 0x1c, 2, 4, 0, 0}) +
           be16(i & 0xffff) +
           bytes({2, 1, 0, 2, 1, 0, 0x30, 0x0e, 0x30, 0x0c, 6, 8, 0x2b, 6, 1, 2, 1, 1, 1, 0, 5, 0});
}

std::string tftp(int i) {
    return bytes({0, 1}) + "boot" + std::to_string(i % 10) + ".cfg" + '\0' + "octet" + '\0';
}

struct TcpScript {
    int port;
    std::function<bool(Dialogue)> run;
};

const std::map<std::string, TcpScript>& tcp_scripts() {
    static const std::map<std::string, TcpScript> scripts = {
        {"conpot", {502, conpot}},
        {"docker_api", {2375, docker_api}},
        {"elasticsearch", {9200, elasticsearch}},
        {"ftp", {21, ftp}},
        {"http", {80, http}},
        {"imap", {143, imap}},
        {"k8s", {8080, k8s}},
        {"ldap", {389, ldap}},
        {"mongodb", {27017, mongodb}},
        {"mqtt", {1883, mqtt}},
        {"mssql", {1433, mssql}},
        {"mysql", {3306, mysql}},
        {"pop3", {110, pop3}},
        {"postgres", {5432, postgres}},
        {"rdp", {3389, rdp}},
        {"redis", {6379, redis}},
        {"smb", {445, smb}},
        {"smtp", {25, smtp}},
        {"smtp_relay", {25, smtp_relay}},
        {"telnet", {23, telnet}},
        {"vnc", {5900, vnc}},
    };
    return scripts;
}

}  // namespace

const std::vector<std::string>& soak_services() {
    static const std::vector<std::string> services = {
        "conpot",   "docker_api", "elasticsearch", "ftp",  "http",      "imap",  "k8s",
        "ldap",     "llmnr",      "mongodb",       "mqtt", "mssql",     "mysql", "pop3",
        "postgres", "rdp",        "redis",         "sip",  "smb",       "smtp",  "snmp",
        "ssh",      "telnet",     "tftp",          "vnc",  "smtp_relay"};
    return services;
}

bool attack(const std::string& service, const std::string& decky_ip, const std::string& source_ip,
            int index, Clock::time_point deadline) {
    if (service == "ssh") return ssh(decky_ip, source_ip, index);
    if (service == "llmnr" || service == "sip" || service == "snmp" || service == "tftp") {
        Socket s(source_ip, deadline, SOCK_DGRAM);
        if (service == "llmnr") return s.datagram(decky_ip, 5355, llmnr(index));
        if (service == "sip") return s.datagram(decky_ip, 5060, sip(decky_ip, source_ip, index));
        if (service == "snmp") return s.datagram(decky_ip, 161, snmp(index));
        return s.datagram(decky_ip, 69, tftp(index));
    }
    const auto script = tcp_scripts().find(service);
    if (script == tcp_scripts().end()) return false;
    Socket s(source_ip, deadline);
    if (!s.connect(decky_ip, script->second.port)) return false;
    return script->second.run(Dialogue{s, index});
}

AttackTotals run_attacks(const std::vector<AttackTarget>& targets, int count, int seconds,
                         int workers, const std::vector<std::string>& sources,
                         const std::atomic<bool>& stop) {
    AttackTotals totals;
    std::mutex mutex;
    std::condition_variable ready;
    std::deque<int> queue;  // guarded by mutex
    bool done = false;      // guarded by mutex
    const auto start = Clock::now();
    const auto slot = [&](int k) {
        return start + std::chrono::microseconds(static_cast<long long>(k) * seconds * 1000000LL /
                                                 std::max(count, 1));
    };
    std::vector<std::thread> pool;
    for (int w = 0; w < workers; ++w) {
        pool.emplace_back([&] {
            for (;;) {
                int k;
                {
                    std::unique_lock lock(mutex);
                    ready.wait(lock, [&] { return done || !queue.empty(); });
                    if (queue.empty()) return;
                    k = queue.front();
                    queue.pop_front();
                }
                const auto& target = targets[static_cast<std::size_t>(k) % targets.size()];
                const auto& source = sources[static_cast<std::size_t>(k) % sources.size()];
                const bool late = Clock::now() - slot(k) > 1s;
                const bool answered =
                    attack(target.service, target.decky_ip, source, k, Clock::now() + 15s);
                std::lock_guard lock(mutex);
                ++totals.started;
                totals.answered += answered;
                totals.late += late;
                auto& per = totals.by_service[target.service];
                ++per.first;
                per.second += answered;
            }
        });
    }
    for (int k = 0; k < count && !stop.load(); ++k) {
        std::this_thread::sleep_until(slot(k));
        {
            std::lock_guard lock(mutex);
            queue.push_back(k);
        }
        ready.notify_one();
    }
    {
        std::lock_guard lock(mutex);
        if (stop.load()) queue.clear();
        done = true;
    }
    ready.notify_all();
    for (auto& t : pool) t.join();
    return totals;
}

}  // namespace decnet::bench::soak
