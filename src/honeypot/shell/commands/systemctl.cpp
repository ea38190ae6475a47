// systemctl and service: the decky's few core units (ssh, cron, rsyslog, …) answer as
// running; any other unit is not found, worded as systemd and sysvinit's wrapper say it.
#include <array>

#include "honeypot/shell/commands/support.hpp"
#include "honeypot/world/decky_world.hpp"
#include "honeypot/world/distro_files.hpp"

namespace decnet::honeypot::shell::cmd {

namespace {

constexpr std::array<std::string_view, 10> kUnits = {"ssh",
                                                     "sshd",
                                                     "cron",
                                                     "crond",
                                                     "rsyslog",
                                                     "networking",
                                                     "dbus",
                                                     "systemd-journald",
                                                     "systemd-logind",
                                                     "telnet"};

std::string unit_name(std::string name) {
    if (name.ends_with(".service")) name.resize(name.size() - 8);
    return name;
}

bool known(const std::string& unit) {
    for (const auto u : kUnits)
        if (u == unit) return true;
    return false;
}

std::string status_text(const ShellState& state, const std::string& unit) {
    const auto boot = state.world.host.boot_time(state.login_time);
    char since[64];
    const std::time_t t = boot;
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::strftime(since, sizeof since, "%a %Y-%m-%d %H:%M:%S UTC", &tm);
    return "\u25cf " + unit + ".service\n     Loaded: loaded (/lib/systemd/system/" + unit +
           ".service; enabled; vendor preset: enabled)\n     Active: active (running) since " +
           since + "\n   Main PID: " + std::to_string(400 + unit.size() * 37) + " (" + unit + ")\n";
}

}  // namespace

boost::asio::awaitable<int> systemctl(Invocation& inv) {
    auto& state = inv.state;
    const auto args = parse_args(inv.argv, "", "");
    if (args.operands.empty()) {
        inv.write_out("  UNIT                      LOAD   ACTIVE SUB     DESCRIPTION\n");
        for (const auto u : kUnits)
            if (u != "sshd" && u != "crond" && u != "telnet")
                inv.write_out("  " + std::string(u) + ".service" +
                              std::string(std::max<int>(1, 26 - int(u.size()) - 8), ' ') +
                              "loaded active running " + std::string(u) + "\n");
        co_return 0;
    }
    const auto& verb = args.operands[0];
    int status = 0;
    for (std::size_t i = 1; i < args.operands.size(); ++i) {
        const auto unit = unit_name(args.operands[i]);
        if (!known(unit)) {
            if (verb == "status")
                inv.write_err("Unit " + unit + ".service could not be found.\n");
            else
                inv.write_err("Failed to " + verb + " " + unit + ".service: Unit " + unit +
                              ".service not found.\n");
            status = verb == "status" ? 4 : 5;
            continue;
        }
        if (verb == "status")
            inv.write_out(status_text(state, unit));
        else if (verb == "is-active")
            inv.write_out("active\n");
        else if (verb == "is-enabled")
            inv.write_out("enabled\n");
        else if (state.uid != 0) {
            inv.write_err("Failed to " + verb + " " + unit + ".service: Access denied\n");
            status = 1;
        }
    }
    co_return status;
}

boost::asio::awaitable<int> service(Invocation& inv) {
    if (inv.argv.size() < 2) {
        inv.write_err(
            "Usage: service < option > | --status-all | [ service_name [ command | --full-restart "
            "] ]\n");
        co_return 1;
    }
    if (inv.argv[1] == "--status-all") {
        for (const auto u : {"cron", "dbus", "networking", "rsyslog", "ssh"})
            inv.write_out(" [ + ]  " + std::string(u) + "\n");
        co_return 0;
    }
    const auto unit = unit_name(inv.argv[1]);
    if (!known(unit)) {
        inv.write_err(unit + ": unrecognized service\n");
        co_return 1;
    }
    if (inv.argv.size() > 2 && inv.argv[2] == "status") inv.write_out(status_text(inv.state, unit));
    co_return 0;
}

}  // namespace decnet::honeypot::shell::cmd
