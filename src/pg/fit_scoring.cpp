#include "pg/fit_scoring.hpp"

#include <algorithm>

#include "core/scoring.hpp"
#include "pg/absence_store.hpp"
#include "pg/datum.hpp"
#include "pg/predictive_live.hpp"
#include "pg/spi.hpp"
#include "pg/state_store.hpp"
#include "pg/window_store.hpp"

namespace ls::pg {

core::FitResult evaluate_fit(const RuleCache& rules, size_t model_index, Datum attributes) {
    const core::ModelDef& model = rules.models[model_index];
    core::FitResult fit;
    for (const CompiledAttributeRule& rule : rules.attribute_rules[model_index]) {
        const core::AttributeRuleDef& def = model.attribute_rules[rule.attribute_index];
        if (rule.filter.holds_for(attributes))
            fit.matches.push_back(core::FitMatch{def.id, def.group_id, def.points});
        else if (def.required)
            fit.qualified = false;
    }
    return fit;
}

void fit_contacts(std::shared_ptr<const RuleCache> current, const std::vector<ContactAttributes>& contacts) {
    if (current->models.empty() || contacts.empty()) return;
    std::vector<int64_t> ids;
    ids.reserve(contacts.size());
    for (const auto& c : contacts) ids.push_back(c.contact_id);

    std::vector<StoredState> states = lock_states(*current, ids);
    // A rule edit may have committed while this waited for the rows (as in
    // pg/event_scoring.cpp): the fit is then made under the rules as they are now.
    // Rows of a model no longer active are left alone; a model added meanwhile gets
    // the contact's row at its next event or change.
    const std::shared_ptr<const RuleCache> loaded_with = current;
    if (std::shared_ptr<const RuleCache> latest = current_rules(); latest != current) {
        current = latest;
        states.erase(std::remove_if(states.begin(), states.end(),
                                    [&](const StoredState& st) {
                                        return std::none_of(current->models.begin(), current->models.end(),
                                                            [&](const core::ModelDef& m) { return m.id == st.model_id; });
                                    }),
                     states.end());
        for (auto& st : states)
            for (const auto& m : current->models)
                if (m.id == st.model_id) st.model = &m;
    }
    const RuleCache& rules = *current;
    load_window_awards(rules.models, states, AwardHorizon::next_only());  // a fit makes nothing due
    load_absence_deadlines(rules.models, states, AwardHorizon::next_only());
    std::vector<AlertRow> alerts;
    size_t ci = 0;
    for (auto& st : states) {
        while (contacts[ci].contact_id != st.contact_id) ++ci;  // both sorted by contact
        size_t mi = 0;
        while (rules.models[mi].id != st.model_id) ++mi;
        const core::ModelDef& model = rules.models[mi];
        core::ContactScorer scorer(model, st.state, st.is_new);
        const core::FitResult fit = evaluate_fit(rules, mi, contacts[ci].attributes);
        scorer.on_fit(fit);
        if (st.is_new)
            st.state.predictive = fresh_predictive_state(rules, mi, contacts[ci].attributes);
        else
            refit_predictive_attributes(rules, mi, st.state, contacts[ci].attributes);
        // A row just created with its defaults (score 0, qualified, no fit) that no
        // attribute rule changes is right as it is: not writing it saves a second
        // version of every new contact's row (events for new contacts create many).
        if (st.is_new && fit.matches.empty() && fit.qualified && scorer.alerts().empty() &&
            scorer.current().total == core::Points{} && !st.state.predictive)
            continue;
        for (const auto& a : scorer.alerts())
            alerts.push_back(AlertRow{a.threshold->id, model.id, st.contact_id, a.score, 0});
        st.finish(model, scorer.current());
    }
    write_states(states);
    write_alerts(alerts);
}

}  // namespace ls::pg
