// A contact's conversion facts in one model, kept with its score
// (contact_scores.first_event_at, converted_at; band_summary reads them): its first
// event, and its first event of the model's conversion_event_type. Live scoring sees
// a statement's events, recompute every event; both fold them in the same way.
#pragma once
#include <optional>

#include "core/model.hpp"

namespace ls::core {

struct ConversionFacts {
    std::optional<Micros> first_event_at;
    std::optional<Micros> converted_at;

    void see(Micros occurred_at, bool is_conversion) {
        if (!first_event_at || occurred_at < *first_event_at) first_event_at = occurred_at;
        if (is_conversion && (!converted_at || occurred_at < *converted_at)) converted_at = occurred_at;
    }
    bool operator==(const ConversionFacts& o) const {
        return first_event_at == o.first_event_at && converted_at == o.converted_at;
    }
};

}  // namespace ls::core
