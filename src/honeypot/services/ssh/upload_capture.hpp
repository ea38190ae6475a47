// One file an attacker uploads over ssh (scp or sftp): its bytes go to the artifact store as
// they arrive and, up to the overlay's limits, into the connection's overlay so the shell
// sees the file; finish() emits `file_captured` naming the path and the transfer.
#pragma once

#include <string>
#include <string_view>

#include "honeypot/world/artifact_store.hpp"

namespace decnet::honeypot {
class Session;
class FsOverlay;
}  // namespace decnet::honeypot

namespace decnet::honeypot::ssh {

class UploadCapture {
  public:
    UploadCapture(Session& session, FsOverlay& overlay, std::string path, std::string cwd,
                  std::string_view transfer);
    void write(std::string_view bytes);
    // Writes the overlay file and emits the event; once.
    void finish();

  private:
    Session& session_;
    FsOverlay& overlay_;
    std::string path_, cwd_, transfer_;
    ArtifactCapture capture_;
    std::string content_;  // kept for the overlay while under its file limit
    bool overflow_ = false;
    bool done_ = false;
};

}  // namespace decnet::honeypot::ssh
