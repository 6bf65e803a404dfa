#include "core/band_counts.hpp"

namespace ls::core {

void BandChanges::apply(const ModelDef& model, const BandFacts& f, int sign) {
    if (!f.exists) return;
    BandDelta& d = deltas_[{model.id, model.band_of(f.score)}];
    d.contacts += sign;
    if (f.converted_at) {
        d.converted += sign;
        if (f.first_event_at) d.days_us += static_cast<__int128>(sign) * (*f.converted_at - *f.first_event_at);
    }
}

void BandChanges::add(const ModelDef& model, const BandFacts& before, const BandFacts& after) {
    if (before.exists == after.exists && before.converted_at == after.converted_at &&
        before.first_event_at == after.first_event_at && model.band_of(before.score) == model.band_of(after.score))
        return;  // the usual event: same band, same facts
    apply(model, before, -1);
    apply(model, after, +1);
}

}  // namespace ls::core
