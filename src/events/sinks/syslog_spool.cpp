// SyslogSpool: segment files named <20-digit sequence>.spool, replayed oldest first, and a
// replay.pos file ("<sequence> <offset>") saying how far the oldest one was delivered.
// No fsync: the spool bridges network outages, not power loss.
#include "events/sinks/syslog_spool.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <optional>

namespace decnet {

namespace {

constexpr std::string_view kSuffix = ".spool";
constexpr std::string_view kPositionFile = "replay.pos";
constexpr std::size_t kMaxLengthDigits = 7;  // kMaxMessage has 7 digits
constexpr std::size_t kMinRead = 64 * 1024;

std::error_code last_error() {
    return {errno, std::generic_category()};
}

std::size_t decimal_digits(std::size_t value) {
    std::size_t digits = 1;
    while (value >= 10) {
        value /= 10;
        ++digits;
    }
    return digits;
}

void append_frame(std::string& out, std::string_view message) {
    out += std::to_string(message.size());
    out.push_back(' ');
    out.append(message);
}

// "<digits> <message>" at the start of `data`.
enum class FrameStatus { complete, incomplete, corrupt };
struct Frame {
    FrameStatus status = FrameStatus::incomplete;
    std::size_t header = 0;  // digits + space
    std::size_t length = 0;  // message bytes
    std::size_t total() const { return header + length; }
};

Frame parse_frame(std::string_view data) {
    Frame frame;
    std::size_t i = 0;
    while (i < data.size() && i <= kMaxLengthDigits && data[i] >= '0' && data[i] <= '9') ++i;
    if (i == data.size()) return frame;  // the header itself is cut
    if (i == 0 || i > kMaxLengthDigits || data[i] != ' ') {
        frame.status = FrameStatus::corrupt;
        return frame;
    }
    std::from_chars(data.data(), data.data() + i, frame.length);
    frame.header = i + 1;
    if (frame.length > SyslogSpool::kMaxMessage) {
        frame.status = FrameStatus::corrupt;
    } else if (data.size() >= frame.total()) {
        frame.status = FrameStatus::complete;
    }
    return frame;
}

std::optional<std::uint64_t> segment_seq(const std::filesystem::path& file) {
    const std::string name = file.filename().string();
    if (name.size() != 20 + kSuffix.size() || !name.ends_with(kSuffix)) return std::nullopt;
    std::uint64_t seq = 0;
    const auto [end, error] = std::from_chars(name.data(), name.data() + 20, seq);
    if (error != std::errc{} || end != name.data() + 20) return std::nullopt;
    return seq;
}

}  // namespace

SyslogSpool::SyslogSpool(Options options) : options_(std::move(options)) {
    load_existing();
}

SyslogSpool::~SyslogSpool() {
    close_writer();
    close_reader();
}

void SyslogSpool::load_existing() {
    std::error_code ec;
    std::filesystem::create_directories(options_.directory, ec);
    for (const auto& entry : std::filesystem::directory_iterator(options_.directory, ec)) {
        const auto seq = segment_seq(entry.path());
        if (!seq) continue;
        std::error_code size_error;
        const auto size = entry.file_size(size_error);
        if (size_error) continue;
        segments_.push_back({*seq, size});
        bytes_ += size;
    }
    std::sort(segments_.begin(), segments_.end(),
              [](const Segment& a, const Segment& b) { return a.seq < b.seq; });
    if (!segments_.empty()) next_seq_ = segments_.back().seq + 1;
    load_position();
}

void SyslogSpool::load_position() {
    if (segments_.empty()) return;
    std::FILE* file = std::fopen((options_.directory / kPositionFile).c_str(), "r");
    if (file == nullptr) return;
    unsigned long long seq = 0;
    unsigned long long offset = 0;
    const bool read = std::fscanf(file, "%llu %llu", &seq, &offset) == 2;
    std::fclose(file);
    if (read && seq == segments_.front().seq && offset <= segments_.front().size) {
        read_offset_ = offset;
    }
}

// Written beside and renamed over the old one, so a kill at any moment leaves either
// the old position or the new one, never an empty file (which would send the head
// segment's delivered part a second time). Best effort: a failed save only means that.
void SyslogSpool::save_position() {
    const auto path = options_.directory / kPositionFile;
    if (segments_.empty()) {
        ::unlink(path.c_str());
        return;
    }
    auto next = path;
    next += ".next";
    const int fd = ::open(next.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return;
    const std::string text =
        std::to_string(segments_.front().seq) + " " + std::to_string(read_offset_) + "\n";
    const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    if (!written || ::rename(next.c_str(), path.c_str()) != 0) ::unlink(next.c_str());
}

std::filesystem::path SyslogSpool::segment_path(std::uint64_t seq) const {
    char name[32];
    std::snprintf(name, sizeof name, "%020llu", static_cast<unsigned long long>(seq));
    return options_.directory / (std::string(name) + std::string(kSuffix));
}

// Segments left by an earlier run are never appended to: whatever their tail holds, our
// frames start on a clean boundary.
std::error_code SyslogSpool::open_new_segment() {
    close_writer();
    std::error_code ec;
    std::filesystem::create_directories(options_.directory, ec);
    const std::uint64_t seq = next_seq_;
    const int fd = ::open(segment_path(seq).c_str(),
                          O_WRONLY | O_CREAT | O_APPEND | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return last_error();
    ++next_seq_;
    writer_fd_ = fd;
    writer_seq_ = seq;
    segments_.push_back({seq, 0});
    return {};
}

// All or nothing: a partial write (disk full) is cut off again so the next frame still
// starts on a boundary.
std::error_code SyslogSpool::write_to_tail(std::string_view data) {
    Segment& tail = segments_.back();
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(writer_fd_, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const auto error = last_error();
            if (done > 0 && ::ftruncate(writer_fd_, static_cast<off_t>(tail.size)) != 0) {
                close_writer();  // the tail is suspect: the next frame opens a new segment
            }
            return error;
        }
        done += static_cast<std::size_t>(n);
    }
    tail.size += data.size();
    bytes_ += data.size();
    return {};
}

SyslogSpool::AppendResult SyslogSpool::append(std::span<const std::string> messages) {
    AppendResult result;
    std::size_t buffered = 0;
    write_buffer_.clear();
    const auto flush = [&]() -> bool {
        if (buffered == 0) return true;
        result.error = write_to_tail(write_buffer_);
        write_buffer_.clear();
        if (result.error) return false;
        result.accepted += buffered;
        buffered = 0;
        return true;
    };
    for (const auto& message : messages) {
        const std::size_t frame = decimal_digits(message.size()) + 1 + message.size();
        if (bytes_ + write_buffer_.size() + frame > options_.max_bytes) {
            result.full = true;
            break;
        }
        const std::uint64_t tail_size =
            writer_fd_ >= 0 ? segments_.back().size + write_buffer_.size() : 0;
        if (writer_fd_ < 0 || (tail_size > 0 && tail_size + frame > options_.segment_bytes)) {
            if (!flush()) return result;
            if ((result.error = open_new_segment())) return result;
        }
        append_frame(write_buffer_, message);
        ++buffered;
    }
    flush();
    return result;
}

std::error_code SyslogSpool::peek(std::vector<std::string>& out, std::size_t max_bytes) {
    out.clear();
    peeked_sizes_.clear();
    // Each pass either returns or drops one segment, so this ends.
    while (!segments_.empty()) {
        const Segment head = segments_.front();
        const std::uint64_t remaining = head.size - std::min(read_offset_, head.size);
        if (remaining == 0) {
            if (head.seq == writer_seq_) return {};  // unreachable: consume() drops it
            drop_head();
            continue;
        }
        if (reader_fd_ < 0 || reader_seq_ != head.seq) {
            close_reader();
            reader_fd_ = ::open(segment_path(head.seq).c_str(), O_RDONLY | O_CLOEXEC);
            if (reader_fd_ < 0) {
                const auto error = last_error();
                if (error != std::errc::no_such_file_or_directory) return error;
                drop_head();  // removed behind our back: nothing to replay from it
                continue;
            }
            reader_seq_ = head.seq;
        }
        std::size_t want = static_cast<std::size_t>(
            std::min<std::uint64_t>(remaining, std::max(max_bytes, kMinRead)));
        for (int attempt = 0; attempt < 2; ++attempt) {
            read_buffer_.resize(want);
            const ssize_t n =
                ::pread(reader_fd_, read_buffer_.data(), want, static_cast<off_t>(read_offset_));
            if (n < 0) return last_error();
            read_buffer_.resize(static_cast<std::size_t>(n));
            std::string_view data = read_buffer_;
            std::size_t taken = 0;
            Frame frame;
            while (taken < max_bytes || out.empty()) {
                frame = parse_frame(data);
                if (frame.status != FrameStatus::complete) break;
                out.emplace_back(data.substr(frame.header, frame.length));
                peeked_sizes_.push_back(frame.total());
                data.remove_prefix(frame.total());
                taken += frame.total();
            }
            if (!out.empty()) return {};
            const bool fits = frame.status == FrameStatus::incomplete && frame.header > 0 &&
                              frame.total() <= remaining;
            if (!fits || frame.total() <= want) break;
            want = frame.total();  // one message bigger than the first read: read it whole
        }
        // Nothing complete at the read position: a torn or garbled tail. Skip it.
        corrupt_bytes_ += remaining;
        drop_head();
    }
    return {};
}

void SyslogSpool::consume(std::size_t count) {
    count = std::min(count, peeked_sizes_.size());
    for (std::size_t i = 0; i < count; ++i) read_offset_ += peeked_sizes_[i];
    peeked_sizes_.clear();
    if (!segments_.empty() && read_offset_ >= segments_.front().size) drop_head();
    save_position();
}

void SyslogSpool::drop_head() {
    const Segment head = segments_.front();
    if (head.seq == writer_seq_) close_writer();
    if (head.seq == reader_seq_) close_reader();
    ::unlink(segment_path(head.seq).c_str());
    bytes_ -= std::min(bytes_, head.size);
    segments_.pop_front();
    read_offset_ = 0;
}

void SyslogSpool::close_writer() {
    if (writer_fd_ >= 0) ::close(writer_fd_);
    writer_fd_ = -1;
    writer_seq_ = 0;
}

void SyslogSpool::close_reader() {
    if (reader_fd_ >= 0) ::close(reader_fd_);
    reader_fd_ = -1;
    reader_seq_ = 0;
}

}  // namespace decnet
