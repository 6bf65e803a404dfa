// How many contacts the next chunk of a pass over stored history takes (evaluate,
// band_report, train, recompute). Such a pass reads a chunk's events by a range of
// contact ids; events are stored in the order they arrived, so a chunk's events lie
// on most pages of the table and every chunk visits those pages again: fewer, larger
// chunks read each page fewer times. What bounds a chunk is its memory, the events
// it holds: a chunk takes as many contacts as held about
// lead_scoring.history_chunk_events events (default 20,000) in the chunk before (the
// first, which knows nothing yet, 1/50 of that), at most kMaxContacts (their rows and
// locks). Over 1M events of 100,000 contacts (bench/recompute.sh, one run each), from
// fixed chunks of 1,000 contacts to 20,000 events (2,000 contacts): evaluate 1.61 s ->
// 1.33 s, recompute 7.8 s -> 7.2 s, the backend's peak private memory in recompute
// 22 MB -> 40 MB (50,000 events: 1.14 s, 7.3 s, 92 MB).
#pragma once

#include <algorithm>
#include <cstdint>

#include "pg/settings.hpp"

namespace ls::pg {

class ChunkSizer {
public:
    static constexpr int64_t kMaxContacts = 5000;

    ChunkSizer() : target_(std::max(1, history_chunk_events)), next_(clamp(target_ / 50)) {}

    // The contacts the next chunk reads.
    int64_t contacts() const { return next_; }

    // A chunk of `contacts` contacts holding `events` events is done. (Its freed heap
    // is not handed back with malloc_trim: the next chunk would fault the same pages
    // in again, evaluate over 1M events 1.37 s -> 1.64 s, for a peak 7 MB lower.)
    void done(int64_t contacts, int64_t events) {
        if (contacts <= 0) return;
        next_ = clamp(events == 0 ? kMaxContacts : target_ * contacts / events);
    }

private:
    static int64_t clamp(int64_t n) { return std::clamp<int64_t>(n, 1, kMaxContacts); }

    int64_t target_;
    int64_t next_;
};

}  // namespace ls::pg
