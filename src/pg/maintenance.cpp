#include "pg/maintenance.hpp"

#include "core/scoring.hpp"
#include "pg/absence_store.hpp"
#include "pg/datum.hpp"
#include "pg/due_state_store.hpp"
#include "pg/state_store.hpp"
#include "pg/window_store.hpp"

namespace ls::pg {

MaintenanceBatch maintenance_batch(const RuleCache& rules, TimestampTz as_of, int64 batch_size,
                                   const std::optional<DueKey>& after, Oid actor) {
    MaintenanceBatch result;
    std::vector<StoredState> states = lock_due_states(rules, as_of, batch_size, after, result.last);
    load_window_awards(rules.models, states, AwardHorizon::at(as_of));
    load_absence_deadlines(rules.models, states, AwardHorizon::at(as_of));
    result.rows = static_cast<int64>(states.size());
    if (states.empty()) return result;

    std::vector<LedgerRow> ledger;
    for (auto& st : states) {
        size_t mi = 0;
        while (rules.models[mi].id != st.model_id) ++mi;
        const core::ModelDef& model = rules.models[mi];
        core::ContactScorer scorer(model, st.state, false);
        try {
            result.balances += static_cast<int64>(scorer.on_due(as_of));
        } catch (const core::PointsError& e) {
            throw points_error(e, "maintenance of contact " + std::to_string(st.contact_id) + " in model \"" +
                                      model.name + "\"");
        }
        for (const auto& change : scorer.ledger()) ledger.push_back(ledger_row(model.id, st.contact_id, change));
        // Written even when nothing changed: the row's next due time moves on.
        st.finish(model, scorer.current());
    }
    append_ledger(ledger, actor);
    write_due_states(states);
    return result;
}

}  // namespace ls::pg
