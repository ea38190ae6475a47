// AppendFile: reopen-on-rotation checks, optional size rotation, and full writes with
// POSIX calls (no stdio buffer: the sink builds one buffer per batch and writes it once).
#include "events/sinks/append_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace decnet {

namespace {

std::error_code last_error() {
    return {errno, std::generic_category()};
}

}  // namespace

AppendFile::AppendFile(std::filesystem::path path) : AppendFile(std::move(path), Options{}) {}

AppendFile::AppendFile(std::filesystem::path path, Options options)
    : path_(std::move(path)), options_(options) {}

AppendFile::~AppendFile() {
    close();
}

void AppendFile::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

// engine.md §7.7: reopen when nothing is open, the path is missing, or it names another
// inode/device. Any other stat error (EACCES on a parent, say) keeps the open descriptor:
// writing to the file we have beats dropping the line.
bool AppendFile::needs_reopen() {
    if (fd_ < 0) return true;
    if (reopen_requested_.exchange(false, std::memory_order_relaxed)) return true;
    if (options_.check_interval.count() > 0) {
        const auto now = std::chrono::steady_clock::now();
        if (now < next_check_) return false;
        next_check_ = now + options_.check_interval;
    }
    struct stat st {};
    if (::stat(path_.c_str(), &st) != 0) return errno == ENOENT || errno == ENOTDIR;
    // The identity of an open descriptor never changes, so it was read once, at open.
    return static_cast<std::uint64_t>(st.st_dev) != device_ ||
           static_cast<std::uint64_t>(st.st_ino) != inode_;
}

std::error_code AppendFile::open() {
    close();
    reopen_requested_.store(false, std::memory_order_relaxed);  // this open serves it
    std::error_code ec;
    if (path_.has_parent_path()) std::filesystem::create_directories(path_.parent_path(), ec);
    // A failure to create the directory shows up as the open error below.
    const int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
                          static_cast<mode_t>(options_.mode));
    if (fd < 0) return last_error();
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const auto error = last_error();
        ::close(fd);
        return error;
    }
    fd_ = fd;
    device_ = static_cast<std::uint64_t>(st.st_dev);
    inode_ = static_cast<std::uint64_t>(st.st_ino);
    size_ = static_cast<std::uint64_t>(st.st_size);
    if (opens_++ > 0) ++reopens_;
    next_check_ = std::chrono::steady_clock::now() + options_.check_interval;
    return {};
}

// Python's RotatingFileHandler rule: roll over when this write would reach max_bytes,
// unless the file is empty (a single oversized record still goes somewhere).
std::error_code AppendFile::rotate_if_needed(std::size_t incoming) {
    if (options_.max_bytes == 0 || options_.backups <= 0) return {};
    if (size_ == 0 || size_ + incoming < options_.max_bytes) return {};
    close();
    const std::string base = path_.string();
    for (int i = options_.backups - 1; i >= 1; --i) {
        const std::string from = base + "." + std::to_string(i);
        ::rename(from.c_str(), (base + "." + std::to_string(i + 1)).c_str());  // may not exist
    }
    if (::rename(base.c_str(), (base + ".1").c_str()) != 0 && errno != ENOENT) {
        return last_error();
    }
    return open();
}

std::error_code AppendFile::write_all(std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd_, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return last_error();
        }
        size_ += static_cast<std::uint64_t>(n);
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
}

std::error_code AppendFile::append(std::string_view data) {
    if (needs_reopen()) {
        if (auto error = open()) return error;
    }
    if (auto error = rotate_if_needed(data.size())) return error;
    if (fd_ < 0) return std::make_error_code(std::errc::bad_file_descriptor);
    return write_all(data);
}

}  // namespace decnet
