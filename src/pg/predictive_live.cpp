#include "pg/predictive_live.hpp"

#include "core/predictive.hpp"
#include "pg/predictive_features.hpp"

namespace ls::pg {

namespace {

core::RawRow attribute_row(const FeatureSet& features, Datum attributes) {
    core::RawRow row;
    features.start(row);
    features.finish(row, attributes);
    return row;
}

}  // namespace

std::optional<core::PredictiveState> fresh_predictive_state(const RuleCache& rules, size_t model_index,
                                                            Datum attributes) {
    const core::ModelDef& model = rules.models[model_index];
    if (!model.predictive || model_index >= rules.predictive_features.size() || !rules.predictive_features[model_index])
        return std::nullopt;
    return core::predictive_state(*model.predictive, attribute_row(*rules.predictive_features[model_index], attributes));
}

void refit_predictive_attributes(const RuleCache& rules, size_t model_index, core::ContactState& state,
                                 Datum attributes) {
    const core::ModelDef& model = rules.models[model_index];
    if (!model.predictive || !state.predictive || state.predictive->fit_id != model.predictive->fit_id) return;
    const FeatureSet* features = rules.predictive_features[model_index].get();
    if (!features) return;
    state.predictive->attribute_logit = core::attribute_logit(*model.predictive, attribute_row(*features, attributes));
}

}  // namespace ls::pg
