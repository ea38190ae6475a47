// Bait content of a Linux decky (see bait_files.hpp).
#include "honeypot/world/bait_files.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "honeypot/world/decky_world.hpp"
#include "honeypot/world/distro_files.hpp"
#include "honeypot/world/fake_filesystem.hpp"

namespace decnet::honeypot {
namespace {

using namespace std::string_view_literals;

constexpr std::array<std::string_view, 8> kApps = {"shop", "crm",  "portal",   "billing",
                                                   "erp",  "wiki", "intranet", "helpdesk"};
// A valid, empty gzip stream: bait archives that open cleanly.
constexpr std::string_view kEmptyGzip =
    "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x03\x00\x00\x00\x00\x00\x00\x00\x00\x00"sv;

std::string base64_chars(Rng& rng, std::size_t n) {
    static constexpr std::string_view kChars =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out += kChars[rng.below(kChars.size())];
    return out;
}

std::string upper_alnum(Rng& rng, std::size_t n) {
    static constexpr std::string_view kChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out += kChars[rng.below(kChars.size())];
    return out;
}

// Mtime of bait: some time between install and the last activity.
std::int64_t between(const BaitContext& b, Rng& rng) {
    const auto span = b.activity - b.oldest;
    return b.oldest + (span > 0 ? static_cast<std::int64_t>(rng.below(span)) : 0);
}

std::string bashrc(const DistroFiles& distro) {
    if (distro.family == DistroFamily::rhel)
        return "# .bashrc\n\n# Source global definitions\nif [ -f /etc/bashrc ]; then\n"
               "\t. /etc/bashrc\nfi\n\n# User specific environment\n"
               "if ! [[ \"$PATH\" =~ \"$HOME/.local/bin:$HOME/bin:\" ]]\nthen\n"
               "    PATH=\"$HOME/.local/bin:$HOME/bin:$PATH\"\nfi\nexport PATH\n\n"
               "# User specific aliases and functions\nalias rm='rm -i'\nalias cp='cp -i'\n"
               "alias mv='mv -i'\n";
    return "# ~/.bashrc: executed by bash(1) for non-login shells.\n\n"
           "# If not running interactively, don't do anything\ncase $- in\n    *i*) ;;\n"
           "      *) return;;\nesac\n\nHISTCONTROL=ignoreboth\nshopt -s histappend\n"
           "HISTSIZE=1000\nHISTFILESIZE=2000\nshopt -s checkwinsize\n\n"
           "if [ -x /usr/bin/dircolors ]; then\n"
           "    test -r ~/.dircolors && eval \"$(dircolors -b ~/.dircolors)\" || eval "
           "\"$(dircolors -b)\"\n    alias ls='ls --color=auto'\n    alias grep='grep "
           "--color=auto'\nfi\n\nalias ll='ls -alF'\nalias la='ls -A'\nalias l='ls -CF'\n\n"
           "if [ -f ~/.bash_aliases ]; then\n    . ~/.bash_aliases\nfi\n";
}

std::string profile(const DistroFiles& distro) {
    if (distro.family == DistroFamily::rhel)
        return "# .bash_profile\n\n# Get the aliases and functions\nif [ -f ~/.bashrc ]; then\n"
               "\t. ~/.bashrc\nfi\n\n# User specific environment and startup programs\n";
    return "# ~/.profile: executed by the command interpreter for login shells.\n\n"
           "if [ -n \"$BASH_VERSION\" ]; then\n    if [ -f \"$HOME/.bashrc\" ]; then\n"
           "\t. \"$HOME/.bashrc\"\n    fi\nfi\n\nif [ -d \"$HOME/bin\" ] ; then\n"
           "    PATH=\"$HOME/bin:$PATH\"\nfi\n";
}

std::string package_update(const DistroFiles& distro) {
    switch (distro.family) {
        case DistroFamily::rhel:
            return "dnf update -y";
        case DistroFamily::alpine:
            return "apk update && apk upgrade";
        case DistroFamily::arch:
            return "pacman -Syu";
        case DistroFamily::debian:
            break;
    }
    return "apt update && apt upgrade -y";
}

std::string history(const PersonaUser& user, const BaitContext& b, Rng& rng) {
    const auto& w = b.world;
    const auto& distro = distro_files(w.distro);
    const bool root = user.uid == 0;
    std::vector<std::string> lines = {package_update(distro), "df -h", "free -m",
                                      "systemctl status sshd", "ss -tlnp"};
    if (root) {
        lines.insert(lines.end(),
                     {"cat /root/.env", "vim /root/scripts/backup.sh",
                      "bash /root/scripts/backup.sh", "ls -la /root/backups", "crontab -l"});
    } else {
        lines.insert(lines.end(), {"sudo -i", "ssh-keygen -t ed25519",
                                   "ssh-copy-id " + user.name + "@" + b.host("backup01").ip});
    }
    if (w.archetype == "database-server")
        lines.insert(lines.end(), {"mysql -u root -p", "systemctl restart mysql",
                                   "redis-cli -a '" + b.db_password + "' info"});
    const bool rhel = distro.family == DistroFamily::rhel;
    if (w.archetype == "web-server" || w.archetype == "linux-server")
        lines.insert(lines.end(), {rhel ? "tail -f /var/log/httpd/access_log"
                                        : "tail -f /var/log/apache2/access.log",
                                   "vim /var/www/html/config.php",
                                   rhel ? "systemctl reload httpd" : "systemctl reload apache2"});
    if (w.archetype == "file-server")
        lines.insert(lines.end(), {"smbstatus", "vim /etc/samba/smb.conf", "ls /srv/samba"});
    if (w.archetype == "devops-host")
        lines.insert(lines.end(),
                     {"docker ps", "docker login registry." + b.domain, "kubectl get pods -A"});
    lines.push_back("ssh " + std::string(root ? "root" : user.name) + "@" + b.host("db01").ip);
    lines.push_back("scp backup.tar.gz " + b.host("backup01").name + ":/srv/backups/");
    lines.push_back("ping -c 3 " + b.host("dc01").ip);
    // Stable shuffle so two deckies do not share an identical history.
    for (std::size_t i = lines.size(); i > 1; --i) std::swap(lines[i - 1], lines[rng.below(i)]);
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
}

std::string known_hosts(const BaitContext& b, Rng& rng) {
    std::string out;
    const auto& lan = b.world.host.lan;
    for (std::size_t i = 1; i < lan.size(); ++i) {
        const auto& h = lan[i];
        if (rng.below(3) == 0) continue;
        out += h.name + "." + b.domain + "," + h.ip + " ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" +
               base64_chars(rng, 43) + "\n";
        if (rng.below(2) == 0)
            out += h.ip +
                   " ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAA" +
                   "BBB" + base64_chars(rng, 88) + "=\n";
    }
    return out;
}

std::string private_key(Rng& rng) {
    std::string out = "-----BEGIN OPENSSH PRIVATE KEY-----\n";
    out += "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n";
    for (int i = 0; i < 5; ++i) out += base64_chars(rng, 70) + "\n";
    out += base64_chars(rng, 16) + "\n-----END OPENSSH PRIVATE KEY-----\n";
    return out;
}

}  // namespace

const LanHost& BaitContext::host(std::string_view name) const {
    return world.host.neighbour(name);
}

Rng BaitContext::rng(std::uint64_t salt) const {
    return Rng(world.host.seed ^ (salt * 0x9e3779b97f4a7c15ULL));
}

BaitContext make_bait_context(const DeckyWorld& world, std::int64_t now) {
    BaitContext b{world, world.host.domain, {}, {}, 0, 0};
    Rng rng = b.rng(1);
    b.app = kApps[rng.below(kApps.size())];
    static constexpr std::string_view kDbWords = "SecretPassword!";
    b.db_password = std::string(kDbWords.substr(0, 6 + rng.below(3))) +
                    std::to_string(100 + rng.below(900)) + (rng.below(2) ? "!" : "#");
    b.oldest = world.host.install_time;
    const auto busy = static_cast<std::int64_t>(60 * 86400 + rng.below(400 * 86400));
    b.activity = std::min<std::int64_t>(b.oldest + busy, now - 86400);
    if (b.activity < b.oldest) b.activity = b.oldest;
    return b;
}

void add_home(FakeFilesystem& fs, const PersonaUser& user, const BaitContext& b) {
    const auto& distro = distro_files(b.world.distro);
    Rng rng = b.rng(stable_hash(user.name));
    const FsMeta own{0644, user.uid, user.gid, b.oldest};
    const FsMeta secret{0600, user.uid, user.gid, between(b, rng)};
    const std::string& home = user.home;
    fs.add_dir(home, {user.uid == 0 ? 0700u : (distro.slug == "ubuntu22" ? 0750u : 0700u), user.uid,
                      user.gid, b.activity});
    fs.add_file(home + "/.bashrc", bashrc(distro), own);
    fs.add_file(home + (distro.family == DistroFamily::rhel ? "/.bash_profile" : "/.profile"),
                profile(distro), own);
    if (user.uid != 0) fs.add_file(home + "/.bash_logout", "# ~/.bash_logout\n", own);
    fs.add_file(home + "/.bash_history", history(user, b, rng),
                {0600, user.uid, user.gid, b.activity});
    fs.add_dir(home + "/.ssh", {0700, user.uid, user.gid, between(b, rng)});
    fs.add_file(home + "/.ssh/known_hosts", known_hosts(b, rng),
                {0644, user.uid, user.gid, between(b, rng)});
    if (user.uid != 0) {
        fs.add_file(home + "/.ssh/id_ed25519", private_key(rng), secret);
        fs.add_file(home + "/.ssh/id_ed25519.pub",
                    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + base64_chars(rng, 43) + " " +
                        user.name + "@" + b.world.hostname + "\n",
                    own);
        fs.add_file(home + "/notes.txt",
                    "TODO\n- rotate the db password (still " + b.db_password +
                        ")\n"
                        "- move backups to " +
                        b.host("backup01").name + "." + b.domain + "\n- vpn: " + user.name + " / " +
                        user.password + "\n",
                    {0644, user.uid, user.gid, between(b, rng)});
    } else {
        fs.add_file(home + "/.ssh/authorized_keys",
                    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + base64_chars(rng, 43) + " " +
                        b.world.accounts.admin_user().name + "@" + b.host("jenkins").name + "\n",
                    secret);
    }
}

void add_root_bait(FakeFilesystem& fs, const BaitContext& b) {
    Rng rng = b.rng(2);
    const auto& db = b.host("db01");
    const auto& backup = b.host("backup01");
    const auto when = between(b, rng);
    fs.add_file("/root/.env",
                "DB_HOST=" + db.ip + "\nDB_USER=" + b.app + "\nDB_PASS=" + b.db_password +
                    "\nDB_NAME=" + b.app + "_prod\nAWS_ACCESS_KEY_ID=AKIA" + upper_alnum(rng, 16) +
                    "\nAWS_SECRET_ACCESS_KEY=" + base64_chars(rng, 40) + "\n",
                {0600, 0, 0, when});
    fs.add_dir("/root/scripts", {0755, 0, 0, when});
    fs.add_file("/root/scripts/backup.sh",
                "#!/bin/bash\n# nightly dump, see crontab -l\nset -e\nDATE=$(date +%F)\n"
                "mysqldump -h " +
                    db.ip + " -u root -p'" + b.world.accounts.users[0].password +
                    "' --all-databases > /root/backups/db.sql\n"
                    "tar czf /root/backups/etc-$DATE.tar.gz /etc\n"
                    "rsync -a /root/backups/ backup@" +
                    backup.ip + ":/srv/backups/" + b.world.hostname +
                    "/\nfind /root/backups -mtime +14 -delete\n",
                {0755, 0, 0, when});
    fs.add_dir("/root/backups", {0755, 0, 0, b.activity});
    fs.add_file("/root/backups/db.sql",
                "-- MySQL dump 10.13  Distrib 8.0.35, for Linux (x86_64)\n--\n-- Host: " + db.ip +
                    "    Database: " + b.app +
                    "_prod\n"
                    "-- ------------------------------------------------------\n\n"
                    "CREATE TABLE `users` (\n  `id` int NOT NULL AUTO_INCREMENT,\n"
                    "  `email` varchar(255) NOT NULL,\n  `password_hash` varchar(255) NOT NULL,\n"
                    "  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n\n"
                    "INSERT INTO `users` VALUES (1,'admin@" +
                    b.domain + "','$2y$10$" + base64_chars(rng, 53) + "');\n",
                {0644, 0, 0, b.activity});
}

void add_web_root(FakeFilesystem& fs, const BaitContext& b) {
    const auto& w = b.world;
    const auto& root = w.paths.web_root;
    Rng rng = b.rng(3);
    const std::uint32_t www = w.accounts.find("www-data") ? w.accounts.find("www-data")->uid
                              : w.accounts.find("apache") ? w.accounts.find("apache")->uid
                                                          : 0;
    const bool webby = w.archetype == "web-server" || w.archetype == "linux-server" ||
                       w.archetype == "devops-host";
    fs.add_dir(root, {0755, 0, 0, between(b, rng)});
    if (!webby) {
        fs.add_file(root + "/index.html",
                    "<html><body><h1>It works!</h1>\n<p>This is the default web page for this "
                    "server.</p>\n</body></html>\n",
                    {0644, 0, 0, b.oldest});
        return;
    }
    const std::string title = b.app;
    fs.add_file(root + "/index.html",
                "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
                    title + " &middot; " + b.domain + "</title>\n</head>\n<body>\n<h1>" + title +
                    "</h1>\n<p>Internal " + title + " service. Sign in with your " + b.domain +
                    " account.</p>\n<form method=\"post\" action=\"/login.php\">\n"
                    "<input name=\"username\"> <input name=\"password\" type=\"password\">\n"
                    "<button>Sign in</button>\n</form>\n<!-- " +
                    w.hostname + " -->\n</body>\n</html>\n",
                {0644, www, www, between(b, rng)});
    fs.add_file(root + "/config.php",
                "<?php\n// Database settings -- do not commit\ndefine('DB_HOST', '" +
                    b.host("db01").ip + "');\ndefine('DB_NAME', '" + b.app +
                    "_prod');\ndefine('DB_USER', '" + b.app + "');\ndefine('DB_PASSWORD', '" +
                    b.db_password + "');\n$site_url = 'http://" + w.hostname + "/';\n",
                {0640, www, www, between(b, rng)});
    fs.add_file(root + "/.htpasswd",
                "admin:$apr1$" + base64_chars(rng, 8) + "$" + base64_chars(rng, 22) + "\n",
                {0644, www, www, between(b, rng)});
    fs.add_file(root + "/robots.txt", "User-agent: *\nDisallow: /admin/\nDisallow: /backup/\n",
                {0644, www, www, b.oldest});
    fs.add_dir(root + "/backup", {0755, www, www, b.activity});
    fs.add_file(root + "/backup/site-" + std::to_string(b.activity / 86400) + ".tar.gz",
                std::string(kEmptyGzip), {0644, www, www, b.activity});
}

void add_ftp_root(FakeFilesystem& fs, const BaitContext& b) {
    const auto& w = b.world;
    const auto& root = w.paths.ftp_root;
    Rng rng = b.rng(4);
    const auto& admin = w.accounts.admin_user();
    fs.add_dir(root, {0755, 0, 0, b.oldest});
    fs.add_file(root + "/backup.tar.gz", std::string(kEmptyGzip), {0644, 0, 0, between(b, rng)});
    fs.add_file(root + "/config.ini",
                "[database]\nuser = " + b.app + "\npassword = " + b.db_password +
                    "\nhost = " + b.host("db01").ip + "\n",
                {0644, 0, 0, between(b, rng)});
    fs.add_file(root + "/credentials.txt",
                "admin:" + w.accounts.users[0].password + "\n" + admin.name + ":" + admin.password +
                    "\nbackup:" + b.db_password + "\n",
                {0644, 0, 0, between(b, rng)});
    fs.add_file(root + "/db_dump.sql",
                "CREATE TABLE users (id INT, username VARCHAR(50), password VARCHAR(50));\n"
                "INSERT INTO users VALUES (1, 'admin', 'pbkdf2:sha256:600000$" +
                    base64_chars(rng, 16) + "$" + base64_chars(rng, 64) + "');\n",
                {0644, 0, 0, between(b, rng)});
}

void add_tftp_root(FakeFilesystem& fs, const BaitContext& b) {
    const auto& root = b.world.paths.tftp_root;
    const std::string config = "!\nhostname " + b.world.hostname +
                               "\nenable secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0\n"
                               "username admin privilege 15 password 7 0822455D0A16\n"
                               "snmp-server community public RO\n!\nend\n";
    fs.add_dir(root, {0755, 0, 0, b.oldest});
    fs.add_file(root + "/startup-config", config, {0644, 0, 0, b.activity});
    fs.add_file(root + "/running-config", config, {0644, 0, 0, b.activity});
    fs.add_file(root + "/pxelinux.cfg/default",
                "DEFAULT install\nLABEL install\n  KERNEL vmlinuz\n  APPEND initrd=initrd.img\n",
                {0644, 0, 0, b.oldest});
}

void add_shares(FakeFilesystem& fs, const BaitContext& b) {
    if (b.world.archetype != "file-server") return;
    Rng rng = b.rng(5);
    const auto& admin = b.world.accounts.admin_user();
    const std::string year = std::to_string(1970 + b.activity / 31556952);
    const FsMeta file{0664, admin.uid, admin.gid, 0};
    auto at = [&](FsMeta m) {
        m.mtime = between(b, rng);
        return m;
    };
    std::string smb = "[global]\n   workgroup = " + std::string("CORP") +
                      "\n   server string = %h server\n   security = user\n"
                      "   map to guest = bad user\n\n";
    for (const char* share : {"Finance", "HR", "IT", "Backups", "Public"}) {
        fs.add_dir(std::string("/srv/samba/") + share, {02775, admin.uid, admin.gid, b.activity});
        smb += std::string("[") + share + "]\n   path = /srv/samba/" + share +
               "\n   read only = no\n" +
               (std::string_view(share) == "Public" ? "   guest ok = yes\n" : "") + "\n";
    }
    fs.add_file("/etc/samba/smb.conf", smb, {0644, 0, 0, b.oldest});
    fs.add_file("/srv/samba/Finance/budget_" + year + ".csv",
                "department,q1,q2,q3,q4\nsales,120000,135000,128000,150000\n"
                "it,45000,38000,52000,41000\nhr,22000,21000,23500,24000\n",
                at(file));
    fs.add_file("/srv/samba/Finance/payroll_" + year + ".csv",
                "employee,iban,monthly\n" + admin.gecos.substr(0, admin.gecos.find(',')) +
                    ",DE89370400440532013000,5120\n",
                at(file));
    fs.add_file("/srv/samba/HR/employees.csv",
                "name,email,phone\n" + admin.name + "," + admin.name + "@" + b.domain +
                    ",+1-555-01" + std::to_string(10 + rng.below(89)) + "\n",
                at(file));
    fs.add_file("/srv/samba/IT/network_passwords.txt",
                "# keep this updated!\nfw01 admin / " + b.db_password + "\nswitch-core admin / " +
                    b.world.accounts.users[0].password + "\nwifi-guest / Welcome" + year + "\n" +
                    b.host("dc01").name + " Administrator / " + admin.password + "\n",
                at(file));
    fs.add_file("/srv/samba/Backups/" + b.world.hostname + "-etc.tar.gz", std::string(kEmptyGzip),
                at(file));
    fs.add_file("/srv/samba/Public/README.txt",
                "Shared drive. Please do not store passwords here.\n-- IT\n", at(file));
    fs.add_file("/srv/samba/Finance/q3.xlsx", xlsx_stub("Q3 revenue by region"),
                {file.mode, file.uid, file.gid, b.activity});
}

void add_service_configs(FakeFilesystem& fs, const BaitContext& b) {
    const auto& w = b.world;
    Rng rng = b.rng(6);
    const auto& root_password = w.accounts.users[0].password;
    if (w.archetype == "database-server") {
        fs.add_file("/root/.my.cnf", "[client]\nuser=root\npassword=" + root_password + "\n",
                    {0600, 0, 0, between(b, rng)});
        fs.add_file("/root/.mysql_history",
                    "show databases;\nuse " + b.app +
                        "_prod;\nselect * from users limit 10;\n"
                        "CREATE USER '" +
                        b.app + "'@'%' IDENTIFIED BY '" + b.db_password +
                        "';\n"
                        "GRANT ALL ON " +
                        b.app + "_prod.* TO '" + b.app + "'@'%';\n",
                    {0600, 0, 0, b.activity});
        fs.add_file(
            "/etc/redis/redis.conf",
            "bind 0.0.0.0\nport 6379\nrequirepass " + b.db_password + "\ndir /var/lib/redis\n",
            {0640, 0, 0, b.oldest});
        fs.add_dir("/var/lib/mysql/" + b.app + "_prod", {0700, 0, 0, b.activity});
    }
    if (w.archetype == "devops-host")
        fs.add_file("/root/.docker/config.json",
                    "{\n\t\"auths\": {\n\t\t\"registry." + b.domain + "\": {\n\t\t\t\"auth\": \"" +
                        base64_chars(rng, 32) + "\"\n\t\t}\n\t}\n}\n",
                    {0600, 0, 0, between(b, rng)});
    if (w.archetype == "mail-server")
        fs.add_file("/etc/postfix/sasl_passwd",
                    "[smtp." + b.domain + "]:587 relay@" + b.domain + ":" + b.db_password + "\n",
                    {0600, 0, 0, between(b, rng)});
    std::string cron = "# m h  dom mon dow   command\n30 2 * * * /root/scripts/backup.sh\n";
    fs.add_file("/var/spool/cron/crontabs/root", cron, {0600, 0, 0, between(b, rng)});
}

std::string xlsx_stub(std::string_view text) {
    std::string out;
    const auto u16 = [&out](unsigned v) {
        out.push_back(static_cast<char>(v & 0xFF));
        out.push_back(static_cast<char>(v >> 8));
    };
    // One 30-byte local file header per member, in the order Excel writes them.
    const auto member = [&](std::string_view name) {
        out.append("PK\x03\x04", 4);
        u16(20);               // version needed: 2.0
        u16(0x0006);           // flags as Excel writes them
        u16(8);                // deflate
        u16(0);                // time
        u16(0x0021);           // date: 1980-01-01, what Excel stores for its members
        out.append(12, '\0');  // CRC-32 and sizes: zero, only the start of the file is there
        u16(static_cast<unsigned>(name.size()));
        u16(0);  // no extra field
        out += name;
    };
    member("[Content_Types].xml");
    out += text;
    out.append(16, '\0');
    member("_rels/.rels");
    out.append(16, '\0');
    member("xl/workbook.xml");
    out.append(32, '\0');
    return out;
}

}  // namespace decnet::honeypot
