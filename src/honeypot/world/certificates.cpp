// Per-decky certificates (see certificates.hpp): the profile a persona implies, making
// certificates (and a domain's CA) with OpenSSL, keeping them as PEM files, and the lazily
// built server context.
#include "honeypot/world/certificates.hpp"

#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/ssl/context.hpp>

#include <cctype>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <ctime>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <thread>

#include "core/error.hpp"
#include "honeypot/world/decky_world.hpp"

namespace decnet::honeypot {
namespace ssl = boost::asio::ssl;

namespace {

using std::chrono::days;
using std::chrono::seconds;

constexpr std::size_t kMaxPemBytes = 64 * 1024;
// A kept certificate this close to its notAfter is renewed (Windows renews, so do we).
constexpr long kRenewBeforeSeconds = 24 * 3600;

template <typename T, void (*Free)(T*)>
struct OpenSslDeleter {
    void operator()(T* p) const { Free(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY, EVP_PKEY_free>>;
using CertPtr = std::unique_ptr<X509, OpenSslDeleter<X509, X509_free>>;
using NamePtr = std::unique_ptr<X509_NAME, OpenSslDeleter<X509_NAME, X509_NAME_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<BIO, BIO_free_all>>;

// Stable across builds and platforms (std::hash is not), so a decky's derived dates are too.
std::uint64_t fnv1a(std::string_view text) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (const unsigned char c : text) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return h;
}

// A number in [lo, hi] derived from `seed` and what it is for.
std::int64_t pick(std::string_view seed, std::string_view what, std::int64_t lo, std::int64_t hi) {
    const auto h = fnv1a(std::string(seed) + '\n' + std::string(what));
    return lo + static_cast<std::int64_t>(h % static_cast<std::uint64_t>(hi - lo + 1));
}

// notBefore `lo`–`hi` days back, at some time of day.
seconds age_between(std::string_view seed, std::string_view what, int lo, int hi) {
    return days(pick(seed, what, lo, hi)) + seconds(pick(seed, std::string(what) + "-s", 0, 86399));
}

std::vector<std::string> split_labels(const std::string& domain) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= domain.size()) {
        const auto dot = domain.find('.', start);
        const auto end = dot == std::string::npos ? domain.size() : dot;
        if (end > start) out.push_back(domain.substr(start, end - start));
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    return out;
}

// A path component from a name an operator may have written (a hostname's domain).
std::string safe_component(const std::string& name) {
    std::string out;
    for (const char c : name)
        out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' ? c : '_';
    while (!out.empty() && out.front() == '.') out.erase(0, 1);
    return out.empty() ? std::string("_") : out;
}

[[noreturn]] void fail(const std::string& what) {
    throw ConfigError("TLS certificate: " + what);
}

KeyPtr make_key(KeyType type) {
    KeyPtr key(type == KeyType::ecdsa_p256 ? EVP_EC_gen("P-256") : EVP_RSA_gen(2048));
    if (!key) fail("cannot generate a key pair");
    return key;
}

// Random, positive, `size` bytes long (its first byte never 0, so the length shows).
void set_serial(X509* cert, std::vector<unsigned char> bytes) {
    bytes[0] = static_cast<unsigned char>((bytes[0] & 0x7f) | 0x10);
    BIGNUM* bn = BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr);
    if (!bn || !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert))) {
        BN_free(bn);
        fail("cannot set the serial number");
    }
    BN_free(bn);
}

std::vector<unsigned char> random_bytes(std::size_t n) {
    std::vector<unsigned char> bytes(n);
    if (RAND_bytes(bytes.data(), static_cast<int>(n)) != 1) fail("no randomness");
    return bytes;
}

// AD CS serials: a request-id byte framing random bytes, 19 bytes long
// (61:00:00:00:05:c7:…:00:00:00:00:05).
std::vector<unsigned char> adcs_serial() {
    auto bytes = random_bytes(19);
    const unsigned char request = static_cast<unsigned char>(2 + bytes[18] % 200);
    bytes[1] = bytes[2] = bytes[3] = 0;
    bytes[4] = request;
    for (int i = 13; i < 18; ++i) bytes[i] = 0;
    bytes[18] = request;
    return bytes;
}

void add_entry(X509_NAME* name, const char* field, const std::string& value) {
    if (X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1,
                                   0) != 1)
        fail(std::string("cannot use ") + field + "=" + value);
}

NamePtr common_name(const std::string& cn) {
    NamePtr name(X509_NAME_new());
    add_entry(name.get(), "CN", cn);
    return name;
}

// AD CS encodes DC=local, DC=corp, CN=corp-DC01-CA (Windows shows it reversed).
NamePtr ca_name(const CertificateProfile& profile) {
    NamePtr name(X509_NAME_new());
    for (auto it = profile.ca_domain.rbegin(); it != profile.ca_domain.rend(); ++it)
        add_entry(name.get(), "DC", *it);
    add_entry(name.get(), "CN", profile.ca_name);
    return name;
}

// One extension in openssl.cnf syntax; `issuer` for the authority key identifier.
void add_ext(X509* cert, X509* issuer, const char* name, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_nconf(nullptr, &ctx, name, value);
    if (!ext) fail(std::string("cannot add ") + name);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
}

// subjectAltName built from values, so a name with a comma cannot turn into syntax.
void add_dns_names(X509* cert, const std::vector<std::string>& dns_names) {
    GENERAL_NAMES* names = sk_GENERAL_NAME_new_null();
    for (const auto& dns : dns_names) {
        ASN1_IA5STRING* text = ASN1_IA5STRING_new();
        GENERAL_NAME* name = GENERAL_NAME_new();
        ASN1_STRING_set(text, dns.data(), static_cast<int>(dns.size()));
        GENERAL_NAME_set0_value(name, GEN_DNS, text);
        sk_GENERAL_NAME_push(names, name);
    }
    const int ok = X509_add1_ext_i2d(cert, NID_subject_alt_name, names, 0, X509V3_ADD_DEFAULT);
    GENERAL_NAMES_free(names);
    if (ok != 1) fail("cannot add the subject alternative names");
}

void set_validity(X509* cert, seconds age, days validity) {
    const long back = static_cast<long>(age.count());
    X509_gmtime_adj(X509_getm_notBefore(cert), -back);
    X509_gmtime_adj(X509_getm_notAfter(cert), static_cast<long>(seconds(validity).count()) - back);
}

struct KeyPair {
    KeyPtr key;
    CertPtr cert;
};

// The domain's AD CS root: what the "Setup Certificate Services" wizard makes.
KeyPair make_ca(const CertificateProfile& profile) {
    KeyPair ca{make_key(KeyType::rsa2048), CertPtr(X509_new())};
    X509* cert = ca.cert.get();
    X509_set_version(cert, 2);
    set_serial(cert, random_bytes(16));
    const auto name = ca_name(profile);
    X509_set_subject_name(cert, name.get());
    X509_set_issuer_name(cert, name.get());
    set_validity(cert, profile.ca_age, profile.ca_validity);
    X509_set_pubkey(cert, ca.key.get());
    add_ext(cert, cert, "keyUsage", "digitalSignature, keyCertSign, cRLSign");
    add_ext(cert, cert, "basicConstraints", "critical, CA:TRUE");
    add_ext(cert, cert, "subjectKeyIdentifier", "hash");
    add_ext(cert, cert, "1.3.6.1.4.1.311.21.1", "ASN1:INTEGER:0");  // CA version V0.0
    if (X509_sign(cert, ca.key.get(), EVP_sha256()) == 0) fail("cannot sign the CA certificate");
    return ca;
}

// The leaf for `profile`; `ca` signs an enterprise one.
KeyPair make_leaf(const CertificateProfile& profile, const KeyPair* ca) {
    KeyPair leaf{make_key(profile.key), CertPtr(X509_new())};
    X509* cert = leaf.cert.get();
    X509_set_version(cert, 2);
    const auto subject = common_name(profile.common_name);
    X509_set_subject_name(cert, subject.get());
    X509_set_issuer_name(cert, ca ? X509_get_subject_name(ca->cert.get()) : subject.get());
    set_validity(cert, profile.age, profile.validity);
    X509_set_pubkey(cert, leaf.key.get());
    X509* issuer = ca ? ca->cert.get() : cert;
    switch (profile.style) {
        case CertificateStyle::snakeoil:  // openssl req -x509 with ssl-cert's ssleay.cnf
            set_serial(cert, random_bytes(20));
            add_ext(cert, issuer, "basicConstraints", "CA:FALSE");
            if (!profile.dns_names.empty()) add_dns_names(cert, profile.dns_names);
            add_ext(cert, issuer, "subjectKeyIdentifier", "hash");
            break;
        case CertificateStyle::rdp:  // what TermService makes for itself
            set_serial(cert, random_bytes(16));
            add_ext(cert, issuer, "extendedKeyUsage", "serverAuth");
            add_ext(cert, issuer, "keyUsage", "keyEncipherment, dataEncipherment");
            break;
        case CertificateStyle::enterprise:  // autoenrolled from a v1 template
            set_serial(cert, adcs_serial());
            add_ext(cert, issuer, "1.3.6.1.4.1.311.20.2",
                    ("ASN1:BMPSTRING:" + profile.ca_template).c_str());
            add_ext(cert, issuer, "extendedKeyUsage", "clientAuth, serverAuth");
            add_ext(cert, issuer, "keyUsage", "critical, digitalSignature, keyEncipherment");
            add_ext(cert, issuer, "subjectKeyIdentifier", "hash");
            add_ext(cert, issuer, "authorityKeyIdentifier", "keyid:always");
            if (!profile.dns_names.empty()) add_dns_names(cert, profile.dns_names);
            // A CA never issues past its own expiry.
            if (ca &&
                ASN1_TIME_compare(X509_get0_notAfter(cert), X509_get0_notAfter(ca->cert.get())) > 0)
                X509_set1_notAfter(cert, X509_get0_notAfter(ca->cert.get()));
            break;
        case CertificateStyle::device:  // an old openssl's `req -x509` (v3_ca) at the factory
            set_serial(cert, random_bytes(8));
            add_ext(cert, issuer, "subjectKeyIdentifier", "hash");
            add_ext(cert, issuer, "authorityKeyIdentifier", "keyid:always");
            add_ext(cert, issuer, "basicConstraints", "CA:TRUE");
            if (!profile.dns_names.empty()) add_dns_names(cert, profile.dns_names);
            break;
    }
    EVP_PKEY* signer = ca ? ca->key.get() : leaf.key.get();
    if (X509_sign(cert, signer, EVP_sha256()) == 0) fail("cannot sign the certificate");
    return leaf;
}

std::string cert_pem(X509* cert) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) fail("cannot encode the certificate");
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
}

std::string key_pem(EVP_PKEY* key) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio ||
        PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
        fail("cannot encode the key");
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
}

CertPtr parse_cert(const std::string& pem) {
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    return CertPtr(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
}

KeyPtr parse_key(const std::string& pem) {
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    return KeyPtr(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
}

std::optional<std::string> read_small_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::string data(kMaxPemBytes + 1, '\0');
    in.read(data.data(), static_cast<std::streamsize>(data.size()));
    const auto n = static_cast<std::size_t>(in.gcount());
    if (n == 0 || n > kMaxPemBytes) return std::nullopt;
    data.resize(n);
    return data;
}

// Written whole or not at all (temp file, fsync, rename).
void write_file(const std::string& path, const std::string& data, mode_t mode) {
    const std::string tmp = path + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) throw std::runtime_error(tmp + ": " + std::strerror(errno));
    bool ok = ::fchmod(fd, mode) == 0;
    for (std::size_t done = 0; ok && done < data.size();) {
        const auto n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        ok = n > 0;
        if (ok) done += static_cast<std::size_t>(n);
    }
    ok = ok && ::fsync(fd) == 0;
    const int saved = errno;
    ::close(fd);
    if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
        const int error = ok ? errno : saved;
        ::unlink(tmp.c_str());
        throw std::runtime_error(path + ": " + std::strerror(error));
    }
}

// Persisting is best effort: a decky whose directory is not writable still serves TLS
// (its certificate just changes on the next start, which the log says).
void save(const std::string& dir, const std::string& stem, const KeyPair& pair) {
    try {
        std::filesystem::create_directories(dir);
        ::chmod(dir.c_str(), 0700);
        write_file(dir + "/" + stem + ".key", key_pem(pair.key.get()), 0600);
        write_file(dir + "/" + stem + ".crt", cert_pem(pair.cert.get()), 0644);
    } catch (const std::exception& e) {
        spdlog::warn("TLS certificate not kept in {}: {}", dir, e.what());
    }
}

std::optional<KeyPair> load(const std::string& dir, const std::string& stem) {
    if (dir.empty()) return std::nullopt;
    const auto cert = read_small_file(dir + "/" + stem + ".crt");
    const auto key = read_small_file(dir + "/" + stem + ".key");
    if (!cert || !key) return std::nullopt;
    KeyPair pair{parse_key(*key), parse_cert(*cert)};
    if (!pair.key || !pair.cert) return std::nullopt;
    return pair;
}

bool key_fits(EVP_PKEY* key, KeyType type) {
    if (type == KeyType::ecdsa_p256) return EVP_PKEY_get_base_id(key) == EVP_PKEY_EC;
    return EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA && EVP_PKEY_get_bits(key) == 2048;
}

bool current(X509* cert) {
    std::time_t soon = std::time(nullptr) + kRenewBeforeSeconds;
    std::time_t now = std::time(nullptr);
    return X509_cmp_time(X509_get0_notAfter(cert), &soon) > 0 &&
           X509_cmp_time(X509_get0_notBefore(cert), &now) < 0;
}

// A kept certificate is used while it still says what the profile says.
bool fits(const KeyPair& pair, const CertificateProfile& profile, const KeyPair* ca) {
    X509* cert = pair.cert.get();
    if (X509_check_private_key(cert, pair.key.get()) != 1 ||
        !key_fits(pair.key.get(), profile.key) || !current(cert))
        return false;
    if (X509_NAME_cmp(X509_get_subject_name(cert), common_name(profile.common_name).get()) != 0)
        return false;
    X509* issuer = ca ? ca->cert.get() : cert;
    return X509_NAME_cmp(X509_get_issuer_name(cert), X509_get_subject_name(issuer)) == 0 &&
           X509_verify(cert, X509_get0_pubkey(issuer)) == 1;
}

// One CA per domain and directory for the whole process, so every decky of a domain shows
// the same issuer key; kept in `dir` like a decky's certificate.
std::shared_ptr<const KeyPair> domain_ca(const CertificateProfile& profile,
                                         const std::string& dir) {
    static std::mutex mutex;
    static std::map<std::string, std::shared_ptr<const KeyPair>> cas;  // guarded by mutex
    std::string key = dir + '\n' + profile.ca_name;
    for (const auto& dc : profile.ca_domain) key += '\n' + dc;
    const std::lock_guard lock(mutex);
    auto& ca = cas[key];
    if (ca && current(ca->cert.get())) return ca;
    if (auto kept = load(dir, "ca");
        kept && current(kept->cert.get()) &&
        X509_check_private_key(kept->cert.get(), kept->key.get()) == 1 &&
        X509_NAME_cmp(X509_get_subject_name(kept->cert.get()), ca_name(profile).get()) == 0)
        return ca = std::make_shared<const KeyPair>(std::move(*kept));
    auto made = make_ca(profile);
    if (!dir.empty()) save(dir, "ca", made);
    return ca = std::make_shared<const KeyPair>(std::move(made));
}

std::shared_ptr<ssl::context> server_context() {
    auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
    SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
    context->set_options(ssl::context::default_workarounds | ssl::context::single_dh_use);
    return context;
}

// Makes certificates off the I/O threads, one at a time, in the order first asked for.
// Joined at exit (before OpenSSL's own cleanup, registered earlier), abandoning the queue.
class CertificateThread {
  public:
    ~CertificateThread() {
        {
            const std::lock_guard lock(mutex_);
            stop_ = true;
        }
        wake_.notify_all();
        if (thread_.joinable()) thread_.join();
    }

    void enqueue(std::shared_ptr<TlsIdentity> identity) {
        const std::lock_guard lock(mutex_);
        if (stop_) return;
        if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
        queue_.push_back(std::move(identity));
        wake_.notify_one();
    }

  private:
    void run() {
        for (;;) {
            std::shared_ptr<TlsIdentity> next;
            {
                std::unique_lock lock(mutex_);
                wake_.wait(lock, [this] { return stop_ || !queue_.empty(); });
                if (stop_) return;
                next = std::move(queue_.front());
                queue_.pop_front();
            }
            next->prepare();
        }
    }

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::shared_ptr<TlsIdentity>> queue_;  // guarded by mutex_
    bool stop_ = false;                               // guarded by mutex_
    std::thread thread_;
};

CertificateThread& certificate_thread() {
    // OpenSSL registers its own cleanup with atexit at its first initialisation. Done here,
    // before the thread object exists, that cleanup runs after the thread is joined; done
    // first by the thread itself, it would tear OpenSSL down under a key being made at exit.
    static const bool openssl_ready = OPENSSL_init_ssl(0, nullptr) == 1;
    (void)openssl_ready;
    static CertificateThread thread;
    return thread;
}

std::string persona_or_empty(const PersonaConfig& persona, const std::string& key) {
    const auto it = persona.find(key);
    return it == persona.end() ? std::string() : it->second;
}

}  // namespace

CertificateProfile certificate_profile(const DeckyWorld& world) {
    const std::string seed = world.decky + '\n' + world.hostname;
    const std::string fqdn = world.fqdn();
    const auto& archetype = world.archetype;
    CertificateProfile p;
    p.common_name = fqdn;
    if (world.os_family == "windows") {
        if ((archetype == "domain-controller" || archetype == "windows-server") &&
            !world.domain.empty()) {
            p.style = CertificateStyle::enterprise;
            p.dns_names = {fqdn};
            if (archetype == "domain-controller") {
                p.dns_names.push_back(world.domain);
                p.ca_template = "DomainController";
            }
            p.validity = days(365);
            p.age = age_between(seed, "age", 10, 300);
            p.ca_domain = split_labels(world.domain);
            p.ca_name =
                (p.ca_domain.empty() ? std::string("corp") : p.ca_domain.front()) + "-DC01-CA";
            p.ca_age = age_between(world.domain, "ca-age", 400, 1400);
            p.ca_validity = days(1826);
        } else {
            p.style = CertificateStyle::rdp;
            p.validity = days(182);
            p.age = age_between(seed, "age", 3, 150);
        }
    } else if (world.os_family == "embedded") {
        p.style = CertificateStyle::device;
        p.common_name = world.hostname;
        p.validity = days(7300);
        p.age = age_between(seed, "age", 200, 1800);
        // Small devices (MQTT, constrained TLS stacks) carry P-256 keys.
        if (archetype == "iot-device") p.key = KeyType::ecdsa_p256;
    } else {
        p.style = CertificateStyle::snakeoil;  // make-ssl-cert: CN and SAN = `hostname -f`
        p.dns_names = {fqdn};
        p.validity = days(3650);
        p.age = age_between(seed, "age", 30, 900);
    }
    return p;
}

CertificatePem load_or_make_certificate(const CertificateProfile& profile, const std::string& dir,
                                        const std::string& stem, const std::string& ca_dir) {
    std::shared_ptr<const KeyPair> ca;
    if (profile.style == CertificateStyle::enterprise) ca = domain_ca(profile, ca_dir);
    if (const auto kept = load(dir, stem); kept && fits(*kept, profile, ca.get()))
        return {cert_pem(kept->cert.get()), key_pem(kept->key.get())};
    const auto made = make_leaf(profile, ca.get());
    if (!dir.empty()) save(dir, stem, made);
    return {cert_pem(made.cert.get()), key_pem(made.key.get())};
}

TlsIdentity::TlsIdentity(CertificateProfile profile, std::string dir, std::string stem,
                         std::string ca_dir)
    : profile_(std::move(profile)),
      dir_(std::move(dir)),
      stem_(std::move(stem)),
      ca_dir_(std::move(ca_dir)) {}

TlsIdentity::TlsIdentity(std::string cert_file, std::string key_file,
                         std::shared_ptr<TlsIdentity> fallback)
    : cert_file_(std::move(cert_file)),
      key_file_(std::move(key_file)),
      fallback_(std::move(fallback)) {
    if (fallback_) profile_ = fallback_->profile();
}

TlsIdentity::~TlsIdentity() = default;

std::shared_ptr<ssl::context> TlsIdentity::context() {
    {
        const std::lock_guard state(state_mutex_);
        if (context_) return context_;
    }
    const std::lock_guard making(make_mutex_);
    {
        const std::lock_guard state(state_mutex_);
        if (context_) return context_;
    }
    std::time_t renew_at = 0;
    auto made = make(renew_at);
    const std::lock_guard state(state_mutex_);
    renew_at_ = renew_at;
    return context_ = std::move(made);
}

std::shared_ptr<ssl::context> TlsIdentity::poll(std::string& error) {
    const std::lock_guard state(state_mutex_);
    error = error_;
    // A certificate about to expire while the process runs is renewed (as Windows does);
    // the old one serves until the new one is made.
    const bool renew = context_ && renew_at_ != 0 && std::time(nullptr) >= renew_at_;
    if (!queued_ && error_.empty() && (!context_ || renew)) {
        try {
            certificate_thread().enqueue(shared_from_this());
            queued_ = true;
        } catch (const std::exception& e) {  // no thread to be had: say so, never throw
            error = error_ = std::string("TLS certificate: ") + e.what();
        }
    }
    return context_;
}

void TlsIdentity::prepare() {
    try {
        const std::lock_guard making(make_mutex_);
        std::time_t renew_at = 0;
        auto made = make(renew_at);
        const std::lock_guard state(state_mutex_);
        context_ = std::move(made);
        renew_at_ = renew_at;
        queued_ = false;
    } catch (const std::exception& e) {
        const std::lock_guard state(state_mutex_);
        error_ = e.what();
    }
}

std::shared_ptr<ssl::context> TlsIdentity::make(std::time_t& renew_at) {
    auto context = server_context();
    SSL_CTX* native = context->native_handle();
    if (!cert_file_.empty()) {
        if (SSL_CTX_use_certificate_chain_file(native, cert_file_.c_str()) == 1 &&
            SSL_CTX_use_PrivateKey_file(native, key_file_.c_str(), SSL_FILETYPE_PEM) == 1 &&
            SSL_CTX_check_private_key(native) == 1)
            return context;  // the operator's files: theirs to renew
        if (!fallback_) fail("cannot load " + cert_file_ + " / " + key_file_);
        return fallback_->context();
    }
    const auto pem = load_or_make_certificate(profile_, dir_, stem_, ca_dir_);
    const auto cert = parse_cert(pem.certificate);
    const auto key = parse_key(pem.key);
    if (!cert || !key || SSL_CTX_use_certificate(native, cert.get()) != 1 ||
        SSL_CTX_use_PrivateKey(native, key.get()) != 1)
        fail("cannot use the certificate of " + profile_.common_name);
    std::tm expiry{};
    if (ASN1_TIME_to_tm(X509_get0_notAfter(cert.get()), &expiry) == 1)
        renew_at = ::timegm(&expiry) - kRenewBeforeSeconds;
    return context;
}

std::shared_ptr<TlsIdentity> TlsIdentity::renamed(const std::string& common_name,
                                                  const std::string& stem) const {
    auto profile = profile_;
    profile.common_name = common_name;
    if (!profile.dns_names.empty()) profile.dns_names = {common_name};
    return std::make_shared<TlsIdentity>(std::move(profile), dir_, stem, ca_dir_);
}

std::shared_ptr<TlsIdentity> make_decky_tls(const DeckyWorld& world,
                                            const std::string& instance_state_dir) {
    auto profile = certificate_profile(world);
    std::string ca_dir;
    if (profile.style == CertificateStyle::enterprise && !instance_state_dir.empty())
        ca_dir = instance_state_dir + "/tls-ca/" + safe_component(world.domain);
    const std::string dir = world.state_dir.empty() ? std::string() : world.state_dir + "/tls";
    return std::make_shared<TlsIdentity>(std::move(profile), dir, "server", std::move(ca_dir));
}

std::shared_ptr<TlsIdentity> persona_tls(const DeckyWorld& world, const std::string& service,
                                         const PersonaConfig& persona) {
    const auto cert = persona_or_empty(persona, "tls_cert");
    const auto key = persona_or_empty(persona, "tls_key");
    const auto cn = persona_or_empty(persona, "tls_cn");
    std::shared_ptr<TlsIdentity> named;
    if (!cn.empty() && world.tls && cn != world.tls->profile().common_name)
        named = world.tls->renamed(cn, safe_component(service));
    if (!cert.empty() && !key.empty())
        return std::make_shared<TlsIdentity>(cert, key, named ? named : world.tls);
    return named;
}

}  // namespace decnet::honeypot
