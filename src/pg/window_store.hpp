// The unexpired awards of windowed groups (lead_scoring.window_awards), kept beside
// the score rows instead of inside them, so that what an event costs does not grow
// with the awards a contact holds.
//
// A statement reads only the awards that can expire by its horizon (the latest time
// it applies due work at), plus each group's next award after that, which is all
// core::next_due needs; it writes back only the difference between what it read
// and what the state holds afterwards (expired awards deleted, new ones inserted).
// Awards it did not read are left alone, so a path that reads none changes none.
#pragma once
#include <optional>
#include <vector>

#include "pg/rule_cache.hpp"
#include "pg/state_store.hpp"

namespace ls::pg {

// What a statement reads of each state's window awards.
struct AwardHorizon {
    // Due work is applied up to this time: every award that expires by then is read.
    // None: every award (reset wipes them all, recompute rebuilds them).
    std::optional<core::Micros> until;
    static AwardHorizon all() { return AwardHorizon{std::nullopt}; }
    static AwardHorizon at(core::Micros t) { return AwardHorizon{t}; }
    // Nothing falls due (a fit): only each group's next award, for the due time.
    static AwardHorizon next_only() { return AwardHorizon{INT64_MIN}; }
};

// Fills state.window_awards (and loaded_awards) of every state whose model has a
// windowed group; `models` are the definitions the states are scored with.
void load_window_awards(const std::vector<core::ModelDef>& models, std::vector<StoredState>& states,
                        AwardHorizon horizon);

// Writes what changed in the window awards of the changed states.
void write_window_awards(const std::vector<StoredState>& states);

}  // namespace ls::pg
