// StoreUnavailable: the store cannot be reached at all (its server stayed away past the
// backend's reconnect budget), as opposed to refusing a row. The MySQL backend throws it;
// the ingester then holds its batch and tries again instead of isolating rows.
#pragma once

#include "store/repository.hpp"

namespace decnet::store {

class StoreUnavailable : public StoreError {
  public:
    using StoreError::StoreError;
};

}  // namespace decnet::store
