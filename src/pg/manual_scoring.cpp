#include "pg/manual_scoring.hpp"

#include <algorithm>
#include <cstring>

#include "core/scoring.hpp"
#include "pg/absence_store.hpp"
#include "pg/datum.hpp"
#include "pg/state_preparation.hpp"
#include "pg/state_store.hpp"
#include "pg/window_store.hpp"

namespace ls::pg {

namespace {

int32_t find_group(const core::ModelDef& model, const std::string& name) {
    for (const auto& g : model.groups)
        if (g.name == name) return g.id;
    throw SqlError(ERRCODE_UNDEFINED_OBJECT,
                   "point group \"" + name + "\" does not exist in model \"" + model.name + "\"");
}

// Locks the contact (creating it if unknown), lets `apply` change its state in the
// model through a ContactScorer, then writes the state, the ledger and the alerts.
template <typename Apply>
core::Points change_score(const RuleCache& rules, const ManualChange& change, const char* kind, Apply&& apply) {
    const core::ModelDef& model = rules.models[model_index(rules, change.model)];
    std::vector<StoredState> states = lock_ready_states(rules, {change.contact_id}, change.actor);
    // All of the contact's window awards: a reset wipes those of its group.
    load_window_awards(rules.models, states, AwardHorizon::all());
    // Deadlines passed by now fire first, as before an event.
    load_absence_deadlines(rules.models, states,
                           AwardHorizon::at(call([]() -> TimestampTz { return GetCurrentTransactionStartTimestamp(); })));
    StoredState* st = nullptr;
    for (auto& s : states)
        if (s.model_id == model.id) st = &s;
    if (!st) throw SqlError(ERRCODE_INTERNAL_ERROR, "lead_scoring: no score row for contact after creating it");

    core::ContactScorer scorer(model, st->state, st->is_new);
    try {
        if (st->pending_fit) scorer.on_fit(*st->pending_fit);  // a state this call created
        // Decay and expiry due by now first, as before an event.
        scorer.on_due(call([]() -> TimestampTz { return GetCurrentTransactionStartTimestamp(); }));
        apply(model, scorer);
    } catch (const core::PointsError& e) {
        throw points_error(e, std::string(std::strcmp(kind, "manual") == 0 ? "adjust" : kind) + " of contact " +
                                  std::to_string(change.contact_id) + " in model \"" + model.name + "\"");
    }
    std::vector<LedgerRow> ledger;
    for (const auto& c : scorer.ledger()) {
        LedgerRow row = ledger_row(model.id, change.contact_id, c);
        if (c.kind == core::LedgerKind::Manual || c.kind == core::LedgerKind::Reset) row.reason = change.reason;
        ledger.push_back(std::move(row));
    }
    // A contact this call created gets its fit in every model (the others than
    // `model` only that), the alerts in model order.
    std::vector<AlertRow> alerts;
    for (auto& other : states) {
        if (&other == st) {
            for (const auto& a : scorer.alerts())
                alerts.push_back(AlertRow{a.threshold->id, model.id, change.contact_id, a.score, 0});
            st->finish(model, scorer.current());
            continue;
        }
        if (!other.pending_fit) continue;
        const core::ModelDef& other_model = *std::find_if(rules.models.begin(), rules.models.end(),
                                                          [&](const core::ModelDef& m) { return m.id == other.model_id; });
        core::ContactScorer fit_only(other_model, other.state, true);
        fit_only.on_fit(*other.pending_fit);
        for (const auto& a : fit_only.alerts())
            alerts.push_back(AlertRow{a.threshold->id, other_model.id, change.contact_id, a.score, 0});
        other.finish(other_model, fit_only.current());
    }

    append_ledger(ledger, change.actor);
    write_states(states);
    write_alerts(alerts);
    return scorer.current().total;
}

}  // namespace

core::Points adjust_score(const RuleCache& rules, const ManualChange& change, core::Points points) {
    return change_score(rules, change, "manual", [&](const core::ModelDef& model, core::ContactScorer& scorer) {
        const int32_t group = find_group(model, change.point_group.value_or("default"));
        scorer.on_adjustment(group, points);
    });
}

core::Points reset_score(const RuleCache& rules, const ManualChange& change) {
    return change_score(rules, change, "reset", [&](const core::ModelDef& model, core::ContactScorer& scorer) {
        std::vector<int32_t> groups;
        if (change.point_group)
            groups.push_back(find_group(model, *change.point_group));
        else
            for (const auto& g : model.groups) groups.push_back(g.id);
        scorer.on_reset(groups);
    });
}

}  // namespace ls::pg
