// The Windows tree of a decky (see windows_tree.hpp).
#include "honeypot/world/windows_tree.hpp"

#include <array>
#include <string_view>

#include "honeypot/world/bait_files.hpp"
#include "honeypot/world/decky_world.hpp"
#include "honeypot/world/fake_filesystem.hpp"

namespace decnet::honeypot {
namespace {

constexpr std::array<std::string_view, 16> kDirs = {
    "/C/Windows/System32/config",
    "/C/Windows/System32/drivers/etc",
    "/C/Windows/SysWOW64",
    "/C/Windows/Temp",
    "/C/Windows/Logs",
    "/C/Program Files/Common Files",
    "/C/Program Files/Windows Defender",
    "/C/Program Files/Internet Explorer",
    "/C/Program Files (x86)/Microsoft",
    "/C/ProgramData/Microsoft",
    "/C/Users/Public/Documents",
    "/C/Users/Default",
    "/C/PerfLogs",
    "/C/inetpub/logs/LogFiles",
    "/C/inetpub/ftproot",
    "/C/TFTP-Root",
};

std::string crlf(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c == '\n') out += '\r';
        out += c;
    }
    return out;
}

void add_profile(FakeFilesystem& fs, const std::string& user, const std::string& password,
                 const BaitContext& b, std::int64_t when) {
    const std::string home = "/C/Users/" + user;
    for (const char* dir : {"/Desktop", "/Documents", "/Downloads", "/Pictures", "/AppData/Local",
                            "/AppData/Roaming/Microsoft/Windows/PowerShell/PSReadLine"})
        fs.add_dir(home + dir, {0755, 0, 0, when});
    fs.add_file(home + "/NTUSER.DAT", std::string("regf") + std::string(4092, '\0'),
                {0644, 0, 0, when});
    fs.add_file(
        home +
            "/AppData/Roaming/Microsoft/Windows/PowerShell/PSReadLine/"
            "ConsoleHost_history.txt",
        crlf("Get-ADUser -Filter * | Select-Object Name\n"
             "Enter-PSSession -ComputerName " +
             b.host("db01").name +
             "\n"
             "net use Z: \\\\" +
             b.host("fs01").name + "\\Finance /user:" + b.domain + "\\" + user + " " + password +
             "\n"
             "Invoke-Sqlcmd -ServerInstance " +
             b.host("db01").ip +
             " -Username sa "
             "-Password '" +
             b.db_password +
             "' -Query 'SELECT @@version'\n"
             "Restart-Service W3SVC\n"),
        {0644, 0, 0, b.activity});
    fs.add_file(home + "/Desktop/passwords.txt",
                crlf("vpn: " + user + " / " + password + "\nsql sa: " + b.db_password +
                     "\nwifi: Welcome2024!\n"),
                {0644, 0, 0, b.activity});
    fs.add_file(
        home + "/Documents/IT-handover.txt",
        crlf("Servers\n-------\n" + b.host("dc01").name + "." + b.domain + "  " +
             b.host("dc01").ip + "  domain controller\n" + b.host("db01").name + "." + b.domain +
             "  " + b.host("db01").ip + "  SQL Server\n" + b.host("backup01").name + "." +
             b.domain + "  " + b.host("backup01").ip + "  Veeam\n"),
        {0644, 0, 0, when});
}

// A file server's shares (C:\Shares\<name>): what smb offers besides the $ shares.
void add_file_shares(FakeFilesystem& fs, const std::string& user, const BaitContext& b) {
    const std::string year = std::to_string(1970 + b.activity / 31556952);
    fs.add_dir("/C/Shares/Finance", {0755, 0, 0, b.activity});
    fs.add_file("/C/Shares/Finance/q3.xlsx", xlsx_stub("Q3 revenue by region"),
                {0644, 0, 0, b.activity});
    fs.add_file("/C/Shares/Finance/Payroll_" + year + ".csv",
                crlf("employee,iban,monthly\n" + user + ",DE89370400440532013000,5120\n"),
                {0644, 0, 0, b.activity});
    fs.add_file("/C/Shares/Backups/README.txt",
                crlf("Nightly backups of " + b.host("db01").name + " land here (Veeam job " +
                     "SQL-Nightly). Ask IT before deleting.\n"),
                {0644, 0, 0, b.oldest});
    fs.add_dir("/C/Shares/Public", {0755, 0, 0, b.oldest});
}

}  // namespace

WorldPaths windows_paths() {
    return {"/C/inetpub/ftproot", "/C/TFTP-Root", "/C/inetpub/wwwroot", "/C/Users/Administrator"};
}

std::shared_ptr<FakeFilesystem> build_windows_tree(const DeckyWorld& w, std::int64_t now) {
    auto fs = std::make_shared<FakeFilesystem>(w.host.install_time);
    const BaitContext b = make_bait_context(w, now);
    for (const auto dir : kDirs) fs->add_dir(dir);
    fs->add_file("/C/Windows/win.ini",
                 crlf("; for 16-bit app support\n[fonts]\n[extensions]\n[mci extensions]\n"
                      "[files]\n[Mail]\nMAPI=1\n"));
    fs->add_file("/C/Windows/System32/drivers/etc/hosts",
                 crlf("# Copyright (c) 1993-2009 Microsoft Corp.\n#\n# This is a sample HOSTS "
                      "file used by Microsoft TCP/IP for Windows.\n#\n"
                      "# localhost name resolution is handled within DNS itself.\n"
                      "#\t127.0.0.1       localhost\n#\t::1             localhost\n"));
    fs->add_file("/C/Windows/System32/config/SAM", std::string("regf") + std::string(8188, '\0'));
    fs->add_file("/C/Windows/System32/config/SYSTEM",
                 std::string("regf") + std::string(8188, '\0'));
    add_profile(*fs, "Administrator", w.accounts.users[0].password, b, b.oldest);
    const auto& admin = w.accounts.admin_user();
    add_profile(*fs, admin.name, admin.password, b, b.activity);
    fs->add_file("/C/inetpub/wwwroot/iisstart.htm",
                 crlf("<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\">\n<html>\n"
                      "<head>\n<title>IIS Windows Server</title>\n</head>\n<body>\n"
                      "<div id=\"container\"><img src=\"iisstart.png\" alt=\"IIS\"></div>\n"
                      "</body>\n</html>\n"),
                 {0644, 0, 0, b.oldest});
    fs->add_file("/C/inetpub/wwwroot/index.html", fs->read("/C/inetpub/wwwroot/iisstart.htm").value,
                 {0644, 0, 0, b.oldest});
    fs->add_file(
        "/C/inetpub/wwwroot/web.config",
        crlf("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>\n"
             "  <connectionStrings>\n    <add name=\"Default\" connectionString=\"Server=" +
             b.host("db01").ip + ";Database=" + b.app + ";User Id=" + b.app +
             ";Password=" + b.db_password +
             ";\" />\n  </connectionStrings>\n"
             "</configuration>\n"),
        {0644, 0, 0, b.activity});
    fs->add_file("/C/inetpub/ftproot/readme.txt",
                 crlf("Drop scans here. Files older than 30 days are deleted.\n"),
                 {0644, 0, 0, b.oldest});
    // A TFTP server's usual contents: the switches' configs it backs up.
    const std::string switch_config =
        "!\nhostname " + w.hostname + "\nenable secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0\n!\nend\n";
    fs->add_file("/C/TFTP-Root/startup-config", switch_config, {0644, 0, 0, b.activity});
    fs->add_file("/C/TFTP-Root/running-config", switch_config, {0644, 0, 0, b.activity});
    if (w.archetype == "windows-server") add_file_shares(*fs, admin.name, b);
    if (w.archetype == "domain-controller") {
        const std::string policies = "/C/Windows/SYSVOL/sysvol/" + b.domain + "/Policies";
        // Group Policy Preferences with a cpassword: the classic find (MS14-025).
        fs->add_file(policies +
                         "/{31B2F340-016D-11D2-945F-00C04FB984F9}/Machine/Preferences/Groups/"
                         "Groups.xml",
                     crlf("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Groups clsid=\"{3125E937-"
                          "EB16-4b4c-9934-544FC6D24D26}\"><User clsid=\"{DF5F1855-51E5-4d24-8B1A-"
                          "D9BDE98BA1D1}\" name=\"LocalAdmin\"><Properties action=\"U\" "
                          "cpassword=\"j1Uyj3Vx8TY9LtLZil2uAuZkFQA/4latT76ZwgdHdhw\" "
                          "userName=\"LocalAdmin\"/></User></Groups>\n"),
                     {0644, 0, 0, b.oldest});
        fs->add_file("/C/Windows/SYSVOL/sysvol/" + b.domain + "/scripts/logon.bat",
                     crlf("@echo off\nnet use S: \\\\" + b.host("fs01").name + "\\Shared\n"),
                     {0644, 0, 0, b.oldest});
    }
    return fs;
}

}  // namespace decnet::honeypot
