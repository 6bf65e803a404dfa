#include "pg/evaluation.hpp"

#include "core/chunk_sizer.hpp"
#include "core/replay.hpp"
#include "pg/datum.hpp"
#include "pg/fit_scoring.hpp"
#include "pg/history_reader.hpp"
#include "pg/settings.hpp"
#include "pg/spi.hpp"

namespace ls::pg {

std::string conversion_type_of(const std::string& model) {
    static Statement s("SELECT conversion_event_type FROM lead_scoring.models WHERE name OPERATOR(pg_catalog.=) $1",
                       {TEXTOID});
    Datum args[1] = {text_datum(model)};
    const uint64 n = s.run(args, nullptr, true);
    if (n == 0 || column_is_null(0, 1))
        throw SqlError(ERRCODE_INVALID_PARAMETER_VALUE,
                       "evaluate: model \"" + model + "\" has no conversion_event_type",
                       "Set lead_scoring.models.conversion_event_type to the event type that marks a conversion.");
    return column_text(0, 1);
}

ChunkHistory read_chunk_history(const RuleCache& rules, size_t mi, const std::string& conversion, int64_t from,
                                int64_t limit, const EventObserver* observe) {
    constexpr bool read_only = true;  // (the caller's snapshot)
    ChunkHistory h;
    h.contacts = read_contacts(from, INT64_MAX, limit, read_only);
    h.complete = h.contacts.size() < static_cast<size_t>(limit);
    const int64_t upto = h.complete ? INT64_MAX : h.contacts.back().contact_id;
    h.next_from = h.complete || upto == INT64_MAX ? std::nullopt : std::optional<int64_t>(upto + 1);
    if (h.contacts.empty()) return h;
    const int64_t first = h.contacts.front().contact_id, last = h.contacts.back().contact_id;
    h.events = read_events(rules, mi, first, last, read_only, conversion, observe);
    h.entries = read_entries(rules.models[mi].id, first, last, read_only);
    h.fits = read_fit_history(rules, mi, first, last, read_only);
    size_t ei = 0, ni = 0, hi = 0;
    for (const ChunkContact& c : h.contacts) {
        ChunkHistory::Span span;
        while (ei < h.events.size() && h.events[ei].contact_id < c.contact_id) ++ei;
        span.events_begin = ei;
        while (ei < h.events.size() && h.events[ei].contact_id == c.contact_id) ++ei;
        span.events_end = ei;
        while (ni < h.entries.size() && h.entries[ni].contact_id < c.contact_id) ++ni;
        span.entries_begin = ni;
        while (ni < h.entries.size() && h.entries[ni].contact_id == c.contact_id) ++ni;
        span.entries_end = ni;
        span.fits = fit_history_of(h.fits, hi, c.contact_id);
        h.spans.push_back(span);
    }
    return h;
}

std::optional<JudgedContact> judge_contact(const RuleCache& rules, size_t mi, const ChunkHistory& h, size_t k,
                                           core::Micros as_of) {
    const core::ModelDef& model = rules.models[mi];
    const ChunkContact& c = h.contacts[k];
    const ChunkHistory::Span& span = h.spans[k];
    JudgedContact judged;
    judged.contact_id = c.contact_id;
    std::optional<size_t> conversion_index;
    std::vector<core::ReplayEvent> contact_events;
    for (size_t ei = span.events_begin; ei < span.events_end; ++ei) {
        const ChunkEvent& e = h.events[ei];
        if (e.replay.occurred_at > as_of) continue;
        if (!judged.first_event_at) judged.first_event_at = e.replay.occurred_at;
        if (e.is_conversion && !conversion_index) {
            conversion_index = contact_events.size();
            judged.converted_at = e.replay.occurred_at;
        }
        contact_events.push_back(e.replay);
    }
    if (c.created_at > as_of && !judged.first_event_at) return std::nullopt;  // did not exist yet
    std::vector<core::ReplayEntry> contact_entries;
    for (size_t ni = span.entries_begin; ni < span.entries_end; ++ni)
        if (model.group(h.entries[ni].replay.group_id)) contact_entries.push_back(h.entries[ni].replay);

    core::ContactState state;
    core::ContactScorer scorer(model, state, true);
    try {
        // The attributes in force at each moment: a converted contact is judged with
        // those it had just before its first conversion, the others as of as_of.
        scorer.on_fit(span.fits ? span.fits->first : evaluate_fit(rules, mi, c.attributes));
        static const std::vector<core::ReplayFit> no_fits;
        core::replay_history(scorer, contact_events, contact_entries, as_of, conversion_index,
                             span.fits ? span.fits->later : no_fits);
    } catch (const core::PointsError& e) {
        throw points_error(e, "evaluate: contact " + std::to_string(c.contact_id) + " in model \"" + model.name + "\"");
    }
    judged.score = scorer.current().total;
    return judged;
}

void judge_contacts(const RuleCache& rules, const std::string& model, core::Micros as_of,
                    const std::function<void(const JudgedContact&)>& out) {
    const size_t mi = model_index(rules, model);
    connect();
    const std::string conversion = conversion_type_of(model);
    finish();
    int64_t from = INT64_MIN;
    core::ChunkSizer sizer(history_chunk_events);
    for (;;) {
        call([] { CHECK_FOR_INTERRUPTS(); });
        connect();  // one SPI connection per chunk: finishing it frees what the chunk read
        const ChunkHistory h = read_chunk_history(rules, mi, conversion, from, sizer.contacts());
        for (size_t k = 0; k < h.contacts.size(); ++k)
            if (const std::optional<JudgedContact> judged = judge_contact(rules, mi, h, k, as_of)) out(*judged);
        finish();
        sizer.done(static_cast<int64_t>(h.contacts.size()), static_cast<int64_t>(h.events.size()));
        if (!h.next_from) break;
        from = *h.next_from;
    }
}

}  // namespace ls::pg
