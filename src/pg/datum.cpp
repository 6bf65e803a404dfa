#include "pg/datum.hpp"

extern "C" {
#include "utils/datetime.h"
}

namespace ls::pg {

namespace {
// Storage properties of the element types we build arrays of, looked up once per
// type instead of once per array (a syscache lookup each time adds up per event).
struct TypeInfo {
    Oid type = InvalidOid;
    int16 len = 0;
    bool byval = false;
    char align = 'i';
};

TypeInfo type_info(Oid type) {
    static TypeInfo known[16];
    for (const TypeInfo& t : known)
        if (t.type == type) return t;
    TypeInfo info = call([&]() -> TypeInfo {
        TypeInfo t;
        t.type = type;
        get_typlenbyvalalign(type, &t.len, &t.byval, &t.align);
        return t;
    });
    for (TypeInfo& slot : known)
        if (slot.type == InvalidOid) {
            slot = info;
            break;
        }
    return info;
}
}  // namespace

core::Points points_from_numeric(Datum numeric) {
    const char* text = call([&]() -> const char* { return DatumGetCString(DirectFunctionCall1(numeric_out, numeric)); });
    return core::Points::parse(text);
}

Datum numeric_from_points(core::Points p) {
    const std::string text = p.to_string();
    const char* cstr = text.c_str();
    return call([&]() -> Datum {
        return DirectFunctionCall3(numeric_in, CStringGetDatum(cstr), ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
    });
}

std::optional<core::Points> optional_points(const std::string& text) {
    if (text.empty()) return std::nullopt;
    return core::Points::parse(text);
}

bool in_scoring_range(TimestampTz t) {
    // date2j only computes; 0001-01-01 and 10000-01-01, midnight UTC.
    static const TimestampTz first = (date2j(1, 1, 1) - POSTGRES_EPOCH_JDATE) * USECS_PER_DAY;
    static const TimestampTz end = (date2j(10000, 1, 1) - POSTGRES_EPOCH_JDATE) * USECS_PER_DAY;
    return !TIMESTAMP_NOT_FINITE(t) && t >= first && t < end;
}

void require_scoring_time(TimestampTz t, const std::string& what) {
    if (!in_scoring_range(t))
        throw SqlError(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE,
                       what + " must be a time between the years 1 and 9999",
                       "lead_scoring scores times of those years only (see events.occurred_at).");
}

std::optional<TimestampTz> parse_scoring_time(const std::string& text) {
    // timestamptz_in's own steps, whose failures are return codes here rather than
    // errors (timestamptz_in raises them): a property that is no time is no error.
    // Only a date (and time) written out counts: it starts with a digit, so the
    // words that mean "now" ('now', 'today', 'tomorrow', ...) and 'infinity' are no
    // deadline (they would give another time at each replay). Without a zone it is
    // UTC, whatever the session's TimeZone (a recompute must find the same times).
    size_t start = 0;
    while (start < text.size() && (text[start] == ' ' || text[start] == '\t')) ++start;
    if (text.empty() || text.size() > MAXDATELEN || start == text.size() || text[start] < '0' || text[start] > '9')
        return std::nullopt;
    const char* input = text.c_str();
    struct Parsed {
        bool ok = false;
        TimestampTz t = 0;
    };
    // The session's zone comes back however the parse ends (an error included).
    struct RestoreZone {
        pg_tz* zone;
        ~RestoreZone() { session_timezone = zone; }
    } restore{session_timezone};
    const Parsed parsed = call([&]() -> Parsed {
        static pg_tz* utc = nullptr;
        if (!utc) utc = pg_tzset("UTC");
        if (utc) session_timezone = utc;
        char workbuf[MAXDATELEN + MAXDATEFIELDS];
        char* field[MAXDATEFIELDS];
        int ftype[MAXDATEFIELDS];
        int nf = 0, dtype = 0, tz = 0;
        struct pg_tm tt;
        fsec_t fsec = 0;
        Parsed out;
        if (ParseDateTime(input, workbuf, sizeof(workbuf), field, ftype, MAXDATEFIELDS, &nf) != 0) return out;
        if (DecodeDateTime(field, ftype, nf, &dtype, &tt, &fsec, &tz) != 0 || dtype != DTK_DATE) return out;
        if (tm2timestamp(&tt, fsec, &tz, &out.t) != 0) return out;
        out.ok = true;
        return out;
    });
    if (!parsed.ok || !in_scoring_range(parsed.t)) return std::nullopt;
    return parsed.t;
}

Datum detoasted_copy(MemoryContext context, Datum value) {
    return call([&]() -> Datum {
        MemoryContext old = MemoryContextSwitchTo(context);
        struct varlena* copy = PG_DETOAST_DATUM_COPY(value);
        MemoryContextSwitchTo(old);
        return PointerGetDatum(copy);
    });
}

Datum bytea_datum(const std::string& bytes) {
    return call([&]() -> Datum {
        bytea* b = static_cast<bytea*>(palloc(VARHDRSZ + bytes.size()));
        SET_VARSIZE(b, VARHDRSZ + bytes.size());
        memcpy(VARDATA(b), bytes.data(), bytes.size());
        return PointerGetDatum(b);
    });
}

Datum text_datum(const std::string& value) {
    const char* data = value.data();
    const int len = static_cast<int>(value.size());
    return call([&]() -> Datum { return PointerGetDatum(cstring_to_text_with_len(data, len)); });
}

std::string text_value(Datum text) {
    struct Span {
        const char* data;
        int len;
    };
    Span s = call([&]() -> Span {
        struct varlena* t = pg_detoast_datum_packed(reinterpret_cast<struct varlena*>(DatumGetPointer(text)));
        return Span{VARDATA_ANY(t), static_cast<int>(VARSIZE_ANY_EXHDR(t))};
    });
    return std::string(s.data, s.len);
}

Datum make_array(const std::vector<Datum>& values, const std::vector<bool>& nulls, Oid element_type) {
    const int n = static_cast<int>(values.size());
    // bool vector -> plain bool buffer PostgreSQL can read
    std::vector<char> null_flags(nulls.begin(), nulls.end());
    const Datum* vals = values.data();
    const bool* null_ptr = nulls.empty() ? nullptr : reinterpret_cast<const bool*>(null_flags.data());
    const TypeInfo t = type_info(element_type);
    return call([&]() -> Datum {
        int dims[1] = {n};
        int lbs[1] = {1};
        ArrayType* a = construct_md_array(const_cast<Datum*>(vals), const_cast<bool*>(null_ptr), 1, dims, lbs,
                                          element_type, t.len, t.byval, t.align);
        return PointerGetDatum(a);
    });
}

std::vector<Datum> array_elements(Datum array, Oid element_type, const char* what) {
    struct Parts {
        Datum* values;
        bool* nulls;
        int n;
    };
    const TypeInfo t = type_info(element_type);
    Parts p = call([&]() -> Parts {
        ArrayType* a = DatumGetArrayTypeP(array);
        Parts out{nullptr, nullptr, 0};
        deconstruct_array(a, element_type, t.len, t.byval, t.align, &out.values, &out.nulls, &out.n);
        return out;
    });
    for (int i = 0; i < p.n; ++i)
        if (p.nulls[i]) throw SqlError(ERRCODE_NULL_VALUE_NOT_ALLOWED, std::string(what) + " must not contain nulls");
    return std::vector<Datum>(p.values, p.values + p.n);
}

Datum int4_array(const std::vector<int32_t>& v) {
    std::vector<Datum> d;
    d.reserve(v.size());
    for (int32_t x : v) d.push_back(Int32GetDatum(x));
    return make_array(d, {}, INT4OID);
}

Datum int8_array(const std::vector<int64_t>& v) {
    std::vector<Datum> d;
    d.reserve(v.size());
    for (int64_t x : v) d.push_back(Int64GetDatum(x));
    return make_array(d, {}, INT8OID);
}

SqlError points_error(const core::PointsError& e, const std::string& context) {
    return SqlError(e.kind == core::PointsError::Kind::Overflow ? ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE
                                                               : ERRCODE_INVALID_PARAMETER_VALUE,
                    context + ": " + e.what());
}

}  // namespace ls::pg
