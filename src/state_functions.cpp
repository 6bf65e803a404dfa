// SQL's view of the serialised contact state (core/state_codec.hpp):
//   state_groups(state)  each group's score (as the core stored it, cap applied),
//                        fit, balance and decay steps: what group_scores and explain read;
//   state_fit(state)     the attribute rules that held at the last fit;
//   state_as_jsonb(state) the whole state, readable, for debugging;
//   state_with_decay_steps(state, group_id, steps)  the state with one group's step
//                        count replaced (a decay policy change carries counts over);
//   rescore_totals(model_id)  every stored state of a model added up again after an
//                        edit of its caps or clamp (pg/rescore.hpp);
//   drop_model_rows(model_id)  a deleted model's rows (the models trigger);
//   state_from_arrays(...)  0.1's parallel arrays as a state (used by the upgrade only).
#include <cstring>
#include <map>
#include <optional>

#include "core/state_codec.hpp"
#include "pg/datum.hpp"
#include "pg/ledger_guard.hpp"
#include "pg/rescore.hpp"
#include "pg/shard_operations.hpp"
#include "pg/spi.hpp"
#include "pg/srf.hpp"
#include "pg/state_store.hpp"

namespace {

using ls::pg::SqlError;

ls::core::DecodedState decoded_arg(FunctionCallInfo fcinfo, int arg) {
    struct Raw {
        const uint8_t* data;
        size_t size;
    };
    const Raw raw = ls::pg::call([&]() -> Raw {
        bytea* b = PG_GETARG_BYTEA_PP(arg);
        return Raw{reinterpret_cast<const uint8_t*>(VARDATA_ANY(b)), VARSIZE_ANY_EXHDR(b)};
    });
    try {
        return ls::core::decode_state(raw.data, raw.size);
    } catch (const ls::core::StateFormatError& e) {
        throw SqlError(ERRCODE_DATA_CORRUPTED, std::string("lead_scoring: ") + e.what());
    }
}

std::vector<int64_t> int_elements(FunctionCallInfo fcinfo, int arg, Oid type, const char* what) {
    std::vector<int64_t> out;
    if (PG_ARGISNULL(arg)) return out;
    for (Datum d : ls::pg::array_elements(PG_GETARG_DATUM(arg), type, what))
        out.push_back(type == INT4OID ? DatumGetInt32(d) : DatumGetInt64(d));
    return out;
}

}  // namespace

extern "C" {
PG_FUNCTION_INFO_V1(lead_scoring_state_groups);
Datum lead_scoring_state_groups(PG_FUNCTION_ARGS) {
    return ls::pg::entry([&]() -> Datum {
        const ls::core::DecodedState d = decoded_arg(fcinfo, 0);
        ls::pg::materialise(fcinfo, [&](auto&& put) {
            for (size_t i = 0; i < d.state.groups.size(); ++i) {
                const ls::core::GroupBalance& g = d.state.groups[i];
                Datum values[5] = {Int32GetDatum(g.group_id), ls::pg::numeric_from_points(d.group_scores[i]),
                                   ls::pg::numeric_from_points(g.fit), ls::pg::numeric_from_points(g.balance),
                                   Int64GetDatum(g.decay_steps)};
                bool nulls[5] = {};
                put(values, nulls);
            }
        });
        return Datum(0);
    });
}

PG_FUNCTION_INFO_V1(lead_scoring_state_fit);
Datum lead_scoring_state_fit(PG_FUNCTION_ARGS) {
    return ls::pg::entry([&]() -> Datum {
        const ls::core::DecodedState d = decoded_arg(fcinfo, 0);
        ls::pg::materialise(fcinfo, [&](auto&& put) {
            for (const auto& f : d.state.fit) {
                Datum values[3] = {Int64GetDatum(f.rule_id), Int32GetDatum(f.group_id),
                                   ls::pg::numeric_from_points(f.points)};
                bool nulls[3] = {};
                put(values, nulls);
            }
        });
        return Datum(0);
    });
}

PG_FUNCTION_INFO_V1(lead_scoring_state_as_jsonb);
Datum lead_scoring_state_as_jsonb(PG_FUNCTION_ARGS) {
    return ls::pg::entry([&]() -> Datum {
        const std::string json = ls::core::state_to_json(decoded_arg(fcinfo, 0));
        return ls::pg::call([&]() -> Datum { return DirectFunctionCall1(jsonb_in, CStringGetDatum(json.c_str())); });
    });
}

PG_FUNCTION_INFO_V1(lead_scoring_state_with_decay_steps);
Datum lead_scoring_state_with_decay_steps(PG_FUNCTION_ARGS) {
    return ls::pg::entry([&]() -> Datum {
        ls::core::DecodedState d = decoded_arg(fcinfo, 0);
        const int32 group_id = PG_GETARG_INT32(1);
        const int64 steps = PG_GETARG_INT64(2);
        for (auto& g : d.state.groups)
            if (g.group_id == group_id) g.decay_steps = steps;
        return ls::pg::state_datum(ls::core::encode_state(d));
    });
}

PG_FUNCTION_INFO_V1(lead_scoring_rescore_totals);
Datum lead_scoring_rescore_totals(PG_FUNCTION_ARGS) {
    return ls::pg::entry([&]() -> Datum {
        const int32 model_id = PG_GETARG_INT32(0);
        ls::pg::connect();
        // On Citus, in every shard (pg/shard_operations.hpp); else here.
        const std::optional<int64_t> in_shards = ls::pg::ran_in_every_shard(fcinfo);
        const int64_t changed = in_shards ? *in_shards : ls::pg::rescore_model(model_id);
        ls::pg::finish();
        return Int64GetDatum(changed);
    });
}

PG_FUNCTION_INFO_V1(lead_scoring_drop_model_rows);
Datum lead_scoring_drop_model_rows(PG_FUNCTION_ARGS) {
    return ls::pg::entry([&]() -> Datum {
        const int32 model_id = PG_GETARG_INT32(0);
#define LS_DELETE(table) \
    ls::pg::Statement("DELETE FROM lead_scoring." table " WHERE model_id OPERATOR(pg_catalog.=) $1", {INT4OID})
        static ls::pg::Statement deletes[] = {LS_DELETE("contact_scores"), LS_DELETE("contact_score_keys"),
                                              LS_DELETE("window_awards"),  LS_DELETE("combination_sets"),
                                              LS_DELETE("absence_deadlines"), LS_DELETE("band_counts")};
#undef LS_DELETE
        ls::pg::connect();
        // On Citus, in every shard (pg/shard_operations.hpp); else here.
        std::optional<int64_t> rows = ls::pg::ran_in_every_shard(fcinfo);
        if (!rows) {
            // The guards on score rows let this model's go (in a shard they cannot see
            // the model's deletion, made by another backend of the transaction).
            const ls::pg::ModelDrop guard(model_id);
            Datum args[1] = {Int32GetDatum(model_id)};
            rows = 0;
            for (auto& d : deletes) *rows += static_cast<int64_t>(d.run(args, nullptr));
        }
        ls::pg::finish();
        return Int64GetDatum(*rows);
    });
}

// state_from_arrays(model_id, contact_id, group_ids, group_fit_units,
//   group_balance_units, group_decay_steps, fit_rule_ids, fit_rule_groups,
//   fit_rule_units, limit_rule_ids, limit_awards, limit_last_at)
// (0.1's window arrays become rows of lead_scoring.window_awards, in SQL.)
// 0.1 kept the state in these parallel arrays; arrays of one section that differ in
// length are refused (0.1 cut them silently to the shortest). Group scores are
// stored as the core works them out under the model's current groups (loaded once
// per model and statement).
PG_FUNCTION_INFO_V1(lead_scoring_state_from_arrays);
Datum lead_scoring_state_from_arrays(PG_FUNCTION_ARGS) {
    return ls::pg::entry([&]() -> Datum {
        const int32 model_id = PG_GETARG_INT32(0);
        const int64 contact_id = PG_GETARG_INT64(1);
        auto a = [&](int arg, Oid type) { return int_elements(fcinfo, arg, type, "0.1 contact state"); };
        const auto gid = a(2, INT4OID), gfit = a(3, INT8OID), gbal = a(4, INT8OID), gsteps = a(5, INT8OID);
        const auto fid = a(6, INT8OID), fgroup = a(7, INT4OID), funits = a(8, INT8OID);
        const auto lid = a(9, INT8OID), lawards = a(10, INT4OID);
        std::vector<int64_t> llast;
        if (!PG_ARGISNULL(11))
            for (Datum d : ls::pg::array_elements(PG_GETARG_DATUM(11), TIMESTAMPTZOID, "0.1 contact state"))
                llast.push_back(DatumGetTimestampTz(d));
        auto same = [&](const char* section, std::initializer_list<size_t> sizes) {
            for (size_t n : sizes)
                if (n != *sizes.begin())
                    throw SqlError(ERRCODE_DATA_CORRUPTED,
                                   "lead_scoring: the " + std::string(section) + " arrays of contact " +
                                       std::to_string(contact_id) + " in model " + std::to_string(model_id) +
                                       " differ in length; the state cannot be carried over",
                                   "Rebuild the contact with lead_scoring.recompute under 0.1, then update again.");
        };
        same("group", {gid.size(), gfit.size(), gbal.size(), gsteps.size()});
        same("fit_rule", {fid.size(), fgroup.size(), funits.size()});
        same("limit", {lid.size(), lawards.size(), llast.size()});
        using ls::core::Points;
        ls::core::ContactState s;
        for (size_t i = 0; i < gid.size(); ++i)
            s.groups.push_back(ls::core::GroupBalance{static_cast<int32_t>(gid[i]), Points::from_units(gfit[i]),
                                                      Points::from_units(gbal[i]), gsteps[i]});
        for (size_t i = 0; i < fid.size(); ++i)
            s.fit.push_back(ls::core::FitMatch{fid[i], static_cast<int32_t>(fgroup[i]), Points::from_units(funits[i])});
        for (size_t i = 0; i < lid.size(); ++i)
            s.limits.push_back(ls::core::RuleLimit{lid[i], static_cast<int32_t>(lawards[i]), llast[i]});
        // The models seen by this call site (one UPDATE of the upgrade script): a new
        // call site, whose fn_extra is still null, starts afresh.
        static std::map<int32_t, ls::core::ModelDef> models;
        if (!fcinfo->flinfo->fn_extra) {
            models.clear();
            fcinfo->flinfo->fn_extra = ls::pg::call([&] { return MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, 1); });
        }
        auto found = models.find(model_id);
        if (found == models.end()) {
            ls::pg::connect();
            ls::core::ModelDef shape = ls::pg::load_model_shape(model_id);
            ls::pg::finish();
            found = models.emplace(model_id, std::move(shape)).first;
        }
        return ls::pg::state_datum(ls::core::encode_state(found->second, s));
    });
}
}
