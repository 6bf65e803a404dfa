// The two jsonpath shapes predictive attribute features use most, read without
// PostgreSQL's jsonpath executor: a chain of keys ($.a.b), and a chain of keys
// compared for equality with true or false ($.flags.f1 == true). They are read
// once per feature per contact in train and on every attribute change, where the
// executor's set-up costs more than the walk.
//
// The walk only answers when it gives what the executor would: it follows keys
// through objects, and gives up (the caller then runs the executor) when it meets
// an array or a scalar before the last key, where lax mode would unwrap the array
// or drop the item.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "pg/postgres_headers.hpp"

extern "C" {
#include "utils/jsonb.h"
}

namespace ls::pg {

class KeyPath {
public:
    // The path's keys and comparison, or none when the path has another shape.
    static std::optional<KeyPath> compile(Datum jsonpath);

    enum class Walk { Found, Missing, Unsure };
    // The value at the keys of a detoasted jsonb document (Found: in `value`, a
    // scalar or a container of the document), Missing, or Unsure (run the executor).
    Walk value(Datum document, JsonbValue& value) const;
    // For a comparison path: does it hold (jsonb_path_match's true)? None: unsure.
    std::optional<bool> holds(Datum document) const;

    bool is_comparison() const { return compare_to_.has_value(); }

private:
    std::vector<std::string> keys_;
    std::optional<bool> compare_to_;  // `== true` / `== false`
};

}  // namespace ls::pg
