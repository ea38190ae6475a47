// The artifact store's capture side (emulator threads: hash, reserve, queue) and its writer
// thread (part files, content-addressed renames). See artifact_store.hpp.
#include "honeypot/world/artifact_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "core/error.hpp"
#include "events/event.hpp"
#include "honeypot/world/artifact_mime.hpp"
#include "telemetry/metrics.hpp"

namespace decnet::honeypot {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kPartPrefix = ".part-";

// decnet_artifacts_dropped_total{reason} (docs/METRICS.md): captures not kept.
telemetry::metrics::Counter& dropped_counter(std::string_view reason) {
    static auto& family = telemetry::metrics::registry().counter(
        "decnet_artifacts_dropped_total",
        "Captured payloads not kept in the artifact store, by reason", {"reason"});
    return family.with({reason});
}

telemetry::metrics::Counter& stored_counter() {
    static auto& counter = telemetry::metrics::registry()
                               .counter("decnet_artifacts_stored_total",
                                        "Artifacts written to the store (new content only)", {})
                               .with(std::vector<std::string>{});
    return counter;
}

telemetry::metrics::Gauge& bytes_gauge() {
    static auto& gauge = telemetry::metrics::registry()
                             .gauge("decnet_artifacts_bytes",
                                    "Bytes of artifacts on disk, with uploads in progress", {})
                             .with(std::vector<std::string>{});
    return gauge;
}

// "10485760", "10M", "1G", "512k".
std::optional<std::uint64_t> parse_bytes(std::string_view text) {
    std::uint64_t unit = 1;
    if (!text.empty()) {
        switch (text.back()) {
            case 'k':
            case 'K':
                unit = 1ull << 10;
                break;
            case 'm':
            case 'M':
                unit = 1ull << 20;
                break;
            case 'g':
            case 'G':
                unit = 1ull << 30;
                break;
            default:
                break;
        }
        if (unit != 1) text.remove_suffix(1);
    }
    if (text.empty() || text.size() > 15) return std::nullopt;
    std::uint64_t value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (value > UINT64_MAX / unit) return std::nullopt;
    return value * unit;
}

void limit_from_environment(const char* name, std::uint64_t& limit) {
    const char* text = std::getenv(name);
    if (!text || !*text) return;
    const auto value = parse_bytes(text);
    if (!value)
        throw ConfigError(std::string(name) + "=" + text +
                          ": expected a byte count such as 10485760, 10M or 1G");
    limit = *value;
}

// Writes all of `data`; false on an error (disk full, I/O error).
bool write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const auto n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

}  // namespace

ArtifactLimits artifact_limits_from_environment() {
    ArtifactLimits limits;
    limit_from_environment("DECNET_ARTIFACT_MAX_FILE_BYTES", limits.max_file_bytes);
    limit_from_environment("DECNET_ARTIFACT_MAX_TOTAL_BYTES", limits.max_total_bytes);
    return limits;
}

std::string_view artifact_filename(std::string_view path) {
    const auto slash = path.find_last_of("/\\");
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool is_artifact_name(std::string_view name) {
    return name.size() == 64 && std::all_of(name.begin(), name.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

std::uint64_t artifacts_dropped(std::string_view reason) {
    return dropped_counter(reason).value();
}

// One step for the writer: a capture's bytes, its end (rename to the hash) or its
// abandonment (remove the part file).
struct Job {
    enum class Kind { data, commit, abort };
    Kind kind = Kind::data;
    std::uint64_t id = 0;
    std::string bytes;           // data
    std::string sha256;          // commit
    std::uint64_t reserved = 0;  // commit: released when the content was already kept
};

struct ArtifactStore::Shared {
    fs::path dir;
    ArtifactLimits limits;
    std::atomic<std::uint64_t> next_id{1};
    std::atomic<std::uint64_t> files{0}, duplicates{0};

    std::mutex mutex;
    std::condition_variable wake;  // the writer: jobs arrived, or stopping
    std::condition_variable done;  // flush(): the writer finished a batch
    std::deque<Job> jobs;          // guarded by mutex, as is everything below
    std::uint64_t queued_bytes = 0;
    std::uint64_t used_bytes = 0;            // on disk plus reserved by captures
    std::uint64_t pushed = 0, finished = 0;  // jobs queued / handled, for flush()
    bool stopping = false;

    // Under the lock.
    void push(Job job) {
        queued_bytes += job.bytes.size();
        jobs.push_back(std::move(job));
        ++pushed;
        wake.notify_one();
    }
    void release(std::uint64_t bytes) {
        used_bytes -= std::min(used_bytes, bytes);
        bytes_gauge().set(static_cast<double>(used_bytes));
    }

    fs::path part_path(std::uint64_t id) const {
        return dir / (std::string(kPartPrefix) + std::to_string(id));
    }
};

namespace {

// The writer thread's side: part files of captures in progress, by capture id.
class Writer {
  public:
    explicit Writer(ArtifactStore::Shared& shared) : s_(shared) {}

    void run() {
        for (;;) {
            std::deque<Job> batch;
            {
                std::unique_lock lock(s_.mutex);
                s_.wake.wait(lock, [&] { return !s_.jobs.empty() || s_.stopping; });
                if (s_.jobs.empty()) break;
                batch.swap(s_.jobs);
            }
            std::uint64_t bytes = 0;
            for (auto& job : batch) {
                bytes += job.bytes.size();
                handle(job);
            }
            const std::lock_guard lock(s_.mutex);
            s_.queued_bytes -= std::min(s_.queued_bytes, bytes);
            s_.finished += batch.size();
            s_.done.notify_all();
        }
        for (auto& [id, p] : parts_) discard(id, p);
        parts_.clear();
    }

  private:
    struct Part {
        int fd = -1;
        bool failed = false;
    };

    Part& part(std::uint64_t id) {
        auto [it, fresh] = parts_.try_emplace(id);
        if (fresh) {
            it->second.fd = ::open(s_.part_path(id).c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
            it->second.failed = it->second.fd < 0;
        }
        return it->second;
    }

    void discard(std::uint64_t id, Part& p) {
        if (p.fd >= 0) ::close(p.fd);
        p.fd = -1;
        std::error_code ec;
        fs::remove(s_.part_path(id), ec);
    }

    void handle(const Job& job) {
        switch (job.kind) {
            case Job::Kind::data: {
                auto& p = part(job.id);
                if (!p.failed && !write_all(p.fd, job.bytes)) p.failed = true;
                break;
            }
            case Job::Kind::abort:
                if (const auto it = parts_.find(job.id); it != parts_.end()) {
                    discard(job.id, it->second);
                    parts_.erase(it);
                }
                break;
            case Job::Kind::commit:
                commit(job);
                break;
        }
    }

    // The part becomes artifacts/<sha256>, unless that content is already kept.
    void commit(const Job& job) {
        auto& p = part(job.id);  // an empty payload has no part yet
        bool ok = !p.failed;
        if (p.fd >= 0) ok = ::close(p.fd) == 0 && ok;
        p.fd = -1;
        const auto target = s_.dir / job.sha256;
        std::error_code ec;
        const bool known = ok && fs::exists(target, ec);
        if (ok && !known) {
            fs::rename(s_.part_path(job.id), target, ec);
            ok = !ec;
        }
        if (ok && !known) {
            s_.files.fetch_add(1, std::memory_order_relaxed);
            stored_counter().inc();
        } else {
            fs::remove(s_.part_path(job.id), ec);
            if (known)
                s_.duplicates.fetch_add(1, std::memory_order_relaxed);
            else
                dropped_counter("io_error").inc();
            const std::lock_guard lock(s_.mutex);
            s_.release(job.reserved);
        }
        parts_.erase(job.id);
    }

    ArtifactStore::Shared& s_;
    std::unordered_map<std::uint64_t, Part> parts_;
};

}  // namespace

ArtifactStore::ArtifactStore(fs::path dir, ArtifactLimits limits)
    : shared_(std::make_shared<Shared>()) {
    for (const char* reason : {"file_quota", "total_quota", "queue_full", "io_error"})
        dropped_counter(reason);  // every series exists, at 0, from the start
    shared_->dir = std::move(dir);
    shared_->limits = limits;
    std::error_code ec;
    fs::create_directories(shared_->dir, ec);
    if (ec)
        throw ConfigError("cannot create artifact directory " + shared_->dir.string() + ": " +
                          ec.message());
    ::chmod(shared_->dir.c_str(), 0700);
    // Parts a crash left are removed; kept artifacts count against the total quota.
    for (const auto& entry : fs::directory_iterator(shared_->dir, ec)) {
        const auto name = entry.path().filename().string();
        std::error_code entry_ec;
        if (name.starts_with(kPartPrefix))
            fs::remove(entry.path(), entry_ec);
        else if (is_artifact_name(name) && entry.is_regular_file(entry_ec))
            shared_->used_bytes += entry.file_size(entry_ec);
    }
    bytes_gauge().set(static_cast<double>(shared_->used_bytes));
    writer_ = std::thread([shared = shared_] { Writer(*shared).run(); });
}

ArtifactStore::~ArtifactStore() {
    {
        const std::lock_guard lock(shared_->mutex);
        shared_->stopping = true;
        shared_->wake.notify_one();
    }
    writer_.join();
}

const fs::path& ArtifactStore::dir() const {
    return shared_->dir;
}

const ArtifactLimits& ArtifactStore::limits() const {
    return shared_->limits;
}

void ArtifactStore::flush() {
    std::unique_lock lock(shared_->mutex);
    const auto target = shared_->pushed;
    shared_->done.wait(lock, [&] { return shared_->finished >= target; });
}

ArtifactStoreStats ArtifactStore::stats() const {
    ArtifactStoreStats stats;
    stats.files = shared_->files.load(std::memory_order_relaxed);
    stats.duplicates = shared_->duplicates.load(std::memory_order_relaxed);
    const std::lock_guard lock(shared_->mutex);
    stats.used_bytes = shared_->used_bytes;
    return stats;
}

ArtifactCapture::ArtifactCapture(ArtifactStore* store)
    : shared_(store ? store->shared_ : nullptr), sha_(EVP_MD_CTX_new()) {
    if (!sha_) throw std::bad_alloc();
    if (store) dir_ = store->dir();
    EVP_DigestInit_ex(sha_, EVP_sha256(), nullptr);
    if (shared_) id_ = shared_->next_id.fetch_add(1, std::memory_order_relaxed);
}

ArtifactCapture::~ArtifactCapture() {
    release();
    if (sha_) EVP_MD_CTX_free(sha_);
}

ArtifactCapture::ArtifactCapture(ArtifactCapture&& other) noexcept
    : shared_(std::move(other.shared_)),
      id_(other.id_),
      reserved_(std::exchange(other.reserved_, 0)),
      size_(other.size_),
      head_(std::move(other.head_)),
      drop_reason_(std::move(other.drop_reason_)),
      dir_(std::move(other.dir_)),
      sha_(std::exchange(other.sha_, nullptr)) {}

ArtifactCapture& ArtifactCapture::operator=(ArtifactCapture&& other) noexcept {
    if (this == &other) return *this;
    release();
    if (sha_) EVP_MD_CTX_free(sha_);
    shared_ = std::move(other.shared_);
    id_ = other.id_;
    reserved_ = std::exchange(other.reserved_, 0);
    size_ = other.size_;
    head_ = std::move(other.head_);
    drop_reason_ = std::move(other.drop_reason_);
    dir_ = std::move(other.dir_);
    sha_ = std::exchange(other.sha_, nullptr);
    return *this;
}

void ArtifactCapture::write(std::string_view bytes) {
    if (bytes.empty() || !sha_) return;
    EVP_DigestUpdate(sha_, bytes.data(), bytes.size());
    if (head_.size() < kMimeSniffBytes)
        head_.append(bytes.substr(0, kMimeSniffBytes - head_.size()));
    size_ += bytes.size();
    if (!shared_) return;
    auto& s = *shared_;
    if (size_ > s.limits.max_file_bytes) return drop("file_quota");
    const char* reason = nullptr;
    {
        const std::lock_guard lock(s.mutex);
        if (s.stopping)
            reason = "no_store";
        else if (s.used_bytes + bytes.size() > s.limits.max_total_bytes)
            reason = "total_quota";
        else if (s.queued_bytes + bytes.size() > s.limits.max_queued_bytes)
            reason = "queue_full";
        if (!reason) {
            s.used_bytes += bytes.size();
            reserved_ += bytes.size();
            s.push({Job::Kind::data, id_, std::string(bytes), {}, 0});
        }
    }
    if (reason) drop(reason);
}

void ArtifactCapture::drop(const char* reason) {
    drop_reason_ = reason;
    if (drop_reason_ != "no_store") dropped_counter(reason).inc();
    release();
}

// Gives back the capture's reservation and removes its part file (if it has one).
void ArtifactCapture::release() {
    if (!shared_) return;
    // Ours may be the last reference (the store is gone): it must outlive the lock on
    // its mutex, so it is dropped after the guard (ThreadSanitizer found the unlock of a
    // freed mutex).
    const auto shared = std::move(shared_);
    const std::lock_guard lock(shared->mutex);
    if (reserved_ > 0) {
        shared->release(reserved_);
        if (!shared->stopping) shared->push({Job::Kind::abort, id_, {}, {}, 0});
        reserved_ = 0;
    }
}

CapturedArtifact ArtifactCapture::finish() {
    CapturedArtifact a;
    if (!sha_) return a;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    EVP_DigestFinal_ex(sha_, md, &len);
    EVP_MD_CTX_free(sha_);
    sha_ = nullptr;
    a.sha256 = to_hex(std::span<const std::uint8_t>(md, len));
    a.size = size_;
    a.mime = guess_mime(head_);
    a.first_bytes = first_bytes_hex(head_);
    if (shared_) {
        const auto shared = std::move(shared_);  // outlives the lock (see release())
        const std::lock_guard lock(shared->mutex);
        if (!shared->stopping) {
            shared->push({Job::Kind::commit, id_, {}, a.sha256, reserved_});
            a.stored = true;
        } else {
            shared->release(reserved_);
            drop_reason_ = "no_store";
        }
        reserved_ = 0;
    } else if (drop_reason_.empty()) {
        drop_reason_ = "no_store";
    }
    // Dropped for room, yet the same content is already kept: it is stored all the same.
    if (drop_reason_ == "total_quota" || drop_reason_ == "queue_full") {
        std::error_code ec;
        a.stored = fs::exists(dir_ / a.sha256, ec);
    }
    if (!a.stored) a.drop_reason = drop_reason_;
    return a;
}

CapturedArtifact ArtifactCapture::whole(ArtifactStore* store, std::string_view bytes) {
    ArtifactCapture capture(store);
    capture.write(bytes);
    return capture.finish();
}

Event& add_artifact_fields(Event& event, const CapturedArtifact& artifact, std::string_view origin,
                           std::string_view filename) {
    event.add("sha256", artifact.sha256)
        .add("size", artifact.size)
        .add("mime", artifact.mime)
        .add("first_bytes", artifact.first_bytes)
        .add("origin", origin)
        .add("filename", filename)
        .add("stored", artifact.stored);
    if (!artifact.stored) event.add("drop_reason", artifact.drop_reason);
    return event;
}

}  // namespace decnet::honeypot
