#include "pg/predictive_features.hpp"

#include <cmath>

#include "pg/datum.hpp"
#include "pg/spi.hpp"

namespace ls::pg {

namespace {

core::FeatureKind kind_of(const std::string& kind) {
    if (kind == "event_count") return core::FeatureKind::EventCount;
    if (kind == "attribute_number") return core::FeatureKind::AttributeNumber;
    if (kind == "attribute_category") return core::FeatureKind::AttributeCategory;
    return core::FeatureKind::AttributeFlag;
}

// A scalar jsonb's number (NaN: not a number) and text (null: not a scalar, or a
// number read without its text).
struct Scalar {
    double number = std::nan("");
    const char* text = nullptr;
    bool is_true = false;
};

// A jsonb value's Scalar; `with_text`: a number's text too (a category's level):
// numeric_out costs more than the number itself, and number features do not need it.
Scalar scalar_of_value(const JsonbValue& v, bool with_text) {
    return call([&]() -> Scalar {
        Scalar out;
        switch (v.type) {
            case jbvNumeric:
                // (beyond a double's range: infinite here, and read as missing below)
                out.number = DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow, NumericGetDatum(v.val.numeric)));
                if (std::isinf(out.number)) out.number = std::nan("");
                if (with_text) out.text = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v.val.numeric)));
                break;
            case jbvString:
                out.text = pnstrdup(v.val.string.val, v.val.string.len);
                break;
            case jbvBool:
                out.is_true = v.val.boolean;
                out.text = v.val.boolean ? "true" : "false";
                break;
            default:  // null, or a container: not a scalar
                break;
        }
        return out;
    });
}

// A scalar jsonb document's Scalar (jsonb_path_query_first's result).
Scalar scalar_of(Datum jsonb, bool with_text) {
    JsonbValue v;
    const bool scalar = call([&]() -> bool { return JsonbExtractScalar(&DatumGetJsonbP(jsonb)->root, &v); });
    return scalar ? scalar_of_value(v, with_text) : Scalar{};
}

}  // namespace

StoredTerms read_predictive_terms(int32_t model_id) {
    static Statement terms("SELECT term, feature, level, mean, scale, coefficient FROM lead_scoring.predictive_terms"
                           " WHERE model_id OPERATOR(pg_catalog.=) $1 ORDER BY term_no",
                           {INT4OID});
    Datum args[1] = {Int32GetDatum(model_id)};
    const uint64 n = terms.run(args, nullptr, true);
    StoredTerms out;
    bool isnull;
    for (uint64 r = 0; r < n; ++r) {
        core::Term t;
        t.name = column_text(r, 1);
        t.feature = column_is_null(r, 2) ? -1 : column_int32(r, 2);
        t.level = column_text(r, 3);
        t.mean = DatumGetFloat8(column(r, 4, &isnull));
        t.scale = DatumGetFloat8(column(r, 5, &isnull));
        out.coefficients.push_back(DatumGetFloat8(column(r, 6, &isnull)));
        out.terms.push_back(std::move(t));
    }
    return out;
}

FeatureSet::FeatureSet(Datum features, MemoryContext parent) {
    context_ = call([&]() -> MemoryContext {
        return AllocSetContextCreate(parent, "lead_scoring predictive features", ALLOCSET_SMALL_SIZES);
    });
    static Statement s(
        "SELECT f->>'name', f->>'kind', f->>'event_type',"
        "       CASE WHEN pg_catalog.jsonb_typeof(f->'properties_match') OPERATOR(pg_catalog.=) 'object'"
        "            THEN f->'properties_match' END,"
        "       (f->>'condition')::pg_catalog.jsonpath,"
        "       (f->>'path')::pg_catalog.jsonpath, f->>'transform', (f->>'min_count')::pg_catalog.int4,"
        "       lead_scoring.jsonpath_is_predicate((f->>'path')::pg_catalog.jsonpath), f->>'rule_kind',"
        "       (f->>'rule_id')::pg_catalog.int8"
        "  FROM pg_catalog.jsonb_array_elements($1) WITH ORDINALITY x(f, n) ORDER BY n",
        {JSONBOID});
    Datum args[1] = {features};
    const uint64 n = s.run(args, nullptr, true);
    auto keep = [&](uint64 r, int col) -> Datum {
        bool isnull;
        Datum d = column(r, col, &isnull);
        if (isnull) return Datum(0);
        return detoasted_copy(context_, d);
    };
    for (uint64 r = 0; r < n; ++r) {
        CompiledFeature f;
        f.def.name = column_text(r, 1);
        f.def.kind = kind_of(column_text(r, 2));
        f.def.log1p = column_text(r, 7) == "log1p";
        f.def.min_count = column_int32(r, 8, 30);
        f.filter.match = keep(r, 4);
        f.filter.condition = keep(r, 5);
        f.path = keep(r, 6);
        f.path_is_predicate = column_bool(r, 9);
        if (f.path != 0) f.key_path = KeyPath::compile(f.path);
        f.rule_kind = column_text(r, 10);
        f.rule_id = column_int64(r, 11);
        if (f.def.kind == core::FeatureKind::EventCount) by_event_type_[column_text(r, 3)].push_back(features_.size());
        features_.push_back(std::move(f));
    }
}

FeatureSet::~FeatureSet() {
    if (context_) MemoryContextDelete(context_);
}

std::vector<core::FeatureDef> FeatureSet::defs() const {
    std::vector<core::FeatureDef> out;
    for (const auto& f : features_) out.push_back(f.def);
    return out;
}

void FeatureSet::start(core::RawRow& row) const {
    row.assign(features_.size(), core::RawValue{});
    for (size_t i = 0; i < features_.size(); ++i)
        if (features_[i].def.kind == core::FeatureKind::EventCount) row[i].number = 0;
}

void FeatureSet::count_event(core::RawRow& row, const std::string& event_type, Datum properties) const {
    auto it = by_event_type_.find(event_type);
    if (it == by_event_type_.end()) return;
    for (size_t i : it->second)
        if (features_[i].filter.holds_for(properties)) row[i].number += 1;
}

void FeatureSet::event_hits(const std::string& event_type, Datum properties, std::vector<uint32_t>& out) const {
    out.clear();
    auto it = by_event_type_.find(event_type);
    if (it == by_event_type_.end()) return;
    for (size_t i : it->second)
        if (features_[i].filter.holds_for(properties)) out.push_back(static_cast<uint32_t>(i));
}

void FeatureSet::finish(core::RawRow& row, Datum attributes) const {
    for (size_t i = 0; i < features_.size(); ++i) {
        const CompiledFeature& f = features_[i];
        if (f.def.kind == core::FeatureKind::EventCount || f.path == 0) continue;
        if (f.def.kind == core::FeatureKind::AttributeFlag && f.path_is_predicate) {
            std::optional<bool> holds;
            if (f.key_path && f.key_path->is_comparison()) holds = f.key_path->holds(attributes);
            // (not value_or: its argument, the executor's answer, would always be worked out)
            row[i].number = (holds ? *holds : jsonpath_holds(attributes, f.path)) ? 1 : 0;
            continue;
        }
        const bool with_text = f.def.kind == core::FeatureKind::AttributeCategory;
        Scalar s;
        JsonbValue found;
        const KeyPath::Walk walk = f.key_path && !f.key_path->is_comparison() ? f.key_path->value(attributes, found)
                                                                                : KeyPath::Walk::Unsure;
        if (walk == KeyPath::Walk::Found) {
            s = scalar_of_value(found, with_text);
        } else if (walk == KeyPath::Walk::Unsure) {
            const Datum value = jsonpath_first(attributes, f.path);
            if (value) s = scalar_of(value, with_text);
        }
        switch (f.def.kind) {
            case core::FeatureKind::AttributeNumber:
                row[i].number = s.number;
                break;
            case core::FeatureKind::AttributeCategory:
                if (s.text) row[i].category = std::string(s.text);
                break;
            default:  // a flag read from a value: JSON true
                row[i].number = s.is_true ? 1 : 0;
                break;
        }
    }
}

}  // namespace ls::pg
