// Per-decky certificates: the profile each persona gets, the certificate made from it
// (fields read back with OpenSSL), kept in the state directory and loaded identical on the
// next start, a domain's CA shared by its deckies, and the persona's own tls_* keys.
#include "honeypot/world/certificates.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <boost/asio/ssl/context.hpp>

#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

#include "honeypot/world/decky_world.hpp"

namespace decnet::honeypot {
namespace {

using std::chrono::days;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string temp_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "decnet-certs-XXXXXX").string();
    return ::mkdtemp(pattern.data());
}

DeckyWorld world_of(const std::string& decky, const std::string& hostname,
                    const std::string& archetype, const std::string& os,
                    const std::string& state_dir = "") {
    DeckyConfig config;
    config.name = decky;
    config.hostname = hostname;
    config.ip = "127.0.0.1";
    if (!archetype.empty()) config.archetype = archetype;
    config.nmap_os = os;
    return *make_decky_world(config, state_dir);
}

struct X509Free {
    void operator()(X509* x) const { X509_free(x); }
};
using Cert = std::unique_ptr<X509, X509Free>;

Cert parse(const std::string& pem) {
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    Cert cert(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
    BIO_free(bio);
    return cert;
}

std::string name_text(const X509_NAME* name) {
    BIO* bio = BIO_new(BIO_s_mem());
    X509_NAME_print_ex(bio, name, 0, XN_FLAG_ONELINE);
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<std::size_t>(n));
    BIO_free(bio);
    return out;
}

std::vector<std::string> dns_names(X509* cert) {
    std::vector<std::string> out;
    auto* names =
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
    for (int i = 0; names && i < sk_GENERAL_NAME_num(names); ++i) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
        if (name->type == GEN_DNS)
            out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(name->d.dNSName)),
                             ASN1_STRING_length(name->d.dNSName));
    }
    GENERAL_NAMES_free(names);
    return out;
}

// Days from `from` to `to`.
int days_between(const ASN1_TIME* from, const ASN1_TIME* to) {
    int d = 0, s = 0;
    ASN1_TIME_diff(&d, &s, from, to);
    return d;
}

int days_ago(const ASN1_TIME* t) {
    ASN1_TIME* now = ASN1_TIME_set(nullptr, std::time(nullptr));
    const int d = days_between(t, now);
    ASN1_TIME_free(now);
    return d;
}

std::string read(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(CertificateProfile, LinuxHostIsDebianSnakeoil) {
    const auto p = certificate_profile(world_of("web-1", "web-72", "web-server", "linux"));
    EXPECT_EQ(p.style, CertificateStyle::snakeoil);
    EXPECT_EQ(p.common_name, "web-72");
    EXPECT_THAT(p.dns_names, ElementsAre("web-72"));
    EXPECT_EQ(p.key, KeyType::rsa2048);
    EXPECT_EQ(p.validity, days(3650));
    EXPECT_GE(p.age, days(30));
    EXPECT_LE(p.age, days(901));
    // hostname -f: a qualified hostname is its own domain.
    const auto rhel = world_of("r", "bravo43.localdomain", "", "linux");
    EXPECT_EQ(rhel.domain, "localdomain");
    EXPECT_EQ(certificate_profile(rhel).common_name, "bravo43.localdomain");
}

TEST(CertificateProfile, WindowsPersonas) {
    const auto ws =
        certificate_profile(world_of("ws", "SRV-MIKE-63", "windows-workstation", "windows"));
    EXPECT_EQ(ws.style, CertificateStyle::rdp);
    EXPECT_EQ(ws.common_name, "SRV-MIKE-63.corp.local");
    EXPECT_TRUE(ws.dns_names.empty());
    EXPECT_EQ(ws.validity, days(182));
    EXPECT_LT(ws.age, ws.validity);
    // A Windows host outside any domain names itself.
    EXPECT_EQ(certificate_profile(world_of("w", "DESKTOP-7", "", "windows")).common_name,
              "DESKTOP-7");

    const auto dc =
        certificate_profile(world_of("dc", "SRV-ECHO-12", "domain-controller", "windows"));
    EXPECT_EQ(dc.style, CertificateStyle::enterprise);
    EXPECT_EQ(dc.common_name, "SRV-ECHO-12.corp.local");
    EXPECT_THAT(dc.dns_names, ElementsAre("SRV-ECHO-12.corp.local", "corp.local"));
    EXPECT_EQ(dc.ca_name, "corp-DC01-CA");
    EXPECT_EQ(dc.ca_template, "DomainController");
    EXPECT_THAT(dc.ca_domain, ElementsAre("corp", "local"));
    EXPECT_EQ(dc.validity, days(365));
    // The CA predates every certificate it issued.
    EXPECT_GT(dc.ca_age, dc.age);
}

TEST(CertificateProfile, DevicesAndDerivedDates) {
    const auto iot = certificate_profile(world_of("cam", "cam-17", "iot-device", "embedded"));
    EXPECT_EQ(iot.style, CertificateStyle::device);
    EXPECT_EQ(iot.key, KeyType::ecdsa_p256);
    EXPECT_EQ(iot.validity, days(7300));
    // The same decky always gets the same dates; another one others.
    const auto a = certificate_profile(world_of("a", "web-1", "", "linux"));
    EXPECT_EQ(a.age, certificate_profile(world_of("a", "web-1", "", "linux")).age);
    EXPECT_NE(a.age, certificate_profile(world_of("b", "web-2", "", "linux")).age);
}

TEST(Certificates, SnakeoilFieldsKeptAndReloadedIdentical) {
    const auto dir = temp_dir();
    const auto world = world_of("web-1", "web-72", "web-server", "linux", dir);
    const auto profile = certificate_profile(world);
    const auto tls_dir = world.state_dir + "/tls";
    const auto first = load_or_make_certificate(profile, tls_dir, "server", "");
    const auto cert = parse(first.certificate);
    ASSERT_TRUE(cert);
    EXPECT_EQ(name_text(X509_get_subject_name(cert.get())), "CN = web-72");
    EXPECT_EQ(name_text(X509_get_issuer_name(cert.get())), "CN = web-72");
    EXPECT_THAT(dns_names(cert.get()), ElementsAre("web-72"));
    EXPECT_EQ(EVP_PKEY_get_bits(X509_get0_pubkey(cert.get())), 2048);
    EXPECT_EQ(X509_get_signature_nid(cert.get()), NID_sha256WithRSAEncryption);
    EXPECT_EQ(days_between(X509_get0_notBefore(cert.get()), X509_get0_notAfter(cert.get())), 3650);
    const auto age = days_ago(X509_get0_notBefore(cert.get()));
    EXPECT_GE(age, 30);
    EXPECT_LE(age, 900);
    EXPECT_EQ(X509_check_ca(cert.get()), 0);  // basicConstraints CA:FALSE

    struct stat key {};
    ASSERT_EQ(::stat((tls_dir + "/server.key").c_str(), &key), 0);
    EXPECT_EQ(key.st_mode & 0777, 0600u);
    EXPECT_EQ(read(tls_dir + "/server.crt"), first.certificate);

    // The next start loads the same certificate and key.
    const auto again = load_or_make_certificate(profile, tls_dir, "server", "");
    EXPECT_EQ(again.certificate, first.certificate);
    EXPECT_EQ(again.key, first.key);
    // A new hostname gets a new certificate (a CN that disagrees with the banners is a tell).
    auto renamed = profile;
    renamed.common_name = "web-73";
    renamed.dns_names = {"web-73"};
    const auto other = load_or_make_certificate(renamed, tls_dir, "server", "");
    EXPECT_NE(other.certificate, first.certificate);
    EXPECT_EQ(name_text(X509_get_subject_name(parse(other.certificate).get())), "CN = web-73");
    std::filesystem::remove_all(dir);
}

TEST(Certificates, DifferentDeckiesDifferentKeysAndNothingKeptWithoutStateDir) {
    const auto a = load_or_make_certificate(
        certificate_profile(world_of("a", "web-1", "", "linux")), "", "server", "");
    const auto b = load_or_make_certificate(
        certificate_profile(world_of("b", "web-2", "", "linux")), "", "server", "");
    EXPECT_NE(a.key, b.key);
    EXPECT_NE(a.certificate, b.certificate);
    // In memory, each making is a new key.
    const auto a2 = load_or_make_certificate(
        certificate_profile(world_of("a", "web-1", "", "linux")), "", "server", "");
    EXPECT_NE(a.key, a2.key);
}

TEST(Certificates, RdpAndDeviceFields) {
    const auto rdp = parse(
        load_or_make_certificate(
            certificate_profile(world_of("ws", "SRV-MIKE-63", "windows-workstation", "windows")),
            "", "server", "")
            .certificate);
    ASSERT_TRUE(rdp);
    EXPECT_EQ(name_text(X509_get_subject_name(rdp.get())), "CN = SRV-MIKE-63.corp.local");
    EXPECT_EQ(name_text(X509_get_issuer_name(rdp.get())), "CN = SRV-MIKE-63.corp.local");
    EXPECT_TRUE(dns_names(rdp.get()).empty());
    EXPECT_EQ(days_between(X509_get0_notBefore(rdp.get()), X509_get0_notAfter(rdp.get())), 182);
    EXPECT_TRUE(X509_get_extended_key_usage(rdp.get()) & XKU_SSL_SERVER);
    // Still valid: Windows renews it before it runs out.
    EXPECT_GT(182 - days_ago(X509_get0_notBefore(rdp.get())), 0);

    const auto iot =
        parse(load_or_make_certificate(
                  certificate_profile(world_of("cam", "cam-17", "iot-device", "embedded")), "",
                  "server", "")
                  .certificate);
    ASSERT_TRUE(iot);
    EXPECT_EQ(EVP_PKEY_get_base_id(X509_get0_pubkey(iot.get())), EVP_PKEY_EC);
    EXPECT_EQ(X509_get_signature_nid(iot.get()), NID_ecdsa_with_SHA256);
}

TEST(Certificates, DomainDeckiesShareTheirCa) {
    const auto dir = temp_dir();
    const auto dc = world_of("dc", "SRV-ECHO-12", "domain-controller", "windows", dir);
    const auto srv = world_of("srv", "SRV-BRAVO-40", "windows-server", "windows", dir);
    const auto ca_dir = dir + "/tls-ca/corp.local";
    const auto dc_pem =
        load_or_make_certificate(certificate_profile(dc), dc.state_dir + "/tls", "server", ca_dir);
    const auto srv_pem = load_or_make_certificate(certificate_profile(srv), srv.state_dir + "/tls",
                                                  "server", ca_dir);
    const auto ca = parse(read(ca_dir + "/ca.crt"));
    ASSERT_TRUE(ca);
    EXPECT_EQ(name_text(X509_get_subject_name(ca.get())),
              "DC = local, DC = corp, CN = corp-DC01-CA");
    EXPECT_EQ(X509_check_ca(ca.get()), 1);
    for (const auto* pem : {&dc_pem, &srv_pem}) {
        const auto leaf = parse(pem->certificate);
        ASSERT_TRUE(leaf);
        EXPECT_EQ(name_text(X509_get_issuer_name(leaf.get())),
                  "DC = local, DC = corp, CN = corp-DC01-CA");
        EXPECT_EQ(X509_verify(leaf.get(), X509_get0_pubkey(ca.get())), 1);
        EXPECT_LE(
            days_ago(X509_get0_notBefore(ca.get())) - days_ago(X509_get0_notBefore(leaf.get())),
            1400);
        EXPECT_GT(days_ago(X509_get0_notBefore(ca.get())),
                  days_ago(X509_get0_notBefore(leaf.get())));
        EXPECT_TRUE(X509_get_extended_key_usage(leaf.get()) & XKU_SSL_SERVER);
    }
    EXPECT_THAT(dns_names(parse(dc_pem.certificate).get()),
                ElementsAre("SRV-ECHO-12.corp.local", "corp.local"));
    // Kept: the next start loads both again.
    EXPECT_EQ(
        load_or_make_certificate(certificate_profile(dc), dc.state_dir + "/tls", "server", ca_dir)
            .certificate,
        dc_pem.certificate);
    std::filesystem::remove_all(dir);
}

TEST(TlsIdentity, WorldIdentityIsMadeOnceOnFirstUse) {
    const auto dir = temp_dir();
    DeckyConfig config;
    config.name = "web-1";
    config.hostname = "web-72";
    config.ip = "127.0.0.1";
    const auto world = make_decky_world(config, dir);
    ASSERT_TRUE(world->tls);
    // Nothing is made at deploy.
    EXPECT_FALSE(std::filesystem::exists(world->state_dir + "/tls"));
    const auto context = world->tls->context();
    ASSERT_TRUE(context);
    EXPECT_EQ(world->tls->context(), context);
    EXPECT_TRUE(std::filesystem::exists(world->state_dir + "/tls/server.crt"));
    const auto cert = read(world->state_dir + "/tls/server.crt");
    // A restarted instance serves the same certificate.
    const auto again = make_decky_world(config, dir);
    X509* served = SSL_CTX_get0_certificate(again->tls->context()->native_handle());
    ASSERT_NE(served, nullptr);
    EXPECT_EQ(X509_cmp(served, parse(cert).get()), 0);
    std::filesystem::remove_all(dir);
}

TEST(TlsIdentity, PollMakesItOnTheCertificateThread) {
    DeckyConfig config;
    config.name = "web-1";
    config.hostname = "web-72";
    config.ip = "127.0.0.1";
    const auto world = make_decky_world(config, "");
    std::string error;
    EXPECT_EQ(world->tls->poll(error), nullptr);  // queued, not made on this thread
    std::shared_ptr<boost::asio::ssl::context> made;
    for (int i = 0; i < 500 && !made && error.empty(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        made = world->tls->poll(error);
    }
    ASSERT_TRUE(made) << error;
    EXPECT_EQ(world->tls->context(), made);

    // A making that fails is reported, not retried forever.
    const auto broken =
        std::make_shared<TlsIdentity>("/nonexistent.pem", "/nonexistent.key", nullptr);
    error.clear();
    for (int i = 0; i < 500 && error.empty(); ++i) {
        EXPECT_EQ(broken->poll(error), nullptr);
        if (error.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_THAT(error, HasSubstr("cannot load /nonexistent.pem"));
}

TEST(TlsIdentity, RenewedWhenAboutToExpire) {
    CertificateProfile profile;
    profile.common_name = "ws-1";
    profile.style = CertificateStyle::rdp;
    profile.validity = days(1);  // within the renewal day from the start
    const auto identity = std::make_shared<TlsIdentity>(profile, "", "server", "");
    std::string error;
    const auto wait_for = [&](const std::shared_ptr<boost::asio::ssl::context>& other) {
        std::shared_ptr<boost::asio::ssl::context> made = identity->poll(error);
        for (int i = 0; i < 500 && (!made || made == other) && error.empty(); ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            made = identity->poll(error);
        }
        return made;
    };
    const auto first = wait_for(nullptr);
    ASSERT_TRUE(first) << error;
    // The old one keeps serving while the new one is made.
    const auto renewed = wait_for(first);
    ASSERT_TRUE(renewed) << error;
    EXPECT_NE(renewed, first);
}

TEST(TlsIdentity, PersonaKeys) {
    const auto dir = temp_dir();
    DeckyConfig config;
    config.name = "web-1";
    config.hostname = "web-72";
    config.ip = "127.0.0.1";
    const auto world = make_decky_world(config, dir);
    EXPECT_EQ(persona_tls(*world, "https", {}), nullptr);
    EXPECT_EQ(persona_tls(*world, "https", {{"tls_cn", "web-72"}}), nullptr);

    const auto named = persona_tls(*world, "https", {{"tls_cn", "intranet.example.com"}});
    ASSERT_TRUE(named);
    X509* cert = SSL_CTX_get0_certificate(named->context()->native_handle());
    EXPECT_EQ(name_text(X509_get_subject_name(cert)), "CN = intranet.example.com");
    EXPECT_THAT(dns_names(cert), ElementsAre("intranet.example.com"));
    EXPECT_TRUE(std::filesystem::exists(world->state_dir + "/tls/https.crt"));

    // The operator's files, as they are.
    const auto files = persona_tls(*world, "https",
                                   {{"tls_cert", world->state_dir + "/tls/https.crt"},
                                    {"tls_key", world->state_dir + "/tls/https.key"}});
    ASSERT_TRUE(files);
    EXPECT_EQ(X509_cmp(SSL_CTX_get0_certificate(files->context()->native_handle()), cert), 0);
    // Files that do not load: the decky's own certificate, not a failed port.
    const auto broken = persona_tls(
        *world, "https", {{"tls_cert", dir + "/missing.pem"}, {"tls_key", dir + "/missing.key"}});
    ASSERT_TRUE(broken);
    EXPECT_EQ(name_text(X509_get_subject_name(
                  SSL_CTX_get0_certificate(broken->context()->native_handle()))),
              "CN = web-72");
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace decnet::honeypot
