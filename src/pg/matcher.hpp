// Filters of rules and thresholds, evaluated with PostgreSQL's own jsonb
// containment and jsonpath (no expression parser of ours, ENGINEERING.md rule 6).
#pragma once
#include <optional>
#include <string>

#include "pg/guard.hpp"

namespace ls::pg {

// properties @> match; `doc` and `match` must be detoasted jsonb.
bool jsonb_contains_datum(Datum doc, Datum match);
// doc @@ path: true only when the predicate is true (false and unknown are false).
// Errors inside the path (type mismatches, a missing key in strict mode, a division
// by zero, an unparsable datetime) count as unknown, as with @@. It is evaluated as
// jsonb_path_match_tz(doc, path, '{}', silent => true): a comparison of dates or
// times with and without a time zone uses the session's TimeZone instead of
// failing, so no event's properties can make a condition raise an error (a
// $variable, the one other such error, is refused when the condition is written).
bool jsonpath_holds(Datum doc, Datum path);
// The first value `path` gives in `doc`, as jsonb_path_query_first_tz(doc, path,
// '{}', silent => true) does (errors are no value): a palloc'd jsonb, or 0.
Datum jsonpath_first(Datum doc, Datum path);

// The text of the top-level property `key` of a detoasted jsonb object, as
// `doc ->> key` gives it (a string's characters, a number's or boolean's text, an
// object's or array's JSON), or nothing when the key is missing or its value is
// JSON null or `doc` is not an object.
std::optional<std::string> property_text(Datum doc, const std::string& key);

// One filter: optional containment and optional predicate; both must hold.
struct Filter {
    Datum match = 0;      // jsonb, detoasted and kept in the rule cache's context
    Datum condition = 0;  // jsonpath, likewise
    bool holds_for(Datum doc) const {
        if (match != 0 && !jsonb_contains_datum(doc, match)) return false;
        if (condition != 0 && !jsonpath_holds(doc, condition)) return false;
        return true;
    }
};

}  // namespace ls::pg
