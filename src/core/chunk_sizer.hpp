// How many contacts the next chunk of a pass over stored history takes (evaluate,
// band_report, train, recompute). Such a pass reads a chunk's events by a range of
// contact ids; events are stored in the order they arrived, so a chunk's events lie
// on most pages of the table and every chunk visits those pages again: fewer, larger
// chunks read each page fewer times. What bounds a chunk is its memory, the events
// it holds, known only once read: a chunk takes as many contacts as held about
// lead_scoring.history_chunk_events events (default 20,000) in the chunk before, at
// most twice as many contacts as that one (a run of contacts without events does not
// make the next chunk jump to contacts with long histories) and at most kMaxContacts;
// the first, which knows nothing yet, 1/50 of the target. (Pure: unit-tested in
// test/unit/chunk_sizer_test.cpp.) Over 1M events of 100,000
// contacts (bench/recompute.sh, one run each), from fixed chunks of 1,000 contacts to
// 20,000 events (2,000 contacts): evaluate 1.61 s -> 1.33 s, recompute 7.8 s -> 7.2 s,
// the backend's peak private memory in recompute 22 MB -> 40 MB (50,000 events:
// 1.14 s, 7.3 s, 92 MB).
#pragma once

#include <algorithm>
#include <cstdint>

namespace ls::core {

class ChunkSizer {
public:
    static constexpr int64_t kMaxContacts = 5000;

    // target_events: lead_scoring.history_chunk_events (read by the caller).
    explicit ChunkSizer(int64_t target_events)
        : target_(std::max<int64_t>(1, target_events)), next_(clamp(target_ / 50)) {}

    // The contacts the next chunk reads.
    int64_t contacts() const { return next_; }

    // A chunk of `contacts` contacts holding `events` events is done. (Its freed heap
    // is not handed back with malloc_trim: the next chunk would fault the same pages
    // in again, evaluate over 1M events 1.37 s -> 1.64 s, for a peak 7 MB lower.)
    void done(int64_t contacts, int64_t events) {
        if (contacts <= 0) return;
        const int64_t twice = 2 * std::min(contacts, kMaxContacts);
        if (events <= 0) {
            next_ = clamp(twice);
            return;
        }
        // (in double: target × contacts may not fit in 64 bits)
        const double for_target = static_cast<double>(target_) * static_cast<double>(contacts) / static_cast<double>(events);
        next_ = clamp(for_target >= static_cast<double>(twice) ? twice : static_cast<int64_t>(for_target));
    }

private:
    static int64_t clamp(int64_t n) { return std::clamp<int64_t>(n, 1, kMaxContacts); }

    int64_t target_;
    int64_t next_;
};

}  // namespace ls::core
