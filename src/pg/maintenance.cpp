#include "pg/maintenance.hpp"

#include "core/scoring.hpp"
#include "pg/absence_store.hpp"
#include "pg/datum.hpp"
#include "pg/due_state_store.hpp"
#include "pg/state_store.hpp"
#include "pg/subtransaction.hpp"
#include "pg/window_store.hpp"

namespace ls::pg {

namespace {

MaintenanceBatch run_batch(const RuleCache& rules, TimestampTz as_of, int64 batch_size,
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

}  // namespace

// Maintenance gives way to live scoring. A batch holds its due rows (locked, the
// busy ones skipped) while it writes the awards, deadlines, ledger and counts that go
// with them; a scoring statement that waits for one of those rows while holding
// something the batch then needs closed a cycle that PostgreSQL broke by failing the
// scoring statement (issue 13: rare, seen in the CI's stress test). So the batch runs
// in a subtransaction with lock_timeout at 1 ms: if it would wait for any lock, it
// is rolled back, letting go of its rows, and what it would have done stays due for
// the next round (the worker's, or the next call). Without a subtransaction left in
// the transaction's budget (pg/subtransaction.hpp) a batch runs as before.
MaintenanceBatch maintenance_batch(const RuleCache& rules, TimestampTz as_of, int64 batch_size,
                                   const std::optional<DueKey>& after, Oid actor) {
    if (!subtransaction_budget_left()) return run_batch(rules, as_of, batch_size, after, actor);
    MaintenanceBatch result;
    try {
        in_subtransaction([&]() {
            const int guc_level = call([]() -> int {
                const int level = NewGUCNestLevel();
                (void)set_config_option("lock_timeout", "1ms", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0,
                                        false);
                return level;
            });
            result = run_batch(rules, as_of, batch_size, after, actor);
            call([&] { AtEOXact_GUC(true, guc_level); });
            return true;
        });
    } catch (const Error& e) {
        if (e.data() == nullptr || e.data()->sqlerrcode != ERRCODE_LOCK_NOT_AVAILABLE) throw;
        // Gave way: nothing of this batch was kept; the caller stops here (a short batch).
        result = MaintenanceBatch{};
        result.last = after;
        result.yielded = true;
    }
    return result;
}

}  // namespace ls::pg
