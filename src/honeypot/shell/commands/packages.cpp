// apt, apt-get, yum, dnf: the package tools of the decky's family, failing as a host with
// no route to its mirrors does (name resolution), or on the dpkg lock for a non-root user;
// the other family's tools are not installed.
#include "honeypot/shell/commands/support.hpp"
#include "honeypot/world/decky_world.hpp"
#include "honeypot/world/distro_files.hpp"

namespace decnet::honeypot::shell::cmd {

namespace {

std::string not_found(const Invocation& inv) {
    return inv.state.error_prefix + ": " + inv.name() + ": command not found\n";
}

// Ubuntu's archive or Debian's deb.debian.org with the release's codename.
std::pair<std::string, std::string> mirror(const ShellState& state) {
    const auto& d = state.world.distro;
    if (d == "ubuntu22") return {"http://archive.ubuntu.com/ubuntu", "jammy"};
    if (d == "ubuntu20") return {"http://archive.ubuntu.com/ubuntu", "focal"};
    if (d == "kali") return {"http://http.kali.org/kali", "kali-rolling"};
    return {"http://deb.debian.org/debian", "bookworm"};
}

}  // namespace

boost::asio::awaitable<int> apt(Invocation& inv) {
    auto& state = inv.state;
    if (!available(state, inv.name())) {
        inv.write_err(not_found(inv));
        co_return 127;
    }
    const auto args = parse_args(inv.argv);
    const std::string verb = args.operands.empty() ? "" : args.operands[0];
    if (verb.empty()) {
        inv.write_out(
            "apt 2.6.1 (amd64)\nUsage: apt [options] command\n\nMost used commands:\n  list - list "
            "packages based on package names\n  search - search in package descriptions\n  show - "
            "show package details\n  install - install packages\n  remove - remove packages\n  "
            "update - update list of available packages\n  upgrade - upgrade the system by "
            "installing/upgrading packages\n");
        co_return 1;
    }
    const bool changes = verb == "update" || verb == "install" || verb == "upgrade" ||
                         verb == "remove" || verb == "purge" || verb == "dist-upgrade" ||
                         verb == "full-upgrade";
    if (changes && state.uid != 0) {
        if (verb == "update")
            inv.write_err(
                "E: Could not open lock file /var/lib/apt/lists/lock - open (13: Permission "
                "denied)\nE: Unable to lock directory /var/lib/apt/lists/\n");
        else
            inv.write_err(
                "E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission "
                "denied)\nE: Unable to acquire the dpkg frontend lock "
                "(/var/lib/dpkg/lock-frontend), are you root?\n");
        co_return 100;
    }
    const auto [url, codename] = mirror(state);
    const std::string host = url.substr(7, url.find('/', 7) - 7);
    if (verb == "update") {
        // apt prints its warnings after the progress lines: all on stdout here, in that order.
        inv.write_out("Err:1 " + url + " " + codename +
                      " InRelease\n  Temporary failure resolving '" + host +
                      "'\nReading package lists... Done\n");
        inv.write_out("W: Failed to fetch " + url + "/dists/" + codename +
                      "/InRelease  Temporary failure resolving '" + host +
                      "'\nW: Some index files failed to download. They have been ignored, or old "
                      "ones used instead.\n");
        co_return 0;
    }
    inv.write_out(
        "Reading package lists... Done\nBuilding dependency tree... Done\nReading state "
        "information... Done\n");
    if (verb == "install" && args.operands.size() > 1) {
        inv.write_out("E: Unable to locate package " + args.operands[1] +
                      "\n");  // after the progress
        co_return 100;
    }
    if (verb == "upgrade" || verb == "dist-upgrade" || verb == "full-upgrade") {
        inv.write_out(
            "Calculating upgrade... Done\n0 upgraded, 0 newly installed, 0 to remove and 0 not "
            "upgraded.\n");
        co_return 0;
    }
    co_return 0;
}

boost::asio::awaitable<int> yum(Invocation& inv) {
    auto& state = inv.state;
    if (!available(state, inv.name())) {
        inv.write_err(not_found(inv));
        co_return 127;
    }
    if (state.uid != 0) {
        inv.write_err(
            "Error: This command has to be run with superuser privileges (under the root user on "
            "most systems).\n");
        co_return 1;
    }
    const std::string repo = state.world.distro == "centos7" ? "base" : "baseos";
    inv.write_err(
        "Errors during downloading metadata for repository '" + repo +
        "':\n  - Curl error (6): Couldn't resolve host name for "
        "https://mirrors.rockylinux.org/mirrorlist?arch=x86_64&repo=BaseOS-9 [Could not resolve "
        "host: mirrors.rockylinux.org]\nError: Failed to download metadata for repo '" +
        repo +
        "': Cannot prepare internal mirrorlist: Curl error (6): Couldn't resolve host name\n");
    co_return 1;
}

}  // namespace decnet::honeypot::shell::cmd
