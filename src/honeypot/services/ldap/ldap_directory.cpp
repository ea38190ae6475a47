// The ldap decky's directory (see ldap_directory.hpp).
#include "honeypot/services/ldap/ldap_directory.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <ctime>
#include <optional>

#include "core/text.hpp"
#include "honeypot/world/decky_world.hpp"

namespace decnet::honeypot::ldap {
namespace {

using wire::ldap::Attribute;
using wire::ldap::Filter;

constexpr std::array<std::pair<std::string_view, std::string_view>, 14> kStaff = {{
    {"Olivia", "Bennett"},
    {"Noah", "Carter"},
    {"Emma", "Foster"},
    {"Liam", "Hughes"},
    {"Ava", "Jenkins"},
    {"Mason", "Kelly"},
    {"Sophia", "Morgan"},
    {"Lucas", "Price"},
    {"Isabella", "Reed"},
    {"Ethan", "Shaw"},
    {"Mia", "Turner"},
    {"James", "Walsh"},
    {"Charlotte", "Young"},
    {"Henry", "Lowe"},
}};
constexpr std::array<std::string_view, 6> kDepartments = {"Finance", "IT",    "Sales",
                                                          "HR",      "Legal", "Operations"};

// A small deterministic generator over the decky's seed (stable across restarts).
struct Rng {
    std::uint64_t state;
    std::uint64_t next() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    }
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
};

std::string generalized_time(std::int64_t epoch) {
    const auto t = static_cast<std::time_t>(epoch);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%d%H%M%S.0Z", &tm);
    return buf;
}

// Windows FILETIME (100 ns since 1601) as AD writes pwdLastSet and lastLogonTimestamp.
std::string filetime(std::int64_t epoch) {
    return std::to_string((epoch + 11644473600LL) * 10000000LL);
}

std::string sid_bytes(const std::array<std::uint32_t, 3>& domain, std::uint32_t rid,
                      bool builtin = false) {
    std::string out;
    out += '\x01';
    out += static_cast<char>(builtin ? 2 : 5);
    out += std::string("\0\0\0\0\0\x05", 6);
    const auto put = [&out](std::uint32_t v) {
        for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
    };
    if (builtin) {
        put(32);
        put(rid);
        return out;
    }
    put(21);
    for (const auto d : domain) put(d);
    put(rid);
    return out;
}

std::string guid_bytes(Rng& rng) {
    std::string out;
    for (int i = 0; i < 2; ++i) {
        const auto v = rng.next();
        for (int b = 0; b < 8; ++b) out += static_cast<char>((v >> (8 * b)) & 0xff);
    }
    return out;
}

std::string dc_base(std::string_view domain, bool upper) {
    std::string out;
    while (!domain.empty()) {
        const auto dot = domain.find('.');
        out += (out.empty() ? "" : ",") + std::string(upper ? "DC=" : "dc=") +
               std::string(domain.substr(0, dot));
        if (dot == std::string_view::npos) break;
        domain.remove_prefix(dot + 1);
    }
    return out;
}

std::string parent_of(std::string_view normalized) {
    // The RDN ends at the first unescaped comma.
    for (std::size_t i = 0; i < normalized.size(); ++i) {
        if (normalized[i] == '\\') {
            ++i;
            continue;
        }
        if (normalized[i] == ',') return std::string(normalized.substr(i + 1));
    }
    return {};
}

class Builder {
  public:
    Builder(Directory& d) : d_(d) {}
    Entry& add(std::string dn) {
        d_.entries.push_back({std::move(dn), {}});
        return d_.entries.back();
    }

  private:
    Directory& d_;
};

void put(Entry& e, std::string name, std::vector<std::string> values) {
    e.attributes.emplace_back(std::move(name), std::move(values));
}
void put(Entry& e, std::string name, std::string value) {
    e.attributes.push_back({std::move(name), {std::move(value)}});
}

struct Person {
    std::string sam, given, sn, department;
    bool admin = false;
};

std::vector<Person> people_of(const DeckyWorld& world, Rng& rng) {
    std::vector<Person> out;
    for (const auto& u : world.accounts.users) {
        if (!u.person || u.name == "root") continue;
        Person p;
        p.sam = u.name;
        const auto gecos = std::string_view(u.gecos).substr(0, u.gecos.find(','));
        const auto space = gecos.find(' ');
        p.given = space == std::string_view::npos ? std::string(gecos.empty() ? u.name : gecos)
                                                  : std::string(gecos.substr(0, space));
        p.sn = space == std::string_view::npos ? p.given : std::string(gecos.substr(space + 1));
        p.department = "IT";
        p.admin = true;
        out.push_back(std::move(p));
    }
    const std::size_t staff = 8 + rng.below(5);
    std::size_t start = rng.below(kStaff.size());
    for (std::size_t i = 0; i < staff; ++i) {
        const auto& [given, sn] = kStaff[(start + i) % kStaff.size()];
        Person p;
        p.given = std::string(given);
        p.sn = std::string(sn);
        p.sam = ascii_lower(p.given.substr(0, 1) + p.sn);
        p.department = std::string(kDepartments[rng.below(kDepartments.size())]);
        bool duplicate = false;
        for (const auto& q : out) duplicate = duplicate || q.sam == p.sam;
        if (!duplicate) out.push_back(std::move(p));
    }
    return out;
}

std::string short_host(const std::string& hostname) {
    return hostname.substr(0, hostname.find('.'));
}

// ---- Active Directory --------------------------------------------------------------------

void build_active_directory(Directory& d, const DeckyWorld& world, std::int64_t now, Rng& rng) {
    const std::string& base = d.base;
    const std::string host = ascii_upper(short_host(world.hostname));
    const std::array<std::uint32_t, 3> sid = {
        static_cast<std::uint32_t>(1000000000 + rng.below(2000000000)),
        static_cast<std::uint32_t>(1000000000 + rng.below(2000000000)),
        static_cast<std::uint32_t>(1000000000 + rng.below(2000000000))};
    const std::string schema = "CN=Schema,CN=Configuration," + base;
    const auto category = [&](std::string_view cls) {
        return "CN=" + std::string(cls) + "," + schema;
    };
    const auto created = world.host.install_time;
    std::uint32_t usn = 4000;
    const auto stamp = [&](Entry& e, std::string_view cls, std::int64_t when) {
        put(e, "whenCreated", generalized_time(when));
        put(e, "whenChanged",
            generalized_time(when + 86400 * static_cast<std::int64_t>(rng.below(300))));
        put(e, "uSNCreated", std::to_string(usn += 13));
        put(e, "objectGUID", guid_bytes(rng));
        put(e, "objectCategory", category(cls));
        put(e, "distinguishedName", e.dn);
    };
    Builder b(d);

    auto& root = b.add(base);
    put(root, "objectClass", std::vector<std::string>{"top", "domain", "domainDNS"});
    put(root, "dc", ascii_lower(d.domain.substr(0, d.domain.find('.'))));
    put(root, "name", d.domain.substr(0, d.domain.find('.')));
    put(root, "objectSid", std::string(sid_bytes(sid, 0).substr(0, 24)));
    put(root, "ms-DS-MachineAccountQuota", "10");
    put(root, "minPwdLength", "7");
    put(root, "lockoutThreshold", "0");
    put(root, "maxPwdAge", "-36288000000000");
    put(root, "fSMORoleOwner",
        "CN=NTDS Settings,CN=" + host +
            ",CN=Servers,CN=Default-First-Site-Name,CN=Sites,"
            "CN=Configuration," +
            base);
    stamp(root, "Domain-DNS", created);

    for (const auto& [rdn, cls, cat, description] : std::array<std::array<std::string_view, 4>, 5>{{
             {"CN=Users", "container", "Container", "Default container for upgraded user accounts"},
             {"CN=Computers", "container", "Container",
              "Default container for upgraded computer accounts"},
             {"OU=Domain Controllers", "organizationalUnit", "Organizational-Unit",
              "Default container for domain controllers"},
             {"CN=Builtin", "builtinDomain", "Builtin-Domain", ""},
             {"OU=Service Accounts", "organizationalUnit", "Organizational-Unit",
              "Application and service accounts"},
         }}) {
        auto& e = b.add(std::string(rdn) + "," + base);
        put(e, "objectClass", std::vector<std::string>{"top", std::string(cls)});
        put(e, rdn.starts_with("OU") ? "ou" : "cn", std::string(rdn.substr(3)));
        put(e, "name", std::string(rdn.substr(3)));
        if (!description.empty()) put(e, "description", std::string(description));
        stamp(e, cat, created);
    }

    const std::string users = "CN=Users," + base;
    std::vector<std::string> domain_admins, remote_users, all_users;
    std::uint32_t rid = 1103;
    const auto user = [&](const std::string& container, const std::string& sam,
                          const std::string& given, const std::string& sn, std::uint32_t user_rid,
                          std::uint32_t uac, std::string description) -> Entry& {
        const std::string cn = given.empty() ? sam : given + (sn.empty() ? "" : " " + sn);
        auto& e = b.add("CN=" + cn + "," + container);
        put(e, "objectClass",
            std::vector<std::string>{"top", "person", "organizationalPerson", "user"});
        put(e, "cn", cn);
        if (!sn.empty()) put(e, "sn", sn);
        if (!given.empty()) put(e, "givenName", given);
        put(e, "displayName", cn);
        put(e, "name", cn);
        if (!description.empty()) put(e, "description", std::move(description));
        put(e, "sAMAccountName", sam);
        put(e, "userPrincipalName", sam + "@" + d.domain);
        put(e, "userAccountControl", std::to_string(uac));
        put(e, "objectSid", sid_bytes(sid, user_rid));
        put(e, "primaryGroupID", "513");
        put(e, "sAMAccountType", "805306368");
        const auto when = created + 86400 * static_cast<std::int64_t>(1 + rng.below(400));
        put(e, "pwdLastSet", filetime(now - 86400 * static_cast<std::int64_t>(rng.below(90))));
        put(e, "lastLogonTimestamp",
            filetime(now - 3600 * static_cast<std::int64_t>(rng.below(24 * 14))));
        put(e, "badPwdCount", "0");
        put(e, "logonCount", std::to_string(rng.below(900)));
        stamp(e, "Person", when);
        all_users.push_back(e.dn);
        return e;
    };

    auto& admin = user(users, "Administrator", "", "", 500, 66048,
                       "Built-in account for administering the computer/domain");
    put(admin, "adminCount", "1");
    // Entry references die with the next add (the vector grows): keep the DNs.
    const std::string admin_dn = admin.dn;
    domain_admins.push_back(admin_dn);
    user(users, "Guest", "", "", 501, 66082,
         "Built-in account for guest access to the computer/domain");
    auto& krbtgt =
        user(users, "krbtgt", "", "", 502, 514, "Key Distribution Center Service Account");
    put(krbtgt, "servicePrincipalName", "kadmin/changepw");
    put(krbtgt, "adminCount", "1");

    for (const auto& p : people_of(world, rng)) {
        auto& e = user(users, p.sam, p.given, p.sn, rid++, 66048, "");
        put(e, "mail", p.sam + "@" + d.domain);
        put(e, "department", p.department);
        put(e, "title", p.admin ? "Systems Administrator" : p.department + " Specialist");
        if (p.admin) {
            put(e, "adminCount", "1");
            domain_admins.push_back(e.dn);
        }
        remote_users.push_back(e.dn);
    }

    // Service accounts: SPNs (kerberoastable), one without pre-authentication (AS-REP).
    const std::string services = "OU=Service Accounts," + base;
    const auto lan_fqdn = [&](std::string_view name) {
        return world.host.neighbour(name).name + "." + d.domain;
    };
    auto& sql = user(services, "svc_sql", "", "", rid++, 66048, "SQL Server service account");
    put(sql, "servicePrincipalName",
        std::vector<std::string>{"MSSQLSvc/" + lan_fqdn("db01") + ":1433",
                                 "MSSQLSvc/" + lan_fqdn("db01")});
    const std::string sql_dn = sql.dn;
    auto& web = user(services, "svc_web", "", "", rid++, 66048, "IIS application pool identity");
    put(web, "servicePrincipalName",
        std::vector<std::string>{
            "HTTP/" + lan_fqdn("jenkins"),
            "HTTP/" + ascii_lower(world.hostname.substr(0, world.hostname.find('.'))) + "." +
                d.domain});
    auto& backup =
        user(services, "svc_backup", "", "", rid++, 66048, "Veeam backup agent - do not disable");
    put(backup, "servicePrincipalName", "backup/" + lan_fqdn("backup01"));
    put(backup, "adminCount", "1");
    const std::string backup_dn = backup.dn;
    user(services, "svc_scan", "", "", rid++, 4260352, "Legacy scanner (no Kerberos preauth)");

    // Groups.
    const auto group = [&](const std::string& container, std::string_view name,
                           std::uint32_t group_rid, std::string_view description,
                           const std::vector<std::string>& members, bool builtin = false) {
        auto& e = b.add("CN=" + std::string(name) + "," + container);
        put(e, "objectClass", std::vector<std::string>{"top", "group"});
        put(e, "cn", std::string(name));
        put(e, "name", std::string(name));
        put(e, "sAMAccountName", std::string(name));
        if (!description.empty()) put(e, "description", std::string(description));
        if (!members.empty()) put(e, "member", members);
        put(e, "groupType", builtin ? "-2147483643" : "-2147483646");
        put(e, "sAMAccountType", builtin ? "536870912" : "268435456");
        put(e, "objectSid", sid_bytes(sid, group_rid, builtin));
        stamp(e, "Group", created);
    };
    group(users, "Domain Admins", 512, "Designated administrators of the domain", domain_admins);
    group(users, "Domain Users", 513, "All domain users", {});
    group(users, "Domain Computers", 515, "All workstations and servers joined to the domain", {});
    group(users, "Domain Controllers", 516, "All domain controllers in the domain", {});
    group(users, "Schema Admins", 518, "Designated administrators of the schema", {admin_dn});
    group(users, "Enterprise Admins", 519, "Designated administrators of the enterprise",
          {admin_dn});
    group(users, "SQL Admins", rid++, "DBA team", {sql_dn, domain_admins.back()});
    const std::string builtin = "CN=Builtin," + base;
    group(builtin, "Administrators", 544, "Administrators have complete and unrestricted access",
          {admin_dn, "CN=Domain Admins," + users, "CN=Enterprise Admins," + users}, true);
    group(builtin, "Backup Operators", 551, "Backup Operators can override security restrictions",
          {backup_dn}, true);
    group(builtin, "Remote Desktop Users", 555, "Members are granted the right to logon remotely",
          remote_users, true);

    // Computers: this DC and the LAN's hosts.
    const auto computer = [&](const std::string& container, const std::string& name,
                              std::uint32_t uac, std::string_view os, std::string_view version,
                              std::vector<std::string> spns) {
        const std::string upper = ascii_upper(name);
        auto& e = b.add("CN=" + upper + "," + container);
        put(e, "objectClass",
            std::vector<std::string>{"top", "person", "organizationalPerson", "user", "computer"});
        put(e, "cn", upper);
        put(e, "name", upper);
        put(e, "sAMAccountName", upper + "$");
        put(e, "dNSHostName", ascii_lower(name) + "." + d.domain);
        put(e, "userAccountControl", std::to_string(uac));
        put(e, "operatingSystem", std::string(os));
        put(e, "operatingSystemVersion", std::string(version));
        put(e, "sAMAccountType", "805306369");
        put(e, "objectSid", sid_bytes(sid, rid++));
        put(e, "servicePrincipalName", std::move(spns));
        put(e, "lastLogonTimestamp",
            filetime(now - 3600 * static_cast<std::int64_t>(rng.below(72))));
        stamp(e, "Computer", created);
    };
    const std::string fqdn = ascii_lower(short_host(world.hostname)) + "." + d.domain;
    computer("OU=Domain Controllers," + base, short_host(world.hostname), 532480,
             "Windows Server 2019 Standard", "10.0 (17763)",
             {"ldap/" + fqdn, "ldap/" + fqdn + "/" + d.domain, "HOST/" + fqdn,
              "GC/" + fqdn + "/" + d.domain, "RestrictedKrbHost/" + fqdn, "DNS/" + fqdn});
    for (const auto& neighbour : world.host.lan) {
        if (neighbour.name == "gateway" ||
            ascii_lower(neighbour.name) == ascii_lower(short_host(world.hostname)))
            continue;
        const std::string n_fqdn = neighbour.name + "." + d.domain;
        computer("CN=Computers," + base, neighbour.name, 4096, "Windows Server 2016 Standard",
                 "10.0 (14393)", {"HOST/" + n_fqdn, "HOST/" + ascii_upper(neighbour.name)});
    }
    (void)all_users;
}

// ---- OpenLDAP ----------------------------------------------------------------------------

void build_openldap(Directory& d, const DeckyWorld& world, Rng& rng) {
    const std::string& base = d.base;
    Builder b(d);
    auto& root = b.add(base);
    const std::string org = d.domain.substr(0, d.domain.find('.'));
    put(root, "objectClass", std::vector<std::string>{"top", "dcObject", "organization"});
    put(root, "o", org);
    put(root, "dc", org);
    auto& admin = b.add("cn=admin," + base);
    put(admin, "objectClass",
        std::vector<std::string>{"simpleSecurityObject", "organizationalRole"});
    put(admin, "cn", "admin");
    put(admin, "description", "LDAP administrator");
    for (const auto ou : {"people", "groups", "services"}) {
        auto& e = b.add("ou=" + std::string(ou) + "," + base);
        put(e, "objectClass", std::vector<std::string>{"top", "organizationalUnit"});
        put(e, "ou", std::string(ou));
    }
    std::vector<std::string> admins, staff;
    std::uint32_t uid = 10000;
    const auto account = [&](const std::string& ou, const std::string& name,
                             const std::string& given, const std::string& sn,
                             std::string description) -> Entry& {
        auto& e = b.add("uid=" + name + ",ou=" + ou + "," + base);
        put(e, "objectClass",
            std::vector<std::string>{"top", "inetOrgPerson", "posixAccount", "shadowAccount"});
        put(e, "uid", name);
        put(e, "cn", given.empty() ? name : given + " " + sn);
        put(e, "sn", sn.empty() ? name : sn);
        if (!given.empty()) put(e, "givenName", given);
        put(e, "uidNumber", std::to_string(uid));
        put(e, "gidNumber", std::to_string(ou == "people" ? 10000 : 10100));
        put(e, "homeDirectory", (ou == "people" ? "/home/" : "/var/lib/") + name);
        put(e, "loginShell", ou == "people" ? "/bin/bash" : "/usr/sbin/nologin");
        if (ou == "people") put(e, "mail", name + "@" + d.domain);
        if (!description.empty()) put(e, "description", std::move(description));
        ++uid;
        return e;
    };
    for (const auto& p : people_of(world, rng)) {
        auto& e = account("people", p.sam, p.given, p.sn, "");
        put(e, "departmentNumber", p.department);
        (p.admin ? admins : staff).push_back(p.sam);
    }
    account("services", "svc_backup", "", "", "Backup agent - temp pwd Backup2024!");
    account("services", "svc_jenkins", "", "", "Jenkins CI bind account");
    account("services", "svc_nextcloud", "", "", "Nextcloud LDAP user backend");
    const auto group = [&](std::string_view name, std::uint32_t gid,
                           const std::vector<std::string>& members) {
        auto& e = b.add("cn=" + std::string(name) + ",ou=groups," + base);
        put(e, "objectClass", std::vector<std::string>{"top", "posixGroup"});
        put(e, "cn", std::string(name));
        put(e, "gidNumber", std::to_string(gid));
        if (!members.empty()) put(e, "memberUid", members);
    };
    group("staff", 10000, staff);
    group("admins", 10001, admins);
    group("sudo", 10002, admins);
    group("services", 10100, {"svc_backup", "svc_jenkins", "svc_nextcloud"});
    (void)world;
}

void root_dse_ad(Directory& d, const DeckyWorld& world, std::int64_t now) {
    const std::string& base = d.base;
    const std::string host = ascii_upper(short_host(world.hostname));
    const std::string config = "CN=Configuration," + base;
    const std::string server =
        "CN=" + host + ",CN=Servers,CN=Default-First-Site-Name,CN=Sites," + config;
    auto& e = d.root_dse;
    put(e, "currentTime", generalized_time(now));
    put(e, "subschemaSubentry", "CN=Aggregate,CN=Schema," + config);
    put(e, "dsServiceName", "CN=NTDS Settings," + server);
    put(e, "namingContexts",
        std::vector<std::string>{base, config, "CN=Schema," + config, "DC=DomainDnsZones," + base,
                                 "DC=ForestDnsZones," + base});
    put(e, "defaultNamingContext", base);
    put(e, "rootDomainNamingContext", base);
    put(e, "configurationNamingContext", config);
    put(e, "schemaNamingContext", "CN=Schema," + config);
    put(e, "serverName", server);
    put(e, "supportedControl",
        std::vector<std::string>{
            "1.2.840.113556.1.4.319",  "1.2.840.113556.1.4.801",  "1.2.840.113556.1.4.473",
            "1.2.840.113556.1.4.528",  "1.2.840.113556.1.4.417",  "1.2.840.113556.1.4.619",
            "1.2.840.113556.1.4.841",  "1.2.840.113556.1.4.529",  "1.2.840.113556.1.4.805",
            "1.2.840.113556.1.4.521",  "1.2.840.113556.1.4.970",  "1.2.840.113556.1.4.1338",
            "1.2.840.113556.1.4.474",  "1.2.840.113556.1.4.1339", "1.2.840.113556.1.4.1340",
            "1.2.840.113556.1.4.1413", "2.16.840.1.113730.3.4.9", "2.16.840.1.113730.3.4.10",
            "1.2.840.113556.1.4.1504", "1.2.840.113556.1.4.1852", "1.2.840.113556.1.4.802",
            "1.2.840.113556.1.4.1907", "1.2.840.113556.1.4.1948", "1.2.840.113556.1.4.1974",
            "1.2.840.113556.1.4.1341", "1.2.840.113556.1.4.2026", "1.2.840.113556.1.4.2064",
            "1.2.840.113556.1.4.2065", "1.2.840.113556.1.4.2066", "1.2.840.113556.1.4.2090",
            "1.2.840.113556.1.4.2205", "1.2.840.113556.1.4.2204", "1.2.840.113556.1.4.2206",
            "1.2.840.113556.1.4.2211", "1.2.840.113556.1.4.2239", "1.2.840.113556.1.4.2255",
            "1.2.840.113556.1.4.2256", "1.2.840.113556.1.4.2309"});
    put(e, "supportedLDAPVersion", std::vector<std::string>{"3", "2"});
    put(e, "supportedLDAPPolicies",
        std::vector<std::string>{"MaxPoolThreads",
                                 "MaxPercentDirSyncRequests",
                                 "MaxDatagramRecv",
                                 "MaxReceiveBuffer",
                                 "InitRecvTimeout",
                                 "MaxConnections",
                                 "MaxConnIdleTime",
                                 "MaxPageSize",
                                 "MaxBatchReturnMessages",
                                 "MaxQueryDuration",
                                 "MaxDirSyncDuration",
                                 "MaxTempTableSize",
                                 "MaxResultSetSize",
                                 "MinResultSets",
                                 "MaxResultSetsPerConn",
                                 "MaxNotificationPerConn",
                                 "MaxValRange",
                                 "MaxValRangeTransitive",
                                 "ThreadMemoryLimit",
                                 "SystemMemoryLimitPercent"});
    put(e, "highestCommittedUSN", std::to_string(90000 + world.host.seed % 400000));
    put(e, "supportedSASLMechanisms",
        std::vector<std::string>{"GSSAPI", "GSS-SPNEGO", "EXTERNAL", "DIGEST-MD5"});
    put(e, "dnsHostName", d.dns_host_name);
    put(e, "ldapServiceName", d.domain + ":" + ascii_lower(host) + "$@" + ascii_upper(d.domain));
    put(e, "supportedCapabilities",
        std::vector<std::string>{"1.2.840.113556.1.4.800", "1.2.840.113556.1.4.1670",
                                 "1.2.840.113556.1.4.1791", "1.2.840.113556.1.4.1935",
                                 "1.2.840.113556.1.4.2080", "1.2.840.113556.1.4.2237"});
    put(e, "isSynchronized", "TRUE");
    put(e, "isGlobalCatalogReady", "TRUE");
    put(e, "domainFunctionality", "7");
    put(e, "forestFunctionality", "7");
    put(e, "domainControllerFunctionality", "7");
}

void root_dse_openldap(Directory& d) {
    auto& e = d.root_dse;
    put(e, "objectClass", std::vector<std::string>{"top", "OpenLDAProotDSE"});
    // Operational attributes: returned only when asked for by name or with "+".
    put(e, "structuralObjectClass", "OpenLDAProotDSE");
    put(e, "configContext", "cn=config");
    put(e, "namingContexts", d.base);
    put(e, "supportedControl",
        std::vector<std::string>{"2.16.840.1.113730.3.4.18", "2.16.840.1.113730.3.4.2",
                                 "1.3.6.1.4.1.4203.1.10.1", "1.3.6.1.1.22",
                                 "1.2.840.113556.1.4.319", "1.2.826.0.1.3344810.2.3",
                                 "1.3.6.1.1.13.2", "1.3.6.1.1.13.1", "1.3.6.1.1.12"});
    put(e, "supportedExtension",
        std::vector<std::string>{"1.3.6.1.4.1.1466.20037", "1.3.6.1.4.1.4203.1.11.1",
                                 "1.3.6.1.4.1.4203.1.11.3", "1.3.6.1.1.8"});
    put(e, "supportedFeatures",
        std::vector<std::string>{"1.3.6.1.1.14", "1.3.6.1.4.1.4203.1.5.1", "1.3.6.1.4.1.4203.1.5.2",
                                 "1.3.6.1.4.1.4203.1.5.3", "1.3.6.1.4.1.4203.1.5.4",
                                 "1.3.6.1.4.1.4203.1.5.5"});
    put(e, "supportedLDAPVersion", "3");
    put(e, "supportedSASLMechanisms", std::vector<std::string>{"DIGEST-MD5", "CRAM-MD5"});
    put(e, "entryDN", "");
    put(e, "subschemaSubentry", "cn=Subschema");
}

bool equal_values(std::string_view attribute, std::string_view stored, std::string_view asserted) {
    if (iequals(attribute, "objectCategory") && asserted.find('=') == std::string_view::npos) {
        // AD's defaultObjectCategory shorthand: (objectCategory=person), (objectCategory=user).
        const std::string_view wanted = iequals(asserted, "user") ? "person" : asserted;
        const auto comma = stored.find(',');
        return stored.size() > 3 && iequals(stored.substr(3, comma - 3), wanted);
    }
    if (iequals(attribute, "distinguishedName") || iequals(attribute, "member") ||
        iequals(attribute, "memberOf"))
        return normalize_dn(stored) == normalize_dn(asserted);
    return iequals(stored, asserted);
}

std::optional<std::int64_t> number(std::string_view s) {
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
}

bool substring_match(const Filter& f, std::string_view value) {
    const std::string v = ascii_lower(value);
    std::size_t pos = 0;
    if (f.initial) {
        const auto init = ascii_lower(*f.initial);
        if (!v.starts_with(init)) return false;
        pos = init.size();
    }
    for (const auto& any : f.any) {
        const auto a = ascii_lower(any);
        const auto at = v.find(a, pos);
        if (at == std::string::npos) return false;
        pos = at + a.size();
    }
    if (f.final_) {
        const auto fin = ascii_lower(*f.final_);
        if (v.size() < pos + fin.size() || !v.ends_with(fin)) return false;
    }
    return true;
}

// memberOf is computed from the groups' member lists (as AD does), not stored.
bool is_operational(std::string_view name) {
    return iequals(name, "structuralObjectClass") || iequals(name, "configContext") ||
           iequals(name, "namingContexts") || iequals(name, "supportedControl") ||
           iequals(name, "supportedExtension") || iequals(name, "supportedFeatures") ||
           iequals(name, "supportedLDAPVersion") || iequals(name, "supportedSASLMechanisms") ||
           iequals(name, "entryDN") || iequals(name, "subschemaSubentry");
}

void add_member_of(Entry& target, const std::string& group) {
    for (auto& [type, values] : target.attributes)
        if (type == "memberOf") {
            values.push_back(group);
            return;
        }
    put(target, "memberOf", group);
}

}  // namespace

const std::vector<std::string>* Entry::find(std::string_view name) const {
    for (const auto& [type, values] : attributes)
        if (iequals(type, name)) return &values;
    return nullptr;
}

std::string normalize_dn(std::string_view dn) {
    std::string out;
    out.reserve(dn.size());
    bool after_separator = true;
    for (std::size_t i = 0; i < dn.size(); ++i) {
        const char c = dn[i];
        if (c == ' ' && after_separator) continue;
        if (c == ',' || c == '=') {
            while (!out.empty() && out.back() == ' ') out.pop_back();
            out += c;
            after_separator = true;
            continue;
        }
        after_separator = false;
        out += ascii_lower(c);
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

const Entry* Directory::find(std::string_view dn) const {
    const auto wanted = normalize_dn(dn);
    for (const auto& e : entries)
        if (normalize_dn(e.dn) == wanted) return &e;
    return nullptr;
}

std::string Directory::best_match(std::string_view dn) const {
    std::string candidate = normalize_dn(dn);
    while (!candidate.empty()) {
        candidate = parent_of(candidate);
        if (const auto* e = find(candidate)) return e->dn;
    }
    return {};
}

bool in_scope(const Entry& entry, const std::string& base, std::int64_t scope) {
    const auto dn = normalize_dn(entry.dn);
    if (scope == 0) return dn == base;
    if (scope == 1) return parent_of(dn) == base;
    return dn == base || (dn.size() > base.size() && dn.ends_with(base) &&
                          dn[dn.size() - base.size() - 1] == ',');
}

bool matches(const Filter& f, const Entry& entry) {
    switch (f.kind) {
        case Filter::Kind::and_:
            for (const auto& c : f.children)
                if (!matches(c, entry)) return false;
            return true;
        case Filter::Kind::or_:
            for (const auto& c : f.children)
                if (matches(c, entry)) return true;
            return false;
        case Filter::Kind::not_:
            return f.children.size() == 1 && !matches(f.children[0], entry);
        case Filter::Kind::present:
            return iequals(f.attribute, "objectClass") || entry.find(f.attribute) != nullptr;
        default:
            break;
    }
    const auto* values = entry.find(f.attribute);
    if (!values) return false;
    for (const auto& v : *values) {
        switch (f.kind) {
            case Filter::Kind::equality:
            case Filter::Kind::approx:
                if (equal_values(f.attribute, v, f.value)) return true;
                break;
            case Filter::Kind::substrings:
                if (substring_match(f, v)) return true;
                break;
            case Filter::Kind::greater_or_equal:
            case Filter::Kind::less_or_equal: {
                const auto a = number(v), b = number(f.value);
                const int cmp = a && b ? (*a < *b   ? -1
                                          : *a > *b ? 1
                                                    : 0)
                                       : ascii_lower(v).compare(ascii_lower(f.value));
                if (f.kind == Filter::Kind::greater_or_equal ? cmp >= 0 : cmp <= 0) return true;
                break;
            }
            case Filter::Kind::extensible: {
                // AD's bitwise rules (LDAP_MATCHING_RULE_BIT_AND / _OR); others as equality.
                const auto a = number(v), b = number(f.value);
                if (f.matching_rule == "1.2.840.113556.1.4.803" && a && b) {
                    if ((*a & *b) == *b) return true;
                } else if (f.matching_rule == "1.2.840.113556.1.4.804" && a && b) {
                    if ((*a & *b) != 0) return true;
                } else if (equal_values(f.attribute, v, f.value)) {
                    return true;
                }
                break;
            }
            default:
                break;
        }
    }
    return false;
}

std::vector<wire::ldap::Attribute> select(const Entry& entry,
                                          const std::vector<std::string>& requested) {
    const bool all =
        requested.empty() || std::find(requested.begin(), requested.end(), "*") != requested.end();
    const bool operational = std::find(requested.begin(), requested.end(), "+") != requested.end();
    const bool root_dse = entry.dn.empty();
    std::vector<wire::ldap::Attribute> out;
    for (const auto& attribute : entry.attributes) {
        bool wanted = false;
        // OpenLDAP's rootDSE keeps its operational attributes for "+" or by name.
        const bool hidden = root_dse && is_operational(attribute.first) &&
                            entry.find("structuralObjectClass") != nullptr;
        if (all && !hidden) wanted = true;
        if (operational && hidden) wanted = true;
        for (const auto& r : requested)
            if (iequals(r, attribute.first)) wanted = true;
        if (wanted) out.push_back(attribute);
    }
    return out;
}

Directory make_directory(const DeckyWorld& world, bool active_directory, std::int64_t now) {
    Directory d;
    d.active_directory = active_directory;
    d.domain = ascii_lower(!world.domain.empty() ? world.domain : world.host.domain);
    d.base = dc_base(d.domain, active_directory);
    d.netbios = ascii_upper(d.domain.substr(0, d.domain.find('.'))).substr(0, 15);
    d.dns_host_name = ascii_lower(short_host(world.hostname)) + "." + d.domain;
    Rng rng{world.host.seed | 1};
    if (active_directory) {
        root_dse_ad(d, world, now);
        build_active_directory(d, world, now, rng);
        // memberOf, as AD computes it from each group's members.
        for (auto& e : d.entries) {
            const auto* members = e.find("member");
            if (!members) continue;
            for (const auto& m : *members)
                for (auto& target : d.entries)
                    if (normalize_dn(target.dn) == normalize_dn(m)) {
                        add_member_of(target, e.dn);
                    }
        }
    } else {
        root_dse_openldap(d);
        build_openldap(d, world, rng);
    }
    return d;
}

}  // namespace decnet::honeypot::ldap
