// band_summary's counts kept as scores change (issue 15): what one score row adds
// to its band's counts (contacts, converted, days to conversion), and the change a
// write makes to them, added up per band. The adapter writes the changes into
// lead_scoring.band_counts (pg/band_counts_store.cpp).
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "core/model.hpp"

namespace ls::core {

// What band_summary reads of one score row.
struct BandFacts {
    bool exists = false;  // a row that does not exist counts nothing
    Points score;
    std::optional<Micros> first_event_at, converted_at;
};

struct BandDelta {
    int64_t contacts = 0;
    int64_t converted = 0;
    __int128 days_us = 0;  // sum of converted_at - first_event_at over converted rows, in µs
    bool zero() const { return contacts == 0 && converted == 0 && days_us == 0; }
};

// Changes per (model, band), added up over a statement's rows.
class BandChanges {
public:
    void add(const ModelDef& model, const BandFacts& before, const BandFacts& after);
    const std::map<std::pair<int32_t, std::string>, BandDelta>& deltas() const { return deltas_; }

private:
    void apply(const ModelDef& model, const BandFacts& facts, int sign);
    std::map<std::pair<int32_t, std::string>, BandDelta> deltas_;
};

}  // namespace ls::core
