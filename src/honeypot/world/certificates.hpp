// A decky's TLS identity: the certificate its persona would have (a fresh Debian's snakeoil
// certificate, Windows' Remote Desktop certificate, a machine certificate from the domain's
// CA, an appliance's factory certificate), made once, kept in the decky's state directory and
// loaded on later starts, so a restarted decky shows the same certificate.
#pragma once

#include <chrono>
#include <ctime>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/config.hpp"

namespace boost::asio::ssl {
class context;
}

namespace decnet::honeypot {

struct DeckyWorld;

enum class CertificateStyle {
    snakeoil,    // Debian's ssl-cert: self-signed, CN and SAN = FQDN, 10 years
    rdp,         // Windows Remote Desktop: self-signed CN=FQDN, 6 months, server-auth EKU
    enterprise,  // autoenrolled from the domain's AD CS CA ("Machine"): 1 year, SAN
    device,      // an appliance's factory certificate: self-signed CA:TRUE, 20 years
};

enum class KeyType { rsa2048, ecdsa_p256 };

// What the certificate says. A pure function of the decky (certificate_profile), so tests
// check it without making keys.
struct CertificateProfile {
    CertificateStyle style = CertificateStyle::snakeoil;
    std::string common_name;
    std::vector<std::string> dns_names;  // subjectAltName; empty: no such extension
    KeyType key = KeyType::rsa2048;
    std::chrono::days validity{3650};
    // How long before its making the certificate's notBefore lies: derived from the decky,
    // so a certificate never looks issued a second ago.
    std::chrono::seconds age{0};
    // enterprise: the issuing CA ("corp-DC01-CA" in DC=corp, DC=local), shared by the
    // deckies of one domain; its own age and validity.
    std::string ca_name;
    std::vector<std::string> ca_domain;  // {"corp", "local"}
    std::chrono::seconds ca_age{0};
    std::chrono::days ca_validity{1826};
    std::string ca_template = "Machine";  // the AD CS template it was enrolled with
};

// The profile for a decky's persona: its archetype and OS family pick the style, its
// hostname (and domain) the names.
CertificateProfile certificate_profile(const DeckyWorld& world);

struct CertificatePem {
    std::string certificate;  // the leaf; an enterprise CA stays out (RDP and IIS send none)
    std::string key;
};

// The certificate for `profile`: loaded from `dir`/<stem>.crt and <stem>.key when they still
// fit it (same subject and issuer, key type and matching key, not about to expire, signed
// by the current CA), else made and saved there (key 0600, directory 0700). `ca_dir` keeps
// an enterprise profile's CA. Empty directories: made in memory only. Throws ConfigError
// when OpenSSL cannot make it; a directory it cannot write is logged and skipped.
CertificatePem load_or_make_certificate(const CertificateProfile& profile, const std::string& dir,
                                        const std::string& stem, const std::string& ca_dir);

// A TLS server identity: generated (or loaded) on first use, because an RSA key takes
// 0.1–0.7 s and deploying 100 deckies must not wait for 100 of them; then one shared
// ssl::context (TLS 1.2–1.3). Thread-safe.
class TlsIdentity : public std::enable_shared_from_this<TlsIdentity> {
  public:
    // A generated identity kept as `dir`/<stem>.{crt,key} (see load_or_make_certificate).
    TlsIdentity(CertificateProfile profile, std::string dir, std::string stem, std::string ca_dir);
    // The operator's PEM files (persona `tls_cert`/`tls_key`); `fallback` when they do not
    // load (like the reference, a broken path does not stop the decky).
    TlsIdentity(std::string cert_file, std::string key_file, std::shared_ptr<TlsIdentity> fallback);
    ~TlsIdentity();

    // The server context, made here and now if need be; throws ConfigError when no identity
    // can be made.
    std::shared_ptr<boost::asio::ssl::context> context();
    // Never blocks: the context when it is made, else null, having queued its making on the
    // certificate thread (once) so no I/O thread stalls on a key; `error` says when the
    // making failed. A certificate a day from expiry is renewed there the same way.
    std::shared_ptr<boost::asio::ssl::context> poll(std::string& error);
    const CertificateProfile& profile() const { return profile_; }
    // The same kind of certificate for another name, kept beside this one as <stem>.
    std::shared_ptr<TlsIdentity> renamed(const std::string& common_name,
                                         const std::string& stem) const;
    // The certificate thread's work: (re)make the context, a failure kept for poll().
    void prepare();

  private:
    std::shared_ptr<boost::asio::ssl::context> make(std::time_t& renew_at);

    CertificateProfile profile_;
    std::string dir_, stem_, ca_dir_;
    std::string cert_file_, key_file_;
    std::shared_ptr<TlsIdentity> fallback_;
    std::mutex make_mutex_;   // one making at a time
    std::mutex state_mutex_;  // guards the four below; never held while making
    std::shared_ptr<boost::asio::ssl::context> context_;
    std::time_t renew_at_ = 0;  // 0: never (the operator's files)
    std::string error_;
    bool queued_ = false;
};

// The decky's identity, kept in world.state_dir/tls (the enterprise CA in
// <instance_state_dir>/tls-ca/<domain>); nothing made yet.
std::shared_ptr<TlsIdentity> make_decky_tls(const DeckyWorld& world,
                                            const std::string& instance_state_dir);

// A service's own identity when its persona names one: `tls_cert` + `tls_key` (PEM files,
// falling back to the decky's), or `tls_cn` (the decky's kind of certificate for that name,
// kept as <state>/tls/<service>.{crt,key}); nullptr: the service uses the decky's.
std::shared_ptr<TlsIdentity> persona_tls(const DeckyWorld& world, const std::string& service,
                                         const PersonaConfig& persona);

}  // namespace decnet::honeypot
