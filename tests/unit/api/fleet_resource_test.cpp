// The fleet resources and /stats (api.md §1.6–§1.9, §1.13; checks 28, 33–38): one source
// of truth (Q6), the first deploy works (Q1), the INI body rules, limits and merging.
#include "api/deployment_state.hpp"
#include "unit/api/read_test_support.hpp"

namespace decnet::api::read_test {
namespace {

constexpr const char* kDeckies = "/api/v1/deckies";
constexpr const char* kDeploy = "/api/v1/deckies/deploy";
constexpr const char* kMutate = "/api/v1/deckies/{decky_name}/mutate";
constexpr const char* kInterval = "/api/v1/deckies/{decky_name}/mutate-interval";
constexpr const char* kStats = "/api/v1/stats";
constexpr const char* kDecky = "/api/v1/deckies/{decky_name}";

class FleetResources : public ReadApiTest {
  protected:
    Response deploy(const std::string& json_body) {
        return call("POST", kDeploy, {}, {}, json_body);
    }
    Response deploy_ini(const std::string& ini) {
        return deploy(nlohmann::json{{"ini_content", ini}}.dump());
    }
    Response mutate(const std::string& name) {
        return call("POST", kMutate, {}, {{"decky_name", name}});
    }
    Response interval(const std::string& name, const std::string& json_body) {
        return call("PUT", kInterval, {}, {{"decky_name", name}}, json_body);
    }
    nlohmann::json stored() {
        return nlohmann::json::parse(store_->get_state("deployment").value());
    }
    void fresh_caches() { context_->read_caches->clear(); }
};

TEST_F(FleetResources, NoDeploymentMeansNoDeckies) {
    EXPECT_EQ(get(kDeckies).body, "[]");
    const auto stats = body(get(kStats));
    EXPECT_EQ(
        stats,
        nlohmann::json::parse(
            R"({"total_logs":0,"unique_attackers":0,"active_deckies":0,"deployed_deckies":0})"));
    EXPECT_EQ(stats.size(), 4u);
}

TEST_F(FleetResources, FirstDeployWorksAndEveryReaderSeesIt) {
    const auto response = deploy_ini(
        "[decky-01]\nservices = ssh, "
        "http\n\n[decky-02]\nservices=ftp\n[decky-01.ssh]\nbanner=hi\n");
    ASSERT_EQ(response.status, 200) << response.body;
    EXPECT_EQ(response.body, R"({"message":"Deckies deployed successfully"})");
    const auto deckies = body(get(kDeckies));
    ASSERT_EQ(deckies.size(), 2u);
    const auto& first = deckies[0];
    EXPECT_EQ(first["name"], "decky-01");
    EXPECT_EQ(first["services"], nlohmann::json::parse(R"(["ssh","http"])"));
    EXPECT_EQ(first["service_config"]["ssh"]["banner"], "hi");
    EXPECT_EQ(first["build_base"].get<std::string>().empty(), false);
    EXPECT_EQ(first["nmap_os"], "linux");
    EXPECT_TRUE(first["mutate_interval"].is_null());
    EXPECT_GT(first["last_mutated"].get<double>(), 1e9);
    EXPECT_EQ(first["last_login_attempt"], 0.0);
    EXPECT_EQ(deckies[0]["ip"], "127.77.0.1");  // loopback: no [general] interface
    EXPECT_EQ(deckies[1]["ip"], "127.77.0.2");
    const auto ordered = nlohmann::ordered_json::parse(get(kDeckies).body);
    std::vector<std::string> keys;  // model field order of §1.6, then decnet's two
    for (const auto& [key, value] : ordered[0].items()) keys.push_back(key);
    EXPECT_EQ(keys, (std::vector<std::string>{
                        "name", "ip", "services", "distro", "base_image", "build_base", "hostname",
                        "archetype", "service_config", "nmap_os", "mutate_interval", "last_mutated",
                        "last_login_attempt", "mac", "state"}));
    // A standalone API knows the stored deployment, not the processes or their MACs.
    EXPECT_TRUE(first["mac"].is_null());
    EXPECT_EQ(first["state"], "recorded");
    const auto stats = body(get(kStats));
    EXPECT_EQ(stats["deployed_deckies"], 2);
    EXPECT_EQ(stats["active_deckies"], 2);
    EXPECT_EQ(stored()["config"]["deckies"].size(), 2u);
    EXPECT_EQ(stored()["compose_path"], "docker-compose.yml");
}

TEST_F(FleetResources, FirstDeployOnTheLanUsesDetection) {
    ASSERT_EQ(deploy_ini("[general]\ninterface=eth0\n[web]\nservices=http\n").status, 200);
    const auto config = stored()["config"];
    EXPECT_EQ(config["subnet"], "192.168.1.0/24");
    EXPECT_EQ(config["gateway"], "192.168.1.1");
    EXPECT_EQ(config["mode"], "netns");
    EXPECT_EQ(config["deckies"][0]["ip"], "192.168.1.2");  // skips .1 gateway; .5 is the host
}

TEST_F(FleetResources, BodyAndIniChecks) {
    const auto expect = [&](const std::string& json_body, int status, const std::string& text) {
        const auto response = deploy(json_body);
        EXPECT_EQ(response.status, status) << json_body;
        EXPECT_EQ(detail(response), text) << json_body;
    };
    const std::string structural =
        "Bad Request: Schema structural violation (wrong type, extra fields, or invalid length).";
    expect(R"({"ini_content":""})", 409, "Configuration conflict: INI content is empty.");
    expect(R"({"ini_content":"  \n\t "})", 409, "Configuration conflict: INI content is empty.");
    expect(R"({"ini_content":"key=value"})", 409,
           "Configuration conflict: INI syntax or characters are invalid.");
    expect(R"({"ini_content":"# comment only"})", 409,
           "Invalid INI config structure: No decky sections found.");
    expect(R"({"ini_content":5})", 400, structural);
    expect(R"({"ini_content":null})", 400, structural);
    expect(R"({"ini_content":"[a]","x":1})", 400, structural);
    expect(R"({})", 400, structural);
    expect(R"([1,2])", 422, "Invalid INI config");
    expect(R"("text")", 422, "Invalid INI config");
    expect(nlohmann::json{{"ini_content", "[a]\n#" + std::string(512 * 1024, 'x')}}.dump(), 422,
           "Invalid INI config");
    expect(
        R"({"ini_content":"[decky-x]\nservices=nope"})", 409,
        "Unknown service(s) in [decky-x]: ['nope']. Available: " +
            detail(deploy(R"({"ini_content":"[decky-x]\nservices=nope"})"))
                .substr(
                    std::string("Unknown service(s) in [decky-x]: ['nope']. Available: ").size()));
    expect(R"({"ini_content":"[bad name!]\nservices=ssh"})", 409,
           detail(deploy(R"({"ini_content":"[bad name!]\nservices=ssh"})")));
    EXPECT_EQ(call("POST", kDeploy).status, 400);  // no body at all
    EXPECT_FALSE(store_->get_state("deployment"));
}

TEST_F(FleetResources, UnknownArchetypeAndExhaustedSubnetAre409) {
    auto response = deploy_ini("[a]\narchetype=nonsense\n");
    EXPECT_EQ(response.status, 409);
    EXPECT_EQ(detail(response).rfind("Unknown archetype 'nonsense'", 0), 0u) << detail(response);
    response = deploy_ini(
        "[general]\nnet=127.1.0.0/30\n[a]\nservices=ssh\n[b]\nservices=ssh\n[c]\nservices=ssh\n");
    EXPECT_EQ(response.status, 409);
    EXPECT_EQ(detail(response), "Not enough free IPs in 127.1.0.0/30 while assigning IP for 'c'.");
}

TEST_F(FleetResources, MergeByNameLimitAndIpReuse) {
    ASSERT_EQ(deploy_ini("[decky-01]\nservices=ssh\n[decky-02]\nservices=ssh\n").status, 200);
    store_->set_state("config_limits", R"({"deployment_limit":2})");
    auto response = deploy_ini("[decky-new]\nservices = ssh\n");
    EXPECT_EQ(response.status, 409);
    EXPECT_EQ(detail(response),
              "Deployment would result in 3 deckies, exceeding the configured limit of 2");
    // Same name replaces: still 2.
    ASSERT_EQ(deploy_ini("[decky-02]\nservices=ftp\n").status, 200);
    EXPECT_EQ(stored()["config"]["deckies"][1]["services"][0], "ftp");
    EXPECT_EQ(stored()["config"]["deckies"][1]["ip"], "127.77.0.2");  // decky-01 keeps .1
    store_->set_state("config_limits", R"({"deployment_limit":100})");
    ASSERT_EQ(deploy_ini("[decky-new]\nservices = ssh\n").status, 200);
    const auto deckies = stored()["config"]["deckies"];
    ASSERT_EQ(deckies.size(), 3u);
    std::set<std::string> ips;
    for (const auto& d : deckies) ips.insert(d["ip"].get<std::string>());
    EXPECT_EQ(ips.size(), 3u);  // a new decky never takes a deployed decky's address
    // /deckies drops its cache on a write, /stats keeps its 5 s.
    EXPECT_EQ(body(get(kDeckies)).size(), 3u);
}

TEST_F(FleetResources, MutateNameRulesAndOutcome) {
    EXPECT_EQ(mutate("INVALID NAME!!").status, 422);
    EXPECT_EQ(mutate(std::string(65, 'a')).status, 422);
    EXPECT_EQ(mutate("").status, 422);
    auto response = mutate("decky-01");
    EXPECT_EQ(response.status, 404);
    EXPECT_EQ(detail(response), "Decky decky-01 not found or failed to mutate");
    ASSERT_EQ(deploy_ini("[decky-01]\nservices=ssh\n").status, 200);
    const double before = stored()["config"]["deckies"][0]["last_mutated"].get<double>();
    response = mutate("decky-01");
    ASSERT_EQ(response.status, 200);
    EXPECT_EQ(response.body, R"({"message":"Successfully mutated decky-01"})");
    const auto decky = stored()["config"]["deckies"][0];
    EXPECT_NE(decky["services"], nlohmann::json::parse(R"(["ssh"])"));
    EXPECT_GE(decky["services"].size(), 1u);
    EXPECT_LE(decky["services"].size(), 3u);
    EXPECT_GE(decky["last_mutated"].get<double>(), before);
    EXPECT_EQ(body(get(kDeckies))[0]["services"], decky["services"]);
    EXPECT_EQ(mutate("decky-99").status, 404);
}

TEST_F(FleetResources, MutateInContractTestMode) {
    context_->settings.contract_test = true;
    const auto response = mutate("decky-01");
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body,
              R"x({"message":"Successfully mutated decky-01 (Contract Test Mock)"})x");
    EXPECT_EQ(mutate("INVALID NAME!!").status, 422);
}

TEST_F(FleetResources, MutateInterval) {
    auto response = interval("decky-01", R"({"mutate_interval":"5d"})");
    EXPECT_EQ(response.status, 404);
    EXPECT_EQ(detail(response), "No active deployment");
    ASSERT_EQ(deploy_ini("[decky-01]\nservices=ssh\n").status, 200);
    response = interval("ghost", R"({"mutate_interval":"5d"})");
    EXPECT_EQ(response.status, 404);
    EXPECT_EQ(detail(response), "Decky not found");
    for (const char* bad : {R"("1s")", R"("60")", R"("1h")", R"("0m")", R"("")", R"("1m ")"})
        EXPECT_EQ(interval("decky-01", std::string(R"({"mutate_interval":)") + bad + "}").status,
                  422)
            << bad;
    for (const char* bad : {"60", "false", "[]", "{}"})
        EXPECT_EQ(interval("decky-01", std::string(R"({"mutate_interval":)") + bad + "}").status,
                  400)
            << bad;
    EXPECT_EQ(call("PUT", kInterval, {}, {{"decky_name", "decky-01"}}).status, 400);
    const std::pair<const char*, int> cases[] = {
        {"2m", 2}, {"1d", 1440}, {"1M", 43200}, {"1y", 525600}, {"1Y", 525600}};
    for (const auto& [text, minutes] : cases) {
        response = interval("decky-01", std::string(R"({"mutate_interval":")") + text + "\"}");
        ASSERT_EQ(response.status, 200) << text;
        EXPECT_EQ(response.body, R"({"message":"Mutation interval updated"})");
        EXPECT_EQ(stored()["config"]["deckies"][0]["mutate_interval"], minutes) << text;
        EXPECT_EQ(body(get(kDeckies))[0]["mutate_interval"], minutes);  // one source of truth
    }
    EXPECT_EQ(interval("decky-01", R"({"mutate_interval":null})").status, 200);
    EXPECT_TRUE(stored()["config"]["deckies"][0]["mutate_interval"].is_null());
    EXPECT_EQ(interval("decky-01", R"({})").status, 200);
}

// decnet's teardown (the dashboard's): the decky leaves the stored deployment and every
// reader at once; the others stay.
TEST_F(FleetResources, TeardownRemovesOneDecky) {
    const auto teardown = [&](const std::string& name) {
        return call("DELETE", kDecky, {}, {{"decky_name", name}});
    };
    auto response = teardown("decky-01");
    EXPECT_EQ(response.status, 404);
    EXPECT_EQ(detail(response), "No active deployment");
    ASSERT_EQ(deploy_ini("[decky-01]\nservices=ssh\n\n[decky-02]\nservices=http\n").status, 200);
    EXPECT_EQ(teardown("INVALID NAME!!").status, 422);
    EXPECT_EQ(teardown(std::string(65, 'a')).status, 422);
    response = teardown("ghost");
    EXPECT_EQ(response.status, 404);
    EXPECT_EQ(detail(response), "Decky not found");
    EXPECT_EQ(body(get(kDeckies)).size(), 2u);  // cached now; the teardown must drop it
    response = teardown("decky-01");
    ASSERT_EQ(response.status, 200);
    EXPECT_EQ(response.body, R"({"message":"Decky decky-01 torn down"})");
    const auto deckies = stored()["config"]["deckies"];
    ASSERT_EQ(deckies.size(), 1u);
    EXPECT_EQ(deckies[0]["name"], "decky-02");
    const auto listed = body(get(kDeckies));
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0]["name"], "decky-02");
    EXPECT_EQ(teardown("decky-01").status, 404);
}

TEST_F(FleetResources, CorruptStateIsAnInternalValidationError) {
    store_->set_state("deployment", R"({"config":{"subnet":"x","deckies":[{"name":1}]}})");
    const auto response = get(kDeckies);
    EXPECT_EQ(response.status, 422);
    EXPECT_EQ(response.body,
              R"({"detail":"Internal data consistency error","type":"internal_validation_error"})");
    EXPECT_EQ(body(get(kStats))["deployed_deckies"], 0);
}

TEST_F(FleetResources, ReferenceStateLoads) {
    store_->set_state("deployment", R"({"config":{"mode":"unihost","interface":"eth0",
        "subnet":"192.168.1.0/24","gateway":"192.168.1.1","deckies":[{"name":"decky-01",
        "ip":"192.168.1.10","services":["ssh"],"distro":"debian","base_image":"debian:bookworm",
        "build_base":"debian:bookworm-slim","hostname":"web1","archetype":null,
        "service_config":{"ssh":{"banner":"x"}},"nmap_os":"linux","mutate_interval":null,
        "last_mutated":0.0,"last_login_attempt":0.0}],"log_file":null,"ipvlan":false,
        "mutate_interval":30},"compose_path":"/opt/decnet/docker-compose.yml"})");
    const auto deckies = body(get(kDeckies));
    ASSERT_EQ(deckies.size(), 1u);
    EXPECT_EQ(deckies[0]["service_config"]["ssh"]["banner"], "x");
    ASSERT_EQ(deploy_ini("[decky-02]\nservices=ssh\n").status, 200);
    EXPECT_EQ(stored()["compose_path"], "/opt/decnet/docker-compose.yml");
    EXPECT_EQ(stored()["config"]["deckies"][1]["ip"], "192.168.1.2");
}

TEST_F(FleetResources, StatsAreCachedSingleFlight) {
    insert_logs({log_row("2026-04-09 12:00:00.000000", "ssh", "1.1.1.1", "a"),
                 log_row("2026-04-09 12:00:01.000000", "ssh", "2.2.2.2", "b")});
    repo_->delay = std::chrono::milliseconds(50);
    concurrently(50, [&] { EXPECT_EQ(get(kStats).status, 200); });
    EXPECT_EQ(repo_->log_stats_calls, 1);
    repo_->delay = std::chrono::milliseconds(0);
    const auto first = get(kStats).body;
    insert_logs({log_row("2026-04-09 12:00:02.000000", "ssh", "3.3.3.3", "c")});
    EXPECT_EQ(get(kStats).body, first);  // check 61: same body within the TTL
    EXPECT_EQ(body(get(kStats))["total_logs"], 2);
    EXPECT_EQ(body(get(kStats))["unique_attackers"], 2);
}

TEST_F(FleetResources, StatsAndDeckiesExpire) {
    ReadCacheTtls ttls;
    ttls.stats = std::chrono::milliseconds(100);
    ttls.deckies = std::chrono::milliseconds(100);
    use_ttls(ttls);
    EXPECT_EQ(body(get(kStats))["total_logs"], 0);
    EXPECT_EQ(get(kDeckies).body, "[]");
    insert_logs({log_row("2026-04-09 12:00:00.000000", "ssh", "1.1.1.1", "a")});
    store_->set_state("deployment",
                      deployment_state_to_json(deployment_state_from_json(R"({"config":{"subnet":
        "127.77.0.0/16","deckies":[]}})")));
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    EXPECT_EQ(body(get(kStats))["total_logs"], 1);
    EXPECT_EQ(repo_->log_stats_calls, 2);
}

TEST_F(FleetResources, DeckiesResponseIsCachedSingleFlight) {
    ASSERT_EQ(deploy_ini("[decky-01]\nservices=ssh\n").status, 200);
    const int before = repo_->get_state_calls;
    repo_->delay = std::chrono::milliseconds(50);
    concurrently(50, [&] { EXPECT_EQ(get(kDeckies).status, 200); });
    EXPECT_EQ(repo_->get_state_calls - before, 1);
}

}  // namespace
}  // namespace decnet::api::read_test
