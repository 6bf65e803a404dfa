#include "pg/evaluation.hpp"

#include "core/replay.hpp"
#include "pg/datum.hpp"
#include "pg/fit_scoring.hpp"
#include "pg/history_reader.hpp"
#include "pg/spi.hpp"

namespace ls::pg {

namespace {

constexpr int64_t kChunkContacts = 1000;

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

// Judges the contacts of one chunk; returns how many were read and the last id.
std::pair<size_t, int64_t> judge_chunk(const RuleCache& rules, size_t mi, const std::string& conversion,
                                       int64_t from, core::Micros as_of,
                                       const std::function<void(const JudgedContact&)>& out) {
    const core::ModelDef& model = rules.models[mi];
    const std::vector<ChunkContact> contacts = read_contacts(from, INT64_MAX, kChunkContacts, true);
    if (contacts.empty()) return {0, 0};
    const int64_t first = contacts.front().contact_id, last = contacts.back().contact_id;
    const std::vector<ChunkEvent> events = read_events(rules, mi, first, last, true, conversion);
    const std::vector<StoredEntry> entries = read_entries(model.id, first, last, true);
    const std::vector<ContactFitHistory> fit_histories = read_fit_history(rules, mi, first, last, true);
    size_t hi = 0;

    size_t ei = 0, ni = 0;
    std::vector<core::ReplayEvent> contact_events;
    std::vector<core::ReplayEntry> contact_entries;
    for (const ChunkContact& c : contacts) {
        while (ei < events.size() && events[ei].contact_id < c.contact_id) ++ei;
        while (ni < entries.size() && entries[ni].contact_id < c.contact_id) ++ni;
        JudgedContact judged;
        judged.contact_id = c.contact_id;
        std::optional<size_t> conversion_index;
        contact_events.clear();
        for (; ei < events.size() && events[ei].contact_id == c.contact_id; ++ei) {
            const ChunkEvent& e = events[ei];
            if (e.replay.occurred_at > as_of) continue;
            if (!judged.first_event_at) judged.first_event_at = e.replay.occurred_at;
            if (e.is_conversion && !conversion_index) {
                conversion_index = contact_events.size();
                judged.converted_at = e.replay.occurred_at;
            }
            contact_events.push_back(e.replay);
        }
        contact_entries.clear();
        for (; ni < entries.size() && entries[ni].contact_id == c.contact_id; ++ni)
            if (model.group(entries[ni].replay.group_id)) contact_entries.push_back(entries[ni].replay);
        if (c.created_at > as_of && !judged.first_event_at) continue;  // did not exist yet

        core::ContactState state;
        core::ContactScorer scorer(model, state, true);
        try {
            // The attributes in force at each moment: a converted contact is judged with
            // those it had just before its first conversion, the others as of as_of.
            const ContactFitHistory* fits = fit_history_of(fit_histories, hi, c.contact_id);
            scorer.on_fit(fits ? fits->first : evaluate_fit(rules, mi, c.attributes));
            static const std::vector<core::ReplayFit> no_fits;
            core::replay_history(scorer, contact_events, contact_entries, as_of, conversion_index,
                                 fits ? fits->later : no_fits);
        } catch (const core::PointsError& e) {
            throw points_error(e, "evaluate: contact " + std::to_string(c.contact_id) + " in model \"" +
                                      model.name + "\"");
        }
        judged.score = scorer.current().total;
        out(judged);
    }
    return {contacts.size(), last};
}

}  // namespace

void judge_contacts(const RuleCache& rules, const std::string& model, core::Micros as_of,
                    const std::function<void(const JudgedContact&)>& out, const std::function<void()>& after_chunk) {
    const size_t mi = model_index(rules, model);
    connect();
    const std::string conversion = conversion_type_of(model);
    finish();
    int64_t from = INT64_MIN;
    for (;;) {
        call([] { CHECK_FOR_INTERRUPTS(); });
        connect();  // one SPI connection per chunk: finishing it frees what the chunk read
        const auto [read, last] = judge_chunk(rules, mi, conversion, from, as_of, out);
        if (after_chunk) after_chunk();
        finish();
        if (read < static_cast<size_t>(kChunkContacts) || last == INT64_MAX) break;
        from = last + 1;
    }
}

}  // namespace ls::pg
