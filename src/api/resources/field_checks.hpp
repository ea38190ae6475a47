// Pydantic reports every field's problem at once and api.md §0.3 ranks them: any
// structural one (missing, wrong type, too short) → 400, else → 422. FieldChecks runs each
// field's validation helper, remembers the worst outcome, and throws it at finish().
#pragma once

#include <optional>

#include "api/http_message.hpp"
#include "api/validation.hpp"

namespace decnet::api {

class FieldChecks {
  public:
    template <class T, class Check>
    std::optional<T> field(Check&& check) {
        try {
            return check();
        } catch (const ValidationError& error) {
            invalid_ = true;
            issues_.insert(issues_.end(), error.developer_issues.begin(),
                           error.developer_issues.end());
            return std::nullopt;
        } catch (const ApiError& error) {
            (error.status == 400 ? structural_ : invalid_) = true;
            return std::nullopt;
        }
    }
    void finish() const {
        if (structural_) fail_structural();
        if (invalid_) throw ValidationError{{422, std::string(kInvalidParamsDetail), {}}, issues_};
    }

  private:
    bool structural_ = false;
    bool invalid_ = false;
    std::vector<std::string> issues_;  // developer mode: every field's 422 issue
};

}  // namespace decnet::api
