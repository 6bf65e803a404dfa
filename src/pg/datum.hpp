// Conversions between PostgreSQL Datums and the core's values, and array building.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/points.hpp"
#include "pg/guard.hpp"

namespace ls::pg {

// numeric <-> Points, through numeric's text form (exact; refuses > 4 decimals).
core::Points points_from_numeric(Datum numeric);
Datum numeric_from_points(core::Points p);
std::optional<core::Points> optional_points(const std::string& text);  // "" -> none

// A points error of the core as the SqlError to report: 22003 for overflow, 22023
// otherwise, the message prefixed with `context` (what was being done).
SqlError points_error(const core::PointsError& e, const std::string& context);

// The text of a text Datum, without copying more than needed.
std::string text_value(Datum text);
// Refuses (SQLSTATE 22008) a time scoring cannot compute with: not finite, or
// outside the years 1 to 9999, the range events.occurred_at allows. `what` names it.
void require_scoring_time(TimestampTz t, const std::string& what);
bool in_scoring_range(TimestampTz t);
// A time written as text (a date, and a time, as timestamptz input reads them:
// ISO 8601 and the other forms; without a zone, UTC), within the years 1 to 9999;
// nothing (no error) for text that is no such time, and for words ('now',
// 'today', 'infinity', ...): the text must start with a digit.
std::optional<TimestampTz> parse_scoring_time(const std::string& text);

// A detoasted copy of a varlena Datum (jsonb, jsonpath, ...) in `context`: kept
// beyond the SPI connection it was read in (the rule cache, feature sets).
Datum detoasted_copy(MemoryContext context, Datum value);

// A text Datum (palloc'd in the current context) holding `value`.
Datum text_datum(const std::string& value);
// `bytes` as a bytea (palloc'd in the current memory context).
Datum bytea_datum(const std::string& bytes);

// Builds a one-dimensional array; `nulls` may be empty (no nulls).
Datum make_array(const std::vector<Datum>& values, const std::vector<bool>& nulls, Oid element_type);

// int4[] / int8[] of the values.
Datum int4_array(const std::vector<int32_t>& v);
Datum int8_array(const std::vector<int64_t>& v);

// Splits a one-dimensional array Datum into its elements. A null element is an
// error naming `what` (the elements are used as values: a null one cannot be).
std::vector<Datum> array_elements(Datum array, Oid element_type, const char* what = "lead_scoring state array");

}  // namespace ls::pg
