// ArtifactStore: every payload an attacker uploads or fetches, kept once by content under
// <state dir>/artifacts/<sha256> (directory 0700, files 0600). Emulators on the I/O
// threads only hash and hand bytes over (ArtifactCapture); one writer thread does the file
// I/O. Per-file and total quotas and a bound on bytes in flight keep disk and memory
// bounded; what does not fit is dropped and counted in decnet_artifacts_dropped_total.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX

namespace decnet {
struct Event;
}

namespace decnet::honeypot {

struct ArtifactLimits {
    // Larger payloads are hashed and reported but not kept. 10 MiB holds every bot binary
    // and dropper seen in practice (Mirai builds are ~100 KiB, XMRig ~5 MiB) and equals
    // ftp's upload cap.
    std::uint64_t max_file_bytes = 10ull << 20;
    // The whole store: at least 100 payloads of the largest size, thousands of typical
    // ones, and still small beside a VPS disk.
    std::uint64_t max_total_bytes = 1ull << 30;
    // Bytes handed over by emulators and not yet written: the store's memory bound.
    std::uint64_t max_queued_bytes = 32ull << 20;
};

// DECNET_ARTIFACT_MAX_FILE_BYTES, DECNET_ARTIFACT_MAX_TOTAL_BYTES (plain byte counts,
// or with a K/M/G suffix; 0 keeps nothing), over the defaults. Throws ConfigError naming
// the variable on a bad value.
ArtifactLimits artifact_limits_from_environment();

// What a finished capture was, for its `file_captured` event.
struct CapturedArtifact {
    std::string sha256;  // 64 lower-case hex
    std::uint64_t size = 0;
    std::string mime;         // guessed from the first bytes
    std::string first_bytes;  // hex of the first ≤ 32 bytes
    bool stored = false;      // kept (or already kept) as artifacts/<sha256>
    // Why not: file_quota, total_quota, queue_full, no_store (no store configured or it
    // is shutting down). Empty when stored.
    std::string drop_reason;
};

struct ArtifactStoreStats {
    std::uint64_t files = 0;       // artifacts written since start (duplicates excluded)
    std::uint64_t duplicates = 0;  // finished captures whose content was already kept
    std::uint64_t used_bytes = 0;  // on disk plus reserved by captures in progress
};

class ArtifactCapture;

class ArtifactStore {
  public:
    // Creates `dir` (0700) if needed, removes partial files a crash left, counts what is
    // there against the total quota and starts the writer. Throws ConfigError when the
    // directory cannot be created.
    explicit ArtifactStore(std::filesystem::path dir, ArtifactLimits limits = {});
    // Writes what was handed over, then stops the writer; captures still open are dropped.
    ~ArtifactStore();
    ArtifactStore(const ArtifactStore&) = delete;
    ArtifactStore& operator=(const ArtifactStore&) = delete;

    const std::filesystem::path& dir() const;
    const ArtifactLimits& limits() const;
    // Returns once everything handed over before the call is on disk (tests, shutdown).
    void flush();
    ArtifactStoreStats stats() const;

    struct Shared;  // the queue and the quota accounting, shared with the captures

  private:
    friend class ArtifactCapture;
    std::shared_ptr<Shared> shared_;
    std::thread writer_;
};

// One payload as it arrives, on the emulator's thread: hashed incrementally, its first
// bytes kept for the MIME guess, and its bytes queued for the writer while quotas allow.
// Not finished (the peer went away): the partial file is removed and nothing is reported.
class ArtifactCapture {
  public:
    // `store` null: hash and describe only (stored false, drop_reason no_store).
    explicit ArtifactCapture(ArtifactStore* store);
    ~ArtifactCapture();
    ArtifactCapture(ArtifactCapture&& other) noexcept;
    ArtifactCapture& operator=(ArtifactCapture&& other) noexcept;

    void write(std::string_view bytes);
    std::uint64_t size() const { return size_; }
    // Ends the capture; the file becomes artifacts/<sha256> (once, whatever the number of
    // captures with that content). Call once.
    CapturedArtifact finish();

    // A whole payload in one call (datagram services, fetched bodies).
    static CapturedArtifact whole(ArtifactStore* store, std::string_view bytes);

  private:
    void drop(const char* reason);
    void release();

    std::shared_ptr<ArtifactStore::Shared> shared_;  // null: no store, or dropped
    std::uint64_t id_ = 0;
    std::uint64_t reserved_ = 0;  // bytes counted against the total quota
    std::uint64_t size_ = 0;
    std::string head_;  // the first kMimeSniffBytes
    std::string drop_reason_;
    std::filesystem::path dir_;  // the store's, to find already-kept content
    evp_md_ctx_st* sha_ = nullptr;
};

// Adds the `file_captured` fields: sha256, size, mime, first_bytes, origin, filename,
// stored and (when not stored) drop_reason.
Event& add_artifact_fields(Event& event, const CapturedArtifact& artifact, std::string_view origin,
                           std::string_view filename);

// The last component of a path an attacker named ("../tmp/x.sh" → "x.sh").
std::string_view artifact_filename(std::string_view path);

// A file name is an artifact name: 64 lower-case hex digits.
bool is_artifact_name(std::string_view name);

// How many captures were dropped for `reason` in this process (file_quota, total_quota,
// queue_full, io_error).
std::uint64_t artifacts_dropped(std::string_view reason);

}  // namespace decnet::honeypot
