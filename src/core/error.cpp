// Formatting of ConfigError locations.
#include "core/error.hpp"

namespace decnet {

std::string ConfigError::located() const {
    if (file_.empty()) return what();
    if (line_ > 0) return file_ + ":" + std::to_string(line_) + ": " + what();
    return file_ + ": " + what();
}

}  // namespace decnet
