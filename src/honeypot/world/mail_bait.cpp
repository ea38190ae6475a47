// The bait mailbox of a decky's IMAP and POP3 servers (see mail_bait.hpp).
#include "honeypot/world/mail_bait.hpp"

#include <array>
#include <cstdio>
#include <ctime>
#include <string_view>

#include "core/base64.hpp"
#include "core/rng.hpp"

namespace decnet::honeypot {
namespace {

constexpr std::array<std::string_view, 6> kVendors = {"Northwind Supplies",   "Contoso Office",
                                                      "Fabrikam IT Services", "Tailspin Hosting",
                                                      "Litware Networks",     "Adatum Cloud"};
constexpr std::array<std::string_view, 6> kColleagues = {
    "Laura Becker", "Marcus Holt", "Priya Raman", "Tom Weller", "Sofia Marin", "Daniel Okafor"};
constexpr std::array<std::string_view, 8> kWords = {"Summer",  "Winter",  "Autumn", "Spring",
                                                    "Welcome", "Company", "Portal", "Access"};

std::string vendor_domain(std::string_view vendor) {
    std::string out;
    for (const char c : vendor) {
        if (c == ' ') break;
        out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    return out + "-billing.com";
}

std::string login_of(std::string_view full_name) {
    std::string out;
    const auto space = full_name.find(' ');
    if (!full_name.empty()) out += static_cast<char>(full_name[0] - 'A' + 'a');
    for (const char c : full_name.substr(space == std::string_view::npos ? 0 : space + 1))
        out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return out;
}

std::string wrapped_base64(std::string_view bytes) {
    const auto text = base64_encode(bytes);
    std::string out;
    for (std::size_t i = 0; i < text.size(); i += 76) out += text.substr(i, 76) + "\r\n";
    return out;
}

// "\n" → "\r\n" (bodies are written with plain newlines).
std::string crlf(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c == '\n') out += '\r';
        out += c;
    }
    return out;
}

std::string invoice_pdf(std::string_view number, std::string_view vendor, std::string_view amount) {
    const std::string stream = "BT /F1 16 Tf 72 720 Td (" + std::string(vendor) +
                               ") Tj 0 -28 Td (Invoice " + std::string(number) +
                               ") Tj 0 -28 Td (Amount due: EUR " + std::string(amount) + ") Tj ET";
    return "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
           "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
           "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
           "/Resources << /Font << /F1 5 0 R >> >> >>\nendobj\n4 0 obj\n<< /Length " +
           std::to_string(stream.size()) + " >>\nstream\n" + stream +
           "\nendstream\nendobj\n5 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
           ">>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";
}

struct Draft {
    std::string from_name, from_addr, subject, body;  // body: the part after the headers
    std::string content_type = "text/plain; charset=UTF-8";
    std::int64_t date = 0;
    bool seen = true, flagged = false;
};

}  // namespace

std::string rfc5322_date(std::int64_t epoch) {
    const std::time_t t = epoch;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char out[64];
    std::strftime(out, sizeof out, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    return out;
}

std::string imap_date(std::int64_t epoch) {
    const std::time_t t = epoch;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char out[64];
    std::strftime(out, sizeof out, "%d-%b-%Y %H:%M:%S +0000", &tm);
    return out;
}

std::vector<MailMessage> make_mailbox(const MailFacts& facts, const std::string& user) {
    Rng rng(facts.seed ^ 0x6d61696c626f78ULL);
    const std::string domain = facts.domain.empty() ? "example.com" : facts.domain;
    std::string full_name = user;
    for (const auto& [login, name] : facts.people)
        if (login == user) full_name = name;
    const std::string colleague(kColleagues[rng.below(kColleagues.size())]);
    const std::string vendor(kVendors[rng.below(kVendors.size())]);
    const std::string app = facts.app.empty() ? "portal" : facts.app;
    const std::string temp_password = std::string(kWords[rng.below(kWords.size())]) +
                                      std::to_string(rng.between(2021, 2026)) + "!" +
                                      std::to_string(rng.between(10, 99));
    const std::string vpn_password = std::string(kWords[rng.below(kWords.size())]) + "#" +
                                     std::to_string(rng.between(1000, 9999));
    const std::string invoice = "INV-" + std::to_string(rng.between(2024, 2026)) + "-" +
                                std::to_string(rng.between(10000, 99999));
    const std::string amount =
        std::to_string(rng.between(1200, 18000)) + "." + std::to_string(rng.between(10, 99));
    const std::int64_t day = 86400;
    const std::int64_t base = (facts.now > 0 ? facts.now : 1767225600) - 40 * day;
    auto at = [&](int days) {
        return base + days * day + 8 * 3600 + static_cast<std::int64_t>(rng.below(9 * 3600));
    };

    std::vector<Draft> drafts;
    {
        Draft d;
        d.from_name = vendor + " Accounts";
        d.from_addr = "billing@" + vendor_domain(vendor);
        d.subject = "Invoice " + invoice + " - payment due";
        d.date = at(3);
        const std::string boundary = "----=_Part_" + std::to_string(rng.between(100000, 999999));
        d.content_type = "multipart/mixed; boundary=\"" + boundary + "\"";
        d.body = "--" + boundary + "\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n" +
                 crlf("Dear " + full_name + ",\n\nplease find attached invoice " + invoice +
                      " for the hosting and support services of last month (EUR " + amount +
                      ").\nPayment is due within 14 days to the account on the invoice; note our "
                      "new bank details.\n\nKind regards,\n" +
                      vendor + " Accounts Receivable\n") +
                 "\r\n--" + boundary + "\r\nContent-Type: application/pdf; name=\"" + invoice +
                 ".pdf\"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: "
                 "attachment; filename=\"" +
                 invoice + ".pdf\"\r\n\r\n" + wrapped_base64(invoice_pdf(invoice, vendor, amount)) +
                 "--" + boundary + "--\r\n";
        drafts.push_back(std::move(d));
    }
    {
        Draft d;
        d.from_name = "IT Service Desk";
        d.from_addr = "it-support@" + domain;
        d.subject = "Your new VPN profile";
        d.date = at(11);
        d.body = crlf("Hi " + full_name + ",\n\nyour VPN access has been set up. Connect to vpn." +
                      domain + " with\n\n  Username: " + user + "\n  Password: " + vpn_password +
                      "\n\nThe client downloads its profile on first login. Please do not share "
                      "these details.\n\nIT Service Desk\n");
        drafts.push_back(std::move(d));
    }
    {
        Draft d;
        d.from_name = colleague;
        d.from_addr = login_of(colleague) + "@" + domain;
        d.subject = "Re: " + app + " database migration";
        d.date = at(19);
        d.flagged = true;
        d.body = crlf("Hi,\n\nthe new " + app + " database is up on db01." + domain +
                      ". The app user is " + app + "_app, password " + facts.app_password +
                      " (same as before, I did not rotate it yet).\nI'll switch " + facts.hostname +
                      " over on Friday evening.\n\nCheers,\n" + colleague + "\n");
        drafts.push_back(std::move(d));
    }
    {
        Draft d;
        d.from_name = "root";
        d.from_addr = "root@" + facts.hostname + "." + domain;
        d.subject = "*** SECURITY information for " + facts.hostname + " ***";
        d.date = at(31);
        d.body = crlf(facts.hostname + " : " + rfc5322_date(d.date).substr(5, 20) + " : " + user +
                      " : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home/" + user +
                      " ; USER=root ; COMMAND=/usr/bin/systemctl restart " + app + "\n");
        drafts.push_back(std::move(d));
    }
    {
        Draft d;
        d.from_name = "IT Service Desk";
        d.from_addr = "no-reply@" + domain;
        d.subject = "Password reset for your account";
        d.date = at(38);
        d.seen = false;
        d.body =
            crlf("Hello " + full_name + ",\n\na password reset was requested for your " + domain +
                 " account (" + user + ").\n\nYour temporary password is: " + temp_password +
                 "\n\nSign in at https://portal." + domain +
                 "/login and choose a new password within 24 hours.\nIf you did not "
                 "request this, contact it-support@" +
                 domain + ".\n\n-- \nIT Service Desk\n");
        drafts.push_back(std::move(d));
    }

    std::vector<MailMessage> box;
    for (auto& d : drafts) {
        MailMessage m;
        m.uid = static_cast<std::uint32_t>(box.size() + 1);
        m.seen = d.seen;
        m.flagged = d.flagged;
        m.date = d.date;
        m.from = "\"" + d.from_name + "\" <" + d.from_addr + ">";
        m.to = "\"" + full_name + "\" <" + user + "@" + domain + ">";
        m.subject = d.subject;
        m.message_id = "<" + std::to_string(d.date) + "." + std::to_string(rng.next() % 1000000) +
                       "@" + d.from_addr.substr(d.from_addr.find('@') + 1) + ">";
        m.raw = "Return-Path: <" + d.from_addr + ">\r\nDelivered-To: " + user + "@" + domain +
                "\r\nDate: " + rfc5322_date(d.date) + "\r\nFrom: " + m.from + "\r\nTo: " + m.to +
                "\r\nSubject: " + d.subject + "\r\nMessage-ID: " + m.message_id +
                "\r\nMIME-Version: 1.0\r\nContent-Type: " + d.content_type + "\r\n\r\n" + d.body;
        box.push_back(std::move(m));
    }
    return box;
}

}  // namespace decnet::honeypot
