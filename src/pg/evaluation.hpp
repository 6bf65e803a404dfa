// The honest, as-of judgement evaluate and band_report rest on: each contact's
// score under the current rules, just before its first conversion if it converted
// by as_of, else at as_of, replayed from the history (nothing after that moment
// leaks in).
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/points.hpp"
#include "pg/history_reader.hpp"
#include "pg/rule_cache.hpp"

namespace ls::pg {

struct JudgedContact {
    int64_t contact_id = 0;
    core::Points score;
    std::optional<core::Micros> converted_at;    // first conversion event at or before as_of
    std::optional<core::Micros> first_event_at;  // first event of any type at or before as_of
};

// The model's conversion_event_type; an error naming the model when it has none.
// Needs an SPI connection.
std::string conversion_type_of(const std::string& model);

// One chunk of contacts (up to `limit` from `from` on, in contact order: a
// ChunkSizer's) with all
// that judging them reads, each contact's part located. It lives in the SPI
// connection it was read in.
struct ChunkHistory {
    std::vector<ChunkContact> contacts;
    std::vector<ChunkEvent> events;  // by contact, in replay order; of any time
    std::vector<StoredEntry> entries;
    std::vector<ContactFitHistory> fits;
    struct Span {
        size_t events_begin = 0, events_end = 0;
        size_t entries_begin = 0, entries_end = 0;
        const ContactFitHistory* fits = nullptr;  // null: fitted with its current attributes
    };
    std::vector<Span> spans;  // parallel to contacts
    bool complete = false;    // the last chunk (fewer contacts than a chunk holds)
    std::optional<int64_t> next_from;  // where the next chunk starts; none: this was the last
};
// One chunk of history from `from` (at most `limit` contacts), read with the
// caller's snapshot. `observe` sees each event as it is read (read_events).
ChunkHistory read_chunk_history(const RuleCache& rules, size_t model_index, const std::string& conversion,
                                int64_t from, int64_t limit, const EventObserver* observe = nullptr);
// The judgement of the chunk's contact k; none when it did not exist at as_of.
std::optional<JudgedContact> judge_contact(const RuleCache& rules, size_t model_index, const ChunkHistory& chunk,
                                           size_t k, core::Micros as_of);

// Judges every contact that existed at as_of (created by then, or with an event by
// then), in contact order, a chunk at a time; calls `out` for each. Reads only.
void judge_contacts(const RuleCache& rules, const std::string& model, core::Micros as_of,
                    const std::function<void(const JudgedContact&)>& out);

}  // namespace ls::pg
