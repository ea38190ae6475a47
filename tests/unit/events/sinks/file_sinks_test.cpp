// File sinks: exact lines, logrotate/deletion/SIGHUP handling, size rotation, unwritable
// paths, the collector's JSON-lines record, and SinkRunner draining a bus into a file.
#include "events/sinks/file_sinks.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "events/lifecycle_rate_limiter.hpp"
#include "events/rfc5424.hpp"
#include "sink_test_support.hpp"

namespace decnet {
namespace {

using namespace std::chrono_literals;
using test::read_text;
using test::sample_event;
using test::sample_events;
using test::TempDir;

std::string lines_of(const std::vector<EventPtr>& events) {
    std::string out;
    for (const auto& event : events) out += format_rfc5424(*event) + "\n";
    return out;
}

TEST(Rfc5424FileSink, WritesExactLinesAndCreatesParentDirectories) {
    TempDir dir;
    const auto path = dir / "var/log/decnet/decnet.log";
    Rfc5424FileSink sink(path);
    EXPECT_FALSE(std::filesystem::exists(path));  // opened lazily
    const auto first = sample_events(0, 3);
    const auto second = sample_events(3, 2);
    sink.write_batch(first);
    sink.write_batch(second);
    EXPECT_EQ(read_text(path), lines_of(first) + lines_of(second));
    const auto stats = sink.stats();
    EXPECT_EQ(stats.written, 5u);
    EXPECT_EQ(stats.dropped, 0u);
    EXPECT_EQ(stats.errors, 0u);
    EXPECT_EQ(stats.reopens, 0u);  // a stable file keeps its descriptor
}

TEST(Rfc5424FileSink, DeletedFileIsRecreated) {
    TempDir dir;
    const auto path = dir / "decnet.log";
    Rfc5424FileSink sink(path);
    sink.write_batch(sample_events(0, 1));
    std::filesystem::remove(path);
    const auto after = sample_events(1, 2);
    sink.write_batch(after);
    EXPECT_EQ(read_text(path), lines_of(after));
    EXPECT_EQ(sink.stats().reopens, 1u);
}

TEST(Rfc5424FileSink, LogrotateRenameSendsNewLinesToAFreshFile) {
    TempDir dir;
    const auto path = dir / "decnet.log";
    Rfc5424FileSink sink(path);
    const auto before = sample_events(0, 2);
    sink.write_batch(before);
    std::filesystem::rename(path, dir / "decnet.log.1");
    std::ofstream(path).close();  // logrotate's "create"
    const auto after = sample_events(2, 2);
    sink.write_batch(after);
    EXPECT_EQ(read_text(dir / "decnet.log.1"), lines_of(before));
    EXPECT_EQ(read_text(path), lines_of(after));
}

TEST(Rfc5424FileSink, ReopenRequestIsHonouredEvenWhenChecksAreThrottled) {
    TempDir dir;
    const auto path = dir / "decnet.log";
    FileSinkOptions options;
    options.file.check_interval = 1h;  // only reopen() can notice the rotation
    Rfc5424FileSink sink(path, options);
    const auto first = sample_events(0, 1);
    sink.write_batch(first);
    std::filesystem::rename(path, dir / "decnet.log.1");
    const auto stale = sample_events(1, 1);
    sink.write_batch(stale);  // still the old descriptor
    sink.reopen();            // SIGHUP
    const auto fresh = sample_events(2, 1);
    sink.write_batch(fresh);
    EXPECT_EQ(read_text(dir / "decnet.log.1"), lines_of(first) + lines_of(stale));
    EXPECT_EQ(read_text(path), lines_of(fresh));
}

TEST(Rfc5424FileSink, UnwritablePathCountsDropsLogsOnceAndRecovers) {
    TempDir dir;
    std::ofstream(dir / "blocker").close();  // a file where a directory should be
    const auto path = dir / "blocker/decnet.log";
    test::LogCapture log;
    Rfc5424FileSink sink(path);
    for (int i = 0; i < 5; ++i) EXPECT_NO_THROW(sink.write_batch(sample_events(i * 2, 2)));
    auto stats = sink.stats();
    EXPECT_EQ(stats.written, 0u);
    EXPECT_EQ(stats.dropped, 10u);
    EXPECT_EQ(stats.errors, 5u);
    EXPECT_EQ(log.count("cannot write"), 1u) << log.all();

    std::filesystem::remove(dir / "blocker");
    const auto later = sample_events(20, 1);
    sink.write_batch(later);
    EXPECT_EQ(read_text(path), lines_of(later));
    EXPECT_EQ(sink.stats().written, 1u);
    EXPECT_EQ(log.count("writing again"), 1u);
}

TEST(Rfc5424FileSink, LargeBatchIsWrittenInChunks) {
    TempDir dir;
    const auto path = dir / "decnet.log";
    FileSinkOptions options;
    options.chunk_bytes = 300;
    Rfc5424FileSink sink(path, options);
    const auto events = sample_events(0, 50);
    sink.write_batch(events);
    EXPECT_EQ(read_text(path), lines_of(events));
    EXPECT_EQ(sink.stats().written, 50u);
}

TEST(AppendFile, SizeRotationKeepsTheConfiguredBackups) {
    TempDir dir;
    const auto path = dir / "system.log";
    AppendFile::Options options;
    options.max_bytes = 10;
    options.backups = 2;
    AppendFile file(path, options);
    for (const char* line : {"aaaaaa\n", "bbbbbb\n", "cccccc\n", "dddddd\n"}) {
        ASSERT_FALSE(file.append(line));
    }
    EXPECT_EQ(read_text(path), "dddddd\n");
    EXPECT_EQ(read_text(dir / "system.log.1"), "cccccc\n");
    EXPECT_EQ(read_text(dir / "system.log.2"), "bbbbbb\n");
    EXPECT_FALSE(std::filesystem::exists(dir / "system.log.3"));
}

TEST(AppendFile, ReplacedByAnotherFileIsDetectedByInode) {
    TempDir dir;
    const auto path = dir / "x.log";
    AppendFile file(path);
    ASSERT_FALSE(file.append("one\n"));
    std::ofstream(dir / "other") << "other\n";
    std::filesystem::rename(dir / "other", path);  // same name, different inode
    ASSERT_FALSE(file.append("two\n"));
    EXPECT_EQ(read_text(path), "other\ntwo\n");
    EXPECT_EQ(file.reopens(), 1u);
}

TEST(AppendFile, CreatesFilesWithTheConfiguredMode) {
    TempDir dir;
    AppendFile::Options options;
    options.mode = 0600;
    AppendFile file(dir / "private.log", options);
    ASSERT_FALSE(file.append("x\n"));
    struct stat st {};
    ASSERT_EQ(::stat((dir / "private.log").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0077, 0u);
}

// ---- JSON lines (api.md §5.3) -----------------------------------------------------------

Event spec_example_event() {
    using namespace std::chrono;
    Event event;
    event.time = EventTime{sys_days{2024y / 1 / 15}} + 12h;
    event.decky = "decky-01";
    event.service = "ssh";
    event.event_type = "login_attempt";
    event.add("src_ip", "10.0.0.1").add("username", "root").add("password", "toor");
    return event;
}

TEST(CollectorJson, MatchesTheSpecExampleByteForByte) {
    EXPECT_EQ(format_collector_json(spec_example_event()),
              R"({"timestamp": "2024-01-15 12:00:00", "decky": "decky-01", "service": "ssh", )"
              R"("event_type": "login_attempt", "attacker_ip": "10.0.0.1", "fields": )"
              R"({"src_ip": "10.0.0.1", "username": "root", "password": "toor"}, "msg": "", )"
              R"("raw_line": "<134>1 2024-01-15T12:00:00+00:00 decky-01 ssh - login_attempt )"
              R"([decnet@55555 src_ip=\"10.0.0.1\" username=\"root\" password=\"toor\"]"})");
}

TEST(CollectorJson, NonAsciiIsEscapedAndQuotesSurvive) {
    using namespace std::chrono;
    Event event;
    event.time = EventTime{sys_days{2024y / 1 / 15}} + 12h + 500us;
    event.decky = "decky-02";
    event.service = "http";
    event.event_type = "request";
    event.add("remote_addr", "1.2.3.4").add("path", "/a\"b\\c").add("user", "jörg😀");
    event.msg = "GET /x";
    EXPECT_EQ(format_collector_json(event),
              R"({"timestamp": "2024-01-15 12:00:00", "decky": "decky-02", "service": "http", )"
              R"("event_type": "request", "attacker_ip": "1.2.3.4", "fields": {"remote_addr": )"
              R"("1.2.3.4", "path": "/a\"b\\c", "user": "j\u00f6rg\ud83d\ude00"}, "msg": )"
              R"("GET /x", "raw_line": "<134>1 2024-01-15T12:00:00.000500+00:00 decky-02 http )"
              R"(- request [decnet@55555 remote_addr=\"1.2.3.4\" path=\"/a\\\"b\\\\c\" )"
              R"(user=\"j\u00f6rg\ud83d\ude00\"] GET /x"})");
}

TEST(CollectorJson, NoAttackerFieldMeansUnknownAndDuplicatesKeepFirstPosition) {
    Event event = spec_example_event();
    event.fields = {{"a", "1"}, {"b", "2"}, {"a", "3"}};
    const auto json = format_collector_json(event);
    EXPECT_NE(json.find(R"("attacker_ip": "Unknown")"), std::string::npos) << json;
    EXPECT_NE(json.find(R"("fields": {"a": "3", "b": "2"})"), std::string::npos) << json;
}

TEST(CollectorJson, PythonStringEscapes) {
    std::string out;
    append_python_json_string(out, std::string("\x01\x7f\b\f\t\r\n\xc3\xa9\xff", 10));
    EXPECT_EQ(out, R"("\u0001\u007f\b\f\t\r\n\u00e9\ufffd")");
}

TEST(CollectorJson, TraceCarrierOnlyWhenAskedAndTraced) {
    Event event = spec_example_event();
    event.trace =
        *TraceContext::from_traceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    EXPECT_EQ(format_collector_json(event).find("_trace"), std::string::npos);
    EXPECT_TRUE(format_collector_json(event, true)
                    .ends_with(R"(, "_trace": {"traceparent": )"
                               R"("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}})"));
    event.trace = {};
    EXPECT_EQ(format_collector_json(event, true).find("_trace"), std::string::npos);
}

TEST(JsonLinesFileSink, AppendsOneRecordPerLineAndSurvivesRotation) {
    TempDir dir;
    const auto path = json_path_for(dir / "decnet.log");
    ASSERT_EQ(path, dir / "decnet.json");
    JsonLinesFileSink sink(path);
    const auto first = std::make_shared<const Event>(spec_example_event());
    sink.write_batch(std::vector<EventPtr>{first});
    std::filesystem::rename(path, dir / "decnet.json.1");
    const auto second = sample_event(7);
    sink.write_batch(std::vector<EventPtr>{second});
    EXPECT_EQ(read_text(dir / "decnet.json.1"), format_collector_json(*first) + "\n");
    EXPECT_EQ(read_text(path), format_collector_json(*second) + "\n");
}

TEST(JsonLinesFileSink, LifecycleDedupFiltersOnlyTheJsonFile) {
    TempDir dir;
    JsonLinesFileSink::Options options;
    options.rate_limiter = std::make_shared<LifecycleRateLimiter>(
        std::vector<std::string>{"connect"}, std::chrono::duration<double>(60.0));
    JsonLinesFileSink json(dir / "decnet.json", options);
    Rfc5424FileSink log(dir / "decnet.log");
    std::vector<EventPtr> events;
    for (int i = 0; i < 5; ++i) events.push_back(sample_event(i, "connect"));
    events.push_back(sample_event(5, "login_attempt"));
    json.write_batch(events);
    log.write_batch(events);
    EXPECT_EQ(read_text(dir / "decnet.json"),
              format_collector_json(*events[0]) + "\n" + format_collector_json(*events[5]) + "\n");
    EXPECT_EQ(read_text(dir / "decnet.log"), lines_of(events));
    EXPECT_EQ(json.stats().written, 2u);
    EXPECT_EQ(json.stats().filtered, 4u);
    EXPECT_EQ(json.stats().dropped, 0u);
}

TEST(JsonPathFor, ReplacesTheLastSuffix) {
    EXPECT_EQ(json_path_for("/var/log/decnet/decnet.log"), "/var/log/decnet/decnet.json");
    EXPECT_EQ(json_path_for("x"), "x.json");
    EXPECT_EQ(json_path_for("a.b.log"), "a.b.json");
}

// ---- SinkRunner ----------------------------------------------------------------------

TEST(SinkRunner, DrainsASubscriptionIntoAFileInOrder) {
    TempDir dir;
    const auto path = dir / "decnet.log";
    EventBus bus;
    SinkRunner runner(SinkRunner::Options{20ms});
    runner.start(bus.subscribe("file"), std::make_unique<Rfc5424FileSink>(path));
    const auto events = sample_events(0, 200);
    for (const auto& event : events) bus.publish(event);
    ASSERT_TRUE(test::eventually([&] { return runner.stats().at(0).stats.written == 200u; }));
    EXPECT_EQ(runner.stats().at(0).name, "file");
    runner.stop();
    EXPECT_EQ(read_text(path), lines_of(events));
}

TEST(SinkRunner, StopWritesWhatIsAlreadyQueued) {
    TempDir dir;
    const auto path = dir / "decnet.log";
    EventBus bus;
    auto subscription = bus.subscribe("file");
    const auto events = sample_events(0, 30);
    for (const auto& event : events) bus.publish(event);
    SinkRunner runner(SinkRunner::Options{20ms});
    runner.start(subscription, std::make_unique<Rfc5424FileSink>(path));
    runner.stop();
    EXPECT_EQ(read_text(path), lines_of(events));
}

TEST(SinkRunner, WorkerEndsWhenTheBusCloses) {
    TempDir dir;
    EventBus bus;
    SinkRunner runner(SinkRunner::Options{20ms});
    auto subscription = bus.subscribe("file");
    runner.start(subscription, std::make_unique<Rfc5424FileSink>(dir / "x.log"));
    bus.publish(sample_event(1));
    bus.close();
    EXPECT_TRUE(test::eventually([&] { return subscription->finished(); }));
    runner.stop();
    EXPECT_EQ(read_text(dir / "x.log"), lines_of({sample_event(1)}));
}

}  // namespace
}  // namespace decnet
