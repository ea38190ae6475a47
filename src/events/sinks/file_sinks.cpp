// LineFileSink's batch buffering and error accounting, and the RFC 5424 file sink.
#include "events/sinks/file_sinks.hpp"

#include "events/rfc5424.hpp"

namespace decnet {

LineFileSink::LineFileSink(std::filesystem::path path, FileSinkOptions options)
    : file_(path, options.file),
      chunk_bytes_(options.chunk_bytes == 0 ? 1 : options.chunk_bytes),
      failure_log_("event file " + path.string()) {}

void LineFileSink::write_batch(std::span<const EventPtr> events) {
    buffer_.clear();
    std::size_t pending = 0;
    for (const auto& event : events) {
        if (!event) continue;
        if (!append_line(buffer_, *event)) {
            counters_.filtered.fetch_add(1, std::memory_order_relaxed);
            continue;
        }
        if (++pending; buffer_.size() >= chunk_bytes_) {
            flush(pending);
            pending = 0;
        }
    }
    if (pending > 0) flush(pending);
}

void LineFileSink::flush(std::size_t events) {
    const auto error = file_.append(buffer_);
    buffer_.clear();
    counters_.reopens.store(file_.reopens(), std::memory_order_relaxed);
    if (!error) {
        counters_.written.fetch_add(events, std::memory_order_relaxed);
        failure_log_.recovered("writing again");
        return;
    }
    counters_.errors.fetch_add(1, std::memory_order_relaxed);
    counters_.dropped.fetch_add(events, std::memory_order_relaxed);
    failure_log_.failed("cannot write: " + error.message() + "; events dropped");
}

void LineFileSink::close() {
    file_.close();
}

bool Rfc5424FileSink::append_line(std::string& out, const Event& event) {
    append_rfc5424(out, event);
    out.push_back('\n');
    return true;
}

}  // namespace decnet
