// The interpreter's redirections (see interpreter.hpp): `>`/`>>` create or extend files in
// the session's overlay (never the host), `<`, here-strings and here-documents feed stdin,
// `2>&1`/`>&2` join the streams, /dev/null swallows.
#include "honeypot/shell/interpreter.hpp"
#include "honeypot/shell/redirected.hpp"
#include "honeypot/shell/shell_state.hpp"
#include "honeypot/world/fs_overlay.hpp"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace decnet::honeypot::shell {

using boost::asio::awaitable;

namespace {

using Target = RedirectTarget;

// What a file name means as a redirection target.
Target target_of(const std::string& path, bool append) {
    if (path == "/dev/null" || path == "/dev/zero") return {Target::Kind::null, "", false};
    if (path == "/dev/stdout" || path == "/dev/fd/1") return {Target::Kind::parent_out, "", false};
    if (path == "/dev/stderr" || path == "/dev/fd/2") return {Target::Kind::parent_err, "", false};
    return {Target::Kind::file, path, append};
}

}  // namespace

awaitable<bool> Interpreter::open_redirects(const std::vector<Redirect>& redirects, Io& outer,
                                            Redirected& r) {
    for (const auto& redirect : redirects) {
        if (redirect.op == RedirectOp::here_doc) {
            if (redirect.here_quoted)
                r.input = redirect.here_doc;
            else
                r.input = co_await expand_here_doc(redirect.here_doc, outer);
            r.has_input = true;
            continue;
        }
        const std::string word = co_await expand_word(redirect.target, outer);
        switch (redirect.op) {
            case RedirectOp::here_string:
                r.input = word + "\n";
                r.has_input = true;
                break;
            case RedirectOp::in: {
                const auto body = state_.fs.read(word, state_.scope());
                if (!body && word != "/dev/null") {
                    const auto why = body.error == FsError::is_dir ? FsError::is_dir : body.error;
                    const std::string err = state_.error_prefix + ": " + word + ": " +
                                            std::string(fs_error_text(why)) + "\n";
                    co_await put(outer, "", err);
                    co_return false;
                }
                r.input = body ? body.value : "";
                r.has_input = true;
                break;
            }
            case RedirectOp::dup_out: {
                const bool to_err = word == "2";
                const bool to_out = word == "1";
                if (!to_err && !to_out) break;  // >&- and other descriptors: ignored
                auto& from = redirect.fd == 2 ? r.fd2 : r.fd1;
                from = to_err ? r.fd2 : r.fd1;
                if (from.kind == Target::Kind::file) from.append = true;
                break;
            }
            case RedirectOp::out:
            case RedirectOp::append: {
                if (word.empty()) {
                    const std::string err = state_.error_prefix + ": : No such file or directory\n";
                    co_await put(outer, "", err);
                    co_return false;
                }
                const bool append = redirect.op == RedirectOp::append;
                auto target = target_of(word, append);
                if (target.kind == Target::Kind::file) {
                    // The file exists (or is emptied) before the command runs, as bash does.
                    const auto error = state_.fs.write(word, "", state_.scope(), true);
                    FsError truncated = FsError::ok;
                    if (error == FsError::ok && !append)
                        truncated = state_.fs.write(word, "", state_.scope());
                    const auto failed = error != FsError::ok ? error : truncated;
                    if (failed != FsError::ok) {
                        const std::string err = state_.error_prefix + ": " + word + ": " +
                                                std::string(fs_error_text(failed)) + "\n";
                        co_await put(outer, "", err);
                        co_return false;
                    }
                    target.append = true;  // what the command writes goes after that
                }
                if (redirect.fd == 1 || redirect.fd == -2) r.fd1 = target;
                if (redirect.fd == 2 || redirect.fd == -2) r.fd2 = target;
                break;
            }
            case RedirectOp::here_doc:
                break;
        }
    }
    auto stream = [&](const Target& t, std::string& capture) -> std::string* {
        if (t.kind == Target::Kind::parent_out) return outer.out;
        if (t.kind == Target::Kind::parent_err) return outer.err;
        return &capture;
    };
    r.io.input = r.has_input ? std::optional<std::string_view>(r.input) : outer.input;
    r.io.out = stream(r.fd1, r.out);
    r.io.err = stream(r.fd2, r.err);
    co_return true;
}

void Interpreter::close_redirects(Redirected& r) {
    // An overlay refusing a write (full, file too big) leaves what fitted, as a full disk does.
    if (r.fd1.kind == Target::Kind::file)
        (void)state_.fs.write(r.fd1.path, r.out, state_.scope(), true);
    if (r.fd2.kind == Target::Kind::file)
        (void)state_.fs.write(r.fd2.path, r.err, state_.scope(), true);
}

}  // namespace decnet::honeypot::shell
