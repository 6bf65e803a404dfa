// band_summary's counts (lead_scoring.band_counts): each backend adds its changes
// to rows of its own (slot = its backend id, unique among the backends running),
// so concurrent writers never wait for each other or deadlock on a counter;
// band_summary adds the slots up.
#pragma once
#include "core/band_counts.hpp"

namespace ls::pg {

// Adds the changes (one statement; nothing when they are all zero).
void write_band_changes(const core::BandChanges& changes);

// This backend's slot.
int32_t band_slot();

}  // namespace ls::pg
