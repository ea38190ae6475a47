// Every <service>:<event> scope of the shipped ATT&CK table names a service module and an
// event it declares (a renamed event would silently stop being tagged otherwise).
#include <gtest/gtest.h>

#include <string>

#include "honeypot/services/registry.hpp"
#include "intel/attack/attack_tags.hpp"

namespace decnet {
namespace {

bool declared(std::string_view service, std::string_view event) {
    for (const auto* module : honeypot::service_modules()) {
        if (service != "*" && module->slug != service) continue;
        for (const auto& e : module->events)
            if (event == "*" || e.type == event) return true;
    }
    return false;
}

TEST(AttackRuleScopes, EveryScopeNamesADeclaredEvent) {
    for (const auto& rule : intel::attack::RuleSet::builtin().rules())
        for (const auto& [service, event] : rule.scopes)
            EXPECT_TRUE(declared(service, event))
                << rule.technique.id << " " << service << ":" << event;
}

}  // namespace
}  // namespace decnet
