// GET /api/v1/artifacts (the artifact bounties, filtered) and GET /api/v1/artifacts/{sha256}
// (the stored bytes as an attachment; only a validated hash names a file), and
// GET /api/v1/recordings/{sha256} (viewers: only hashes a session_recorded event names).
#include <unistd.h>

#include <fstream>

#include "unit/api/read_test_support.hpp"

namespace decnet::api::read_test {
namespace {

using Query = std::vector<std::pair<std::string, std::string>>;
constexpr const char* kList = "/api/v1/artifacts";
constexpr const char* kDownload = "/api/v1/artifacts/{sha256}";
constexpr const char* kRecording = "/api/v1/recordings/{sha256}";

const std::string kShaA(64, 'a');
const std::string kShaB(64, 'b');

store::BountyRecord artifact(const std::string& timestamp, const std::string& ip,
                             const std::string& decky, const std::string& service,
                             const std::string& sha256, const std::string& filename) {
    store::BountyRecord b;
    b.timestamp = timestamp;
    b.decky = decky;
    b.service = service;
    b.attacker_ip = ip;
    b.bounty_type = "artifact";
    b.payload = R"({"sha256":")" + sha256 + R"(","size":5,"mime":"text/plain","origin":"/up/)" +
                filename + R"(","filename":")" + filename + "\"}";
    return b;
}

class ArtifactResource : public ReadApiTest {
  protected:
    ArtifactResource() {
        artifact_dir_ = dir_ + "/artifacts";
        std::filesystem::create_directories(artifact_dir_);
        context_->artifact_dir = artifact_dir_;
    }
    void seed() {
        std::vector<store::BountyRecord> rows{
            artifact("2026-04-09 10:00:00.000000", "10.0.0.1", "decky-01", "ftp", kShaA, "a.sh"),
            artifact("2026-04-09 11:00:00.000000", "10.0.0.2", "decky-02", "tftp", kShaB, "b.bin"),
            artifact("2026-04-09 12:00:00.000000", "10.0.0.2", "decky-01", "ftp", kShaA, "c.sh")};
        store::BountyRecord credential;
        credential.timestamp = "2026-04-09 13:00:00.000000";
        credential.decky = "decky-01";
        credential.service = "ftp";
        credential.attacker_ip = "10.0.0.1";
        credential.bounty_type = "credential";
        credential.payload = R"({"username":"u","password":"p"})";
        rows.push_back(credential);
        store_->insert_bounties(rows);
        std::ofstream(artifact_dir_ + "/" + kShaA, std::ios::binary) << "hello";
    }
    std::string artifact_dir_;
};

TEST_F(ArtifactResource, ListsArtifactBountiesOnlyNewestFirst) {
    seed();
    const auto page = body(get(kList));
    EXPECT_EQ(page["total"], 3);
    EXPECT_EQ(page["limit"], 50);
    ASSERT_EQ(page["data"].size(), 3u);
    const auto& newest = page["data"][0];
    EXPECT_EQ(newest["timestamp"], "2026-04-09T12:00:00");
    EXPECT_EQ(newest["decky"], "decky-01");
    EXPECT_EQ(newest["service"], "ftp");
    EXPECT_EQ(newest["attacker_ip"], "10.0.0.2");
    EXPECT_EQ(newest["sha256"], kShaA);
    EXPECT_EQ(newest["size"], 5);
    EXPECT_EQ(newest["mime"], "text/plain");
    EXPECT_EQ(newest["origin"], "/up/c.sh");
    EXPECT_EQ(newest["filename"], "c.sh");
    EXPECT_EQ(newest["stored"], true);
    EXPECT_EQ(page["data"][1]["stored"], false);  // b is listed, not on disk
    std::vector<std::string> keys;                // in the order they are written
    const auto ordered = nlohmann::ordered_json::parse(get(kList).body)["data"][0];
    for (const auto& [key, value] : ordered.items()) keys.push_back(key);
    EXPECT_EQ(keys,
              (std::vector<std::string>{"id", "timestamp", "decky", "service", "attacker_ip",
                                        "sha256", "size", "mime", "origin", "filename", "stored"}));
}

TEST_F(ArtifactResource, Filters) {
    seed();
    const auto total = [&](Query query) { return body(get(kList, std::move(query)))["total"]; };
    EXPECT_EQ(total({{"attacker_ip", "10.0.0.2"}}), 2);
    EXPECT_EQ(total({{"attacker_ip", "10.0.0"}}), 0);  // exact
    EXPECT_EQ(total({{"decky", "decky-01"}}), 2);
    EXPECT_EQ(total({{"service", "tftp"}}), 1);
    EXPECT_EQ(total({{"sha256", kShaA}}), 2);
    EXPECT_EQ(total({{"sha256", kShaB}, {"decky", "decky-01"}}), 0);
    EXPECT_EQ(total({{"start_time", "2026-04-09 11:00:00"}}), 2);
    EXPECT_EQ(total({{"end_time", "2026-04-09 11:00:00"}}), 1);
    EXPECT_EQ(total({{"start_time", "2026-04-09 10:30:00"}, {"end_time", "2026-04-09 11:30:00"}}),
              1);
    EXPECT_EQ(total({{"decky", "null"}, {"service", ""}}), 3);  // null-ish
    auto page = body(get(kList, {{"limit", "1"}, {"offset", "1"}}));
    EXPECT_EQ(page["total"], 3);
    ASSERT_EQ(page["data"].size(), 1u);
    EXPECT_EQ(page["data"][0]["filename"], "b.bin");
}

TEST_F(ArtifactResource, Validation) {
    for (const Query& bad : std::vector<Query>{{{"limit", "0"}},
                                               {{"limit", "1001"}},
                                               {{"offset", "-1"}},
                                               {{"sha256", std::string(64, 'A')}},
                                               {{"sha256", "abc"}},
                                               {{"sha256", "%"}}})
        EXPECT_EQ(get(kList, bad).status, 422);
    for (const auto& value : hostile_values())
        for (const char* name : {"attacker_ip", "decky", "service", "start_time", "end_time"})
            EXPECT_EQ(get(kList, {{name, value}}).status, 200) << name;
}

TEST_F(ArtifactResource, DownloadIsAnAttachmentOfTheExactBytes) {
    const std::string bytes = std::string("MZ\x00\x01\xff", 5) + "<script>alert(1)</script>";
    std::ofstream(artifact_dir_ + "/" + kShaB, std::ios::binary) << bytes;
    const auto response = get(kDownload, {}, {{"sha256", kShaB}});
    ASSERT_EQ(response.status, 200);
    EXPECT_EQ(response.body, bytes);
    EXPECT_EQ(response.content_type, "application/octet-stream");
    const auto header = [&](const std::string& name) {
        for (const auto& [k, v] : response.headers)
            if (k == name) return v;
        return std::string();
    };
    EXPECT_EQ(header("Content-Disposition"), "attachment; filename=\"" + kShaB + ".bin\"");
    EXPECT_EQ(header("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(header("Cache-Control"), "no-store");
}

TEST_F(ArtifactResource, DownloadValidatesTheHashAndNeverFollowsPaths) {
    for (const std::string& bad : {std::string(64, 'A'), std::string(63, 'a'), std::string(65, 'a'),
                                   std::string("../../../../etc/passwd"), std::string(),
                                   std::string(62, 'a') + "/x", std::string(63, 'a') + "g"}) {
        const auto response = get(kDownload, {}, {{"sha256", bad}});
        EXPECT_EQ(response.status, 400) << bad;
        EXPECT_EQ(detail(response), "sha256 must be 64 lower-case hexadecimal digits");
    }
    EXPECT_EQ(get(kDownload, {}, {{"sha256", kShaA}}).status, 404);  // unknown
    EXPECT_EQ(detail(get(kDownload, {}, {{"sha256", kShaA}})), "Artifact not found");
    // A link or a directory under an artifact's name is not served.
    ASSERT_EQ(::symlink("/etc/passwd", (artifact_dir_ + "/" + kShaA).c_str()), 0);
    EXPECT_EQ(get(kDownload, {}, {{"sha256", kShaA}}).status, 404);
    std::filesystem::create_directory(artifact_dir_ + "/" + kShaB);
    EXPECT_EQ(get(kDownload, {}, {{"sha256", kShaB}}).status, 404);
    // No artifact directory configured: nothing is downloadable.
    context_->artifact_dir.clear();
    EXPECT_EQ(get(kDownload, {}, {{"sha256", kShaA}}).status, 404);
}

TEST_F(ArtifactResource, ViewersListOnlyAdminsDownload) {
    EXPECT_EQ(route("GET", kList).access, Access::kViewer);
    EXPECT_EQ(route("GET", kDownload).access, Access::kAdmin);
    EXPECT_EQ(route("GET", kRecording).access, Access::kViewer);
}

TEST_F(ArtifactResource, RecordingsServeOnlyHashesASessionRecordedEventNames) {
    const std::string cast = "{\"version\":2,\"width\":80,\"height\":24}\n[0.1,\"o\",\"$ \"]\n";
    std::ofstream(artifact_dir_ + "/" + kShaA, std::ios::binary) << cast;
    std::ofstream(artifact_dir_ + "/" + kShaB, std::ios::binary) << "MZ malware";
    // Not yet named by any recording: even a stored artifact is not a recording.
    EXPECT_EQ(get(kRecording, {}, {{"sha256", kShaA}}).status, 404);
    auto recorded = log_row("2026-04-09 10:00:00.000000", "ssh", "10.0.0.1", "recorded",
                            R"({"user":"root","cast":")" + kShaA + R"("})");
    recorded.event_type = "session_recorded";
    // An upload whose fields mention B elsewhere does not make B a recording.
    auto upload = log_row("2026-04-09 10:01:00.000000", "ssh", "10.0.0.1", "upload",
                          R"({"sha256":")" + kShaB + R"("})");
    upload.event_type = "file_captured";
    insert_logs({recorded, upload});
    const auto response = get(kRecording, {}, {{"sha256", kShaA}});
    ASSERT_EQ(response.status, 200);
    EXPECT_EQ(response.body, cast);
    EXPECT_EQ(response.content_type, "application/x-asciicast");
    EXPECT_EQ(get(kRecording, {}, {{"sha256", kShaB}}).status, 404);
    EXPECT_EQ(detail(get(kRecording, {}, {{"sha256", kShaB}})), "Recording not found");
    EXPECT_EQ(get(kRecording, {}, {{"sha256", "../x"}}).status, 400);
    // Named but not kept (quota): says so.
    std::filesystem::remove(artifact_dir_ + "/" + kShaA);
    EXPECT_EQ(detail(get(kRecording, {}, {{"sha256", kShaA}})).rfind("Recording not stored", 0),
              0u);
}

}  // namespace
}  // namespace decnet::api::read_test
