// SyslogSpool: the forwarder's bounded on-disk queue of messages that could not be sent.
// A directory of append-only segment files; each record is an RFC 6587 octet-counted
// frame ("LEN SP MSG"), so a segment is readable with a pager and replays in order.
#pragma once

#include <cstdint>
#include <deque>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace decnet {

class SyslogSpool {
  public:
    struct Options {
        std::filesystem::path directory;
        std::uint64_t max_bytes = 64ull << 20;     // on-disk limit over all segments
        std::uint64_t segment_bytes = 1ull << 20;  // a new segment starts past this size
    };
    // Largest message a frame may carry when read back; anything bigger is corruption.
    static constexpr std::size_t kMaxMessage = 1u << 20;

    // Picks up the segments a previous run left (they replay first). I/O errors here are
    // not thrown: they come back from the first append().
    explicit SyslogSpool(Options options);
    ~SyslogSpool();
    SyslogSpool(const SyslogSpool&) = delete;
    SyslogSpool& operator=(const SyslogSpool&) = delete;

    struct AppendResult {
        std::size_t accepted = 0;  // a prefix of the messages, now on disk in order
        bool full = false;         // stopped because the next one would pass max_bytes
        std::error_code error;     // stopped because a write or open failed
    };
    AppendResult append(std::span<const std::string> messages);

    // The oldest messages (about max_bytes of them, at least one when any is left),
    // without removing them. Corrupt or truncated segment tails are skipped and counted.
    std::error_code peek(std::vector<std::string>& out, std::size_t max_bytes);
    // Removes the first `count` messages of the last peek(): they were delivered. The
    // replay position is persisted, so a restart does not send them again.
    void consume(std::size_t count);

    bool empty() const { return segments_.empty(); }
    std::uint64_t bytes() const { return bytes_; }
    std::uint64_t corrupt_bytes() const { return corrupt_bytes_; }
    const std::filesystem::path& directory() const { return options_.directory; }

  private:
    struct Segment {
        std::uint64_t seq = 0;
        std::uint64_t size = 0;
    };

    void load_existing();
    void load_position();
    void save_position();
    std::filesystem::path segment_path(std::uint64_t seq) const;
    std::error_code open_new_segment();
    std::error_code write_to_tail(std::string_view data);
    void drop_head();
    void close_writer();
    void close_reader();

    const Options options_;
    std::deque<Segment> segments_;  // oldest first
    std::uint64_t bytes_ = 0;
    std::uint64_t corrupt_bytes_ = 0;
    std::uint64_t next_seq_ = 1;
    std::uint64_t read_offset_ = 0;  // into segments_.front()
    int writer_fd_ = -1;             // appends to segments_.back(), a segment of this run
    std::uint64_t writer_seq_ = 0;
    int reader_fd_ = -1;
    std::uint64_t reader_seq_ = 0;
    std::vector<std::size_t> peeked_sizes_;  // frame sizes of the last peek()
    std::string read_buffer_;
    std::string write_buffer_;
};

}  // namespace decnet
