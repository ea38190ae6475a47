#include "intel/fingerprints/x509_summary.hpp"

#include "wire/ber.hpp"

namespace decnet::intel::fingerprints {
namespace {

namespace ber = wire::ber;
constexpr std::size_t kMaxRdns = 32, kMaxSans = 64, kMaxExtensions = 64;

std::string short_name(const ber::Oid& oid) {
    if (oid == ber::Oid{2, 5, 4, 3}) return "CN";
    if (oid == ber::Oid{2, 5, 4, 6}) return "C";
    if (oid == ber::Oid{2, 5, 4, 7}) return "L";
    if (oid == ber::Oid{2, 5, 4, 8}) return "ST";
    if (oid == ber::Oid{2, 5, 4, 10}) return "O";
    if (oid == ber::Oid{2, 5, 4, 11}) return "OU";
    return ber::oid_to_string(oid);
}

// Name → "CN=a, O=b" and its first CN.
bool read_name(std::string_view name, std::string& text, std::string& cn) {
    ber::Reader rdns(name);
    for (std::size_t i = 0; !rdns.empty() && i < kMaxRdns; ++i) {
        const auto set = rdns.expect(ber::kSet, "RDN");
        if (!set) return false;
        ber::Reader attributes(*set);
        while (!attributes.empty()) {
            const auto attribute = attributes.expect(ber::kSequence, "attribute");
            if (!attribute) return false;
            ber::Reader parts(*attribute);
            const auto oid_bytes = parts.expect(ber::kOid, "type");
            const auto value = parts.next();
            if (!oid_bytes || !value) return false;
            std::string error;
            const auto oid = ber::decode_oid(*oid_bytes, error);
            if (!oid) return false;
            const auto key = short_name(*oid);
            if (!text.empty()) text += ", ";
            text += key + '=' + std::string(value->second);
            if (key == "CN" && cn.empty()) cn = std::string(value->second);
        }
    }
    return true;
}

void read_sans(std::string_view extensions, std::vector<std::string>& sans) {
    ber::Reader list(extensions);
    const auto seq = list.expect(ber::kSequence, "extensions");
    if (!seq) return;
    ber::Reader items(*seq);
    for (std::size_t i = 0; !items.empty() && i < kMaxExtensions; ++i) {
        const auto ext = items.expect(ber::kSequence, "extension");
        if (!ext) return;
        ber::Reader parts(*ext);
        const auto oid_bytes = parts.expect(ber::kOid, "extnID");
        if (!oid_bytes) return;
        std::string error;
        const auto oid = ber::decode_oid(*oid_bytes, error);
        if (parts.peek_tag() == 0x01) parts.next();  // critical
        const auto value = parts.expect(ber::kOctetString, "extnValue");
        if (!oid || !value || *oid != ber::Oid{2, 5, 29, 17}) continue;
        ber::Reader outer(*value);
        const auto names = outer.expect(ber::kSequence, "GeneralNames");
        if (!names) return;
        ber::Reader general(*names);
        while (!general.empty() && sans.size() < kMaxSans) {
            const auto name = general.next();
            if (!name) return;
            if (name->first == 0x82) {
                sans.emplace_back(name->second);
            } else if (name->first == 0x87 && name->second.size() == 4) {
                std::string ip;
                for (std::size_t b = 0; b < 4; ++b) {
                    if (b) ip += '.';
                    ip += std::to_string(static_cast<unsigned char>(name->second[b]));
                }
                sans.push_back(std::move(ip));
            }
        }
    }
}

}  // namespace

std::optional<CertificateSummary> summarize_certificate(std::string_view der) {
    ber::Reader top(der);
    const auto certificate = top.expect(ber::kSequence, "Certificate");
    if (!certificate) return std::nullopt;
    ber::Reader cert(*certificate);
    const auto tbs = cert.expect(ber::kSequence, "tbsCertificate");
    if (!tbs) return std::nullopt;
    ber::Reader t(*tbs);
    if (t.peek_tag() == 0xa0) t.next();  // [0] version
    t.next();                            // serial
    t.next();                            // signature algorithm
    const auto issuer = t.expect(ber::kSequence, "issuer");
    const auto validity = t.expect(ber::kSequence, "validity");
    const auto subject = t.expect(ber::kSequence, "subject");
    if (!issuer || !validity || !subject) return std::nullopt;
    CertificateSummary out;
    if (!read_name(*issuer, out.issuer, out.issuer_cn) ||
        !read_name(*subject, out.subject, out.subject_cn))
        return std::nullopt;
    ber::Reader times(*validity);
    const auto before = times.next();
    const auto after = times.next();
    if (!before || !after) return std::nullopt;
    out.not_before = std::string(before->second);
    out.not_after = std::string(after->second);
    t.next();  // subjectPublicKeyInfo
    while (!t.empty()) {
        const auto item = t.next();
        if (!item) break;
        if (item->first == 0xa3) read_sans(item->second, out.sans);
    }
    out.self_signed = !out.subject_cn.empty() && out.subject_cn == out.issuer_cn;
    return out;
}

}  // namespace decnet::intel::fingerprints
