// python, python3, perl: the version the decky has installed (python3.11, perl 5.36), and a
// script, -c or -e "runs" and ends without output; python 2 is only on CentOS 7.
#include "honeypot/shell/commands/support.hpp"
#include "honeypot/world/decky_world.hpp"

namespace decnet::honeypot::shell::cmd {

boost::asio::awaitable<int> python(Invocation& inv) {
    if (!available(inv.state, inv.name())) {
        inv.write_err(inv.state.error_prefix + ": " + inv.name() + ": command not found\n");
        co_return 127;
    }
    const bool two = inv.name() == "python";
    const std::string version = two ? "Python 2.7.5" : "Python 3.11.2";
    for (std::size_t i = 1; i < inv.argv.size(); ++i) {
        const auto& a = inv.argv[i];
        if (a == "-V" || a == "--version") {
            // Python 2 printed its version on stderr.
            if (two)
                inv.write_err(version + "\n");
            else
                inv.write_out(version + "\n");
            co_return 0;
        }
        if (a == "-c" || a == "-m") co_return 0;
        if (!a.starts_with('-')) {
            auto read = read_for_command(inv.state, a);
            if (!read.ok()) {
                inv.write_err(inv.name() + ": can't open file '" + absolute_path(inv.state, a) +
                              "': [Errno 2] No such file or directory\n");
                co_return 2;
            }
            co_return 0;
        }
    }
    co_return 0;
}

boost::asio::awaitable<int> perl(Invocation& inv) {
    for (std::size_t i = 1; i < inv.argv.size(); ++i) {
        const auto& a = inv.argv[i];
        if (a == "-v" || a == "--version") {
            inv.write_out(
                "\nThis is perl 5, version 36, subversion 0 (v5.36.0) built for "
                "x86_64-linux-gnu-thread-multi\n(with 60 registered patches, see perl -V for more "
                "detail)\n\nCopyright 1987-2022, Larry Wall\n\nPerl may be copied only under the "
                "terms of either the Artistic License or the\nGNU General Public License, which "
                "may be found in the Perl 5 source kit.\n\nComplete documentation for Perl, "
                "including FAQ lists, should be found on\nthis system using \"man perl\" or "
                "\"perldoc perl\".  If you have access to the\nInternet, point your browser at "
                "https://www.perl.org/, the Perl Home Page.\n\n");
            co_return 0;
        }
        if (a == "-e" || a == "-E") co_return 0;
        if (!a.starts_with('-')) {
            auto read = read_for_command(inv.state, a);
            if (!read.ok()) {
                inv.write_err("Can't open perl script \"" + a + "\": " + read.error + "\n");
                co_return 2;
            }
            co_return 0;
        }
    }
    co_return 0;
}

}  // namespace decnet::honeypot::shell::cmd
