#include "pg/state_store.hpp"

#include <algorithm>
#include <cstring>
#include <map>

#include "pg/datum.hpp"
#include "pg/placement.hpp"
#include "pg/spi.hpp"
#include "pg/absence_store.hpp"
#include "pg/band_counts_store.hpp"
#include "pg/combination_store.hpp"
#include "pg/score_row_tids.hpp"
#include "pg/subtransaction.hpp"
#include "pg/window_store.hpp"

namespace ls::pg {

namespace {

#define LOAD_COLUMNS_AND_ROWS                                                          \
    "SELECT model_id, contact_id, qualified, last_activity_at, state,"                 \
    "       score::pg_catalog.text, first_event_at, converted_at, ctid"               \
    " FROM lead_scoring.contact_scores"                                                \
    " WHERE model_id OPERATOR(pg_catalog.=) ANY ($1) AND contact_id OPERATOR(pg_catalog.=) ANY ($2)"

Statement& load_statement() {
    static Statement s(LOAD_COLUMNS_AND_ROWS " ORDER BY contact_id, model_id FOR UPDATE", {INT4ARRAYOID, INT8ARRAYOID});
    return s;
}

// All or nothing: locks the rows only when every (contact, model) pair has one ($3
// of them), judged by a plain read first (an init plan, evaluated once). So a batch
// that must create contacts or rows holds no lock yet when it starts creating them.
Statement& load_all_or_nothing_statement() {
    static Statement s(LOAD_COLUMNS_AND_ROWS
                       " AND (SELECT pg_catalog.count(*) FROM lead_scoring.contact_scores k"
                       "       WHERE k.model_id OPERATOR(pg_catalog.=) ANY ($1)"
                       "         AND k.contact_id OPERATOR(pg_catalog.=) ANY ($2)) OPERATOR(pg_catalog.=) $3"
                       " ORDER BY contact_id, model_id FOR UPDATE",
                       {INT4ARRAYOID, INT8ARRAYOID, INT8OID});
    return s;
}

// The rows at the tids this transaction remembers (pg/score_row_tids.hpp): no key
// lookup and no lock (the transaction holds one on each already). A tid whose
// version is no longer the row's current one returns nothing.
Statement& load_by_tid_statement() {
    static Statement s(
        "SELECT model_id, contact_id, qualified, last_activity_at, state,"
        "       score::pg_catalog.text, first_event_at, converted_at, ctid"
        " FROM lead_scoring.contact_scores WHERE ctid OPERATOR(pg_catalog.=) ANY ($1)",
        {TIDARRAYOID}, Planning::ByTid);
    return s;
}
#undef LOAD_COLUMNS_AND_ROWS

// Creating score rows takes two statements. The keys first: the unique index of
// contact_score_keys makes a session creating the same row wait for the other one,
// then create nothing (contact_scores has no unique index: see
// sql/parts/03_internal_tables.sql; under REPEATABLE READ a key committed since the
// snapshot is a serialization failure, as a unique index on contact_scores gave).
// Only for contacts that exist: recompute, which locks no contact, must not create
// rows for one that forget_contact erased while it waited.
Statement& create_keys_statement() {
    static Statement s(
        "INSERT INTO lead_scoring.contact_score_keys (contact_id, model_id)"
        " SELECT c, m FROM pg_catalog.unnest($2::pg_catalog.int8[]) c, pg_catalog.unnest($1::pg_catalog.int4[]) m"
        "  WHERE EXISTS (SELECT 1 FROM lead_scoring.contacts k WHERE k.contact_id OPERATOR(pg_catalog.=) c)"
        "  ORDER BY c, m ON CONFLICT DO NOTHING",
        {INT4ARRAYOID, INT8ARRAYOID});
    return s;
}
// Then, with a snapshot taken after that wait, the rows that do not exist, of keys
// that do (a contact erased meanwhile gets none). A key without its row, left by a
// superuser's delete behind the triggers' back, gets one.
Statement& create_states_statement() {
    static Statement s(
        // A row created for a contact with events already (a model added since) starts
        // with the conversion facts of those events.
        "INSERT INTO lead_scoring.contact_scores (model_id, model, contact_id, first_event_at, converted_at)"
        " SELECT m.model_id, m.name, c,"
        "        (SELECT pg_catalog.min(e.occurred_at) FROM lead_scoring.events e"
        "          WHERE e.contact_id OPERATOR(pg_catalog.=) c),"
        "        (SELECT pg_catalog.min(e.occurred_at) FROM lead_scoring.events e"
        "          WHERE e.contact_id OPERATOR(pg_catalog.=) c AND e.event_type OPERATOR(pg_catalog.=) m.conversion_event_type)"
        "   FROM lead_scoring.models m, pg_catalog.unnest($2::pg_catalog.int8[]) c"
        "  WHERE m.model_id OPERATOR(pg_catalog.=) ANY ($1)"
        "    AND EXISTS (SELECT 1 FROM lead_scoring.contact_score_keys k"
        "                 WHERE k.contact_id OPERATOR(pg_catalog.=) c AND k.model_id OPERATOR(pg_catalog.=) m.model_id)"
        "    AND NOT EXISTS (SELECT 1 FROM lead_scoring.contact_scores s"
        "                     WHERE s.contact_id OPERATOR(pg_catalog.=) c"
        "                       AND s.model_id OPERATOR(pg_catalog.=) m.model_id)"
        "  ORDER BY c, m.model_id"
        " RETURNING model_id, contact_id",
        {INT4ARRAYOID, INT8ARRAYOID});
    return s;
}

std::vector<int32_t> model_ids(const RuleCache& rules, std::optional<int32_t> only_model = std::nullopt) {
    std::vector<int32_t> ids;
    for (const auto& m : rules.models)
        if (!only_model || m.id == *only_model) ids.push_back(m.id);
    return ids;
}

}  // namespace

core::ContactState state_from_row(const ResultRow& row, int first_col, int32_t model_id, int64_t contact_id) {
    bool isnull;
    const Datum bytes = row.value(first_col + 2, &isnull);
    core::ContactState s;
    if (!isnull) {
        struct Raw {
            const uint8_t* data;
            size_t size;
        };
        const Raw raw = call([&]() -> Raw {
            bytea* b = DatumGetByteaPP(bytes);
            return Raw{reinterpret_cast<const uint8_t*>(VARDATA_ANY(b)), VARSIZE_ANY_EXHDR(b)};
        });
        try {
            s = core::decode_state(raw.data, raw.size).state;
        } catch (const core::StateFormatError& e) {
            throw SqlError(ERRCODE_DATA_CORRUPTED, "lead_scoring: the stored state of contact " +
                                                       std::to_string(contact_id) + " in model " +
                                                       std::to_string(model_id) + " cannot be read: " + e.what(),
                           "Rebuild it with lead_scoring.recompute(model, contact_id, contact_id).");
        }
    }
    s.qualified = row.bool_value(first_col, true);
    const Datum last = row.value(first_col + 1, &isnull);
    if (!isnull) s.last_activity_at = DatumGetTimestampTz(last);
    return s;
}

Datum state_datum(const std::string& encoded) { return bytea_datum(encoded); }

void count_band_changes(const std::vector<StoredState>& states, bool facts_unchanged) {
    core::BandChanges changes;
    for (const auto& st : states) {
        if (!st.before.exists) continue;  // not loaded with its facts (no model: nothing to count)
        if (!st.changed && !st.is_new) continue;
        // A row this statement created has not been counted yet.
        core::BandFacts counted = st.before;
        if (st.is_new) counted.exists = false;
        core::BandFacts after = st.before;  // a row left as created counts as it stands
        if (st.changed) {
            after.score = st.scores.total;
            if (!facts_unchanged) {
                auto earlier = [](std::optional<core::Micros> a, std::optional<core::Micros> b) {
                    return a && b ? std::optional<core::Micros>(std::min(*a, *b)) : (a ? a : b);
                };
                after.first_event_at = st.facts_exact ? st.facts.first_event_at
                                                      : earlier(st.before.first_event_at, st.facts.first_event_at);
                after.converted_at = st.facts_exact ? st.facts.converted_at
                                                    : earlier(st.before.converted_at, st.facts.converted_at);
            }
        }
        const core::ModelDef* model = st.model;
        if (!model) continue;
        changes.add(*model, counted, after);
    }
    write_band_changes(changes);
}

core::BandFacts band_facts_from_row(const ResultRow& row, int first_col) {
    core::BandFacts f;
    f.exists = true;
    f.score = core::Points::parse(row.text(first_col));
    bool isnull;
    Datum first = row.value(first_col + 1, &isnull);
    if (!isnull) f.first_event_at = DatumGetTimestampTz(first);
    Datum converted = row.value(first_col + 2, &isnull);
    if (!isnull) f.converted_at = DatumGetTimestampTz(converted);
    return f;
}

namespace {

// The `n` rows a load statement left in SPI_tuptable, as states.
void read_states(uint64 n, std::vector<StoredState>& out) {
    for (uint64 r = 0; r < n; ++r) {
        StoredState st;
        const ResultRow row(r);
        st.model_id = row.int32_value(1);
        st.contact_id = row.int64_value(2);
        st.state = state_from_row(row, 3, st.model_id, st.contact_id);
        st.before = band_facts_from_row(row, 6);
        bool isnull;
        st.tid = *reinterpret_cast<ItemPointer>(DatumGetPointer(row.value(9, &isnull)));  // tid is by reference
        score_row_tids::remember(st.model_id, st.contact_id, st.tid);
        out.push_back(std::move(st));
    }
    release_result();  // copied: the rows are not needed again
}

void load_into(const RuleCache& rules, const std::vector<int64_t>& contacts, std::vector<StoredState>& out,
               std::optional<int32_t> only_model = std::nullopt) {
    Datum args[2] = {int4_array(model_ids(rules, only_model)), int8_array(contacts)};
    read_states(load_statement().run(args, nullptr), out);
}

void sort_states(const RuleCache& rules, std::vector<StoredState>& states) {
    std::map<int32_t, size_t> model_pos;
    for (size_t i = 0; i < rules.models.size(); ++i) model_pos[rules.models[i].id] = i;
    std::sort(states.begin(), states.end(), [&](const StoredState& a, const StoredState& b) {
        if (a.contact_id != b.contact_id) return a.contact_id < b.contact_id;
        return model_pos[a.model_id] < model_pos[b.model_id];
    });
    // (finish() sets it again, from the definitions it encodes with)
    for (auto& st : states) st.model = &rules.models[model_pos[st.model_id]];
}

// The rows of `models` x `contacts`, locked, if every one exists; otherwise none are
// locked (the count is read first, unlocked) and the result may be empty. Rows deleted
// while the lock waited (forget_contact) are missing from the result.
// The rows of `models` x `contacts` when this transaction remembers where each one
// is and finds it there; otherwise nothing.
std::vector<StoredState> rows_at_remembered_tids(const std::vector<int32_t>& models,
                                                 const std::vector<int64_t>& contacts) {
    std::vector<StoredState> states;
    std::vector<ItemPointerData> tids;
    tids.reserve(models.size() * contacts.size());
    for (int64_t c : contacts)
        for (int32_t m : models) {
            const std::optional<ItemPointerData> tid = score_row_tids::find(m, c);
            if (!tid) return states;
            tids.push_back(*tid);
        }
    std::vector<Datum> tid_datums;
    tid_datums.reserve(tids.size());
    for (auto& t : tids) tid_datums.push_back(PointerGetDatum(&t));
    Datum args[1] = {make_array(tid_datums, {}, TIDOID)};
    read_states(load_by_tid_statement().run(args, nullptr), states);
    // Whole only if every pair came back, each once (a tid holds one row).
    std::vector<std::pair<int64_t, int32_t>> found;
    for (const auto& st : states) found.emplace_back(st.contact_id, st.model_id);
    std::sort(found.begin(), found.end());
    bool whole = std::adjacent_find(found.begin(), found.end()) == found.end() && found.size() == tids.size();
    for (const auto& st : states)
        whole = whole && std::binary_search(contacts.begin(), contacts.end(), st.contact_id) &&
                std::find(models.begin(), models.end(), st.model_id) != models.end();
    if (!whole) states.clear();
    return states;
}

// The lock runs in a subtransaction (while the transaction's budget lasts) so that
// it can be let go whole: the count is read before the lock waits, so a row erased
// by a forget_contact that the lock waited for is missing from the result while the
// other rows are locked. Holding those, the caller would have to create the erased
// contact again (as a new one) out of lock order: a batch creating that contact
// meanwhile, and waiting for one of those rows, deadlocked with it. Rolled back, the
// caller starts over in order (contacts first, then score rows) holding nothing.
std::vector<StoredState> lock_all_or_nothing(const std::vector<int32_t>& models, const std::vector<int64_t>& contacts) {
    std::vector<StoredState> states = rows_at_remembered_tids(models, contacts);
    if (!states.empty()) return states;
    const size_t want = models.size() * contacts.size();
    Datum args[3] = {int4_array(models), int8_array(contacts), Int64GetDatum(static_cast<int64>(want))};
    if (!subtransaction_budget_left()) {
        read_states(load_all_or_nothing_statement().run(args, nullptr), states);
        return states;
    }
    in_subtransaction([&]() {
        read_states(load_all_or_nothing_statement().run(args, nullptr), states);
        if (states.size() == want) return true;
        states.clear();  // (locked nothing, or fewer than all: let go of them)
        return false;
    });
    return states;
}

}  // namespace

std::vector<StoredState> lock_states_if_complete(const RuleCache& rules, const std::vector<int64_t>& contacts) {
    if (rules.models.empty() || contacts.empty()) return {};
    std::vector<StoredState> states = lock_all_or_nothing(model_ids(rules), contacts);
    sort_states(rules, states);
    return states;
}

std::vector<StoredState> lock_states(const RuleCache& rules, const std::vector<int64_t>& contacts,
                                     std::optional<int32_t> only_model) {
    const std::vector<int32_t> models = model_ids(rules, only_model);
    if (models.empty() || contacts.empty()) return {};
    std::vector<StoredState> states = lock_all_or_nothing(models, contacts);
    if (states.size() < models.size() * contacts.size()) {
        // Some (contact, model) pair has no row yet, and no row was locked here: create
        // the missing rows first, in (contact, model) order (a concurrent session
        // creating the same row is waited for), then lock them all in that order.
        // Locking the existing rows before creating the others let a creation wait
        // while holding locks out of order, which deadlocked with a session doing the
        // same for other contacts (a new model, a fit after an attribute update).
        Datum args[2] = {int4_array(models), int8_array(contacts)};
        create_keys_statement().run(args, nullptr);
        const uint64 n = create_states_statement().run(args, nullptr);
        std::vector<std::pair<int32_t, int64_t>> created;
        for (uint64 r = 0; r < n; ++r) created.emplace_back(column_int32(r, 1), column_int64(r, 2));
        // (sorted and searched: a linear search per state was quadratic in the chunk)
        std::sort(created.begin(), created.end());
        states.clear();
        load_into(rules, contacts, states, only_model);
        for (auto& st : states) {
            st.is_new = std::binary_search(created.begin(), created.end(), std::make_pair(st.model_id, st.contact_id));
        }
    }
    sort_states(rules, states);
    return states;
}

namespace {
bool inserting_contacts = false;

// Set while the insert runs; cleared when it returns or throws (a PostgreSQL error
// comes back as an exception through pg::call, so the destructor runs).
struct CreatingContacts {
    CreatingContacts() { inserting_contacts = true; }
    ~CreatingContacts() { inserting_contacts = false; }
};
}  // namespace

bool creating_contacts() { return inserting_contacts; }

void lock_or_create_contacts(const std::vector<int64_t>& contacts, Oid actor) {
    if (contacts.empty()) return;
    // Creating the missing ones, in id order: a contact another transaction is
    // creating is waited for here (that transaction fits it before it commits). Only
    // the contacts this statement does not see: an INSERT that meets a known
    // contact, even with ON CONFLICT DO NOTHING, waits for a transaction updating
    // its attributes (the unique check), which may itself be waiting for our rows.
    // The same statement starts their attribute history (the contacts trigger leaves
    // contacts created here alone; one set-based insert costs less than reading them
    // back from the trigger's transition table).
    static Statement create(
        "WITH created AS ("
        "  INSERT INTO lead_scoring.contacts (contact_id)"
        "  SELECT c FROM pg_catalog.unnest($1::pg_catalog.int8[]) c"
        "   WHERE NOT EXISTS (SELECT 1 FROM lead_scoring.contacts k WHERE k.contact_id OPERATOR(pg_catalog.=) c)"
        "   ORDER BY c ON CONFLICT DO NOTHING RETURNING contact_id, attributes, updated_at"
        "), history AS ("
        "  INSERT INTO lead_scoring.contact_attribute_history (change_id, contact_id, changed_at, attributes, actor)"
        "  OVERRIDING SYSTEM VALUE"
        "  SELECT pg_catalog.nextval('lead_scoring.contact_attribute_history_change_id_seq'::pg_catalog.regclass)"
        "         OPERATOR(pg_catalog.+) $3, contact_id, updated_at, attributes, $2 FROM created ORDER BY contact_id"
        ") SELECT contact_id FROM created",
        {INT8ARRAYOID, TEXTOID, INT8OID});  // (change_id: see node_id_offset in pg/placement.hpp)
    // Then a key-share lock on the others, in id order, before any score row: it
    // makes forget_contact wait for this transaction, and orders this batch against
    // the others that create contacts. It does not conflict with the CRM updating
    // attributes (an exclusive lock here deadlocked with a multi-row UPDATE of
    // contacts, which locks in heap order). The contacts just created need none.
    static Statement share(
        "SELECT k.contact_id FROM lead_scoring.contacts k"
        " WHERE k.contact_id OPERATOR(pg_catalog.=) ANY ($1::pg_catalog.int8[])"
        " ORDER BY k.contact_id FOR KEY SHARE",
        {INT8ARRAYOID});
    const Datum actor_name =
        call([&]() -> Datum { return PointerGetDatum(cstring_to_text(GetUserNameFromId(actor, false))); });
    // One round: creates those of `ids` that do not exist, key-share locks the others,
    // and returns the known ones it could not lock: a forget_contact erased them while
    // the lock waited (the row is gone).
    auto one_round = [&](const std::vector<int64_t>& ids) {
        Datum args[3] = {int8_array(ids), actor_name, Int64GetDatum(node_id_offset())};
        uint64 n;
        {
            const CreatingContacts creating;
            n = create.run(args, nullptr);
        }
        std::vector<int64_t> created;
        created.reserve(n);
        for (uint64 r = 0; r < n; ++r) created.push_back(column_int64(r, 1));
        std::sort(created.begin(), created.end());
        std::vector<int64_t> known, erased;
        for (int64_t c : ids)
            if (!std::binary_search(created.begin(), created.end(), c)) known.push_back(c);
        if (known.empty()) return erased;
        Datum known_args[1] = {int8_array(known)};
        const uint64 locked_n = share.run(known_args, nullptr);
        std::vector<int64_t> locked;
        locked.reserve(locked_n);
        for (uint64 r = 0; r < locked_n; ++r) locked.push_back(column_int64(r, 1));
        std::sort(locked.begin(), locked.end());
        for (int64_t c : known)
            if (!std::binary_search(locked.begin(), locked.end(), c)) erased.push_back(c);
        return erased;
    };
    // An erased contact must be created again, as a new one (going on without it
    // scored its events into score rows of a contact that no longer existed). Not
    // while holding the contacts created and locked after it in id order: a batch
    // creating the same contacts in order deadlocked with that. So the round runs in
    // a subtransaction that is rolled back when a contact was erased, and the next
    // round does everything again in id order. Past the transaction's subtransaction
    // budget, the erased ones are created in a round of their own (out of order:
    // such a deadlock aborts one of the two, which the CRM retries).
    std::vector<int64_t> pending = contacts;
    for (int round = 0; !pending.empty(); ++round) {
        if (round == 100)
            throw SqlError(ERRCODE_T_R_SERIALIZATION_FAILURE,
                           "lead_scoring: contact " + std::to_string(pending.front()) +
                               " was erased again and again while this statement waited for it",
                           "Retry the transaction.");
        if (!subtransaction_budget_left()) {
            pending = one_round(pending);
            continue;
        }
        std::vector<int64_t> erased;
        if (in_subtransaction([&]() {
                erased = one_round(pending);
                return erased.empty();
            }))
            pending.clear();
    }
}

namespace {
// Remembers where the `n` rows an UPDATE ... RETURNING model_id, contact_id, ctid
// left in SPI_tuptable are now.
void remember_written(uint64 n) {
    for (uint64 r = 0; r < n; ++r) {
        const ResultRow row(r);
        bool isnull;
        score_row_tids::remember(row.int32_value(1), row.int64_value(2),
                                 *reinterpret_cast<ItemPointer>(DatumGetPointer(row.value(3, &isnull))));
    }
}
}  // namespace

void write_states(std::vector<StoredState>& states) {
    // One UPDATE from parallel arrays, one element per changed state, each row found
    // by the tid it was loaded at (locked then; no key lookup). It returns where
    // each row is now, for the transaction's next statements (pg/score_row_tids.hpp).
    static Statement update(
        "UPDATE lead_scoring.contact_scores s"
        " SET score = u.score, fit_score = u.fit_score, behavior_score = u.behavior_score,"
        "     qualified = u.qualified, last_activity_at = u.last_activity_at, updated_at = $9,"
        "     maintenance_due_at = u.due, state = u.state,"
        "     first_event_at = CASE WHEN u.exact THEN u.first_event_at"
        "                           ELSE LEAST(s.first_event_at, u.first_event_at) END,"
        "     converted_at = CASE WHEN u.exact THEN u.converted_at"
        "                         ELSE LEAST(s.converted_at, u.converted_at) END,"
        "     conversion_probability = u.probability"
        " FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.int4[]), pg_catalog.unnest($2::pg_catalog.int8[]),"
        "   pg_catalog.unnest($3::pg_catalog.numeric[]), pg_catalog.unnest($4::pg_catalog.numeric[]),"
        "   pg_catalog.unnest($5::pg_catalog.numeric[]), pg_catalog.unnest($6::pg_catalog.bool[]),"
        "   pg_catalog.unnest($7::pg_catalog.timestamptz[]), pg_catalog.unnest($8::pg_catalog.timestamptz[]),"
        "   pg_catalog.unnest($10::pg_catalog.bytea[]), pg_catalog.unnest($11::pg_catalog.timestamptz[]),"
        "   pg_catalog.unnest($12::pg_catalog.timestamptz[]), pg_catalog.unnest($13::pg_catalog.bool[]),"
        "   pg_catalog.unnest($14::pg_catalog.float8[]), pg_catalog.unnest($15::pg_catalog.tid[]))"
        "   AS u(model_id, contact_id, score, fit_score, behavior_score, qualified, last_activity_at, due, state,"
        "        first_event_at, converted_at, exact, probability, row_tid)"
        " WHERE s.ctid OPERATOR(pg_catalog.=) u.row_tid"
        "   AND s.model_id OPERATOR(pg_catalog.=) u.model_id AND s.contact_id OPERATOR(pg_catalog.=) u.contact_id"
        " RETURNING s.model_id, s.contact_id, s.ctid",
        {INT4ARRAYOID, INT8ARRAYOID, NUMERICARRAYOID, NUMERICARRAYOID, NUMERICARRAYOID, BOOLARRAYOID,
         TIMESTAMPTZARRAYOID, TIMESTAMPTZARRAYOID, TIMESTAMPTZOID, BYTEAARRAYOID, TIMESTAMPTZARRAYOID,
         TIMESTAMPTZARRAYOID, BOOLARRAYOID, FLOAT8ARRAYOID, TIDARRAYOID},
        Planning::ByTid);
    count_band_changes(states, false);
    ScratchMemory scratch("lead_scoring score rows");
    std::vector<Datum> model, contact, score, fit, behavior, qualified, last, due, state, first, converted, exact,
        probability, tid;
    std::vector<bool> last_null, due_null, first_null, converted_null, probability_null;
    for (const auto& st : states) {
        if (!st.changed) continue;
        model.push_back(Int32GetDatum(st.model_id));
        contact.push_back(Int64GetDatum(st.contact_id));
        score.push_back(numeric_from_points(st.scores.total));
        fit.push_back(numeric_from_points(st.scores.fit_score));
        behavior.push_back(numeric_from_points(st.scores.behavior_score));
        qualified.push_back(BoolGetDatum(st.state.qualified));
        last.push_back(TimestampTzGetDatum(st.state.last_activity_at.value_or(0)));
        last_null.push_back(!st.state.last_activity_at.has_value());
        due.push_back(TimestampTzGetDatum(st.due.value_or(0)));
        due_null.push_back(!st.due.has_value());
        state.push_back(state_datum(st.encoded));
        first.push_back(TimestampTzGetDatum(st.facts.first_event_at.value_or(0)));
        first_null.push_back(!st.facts.first_event_at.has_value());
        converted.push_back(TimestampTzGetDatum(st.facts.converted_at.value_or(0)));
        converted_null.push_back(!st.facts.converted_at.has_value());
        exact.push_back(BoolGetDatum(st.facts_exact));
        probability.push_back(Float8GetDatum(st.probability.value_or(0)));
        probability_null.push_back(!st.probability.has_value());
        tid.push_back(PointerGetDatum(&st.tid));
    }
    if (model.empty()) return;
    const TimestampTz now = call([]() -> TimestampTz { return GetCurrentTransactionStartTimestamp(); });
    Datum args[15] = {make_array(model, {}, INT4OID),       make_array(contact, {}, INT8OID),
                      make_array(score, {}, NUMERICOID),    make_array(fit, {}, NUMERICOID),
                      make_array(behavior, {}, NUMERICOID), make_array(qualified, {}, BOOLOID),
                      make_array(last, last_null, TIMESTAMPTZOID), make_array(due, due_null, TIMESTAMPTZOID),
                      TimestampTzGetDatum(now),             make_array(state, {}, BYTEAOID),
                      make_array(first, first_null, TIMESTAMPTZOID),
                      make_array(converted, converted_null, TIMESTAMPTZOID), make_array(exact, {}, BOOLOID),
                      make_array(probability, probability_null, FLOAT8OID), make_array(tid, {}, TIDOID)};
    const uint64 written = update.run(args, nullptr);
    if (written < model.size())
        // Each row was locked (or created) by this transaction when it was loaded,
        // and nothing writes a score row between its load and this write.
        throw SqlError(ERRCODE_INTERNAL_ERROR,
                       "lead_scoring: " + std::to_string(model.size() - written) + " of " +
                           std::to_string(model.size()) +
                           " score rows were no longer where they were loaded; nothing was written",
                       "This is a bug in lead_scoring; the statement was rolled back.");
    remember_written(written);
    release_result();
    write_window_awards(states);
    write_combination_sets(states);
    write_absence_deadlines(states);
}

LedgerRow ledger_row(int32_t model_id, int64_t contact_id, const core::LedgerChange& change) {
    LedgerRow row;
    row.kind = core::kind_name(change.kind);
    row.model_id = model_id;
    row.group_id = change.group_id;
    row.contact_id = contact_id;
    row.delta = change.delta;
    row.rule_id = change.rule_id;
    row.event_id = change.event_id;
    if (change.at) {
        row.occurred_at = *change.at;
        row.has_occurred_at = true;
    }
    if (change.kind == core::LedgerKind::Decay)
        row.reason = std::to_string(change.steps) + (change.steps == 1 ? " decay step" : " decay steps");
    return row;
}

void append_ledger(const std::vector<LedgerRow>& rows, Oid actor) {
    if (rows.empty()) return;
    static Statement s(
        "INSERT INTO lead_scoring.ledger"
        " (entry_id, model_id, group_id, contact_id, delta, kind, rule_id, event_id, occurred_at, reason, actor, created_at)"
        " OVERRIDING SYSTEM VALUE"
        " SELECT pg_catalog.nextval('lead_scoring.ledger_entry_id_seq'::pg_catalog.regclass) OPERATOR(pg_catalog.+) $14,"
        "        u.m, u.g, u.c, u.d, COALESCE(u.k, $9), u.r, u.e, u.o, u.n, COALESCE(u.a, $10),"
        "        COALESCE(u.t, pg_catalog.now())"
        " FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.int4[]), pg_catalog.unnest($2::pg_catalog.int4[]),"
        "   pg_catalog.unnest($3::pg_catalog.int8[]), pg_catalog.unnest($4::pg_catalog.numeric[]),"
        "   pg_catalog.unnest($5::pg_catalog.int8[]), pg_catalog.unnest($6::pg_catalog.int8[]),"
        "   pg_catalog.unnest($7::pg_catalog.timestamptz[]), pg_catalog.unnest($8::pg_catalog.text[]),"
        "   pg_catalog.unnest($11::pg_catalog.text[]), pg_catalog.unnest($12::pg_catalog.text[]),"
        "   pg_catalog.unnest($13::pg_catalog.timestamptz[]))"
        "   AS u(m, g, c, d, r, e, o, n, k, a, t)",
        {INT4ARRAYOID, INT4ARRAYOID, INT8ARRAYOID, NUMERICARRAYOID, INT8ARRAYOID, INT8ARRAYOID,
         TIMESTAMPTZARRAYOID, TEXTARRAYOID, TEXTOID, TEXTOID, TEXTARRAYOID, TEXTARRAYOID, TIMESTAMPTZARRAYOID, INT8OID});
    // (entry_id: see node_id_offset in pg/placement.hpp.)
    // The common kind goes once as $9; rows of another kind carry theirs in $11.
    ScratchMemory scratch("lead_scoring ledger rows");
    const char* kind = rows.front().kind;
    std::vector<Datum> m, g, c, d, r, e, o, n, k;
    std::vector<bool> k_null;
    std::vector<bool> r_null, e_null, o_null, n_null;
    // Per-row actor and time: only rows written again by recompute have them, so
    // the arrays stay empty (null: the call's actor, now()) for live scoring.
    bool any_row_actor = false;
    for (const auto& row : rows) any_row_actor = any_row_actor || !row.actor.empty() || row.created_at.has_value();
    std::vector<Datum> a, t;
    std::vector<bool> a_null, t_null;
    for (const auto& row : rows) {
        m.push_back(Int32GetDatum(row.model_id));
        g.push_back(Int32GetDatum(row.group_id));
        c.push_back(Int64GetDatum(row.contact_id));
        d.push_back(numeric_from_points(row.delta));
        r.push_back(Int64GetDatum(row.rule_id));
        r_null.push_back(row.rule_id == 0);
        e.push_back(Int64GetDatum(row.event_id));
        e_null.push_back(row.event_id == 0);
        o.push_back(TimestampTzGetDatum(row.occurred_at));
        o_null.push_back(!row.has_occurred_at);
        const bool own_kind = std::strcmp(row.kind, kind) != 0;
        k_null.push_back(!own_kind);
        const char* row_kind = row.kind;
        k.push_back(own_kind ? call([&]() -> Datum { return PointerGetDatum(cstring_to_text(row_kind)); }) : Datum(0));
        const std::string& reason = row.reason;
        n_null.push_back(reason.empty());
        n.push_back(reason.empty() ? Datum(0) : call([&]() -> Datum {
            return PointerGetDatum(cstring_to_text_with_len(reason.data(), static_cast<int>(reason.size())));
        }));
        if (any_row_actor) {
            const std::string& actor_name = row.actor;
            a_null.push_back(actor_name.empty());
            a.push_back(actor_name.empty() ? Datum(0) : call([&]() -> Datum {
                return PointerGetDatum(cstring_to_text_with_len(actor_name.data(), static_cast<int>(actor_name.size())));
            }));
            t_null.push_back(!row.created_at.has_value());
            t.push_back(TimestampTzGetDatum(row.created_at.value_or(0)));
        }
    }
    const char* kind_c = kind;
    Datum args[14] = {make_array(m, {}, INT4OID),     make_array(g, {}, INT4OID),
                     make_array(c, {}, INT8OID),     make_array(d, {}, NUMERICOID),
                     make_array(r, r_null, INT8OID), make_array(e, e_null, INT8OID),
                     make_array(o, o_null, TIMESTAMPTZOID), make_array(n, n_null, TEXTOID),
                     call([&]() -> Datum { return PointerGetDatum(cstring_to_text(kind_c)); }),
                     call([&]() -> Datum { return PointerGetDatum(cstring_to_text(GetUserNameFromId(actor, false))); }),
                     make_array(k, k_null, TEXTOID), make_array(a, a_null, TEXTOID),
                     make_array(t, t_null, TIMESTAMPTZOID), Int64GetDatum(node_id_offset())};
    s.run(args, nullptr);
}

void write_alerts(const std::vector<AlertRow>& rows) {
    if (rows.empty()) return;
    static Statement s(
        "WITH a AS ("
        "  INSERT INTO lead_scoring.alerts (alert_id, threshold_id, model_id, contact_id, score, event_id)"
        "  SELECT pg_catalog.nextval('lead_scoring.alerts_alert_id_seq'::pg_catalog.regclass) OPERATOR(pg_catalog.+) $6,"
        "         u.t, u.m, u.c, u.s, u.e"
        "    FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.int8[]), pg_catalog.unnest($2::pg_catalog.int4[]),"
        "                    pg_catalog.unnest($3::pg_catalog.int8[]), pg_catalog.unnest($4::pg_catalog.numeric[]),"
        "                    pg_catalog.unnest($5::pg_catalog.int8[]))"
        "         WITH ORDINALITY AS u(t, m, c, s, e, ord)"
        "   ORDER BY u.ord"
        "  RETURNING alert_id, threshold_id, model_id, contact_id, score)"
        " SELECT pg_catalog.pg_notify(x.channel, x.payload) FROM ("
        "  SELECT t.notify_channel AS channel, pg_catalog.json_build_object("
        "           'alert_id', a.alert_id, 'model', m.name, 'threshold', t.name,"
        "           'contact_id', a.contact_id, 'score', a.score)::pg_catalog.text AS payload"
        "    FROM a JOIN lead_scoring.thresholds t ON t.threshold_id OPERATOR(pg_catalog.=) a.threshold_id"
        "           JOIN lead_scoring.models m ON m.model_id OPERATOR(pg_catalog.=) a.model_id"
        "   WHERE t.notify_channel IS NOT NULL AND $7 ORDER BY a.alert_id) x",
        {INT8ARRAYOID, INT4ARRAYOID, INT8ARRAYOID, NUMERICARRAYOID, INT8ARRAYOID, INT8OID, BOOLOID});  // (alert_id: pg/placement.hpp)
    std::vector<Datum> t, m, c, sc, e;
    std::vector<bool> e_null;
    for (const auto& row : rows) {
        t.push_back(Int64GetDatum(row.threshold_id));
        m.push_back(Int32GetDatum(row.model_id));
        c.push_back(Int64GetDatum(row.contact_id));
        sc.push_back(numeric_from_points(row.score));
        e.push_back(Int64GetDatum(row.event_id));
        e_null.push_back(row.event_id == 0);
    }
    // No NOTIFY on a Citus shard: it would reach only the worker's listeners (the
    // relays connect to the coordinator, and poll), and PostgreSQL cannot prepare a
    // transaction that notified, which Citus does to commit a statement that wrote
    // several shards (two-phase commit).
    const bool notify = current_placement() == nullptr;
    Datum args[7] = {make_array(t, {}, INT8OID), make_array(m, {}, INT4OID), make_array(c, {}, INT8OID),
                     make_array(sc, {}, NUMERICOID), make_array(e, e_null, INT8OID), Int64GetDatum(node_id_offset()),
                     BoolGetDatum(notify)};
    s.run(args, nullptr);
}

}  // namespace ls::pg
