// The few facts of a certificate the sniffer reports (intel.md §2.4 "Certificate"): subject
// CN, issuer DN text, validity as written, SANs (DNS names and IPv4 addresses), and
// "self-signed" as the reference judges it (issuer CN = subject CN). A bounded DER walk.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::intel::fingerprints {

struct CertificateSummary {
    std::string subject_cn, issuer_cn;
    std::string subject, issuer;  // "CN=…, O=…, C=…" in DER order
    std::string not_before, not_after;
    std::vector<std::string> sans;
    bool self_signed = false;
};

std::optional<CertificateSummary> summarize_certificate(std::string_view der);

}  // namespace decnet::intel::fingerprints
