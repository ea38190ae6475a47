#include "honeypot/services/ssh/upload_capture.hpp"

#include "events/event.hpp"
#include "honeypot/session.hpp"
#include "honeypot/world/fs_overlay.hpp"

namespace decnet::honeypot::ssh {

UploadCapture::UploadCapture(Session& session, FsOverlay& overlay, std::string path,
                             std::string cwd, std::string_view transfer)
    : session_(session),
      overlay_(overlay),
      path_(std::move(path)),
      cwd_(std::move(cwd)),
      transfer_(transfer),
      capture_(session.context().artifacts) {}

void UploadCapture::write(std::string_view bytes) {
    capture_.write(bytes);
    if (overflow_) return;
    if (content_.size() + bytes.size() > FsOverlayLimits{}.max_file_size) {
        overflow_ = true;
        content_.clear();
        content_.shrink_to_fit();
        return;
    }
    content_.append(bytes);
}

void UploadCapture::finish() {
    if (done_) return;
    done_ = true;
    const FsScope scope{"/", cwd_};
    // Too big for the session's little disk: the file shows empty, as a full disk leaves it.
    overlay_.write(path_, overflow_ ? std::string_view{} : std::string_view(content_), scope);
    const auto artifact = capture_.finish();
    auto event = session_.event("file_captured", Severity::warning);
    add_artifact_fields(event, artifact, path_, artifact_filename(path_));
    event.add("transfer", transfer_);
    session_.emit(std::move(event));
}

}  // namespace decnet::honeypot::ssh
