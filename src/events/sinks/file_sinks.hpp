// The two file sinks: the RFC 5424 log file (one format_rfc5424 line per event) and the
// collector's JSON-lines file that the ingester tails (api.md §5.3). Both append through
// AppendFile, so both survive logrotate, deletion and SIGHUP.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>

#include "events/sinks/append_file.hpp"
#include "events/sinks/event_sink.hpp"
#include "events/sinks/failure_log.hpp"

namespace decnet {

class LifecycleRateLimiter;

struct FileSinkOptions {
    AppendFile::Options file;
    // A batch is written in chunks of about this size (one write(2) each); the last chunk
    // is written before write_batch returns.
    std::size_t chunk_bytes = 256 * 1024;
};

// Formats each event as one line into a buffer and appends the buffer. When the file
// cannot be opened or written, the chunk's events are dropped and counted, the failure is
// logged once, and the next batch tries again.
class LineFileSink : public EventSink {
  public:
    void write_batch(std::span<const EventPtr> events) override;
    void close() override;
    void reopen() override { file_.request_reopen(); }
    SinkStats stats() const override { return counters_.snapshot(); }
    const std::filesystem::path& path() const { return file_.path(); }

  protected:
    LineFileSink(std::filesystem::path path, FileSinkOptions options);
    // Appends one line, '\n' included; false = this event is deliberately not written
    // (counted as filtered, not dropped).
    virtual bool append_line(std::string& out, const Event& event) = 0;

  private:
    void flush(std::size_t events);

    AppendFile file_;
    const std::size_t chunk_bytes_;
    std::string buffer_;
    SinkCounters counters_;
    FailureLog failure_log_;
};

class Rfc5424FileSink final : public LineFileSink {
  public:
    explicit Rfc5424FileSink(std::filesystem::path path, FileSinkOptions options = {})
        : LineFileSink(std::move(path), options) {}

  protected:
    bool append_line(std::string& out, const Event& event) override;
};

class JsonLinesFileSink final : public LineFileSink {
  public:
    struct Options {
        FileSinkOptions file;
        // Adds "_trace": {"traceparent": …} for traced events (api.md §5.3; the ingester
        // strips it). Turn on when tracing is enabled.
        bool include_trace = false;
        // The collector's dedup of connection-lifecycle events (engine.md §7.5), shared
        // process-wide; null = every event is written. The .log file is never limited.
        std::shared_ptr<LifecycleRateLimiter> rate_limiter;
    };
    explicit JsonLinesFileSink(std::filesystem::path path);
    JsonLinesFileSink(std::filesystem::path path, Options options);

  protected:
    bool append_line(std::string& out, const Event& event) override;

  private:
    const bool include_trace_;
    const std::shared_ptr<LifecycleRateLimiter> rate_limiter_;
    std::string line_;  // the RFC 5424 line, reused
};

// The collector record for an event (api.md §5.3): exactly what the reference collector
// writes after reading format_rfc5424(event) from a container — keys timestamp, decky,
// service, event_type, attacker_ip, fields, msg, raw_line[, _trace], Python json.dumps
// spacing, non-ASCII as \uXXXX. No trailing newline.
std::string format_collector_json(const Event& event, bool include_trace = false);
void append_collector_json(std::string& out, std::string_view rfc5424_line, const Event& event,
                           bool include_trace);

// Python json.dumps(ensure_ascii=True) of one string, quotes included. Invalid UTF-8
// bytes become \ufffd (the collector decoded its input with replacement).
void append_python_json_string(std::string& out, std::string_view utf8);

// engine.md §7.2: the JSON path is the log path with its last suffix replaced by .json
// (decnet.log → decnet.json, x → x.json, a.b.log → a.b.json).
std::filesystem::path json_path_for(const std::filesystem::path& log_path);

}  // namespace decnet
