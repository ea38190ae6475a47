// CastRecorder: an interactive session kept as an asciinema v2 cast. It wraps the
// transport's Terminal (a decorator: the shell talks to it instead), writing each output
// ("o") and input ("i") chunk and each window change ("r") with its time since the start.
// The cast is bounded (kMaxCastBytes): past it recording stops and a final marker says the
// cast was truncated. finish() hands it to the artifact store; the transport puts the
// returned sha256 in its session-end event, and `decnet replay <sha256>` plays it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "honeypot/shell/terminal.hpp"
#include "honeypot/world/artifact_store.hpp"

namespace decnet::honeypot::shell {

constexpr std::size_t kMaxCastBytes = 4 * 1024 * 1024;

struct CastOptions {
    // What the header's title says: the attacker-visible identity (user@hostname), never
    // the decky's internal name.
    std::string title;
    std::string term = "xterm-256color";
    std::string shell = "/bin/bash";
    std::int64_t timestamp = 0;  // epoch seconds of the start; 0: now
    std::size_t max_bytes = kMaxCastBytes;
};

struct CastResult {
    CapturedArtifact artifact;  // sha256, size, mime application/x-asciicast, stored
    bool truncated = false;
    double duration = 0.0;  // seconds from the start to the last event
};

class CastRecorder : public Terminal {
  public:
    CastRecorder(Terminal& inner, CastOptions options);
    CastRecorder(const CastRecorder&) = delete;
    CastRecorder& operator=(const CastRecorder&) = delete;

    boost::asio::awaitable<std::optional<std::string>> read() override;
    boost::asio::awaitable<bool> write(std::string_view bytes) override;

    // The cast so far (header and one JSON array per line).
    const std::string& text() const { return cast_; }
    bool truncated() const { return truncated_; }
    // Stores the cast in `store` (null: hashed only) and stops recording. Call once.
    CastResult finish(ArtifactStore* store);

  private:
    void sync_size();  // the transport changed cols/rows: an "r" event, and ours follow
    void record(char type, std::string_view data);
    double elapsed() const;

    Terminal& inner_;
    std::size_t max_bytes_;
    std::chrono::steady_clock::time_point start_;
    std::string cast_;
    double last_time_ = 0.0;
    bool truncated_ = false;
    bool finished_ = false;
};

// `data` as a JSON string literal (quotes included): controls escaped, valid UTF-8 kept,
// invalid bytes as U+FFFD (a cast is JSON; the attacker's bytes may be anything).
std::string json_string(std::string_view data);

}  // namespace decnet::honeypot::shell
