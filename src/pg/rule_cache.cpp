#include "pg/rule_cache.hpp"
#include "pg/rule_tables.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "pg/datum.hpp"
#include "pg/predictive_features.hpp"
#include "pg/extension_version.hpp"
#include "pg/spi.hpp"

extern "C" {
#include "utils/inval.h"
}

namespace ls::pg {

namespace {

std::shared_ptr<const RuleCache> cached;
bool cache_stale = true;
int64 builds = 0;
bool callback_registered = false;

// The relations whose changes make the cache stale (filled at each build).
Oid watched[kRuleTableCount] = {};

void on_relcache_invalidation(Datum, Oid relid) {
    // Runs inside PostgreSQL's invalidation processing: set a flag, nothing else.
    if (relid == InvalidOid) {
        cache_stale = true;
        return;
    }
    for (Oid w : watched)
        if (w == relid) cache_stale = true;
}

// A detoasted copy in the cache's context, so matching never detoasts again.
Datum keep_copy(MemoryContext context, Datum value) { return detoasted_copy(context, value); }

std::optional<core::Micros> interval_micros(uint64 row, int col) {
    if (column_is_null(row, col)) return std::nullopt;
    return column_int64(row, col);
}

// Combination rules (SPEC "Combination rules"): each active rule of an active model
// with its facts (numbered in name order) and tiers; each fact's filter goes to the
// entry of its event type.
void load_combination_rules(RuleCache& cache, const std::map<int32_t, size_t>& model_index) {
    std::map<int64_t, std::pair<size_t, size_t>> where;  // rule_id -> (model, rule) index
    std::map<int64_t, std::optional<std::string>> correlate_by;
    run_sql("SELECT r.rule_id, r.model_id, r.group_id, r.name, r.correlate_by"
            " FROM lead_scoring.combination_rules r JOIN lead_scoring.models m USING (model_id)"
            " WHERE m.active AND r.active ORDER BY r.rule_id",
            true);
    for (uint64 r = 0; r < SPI_processed; ++r) {
        const size_t mi = model_index.at(column_int32(r, 2));
        core::CombinationRuleDef c;
        c.id = column_int64(r, 1);
        c.group_id = column_int32(r, 3);
        c.name = column_text(r, 4);
        if (!column_is_null(r, 5)) correlate_by[c.id] = column_text(r, 5);
        where[c.id] = {mi, cache.models[mi].combination_rules.size()};
        cache.models[mi].combination_rules.push_back(std::move(c));
    }
    if (where.empty()) return;

    run_sql("SELECT f.rule_id, f.fact, f.event_type, f.properties_match, f.condition"
            " FROM lead_scoring.combination_facts f ORDER BY f.rule_id, f.fact",
            true);
    for (uint64 r = 0; r < SPI_processed; ++r) {
        auto it = where.find(column_int64(r, 1));
        if (it == where.end()) continue;  // a rule not in use
        core::CombinationRuleDef& rule = cache.models[it->second.first].combination_rules[it->second.second];
        if (rule.facts.size() >= 64) continue;  // refused when written
        CompiledCombinationFact f;
        f.model_index = it->second.first;
        f.rule_index = it->second.second;
        f.bit = core::FactSet{1} << rule.facts.size();
        f.correlate_by = correlate_by[rule.id];
        bool isnull;
        Datum match = column(r, 4, &isnull);
        if (!isnull) f.filter.match = keep_copy(cache.context, match);
        Datum condition = column(r, 5, &isnull);
        if (!isnull) f.filter.condition = keep_copy(cache.context, condition);
        rule.facts.push_back(column_text(r, 2));
        cache.by_event_type[column_text(r, 3)].facts.push_back(std::move(f));
    }

    // One row per fact of a tier, the tier's rows together.
    run_sql("SELECT t.rule_id, t.tier_id, t.points::pg_catalog.text, f.fact"
            " FROM lead_scoring.combination_tiers t, pg_catalog.unnest(t.facts) f(fact)"
            " ORDER BY t.rule_id, t.tier_id",
            true);
    int64_t last_tier = -1;
    for (uint64 r = 0; r < SPI_processed; ++r) {
        auto it = where.find(column_int64(r, 1));
        if (it == where.end()) continue;
        core::CombinationRuleDef& rule = cache.models[it->second.first].combination_rules[it->second.second];
        const int64_t tier = column_int64(r, 2);
        if (tier != last_tier) {
            rule.tiers.push_back(core::CombinationTierDef{0, core::Points::parse(column_text(r, 3))});
            last_tier = tier;
        }
        const core::FactSet bit = rule.bit_of(column_text(r, 4));
        // A fact name the rule does not have (refused when written) makes the tier
        // one that never holds: every bit, more than any set can have.
        rule.tiers.back().facts |= bit ? bit : ~core::FactSet{0};
    }
}

// Absence rules (SPEC "Absence rules"): each active rule of an active model, its
// anchor filter under the anchor's event type and its expected filter under the
// expected one's.
void load_absence_rules(RuleCache& cache, const std::map<int32_t, size_t>& model_index) {
    run_sql("SELECT a.rule_id, a.model_id, a.group_id, a.name, a.points::pg_catalog.text,"
            " (EXTRACT(epoch FROM a.deadline_after) * 1000000)::pg_catalog.int8,"
            " a.anchor_event_type, a.anchor_match, a.expected_event_type, a.expected_match,"
            " a.correlate_by, a.deadline_property"
            " FROM lead_scoring.absence_rules a JOIN lead_scoring.models m USING (model_id)"
            " WHERE m.active AND a.active ORDER BY a.rule_id",
            true);
    for (uint64 r = 0; r < SPI_processed; ++r) {
        const size_t mi = model_index.at(column_int32(r, 2));
        core::AbsenceRuleDef a;
        a.id = column_int64(r, 1);
        a.group_id = column_int32(r, 3);
        a.name = column_text(r, 4);
        a.points = core::Points::parse(column_text(r, 5));
        a.deadline_after = column_int64(r, 6, 0);
        std::optional<std::string> correlate_by, deadline_property;
        if (!column_is_null(r, 11)) correlate_by = column_text(r, 11);
        if (!column_is_null(r, 12)) deadline_property = column_text(r, 12);
        for (bool anchor : {true, false}) {
            CompiledAbsenceFilter f;
            f.model_index = mi;
            f.rule_index = cache.models[mi].absence_rules.size();
            f.anchor = anchor;
            f.correlate_by = correlate_by;
            if (anchor) f.deadline_property = deadline_property;
            bool isnull;
            Datum match = column(r, anchor ? 8 : 10, &isnull);
            if (!isnull) f.filter.match = keep_copy(cache.context, match);
            cache.by_event_type[column_text(r, anchor ? 7 : 9)].absences.push_back(std::move(f));
        }
        cache.models[mi].absence_rules.push_back(std::move(a));
    }
}

// Predictive fits (SPEC "Predictive scoring"): per active model with one, its
// features compiled (the event_count ones go to their event types) and its terms
// as an encoder.
void load_predictive_fits(RuleCache& cache, const std::map<int32_t, size_t>& model_index) {
    cache.predictive_features.resize(cache.models.size());
    run_sql("SELECT f.model_id, f.fit_id, f.features FROM lead_scoring.predictive_fits f"
            " JOIN lead_scoring.models m USING (model_id) WHERE m.active ORDER BY f.model_id",
            true);
    // The fits first (compiling a feature set runs a statement of its own, which
    // replaces SPI_tuptable): their features copied into the cache's context.
    struct Fit {
        size_t mi;
        int64_t fit_id;
        Datum features;
    };
    std::vector<Fit> fits;
    for (uint64 r = 0; r < SPI_processed; ++r) {
        bool isnull;
        fits.push_back(Fit{model_index.at(column_int32(r, 1)), column_int64(r, 2),
                           keep_copy(cache.context, column(r, 3, &isnull))});
    }
    for (const Fit& f : fits) cache.predictive_features[f.mi] = std::make_shared<FeatureSet>(f.features, cache.context);
    for (const Fit& f : fits) {
        StoredTerms stored = read_predictive_terms(cache.models[f.mi].id);
        core::PredictiveFitDef def;
        def.fit_id = f.fit_id;
        def.coefficients = std::move(stored.coefficients);
        const FeatureSet& set = *cache.predictive_features[f.mi];
        def.encoder = std::make_shared<core::FeatureEncoder>(set.defs(), std::move(stored.terms));
        cache.models[f.mi].predictive = std::move(def);
        for (const auto& [type, indices] : set.event_features())
            for (size_t i : indices)
                cache.by_event_type[type].predictive_counts.push_back(
                    CompiledPredictiveCount{f.mi, static_cast<uint32_t>(i), &set.features()[i].filter});
    }
}

std::shared_ptr<RuleCache> build() {
    // No cache, and so no scoring, under another version's SQL.
    require_matching_sql();
    auto cache = std::make_shared<RuleCache>();
    cache->context = call([]() -> MemoryContext {
        return AllocSetContextCreate(TopMemoryContext, "lead_scoring rule cache", ALLOCSET_SMALL_SIZES);
    });

    call([] {
        const Oid schema = get_namespace_oid("lead_scoring", false);
        for (int i = 0; i < kRuleTableCount; ++i) watched[i] = get_relname_relid(kRuleTables[i], schema);
    });

    std::map<int32_t, size_t> model_index;
    run_sql("SELECT model_id, name, min_score::pg_catalog.text, max_score::pg_catalog.text, conversion_event_type"
            " FROM lead_scoring.models WHERE active ORDER BY model_id",
            true);
    for (uint64 r = 0; r < SPI_processed; ++r) {
        core::ModelDef m;
        m.id = column_int32(r, 1);
        m.name = column_text(r, 2);
        m.min_score = optional_points(column_text(r, 3));
        m.max_score = optional_points(column_text(r, 4));
        if (!column_is_null(r, 5)) m.conversion_event_type = column_text(r, 5);
        model_index[m.id] = cache->models.size();
        cache->models.push_back(std::move(m));
    }
    cache->attribute_rules.resize(cache->models.size());
    if (cache->models.empty()) return cache;

    run_sql("SELECT b.model_id, b.name, b.min_score::pg_catalog.text FROM lead_scoring.bands b"
            " JOIN lead_scoring.models m USING (model_id) WHERE m.active ORDER BY b.model_id, b.min_score",
            true);
    for (uint64 r = 0; r < SPI_processed; ++r)
        cache->models[model_index.at(column_int32(r, 1))].bands.emplace_back(core::Points::parse(column_text(r, 3)),
                                                                            column_text(r, 2));

    // Intervals become fixed lengths (a day of 24 hours, a month of 30 days), as
    // EXTRACT(epoch FROM interval) measures them.
    run_sql("SELECT g.group_id, g.model_id, g.name, g.max_points::pg_catalog.text, g.counts_toward_total,"
            " (EXTRACT(epoch FROM g.decay_after) * 1000000)::pg_catalog.int8,"
            " (EXTRACT(epoch FROM COALESCE(g.decay_every, g.decay_after)) * 1000000)::pg_catalog.int8,"
            " g.decay_points::pg_catalog.text, g.decay_percent::pg_catalog.text,"
            " (EXTRACT(epoch FROM g.window_size) * 1000000)::pg_catalog.int8"
            " FROM lead_scoring.point_groups g JOIN lead_scoring.models m USING (model_id)"
            " WHERE m.active ORDER BY g.model_id, g.group_id",
            true);
    for (uint64 r = 0; r < SPI_processed; ++r) {
        core::GroupDef g;
        g.id = column_int32(r, 1);
        g.name = column_text(r, 3);
        g.max_points = optional_points(column_text(r, 4));
        g.counts_toward_total = column_bool(r, 5, true);
        if (auto after = interval_micros(r, 6)) {
            core::DecayPolicy d;
            d.after = *after;
            d.every = interval_micros(r, 7).value_or(*after);
            d.points = optional_points(column_text(r, 8));
            d.percent = optional_points(column_text(r, 9));
            g.decay = d;
        }
        g.window = interval_micros(r, 10);
        cache->models[model_index.at(column_int32(r, 2))].groups.push_back(std::move(g));
    }

    run_sql("SELECT t.threshold_id, t.model_id, t.group_id, t.name, t.min_score::pg_catalog.text,"
            " t.event_type, t.properties_match"
            " FROM lead_scoring.thresholds t JOIN lead_scoring.models m USING (model_id)"
            " WHERE m.active AND t.active ORDER BY t.threshold_id",
            true);
    for (uint64 r = 0; r < SPI_processed; ++r) {
        const size_t mi = model_index.at(column_int32(r, 2));
        core::ThresholdDef t;
        t.id = column_int64(r, 1);
        if (!column_is_null(r, 3)) t.group_id = column_int32(r, 3);
        t.name = column_text(r, 4);
        t.min_score = core::Points::parse(column_text(r, 5));
        t.on_event = !column_is_null(r, 6);
        if (t.on_event) {
            CompiledEventThreshold ct;
            ct.model_index = mi;
            ct.threshold_index = cache->models[mi].thresholds.size();
            bool isnull;
            Datum match = column(r, 7, &isnull);
            if (!isnull) ct.filter.match = keep_copy(cache->context, match);
            cache->by_event_type[column_text(r, 6)].thresholds.push_back(ct);
        }
        cache->models[mi].thresholds.push_back(std::move(t));
    }

    run_sql("SELECT a.rule_id, a.model_id, a.group_id, a.name, a.condition, a.points::pg_catalog.text, a.required"
            " FROM lead_scoring.attribute_rules a JOIN lead_scoring.models m USING (model_id)"
            " WHERE m.active AND a.active ORDER BY a.rule_id",
            true);
    for (uint64 r = 0; r < SPI_processed; ++r) {
        const size_t mi = model_index.at(column_int32(r, 2));
        core::AttributeRuleDef a;
        a.id = column_int64(r, 1);
        a.group_id = column_int32(r, 3);
        a.name = column_text(r, 4);
        a.points = core::Points::parse(column_text(r, 6));
        a.required = column_bool(r, 7);
        CompiledAttributeRule ca;
        ca.attribute_index = cache->models[mi].attribute_rules.size();
        bool isnull;
        ca.filter.condition = keep_copy(cache->context, column(r, 5, &isnull));
        cache->models[mi].attribute_rules.push_back(std::move(a));
        cache->attribute_rules[mi].push_back(ca);
    }

    run_sql("SELECT e.rule_id, e.model_id, e.group_id, e.name, e.event_type, e.properties_match, e.condition,"
            " e.points::pg_catalog.text, e.max_awards,"
            " (EXTRACT(epoch FROM e.cooldown) * 1000000)::pg_catalog.int8,"
            " (SELECT pg_catalog.count(*)::pg_catalog.int4 FROM pg_catalog.jsonb_object_keys(e.properties_match))"
            " FROM lead_scoring.event_rules e JOIN lead_scoring.models m USING (model_id)"
            " WHERE m.active AND e.active",
            true);
    for (uint64 r = 0; r < SPI_processed; ++r) {
        CompiledEventRule c;
        c.model_index = model_index.at(column_int32(r, 2));
        c.def.id = column_int64(r, 1);
        c.def.model_id = column_int32(r, 2);
        c.def.group_id = column_int32(r, 3);
        c.def.name = column_text(r, 4);
        c.def.points = core::Points::parse(column_text(r, 8));
        if (!column_is_null(r, 9)) c.def.max_awards = column_int32(r, 9);
        c.def.cooldown = interval_micros(r, 10);
        c.def.match_keys = column_int32(r, 11, 0);
        bool isnull;
        Datum match = column(r, 6, &isnull);
        if (!isnull) c.filter.match = keep_copy(cache->context, match);
        Datum condition = column(r, 7, &isnull);
        if (!isnull) c.filter.condition = keep_copy(cache->context, condition);
        c.def.has_condition = c.filter.condition != 0;
        cache->by_event_type[column_text(r, 5)].rules.push_back(std::move(c));
    }
    load_combination_rules(*cache, model_index);
    load_absence_rules(*cache, model_index);
    load_predictive_fits(*cache, model_index);
    for (auto& [type, entry] : cache->by_event_type) {
        std::sort(entry.rules.begin(), entry.rules.end(), [](const CompiledEventRule& a, const CompiledEventRule& b) {
            if (a.model_index != b.model_index) return a.model_index < b.model_index;
            if (a.def.group_id != b.def.group_id) return a.def.group_id < b.def.group_id;
            return core::more_specific(a.def, b.def);
        });
        std::stable_sort(entry.absences.begin(), entry.absences.end(),
                         [](const CompiledAbsenceFilter& a, const CompiledAbsenceFilter& b) {
                             return std::make_tuple(a.model_index, a.rule_index, !a.anchor) <
                                    std::make_tuple(b.model_index, b.rule_index, !b.anchor);
                         });
        std::stable_sort(entry.facts.begin(), entry.facts.end(),
                         [](const CompiledCombinationFact& a, const CompiledCombinationFact& b) {
                             return std::tie(a.model_index, a.rule_index) < std::tie(b.model_index, b.rule_index);
                         });
    }
    return cache;
}

}  // namespace

RuleCache::~RuleCache() {
    // The feature sets' contexts are children of `context`: they go first.
    predictive_features.clear();
    // MemoryContextDelete only frees memory; it does not raise errors.
    if (context) MemoryContextDelete(context);
}

size_t RuleCache::event_rule_count() const {
    size_t n = 0;
    for (const auto& [type, entry] : by_event_type) n += entry.rules.size();
    return n;
}

size_t RuleCache::bytes() const {
    size_t n = sizeof(*this);
    for (const auto& m : models) {
        n += sizeof(m) + m.name.capacity() + m.groups.capacity() * sizeof(core::GroupDef) +
             m.attribute_rules.capacity() * sizeof(core::AttributeRuleDef) +
             m.thresholds.capacity() * sizeof(core::ThresholdDef);
        for (const auto& g : m.groups) n += g.name.capacity();
        for (const auto& a : m.attribute_rules) n += a.name.capacity();
        for (const auto& t : m.thresholds) n += t.name.capacity();
    }
    for (const auto& per_model : attribute_rules) n += per_model.capacity() * sizeof(CompiledAttributeRule);
    for (const auto& [type, entry] : by_event_type) {
        n += type.capacity() + sizeof(entry) + 2 * sizeof(void*);  // hash node
        n += entry.rules.capacity() * sizeof(CompiledEventRule) +
             entry.thresholds.capacity() * sizeof(CompiledEventThreshold);
        for (const auto& r : entry.rules) n += r.def.name.capacity();
    }
    if (context) n += MemoryContextMemAllocated(context, true);
    return n;
}

size_t model_index(const RuleCache& rules, const std::string& name) {
    for (size_t i = 0; i < rules.models.size(); ++i)
        if (rules.models[i].name == name) return i;
    // Not among the active models: say whether it exists at all (in a connection of
    // its own: callers may have finished theirs after loading the rules).
    static Statement exists("SELECT 1 FROM lead_scoring.models WHERE name OPERATOR(pg_catalog.=) $1", {TEXTOID});
    Datum args[1] = {text_datum(name)};
    connect();
    const bool inactive = exists.run(args, nullptr, true) > 0;
    finish();
    throw SqlError(ERRCODE_UNDEFINED_OBJECT, "model \"" + name + (inactive ? "\" is not active" : "\" does not exist"),
                   inactive ? "Set models.active to true to use it." : "");
}

std::shared_ptr<const RuleCache> current_rules() {
    // Take in invalidations other sessions committed since this transaction last
    // looked (a cheap counter check when there are none): a rule edit then applies
    // to the next event even inside an open transaction.
    call([] { AcceptInvalidationMessages(); });
    if (cache_stale || !cached) {
        // Clear the flag first: an invalidation that arrives during the build
        // (another session committing a rule edit) makes the next call rebuild.
        cache_stale = false;
        // Read the rules as they are now, not as the running statement's snapshot
        // saw them: an edit may have committed after this statement (or this
        // repeatable-read transaction) began, and its invalidation is what brought
        // us here. A cache built from the older snapshot would miss the edit and
        // be marked fresh, with no invalidation left to correct it. A committing
        // edit is visible to new snapshots before it sends its invalidation, so an
        // edit this snapshot misses sends one after the flag was cleared.
        call([] { PushActiveSnapshot(GetLatestSnapshot()); });
        try {
            cached = build();
        } catch (...) {
            cache_stale = true;
            call([] { PopActiveSnapshot(); });
            throw;
        }
        call([] { PopActiveSnapshot(); });
        ++builds;
    }
    return cached;
}

void register_rule_cache_invalidation() {
    if (callback_registered) return;
    CacheRegisterRelcacheCallback(on_relcache_invalidation, (Datum)0);
    callback_registered = true;
}

void invalidate_rules_for(Oid relid) {
    call([&] { CacheInvalidateRelcacheByRelid(relid); });
}

int64 rule_cache_builds() { return builds; }

}  // namespace ls::pg
