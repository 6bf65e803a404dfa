#include "pg/training.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>
#include <functional>
#include <memory>

#include "core/chunk_sizer.hpp"
#include "core/evaluation.hpp"
#include "core/logistic.hpp"
#include "pg/datum.hpp"
#include "pg/evaluation.hpp"
#include "pg/placement.hpp"
#include "pg/predictive_features.hpp"
#include "pg/absence_store.hpp"
#include "pg/settings.hpp"
#include "pg/spi.hpp"
#include "pg/state_store.hpp"
#include "pg/window_store.hpp"

namespace ls::pg {

namespace {

constexpr int64_t kMinimumPerSide = 20;
// The first key of the advisory lock that lets one train of a model run at a time
// (the second is the model's id): "LSTR" in ASCII. README "Predictive scoring".
constexpr int32_t kTrainLockKey = 0x4C535452;
// Rows written by one UPDATE of the refresh, and fetched at once from the shards' rows
// (history is read in chunks sized by ChunkSizer, not by this).
constexpr int64_t kRowsPerBatch = 1000;

// A contact to extract features for, and the moment they are taken at: events
// before `until` (exclusive when `before`), the attributes in force at `until`.
struct Moment {
    int64_t contact_id = 0;
    core::Micros until = 0;
    bool before = false;  // events strictly before `until` (a conversion's time)
    double label = 0;
    double rule_score = 0;  // the judged rule score, in units (for rules_auc)
};

// The refreshed states and probabilities of a batch of one model's score rows,
// collected and then written: only these two columns change (scores, due times and
// side tables do not), in one narrow UPDATE. Needs an SPI connection.
class ProbabilityWrites {
public:
    void add(int64_t contact_id, const std::string& encoded_state, std::optional<double> probability) {
        contacts_.push_back(Int64GetDatum(contact_id));
        states_.push_back(state_datum(encoded_state));
        probabilities_.push_back(Float8GetDatum(probability.value_or(0)));
        probability_null_.push_back(!probability.has_value());
    }
    // Returns the rows written.
    int64_t write(int32_t model_id) const {
        if (contacts_.empty()) return 0;
        static Statement update(
            "UPDATE lead_scoring.contact_scores s SET state = u.state, conversion_probability = u.p"
            "  FROM ROWS FROM (pg_catalog.unnest($2::pg_catalog.int8[]), pg_catalog.unnest($3::pg_catalog.bytea[]),"
            "                  pg_catalog.unnest($4::pg_catalog.float8[])) u(c, state, p)"
            " WHERE s.model_id OPERATOR(pg_catalog.=) $1 AND s.contact_id OPERATOR(pg_catalog.=) u.c",
            {INT4OID, INT8ARRAYOID, BYTEAARRAYOID, FLOAT8ARRAYOID});
        Datum u[4] = {Int32GetDatum(model_id), make_array(contacts_, {}, INT8OID), make_array(states_, {}, BYTEAOID),
                      make_array(probabilities_, probability_null_, FLOAT8OID)};
        return static_cast<int64_t>(update.run(u, nullptr));
    }

private:
    std::vector<Datum> contacts_, states_, probabilities_;
    std::vector<bool> probability_null_;
};

// Which contacts current_rows reads: a chunk of the ids in contact order (every
// contact between the first and the last: one range scan), or a few scattered ones
// (exactly those: train's refresh of the rows written since its read).
enum class Contacts { Range, Listed };

// The current raw rows (events of any time, current attributes) of `contacts`
// (sorted, distinct), in their order. `fresh`: read with a new snapshot (rows just
// locked: what committed before the lock is seen), else with the caller's.
// Returns the events read.
uint64 current_rows(const FeatureSet& features, const std::vector<int64_t>& contacts, Contacts which, bool fresh,
                    const std::function<void(int64_t, const core::RawRow&)>& out) {
    if (contacts.empty()) return 0;
    // Counts need no order within a contact: the rows are grouped by contact here
    // (an SQL sort would copy every row with its properties).
    static Statement events_in_range(
        "SELECT contact_id, event_type, properties FROM lead_scoring.events"
        " WHERE contact_id OPERATOR(pg_catalog.>=) $1 AND contact_id OPERATOR(pg_catalog.<=) $2",
        {INT8OID, INT8OID});
    static Statement events_listed(
        "SELECT contact_id, event_type, properties FROM lead_scoring.events"
        " WHERE contact_id OPERATOR(pg_catalog.=) ANY ($1)",
        {INT8ARRAYOID});
    static Statement attributes_in_range(
        "SELECT contact_id, attributes FROM lead_scoring.contacts"
        " WHERE contact_id OPERATOR(pg_catalog.>=) $1 AND contact_id OPERATOR(pg_catalog.<=) $2 ORDER BY contact_id",
        {INT8OID, INT8OID});
    static Statement attributes_listed(
        "SELECT contact_id, attributes FROM lead_scoring.contacts"
        " WHERE contact_id OPERATOR(pg_catalog.=) ANY ($1) ORDER BY contact_id",
        {INT8ARRAYOID});
    const bool listed = which == Contacts::Listed;
    Datum args[2] = {Int64GetDatum(contacts.front()), Int64GetDatum(contacts.back())};
    if (listed) args[0] = int8_array(contacts);
    (listed ? events_listed : events_in_range).run(args, nullptr, !fresh);
    SPITupleTable* event_rows = SPI_tuptable;
    const uint64 n_events = SPI_processed;
    // (it stays valid after the next statement: SPI frees result tables when the
    // connection finishes)
    (listed ? attributes_listed : attributes_in_range).run(args, nullptr, !fresh);
    SPITupleTable* attribute_rows = SPI_tuptable;
    const uint64 n_attributes = SPI_processed;

    auto value = [](SPITupleTable* t, uint64 r, int col, bool* isnull) {
        return call([&]() -> Datum { return SPI_getbinval(t->vals[r], t->tupdesc, col, isnull); });
    };
    MemoryContext per_row = call([]() -> MemoryContext {
        return AllocSetContextCreate(CurrentMemoryContext, "lead_scoring feature rows", ALLOCSET_DEFAULT_SIZES);
    });
    std::vector<std::pair<int64_t, uint64>> by_contact;  // (contact, event row)
    by_contact.reserve(n_events);
    bool isnull;
    for (uint64 r = 0; r < n_events; ++r) by_contact.emplace_back(DatumGetInt64(value(event_rows, r, 1, &isnull)), r);
    std::sort(by_contact.begin(), by_contact.end());
    core::RawRow row;
    std::string type;
    uint64 e = 0, a = 0;
    for (const int64_t contact : contacts) {
        features.start(row);
        while (e < n_events && by_contact[e].first < contact) ++e;
        for (; e < n_events && by_contact[e].first == contact; ++e) {
            const uint64 er = by_contact[e].second;
            type = text_value(value(event_rows, er, 2, &isnull));
            const Datum raw = value(event_rows, er, 3, &isnull);
            MemoryContext old = MemoryContextSwitchTo(per_row);
            const Datum properties = call([&]() -> Datum { return PointerGetDatum(PG_DETOAST_DATUM(raw)); });
            features.count_event(row, type, properties);
            MemoryContextSwitchTo(old);
            MemoryContextReset(per_row);
        }
        while (a < n_attributes && DatumGetInt64(value(attribute_rows, a, 1, &isnull)) < contact) ++a;
        Datum attributes = 0;
        if (a < n_attributes && DatumGetInt64(value(attribute_rows, a, 1, &isnull)) == contact)
            attributes = value(attribute_rows, a, 2, &isnull);
        MemoryContext old = MemoryContextSwitchTo(per_row);
        if (attributes == 0) attributes = call([]() -> Datum { return DirectFunctionCall1(jsonb_in, CStringGetDatum("{}")); });
        const Datum detoasted = call([&]() -> Datum { return PointerGetDatum(PG_DETOAST_DATUM(attributes)); });
        features.finish(row, detoasted);
        MemoryContextSwitchTo(old);
        MemoryContextReset(per_row);
        out(contact, row);
    }
    MemoryContextDelete(per_row);
    call([&] { SPI_freetuptable(event_rows); });
    return n_events;
}

// How long each phase of a train() took, reported at DEBUG1 (SET client_min_messages
// = debug1 shows it): where the time goes as data grows.
class Phases {
public:
    void mark(const char* name) {
        const TimestampTz now = call([]() -> TimestampTz { return GetCurrentTimestamp(); });
        text_ += std::string(text_.empty() ? "" : ", ") + name + " " + std::to_string((now - last_) / 1000) + " ms";
        last_ = now;
    }
    void report(const std::string& model) const {
        const std::string message = "train of model \"" + model + "\": " + text_;
        const char* m = message.c_str();
        call([&] { ereport(DEBUG1, (errmsg("%s", m))); });
    }

private:
    TimestampTz last_ = GetCurrentTimestamp();
    std::string text_;
};

// Rows kept in a tuplestore (work_mem, then temporary files): (label, bytes).
class RowStore {
public:
    RowStore() {
        call([&] {
            context_ = AllocSetContextCreate(CurrentMemoryContext, "lead_scoring training rows", ALLOCSET_DEFAULT_SIZES);
            MemoryContext old = MemoryContextSwitchTo(context_);
            desc_ = CreateTemplateTupleDesc(2);
            TupleDescInitEntry(desc_, 1, "label", FLOAT8OID, -1, 0);
            TupleDescInitEntry(desc_, 2, "row", BYTEAOID, -1, 0);
            store_ = tuplestore_begin_heap(false, false, work_mem);
            slot_ = MakeSingleTupleTableSlot(desc_, &TTSOpsMinimalTuple);
            MemoryContextSwitchTo(old);
        });
    }
    ~RowStore() {
        // Frees the tuplestore's memory and temporary files; raises no error.
        tuplestore_end(store_);
        MemoryContextDelete(context_);
    }
    RowStore(const RowStore&) = delete;
    RowStore& operator=(const RowStore&) = delete;

    void put(double label, const char* data, size_t len) {
        call([&] {
            bytea* b = static_cast<bytea*>(palloc(len + VARHDRSZ));
            SET_VARSIZE(b, len + VARHDRSZ);
            memcpy(VARDATA(b), data, len);
            Datum values[2] = {Float8GetDatum(label), PointerGetDatum(b)};
            bool nulls[2] = {false, false};
            tuplestore_putvalues(store_, desc_, values, nulls);
            pfree(b);
        });
    }
    void rewind() {
        call([&] { tuplestore_rescan(store_); });
    }
    // The next row's bytes (valid until the next call), or false at the end.
    bool next(double& label, const char*& data, size_t& len) {
        struct Read {
            bool found = false;
            double label = 0;
            const char* data = nullptr;
            size_t len = 0;
        };
        const Read r = call([&]() -> Read {
            Read out;
            // A row read back from a temporary file is allocated in the current
            // context and freed by the next read: in the store's own, so that it
            // outlives the SPI connections between reads (refresh_kept's chunks).
            const MemoryContext old = MemoryContextSwitchTo(context_);
            const bool found = tuplestore_gettupleslot(store_, true, false, slot_);
            MemoryContextSwitchTo(old);
            if (!found) return out;
            bool isnull;
            out.label = DatumGetFloat8(slot_getattr(slot_, 1, &isnull));
            bytea* b = DatumGetByteaPP(slot_getattr(slot_, 2, &isnull));
            out.data = VARDATA_ANY(b);
            out.len = VARSIZE_ANY_EXHDR(b);
            out.found = true;
            return out;
        });
        label = r.label;
        data = r.data;
        len = r.len;
        return r.found;
    }

private:
    MemoryContext context_ = nullptr;
    TupleDesc desc_ = nullptr;
    Tuplestorestate* store_ = nullptr;
    TupleTableSlot* slot_ = nullptr;
};

// The regression's rows: each raw row encoded once (after the encoder saw them
// all), so that the Newton iterations only read. A row is kept as its numbers'
// doubles and the columns of its indicators (a category's levels, flags: 0 or 1)
// that are 1: at a hundred columns, half of them indicators, a row takes about
// half the bytes, and the rows of a large train stay within work_mem.
class EncodedRows : public core::RowSource {
public:
    EncodedRows(RowStore& raw, const core::FeatureEncoder& encoder, size_t features) : columns_(encoder.terms().size()) {
        for (size_t t = 0; t < columns_; ++t) {
            const core::Term& term = encoder.terms()[t];
            const bool indicator = term.feature >= 0 && (encoder.features()[static_cast<size_t>(term.feature)].kind ==
                                                             core::FeatureKind::AttributeCategory ||
                                                         encoder.features()[static_cast<size_t>(term.feature)].kind ==
                                                             core::FeatureKind::AttributeFlag);
            (indicator ? indicators_ : numbers_).push_back(static_cast<uint32_t>(t));
        }
        raw.rewind();
        double label;
        const char* data;
        size_t len;
        std::vector<double> x;
        std::string bytes;
        while (raw.next(label, data, len)) {
            encoder.encode(core::decode_raw_row(std::string(data, len), features), x);
            bytes.clear();
            for (uint32_t t : numbers_) bytes.append(reinterpret_cast<const char*>(&x[t]), sizeof(double));
            for (uint32_t t : indicators_) {
                if (x[t] == 0.0) continue;
                if (x[t] != 1.0) throw SqlError(ERRCODE_INTERNAL_ERROR, "lead_scoring: an indicator column is not 0 or 1");
                bytes.append(reinterpret_cast<const char*>(&t), sizeof t);
            }
            store_.put(label, bytes.data(), bytes.size());
        }
    }
    void rewind() override { store_.rewind(); }
    bool next(std::vector<double>& x, double& y) override {
        const char* data;
        size_t len;
        if (!store_.next(y, data, len)) return false;
        const size_t head = numbers_.size() * sizeof(double);
        if (len < head || (len - head) % sizeof(uint32_t) != 0)
            throw SqlError(ERRCODE_INTERNAL_ERROR, "lead_scoring: a training row is cut short");
        x.assign(columns_, 0.0);
        for (size_t i = 0; i < numbers_.size(); ++i) std::memcpy(&x[numbers_[i]], data + i * sizeof(double), sizeof(double));
        for (size_t at = head; at < len; at += sizeof(uint32_t)) {
            uint32_t t;
            std::memcpy(&t, data + at, sizeof t);
            if (t >= columns_) throw SqlError(ERRCODE_INTERNAL_ERROR, "lead_scoring: a training row names no column");
            x[t] = 1.0;
        }
        return true;
    }

private:
    size_t columns_;
    std::vector<uint32_t> numbers_, indicators_;  // the columns of each kind
    RowStore store_;
};

Datum json_datum(const std::string& json) {
    const char* text = json.c_str();
    return call([&]() -> Datum { return DirectFunctionCall1(jsonb_in, CStringGetDatum(text)); });
}

// One node: the score rows train refreshes, each as pass 1 read it (where it was:
// tid and xmin; its state) with its current raw row (events of any time, current
// attributes, as of that read), kept in a tuplestore until the fit is stored.
struct KeptRow {
    int64_t contact_id = 0;
    ItemPointerData tid{};
    TransactionId xmin = InvalidTransactionId;
    std::string state, raw_row;
};

class CurrentRows {
public:
    void put(const KeptRow& row) {
        const uint32_t state_size = static_cast<uint32_t>(row.state.size());
        std::string bytes(kHead, '\0');
        std::memcpy(bytes.data(), &row.contact_id, sizeof row.contact_id);
        std::memcpy(bytes.data() + kTid, &row.tid, sizeof row.tid);
        std::memcpy(bytes.data() + kXmin, &row.xmin, sizeof row.xmin);
        std::memcpy(bytes.data() + kHead - sizeof state_size, &state_size, sizeof state_size);
        bytes += row.state;
        bytes += row.raw_row;
        store_.put(0, bytes.data(), bytes.size());
    }
    void rewind() { store_.rewind(); }
    bool next(KeptRow& row) {
        double unused;
        const char* data;
        size_t len;
        if (!store_.next(unused, data, len)) return false;
        uint32_t state_size;
        if (len < kHead) throw SqlError(ERRCODE_INTERNAL_ERROR, "lead_scoring: a kept score row is cut short");
        std::memcpy(&row.contact_id, data, sizeof row.contact_id);
        std::memcpy(&row.tid, data + kTid, sizeof row.tid);
        std::memcpy(&row.xmin, data + kXmin, sizeof row.xmin);
        std::memcpy(&state_size, data + kHead - sizeof state_size, sizeof state_size);
        if (len < kHead + state_size) throw SqlError(ERRCODE_INTERNAL_ERROR, "lead_scoring: a kept score row is cut short");
        row.state.assign(data + kHead, state_size);
        row.raw_row.assign(data + kHead + state_size, len - kHead - state_size);
        return true;
    }
private:
    // contact_id, tid, xmin, the state's length; then the state and the raw row.
    static constexpr size_t kTid = sizeof(int64_t), kXmin = kTid + sizeof(ItemPointerData),
                            kHead = kXmin + sizeof(TransactionId) + sizeof(uint32_t);
    RowStore store_;
};

// The attributes in force at a moment, from a contact's history: the latest change
// at or before it, else the first; none without a history.
Datum attributes_at(const ContactFitHistory* history, core::Micros until) {
    Datum attributes = 0;
    if (history == nullptr) return attributes;
    for (const auto& [changed_at, value] : history->changes) {
        if (attributes != 0 && changed_at > until) break;
        attributes = value;
    }
    return attributes;
}

bool same_jsonb(Datum a, Datum b) {
    const struct varlena* x = reinterpret_cast<const struct varlena*>(DatumGetPointer(a));
    const struct varlena* y = reinterpret_cast<const struct varlena*>(DatumGetPointer(b));
    return VARSIZE_ANY_EXHDR(x) == VARSIZE_ANY_EXHDR(y) &&
           std::memcmp(VARDATA_ANY(x), VARDATA_ANY(y), VARSIZE_ANY_EXHDR(x)) == 0;
}

// Pass 1 in one read of each chunk's history, with the caller's snapshot: every
// contact that existed at as_of is judged (as evaluate judges it) and gives its
// training row (`out`), its events matched once against the features. With
// `current` (train on one node), every score row of the model in the chunk is also
// read, without a lock, and kept with its current raw row for the refresh
// (refresh_kept), which so reads no history again; a row written since (an event,
// an edit) is refreshed from its history under a lock then. Live scoring does not
// wait for this pass (it did: the rows were locked here until train committed).
void extract_rows(const RuleCache& rules, const std::string& model, core::Micros as_of, const FeatureSet& features,
                  const std::function<void(const Moment&, const core::RawRow&)>& out, CurrentRows* current) {
    const size_t mi = model_index(rules, model);
    const int32_t model_id = rules.models[mi].id;
    connect();
    const std::string conversion = conversion_type_of(model);
    finish();
    const EventObserver observe = [&](ChunkEvent& event, const std::string& type, Datum properties) {
        features.event_hits(type, properties, event.feature_hits);
    };
    std::vector<KeptRow> kept;
    int64_t from = INT64_MIN;
    core::ChunkSizer sizer(history_chunk_events);
    core::RawRow as_of_row, current_row;
    for (;;) {
        call([] { CHECK_FOR_INTERRUPTS(); });
        connect();
        kept.clear();
        const ChunkHistory h = read_chunk_history(rules, mi, conversion, from, sizer.contacts(), &observe);
        if (current) {
            // The chunk is [from, upto]: its score rows, as of the same snapshot.
            static Statement rows(
                "SELECT contact_id, state, ctid, xmin FROM lead_scoring.contact_scores"
                " WHERE model_id OPERATOR(pg_catalog.=) $1 AND contact_id OPERATOR(pg_catalog.>=) $2"
                "   AND contact_id OPERATOR(pg_catalog.<=) $3 ORDER BY contact_id",
                {INT4OID, INT8OID, INT8OID});
            const int64_t upto = h.next_from ? *h.next_from - 1 : INT64_MAX;
            Datum args[3] = {Int32GetDatum(model_id), Int64GetDatum(from), Int64GetDatum(upto)};
            const uint64 n = rows.run(args, nullptr, true);
            for (uint64 r = 0; r < n; ++r) {
                bool isnull;
                KeptRow k;
                k.contact_id = column_int64(r, 1);
                const Datum state = column(r, 2, &isnull);
                if (!isnull) {
                    const bytea* b = reinterpret_cast<const bytea*>(
                        call([&]() -> struct varlena* { return pg_detoast_datum_packed(reinterpret_cast<struct varlena*>(DatumGetPointer(state))); }));
                    k.state.assign(VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b));
                }
                k.tid = *reinterpret_cast<ItemPointer>(DatumGetPointer(column(r, 3, &isnull)));  // (by reference)
                k.xmin = DatumGetTransactionId(column(r, 4, &isnull));
                kept.push_back(std::move(k));
            }
            release_result();
        }
        const Datum empty = json_datum("{}");
        size_t k = 0, l = 0;
        // Both lists are in contact order: a contact may be judged, have a score row, or both.
        while (k < h.contacts.size() || l < kept.size()) {
            const int64_t contact = k < h.contacts.size() && (l == kept.size() || h.contacts[k].contact_id <= kept[l].contact_id)
                                        ? h.contacts[k].contact_id
                                        : kept[l].contact_id;
            const bool has_contact = k < h.contacts.size() && h.contacts[k].contact_id == contact;
            const bool has_row = l < kept.size() && kept[l].contact_id == contact;
            const ChunkEvent* first_event = nullptr;
            const ChunkEvent* end_event = nullptr;
            if (has_contact) {
                first_event = h.events.data() + h.spans[k].events_begin;
                end_event = h.events.data() + h.spans[k].events_end;
            }
            Datum at_moment = 0;
            if (has_contact) {
                if (const std::optional<JudgedContact> j = judge_contact(rules, mi, h, k, as_of)) {
                    Moment m;
                    m.contact_id = contact;
                    m.label = j->converted_at ? 1 : 0;
                    m.until = j->converted_at.value_or(as_of);
                    m.before = j->converted_at.has_value();
                    m.rule_score = static_cast<double>(j->score.units());
                    features.start(as_of_row);
                    for (const ChunkEvent* e = first_event; e != end_event; ++e) {
                        const core::Micros at = e->replay.occurred_at;
                        if (m.before ? at >= m.until : at > m.until) continue;
                        FeatureSet::count_hits(as_of_row, e->feature_hits);
                    }
                    at_moment = attributes_at(h.spans[k].fits, m.until);
                    features.finish(as_of_row, at_moment != 0 ? at_moment : empty);
                    out(m, as_of_row);
                }
            }
            if (has_row) {
                KeptRow& kr = kept[l];
                features.start(current_row);
                for (const ChunkEvent* e = first_event; e != end_event; ++e) FeatureSet::count_hits(current_row, e->feature_hits);
                // (the contact's attributes now; none: a score row without its
                // contact, which has no events either)
                const Datum now = has_contact ? h.contacts[k].attributes : empty;
                if (at_moment != 0 && same_jsonb(at_moment, now)) {
                    // (the same attributes: their values are the training row's)
                    for (size_t i = 0; i < current_row.size(); ++i)
                        if (features.features()[i].def.kind != core::FeatureKind::EventCount) current_row[i] = as_of_row[i];
                } else {
                    features.finish(current_row, now);
                }
                kr.raw_row = core::encode_raw_row(current_row);
                current->put(kr);
            }
            if (has_contact) ++k;
            if (has_row) ++l;
        }
        finish();
        sizer.done(static_cast<int64_t>(h.contacts.size()), static_cast<int64_t>(h.events.size()));
        if (!h.next_from) break;
        from = *h.next_from;
    }
}

// The rule cache, rebuilt with the fit just stored, and the model's place in it.
struct CacheWithFit {
    std::shared_ptr<const RuleCache> rules;
    size_t model_index = 0;
};
CacheWithFit cache_with_fit(const std::string& model) {
    connect();
    CacheWithFit c{current_rules()};
    finish();
    c.model_index = model_index(*c.rules, model);
    if (!c.rules->models[c.model_index].predictive || !c.rules->predictive_features[c.model_index])
        throw SqlError(ERRCODE_INTERNAL_ERROR, "lead_scoring: the fit just stored is not in the rule cache");
    return c;
}

// Gives the score rows of `contacts` (sorted, distinct) their predictive state and
// probability under the fit in `rules`, from their history: the rows are locked
// first (lock_states), then the events and attributes read with a new snapshot,
// so that an event committed before the lock is counted, and no other can commit
// until this transaction ends. Adds the rows written to `refreshed`; returns the
// events read. Needs an SPI connection.
uint64 refresh_locked(const RuleCache& rules, size_t mi, const std::vector<int64_t>& contacts, Contacts which,
                      int64_t& refreshed) {
    const core::ModelDef& def = rules.models[mi];
    const FeatureSet& features = *rules.predictive_features[mi];
    std::vector<StoredState> states = lock_states(rules, contacts, def.id);
    std::vector<int64_t> locked;
    for (const auto& st : states) locked.push_back(st.contact_id);
    ProbabilityWrites writes;
    size_t k = 0;
    const uint64 events = current_rows(features, locked, which, true, [&](int64_t contact, const core::RawRow& row) {
        while (states[k].contact_id != contact) ++k;
        StoredState& st = states[k];
        st.state.predictive = core::predictive_state(*def.predictive, row);
        writes.add(st.contact_id, core::encode_state(def, st.state),
                   core::conversion_probability(*def.predictive, *st.state.predictive));
    });
    refreshed += writes.write(def.id);
    return events;
}

// One node, after the fit is stored: every score row of the model gets its
// predictive state and probability under the fit. The rows are locked a batch at
// a time, in contact order (as live scoring locks them); a row still as pass 1
// read it (same tid and xmin: not written since) takes its kept raw row; any other
// (written since, or created since) is refreshed from its history (refresh_locked).
// So live scoring waits for train only from here until it commits.
int64_t refresh_kept(const std::string& model, CurrentRows& current) {
    const CacheWithFit cached = cache_with_fit(model);
    const std::shared_ptr<const RuleCache>& rules = cached.rules;
    const size_t mi = cached.model_index;
    const core::ModelDef& def = rules->models[mi];
    const size_t features = rules->predictive_features[mi]->features().size();
    static Statement lock(
        "SELECT contact_id, ctid, xmin FROM lead_scoring.contact_scores"
        " WHERE model_id OPERATOR(pg_catalog.=) $1 AND contact_id OPERATOR(pg_catalog.>=) $2"
        "   AND contact_id OPERATOR(pg_catalog.<=) $3 ORDER BY contact_id FOR UPDATE",
        {INT4OID, INT8OID, INT8OID});
    struct Locked {
        int64_t contact_id;
        ItemPointerData tid;
        TransactionId xmin;
    };
    current.rewind();
    KeptRow next;
    bool have = current.next(next);
    std::vector<KeptRow> batch;
    std::vector<Locked> locked;
    std::vector<int64_t> stale;
    int64_t from = INT64_MIN, refreshed = 0;
    core::ChunkSizer stale_sizer(history_chunk_events);
    for (;;) {
        call([] { CHECK_FOR_INTERRUPTS(); });
        batch.clear();
        while (have && batch.size() < static_cast<size_t>(kRowsPerBatch)) {
            batch.push_back(std::move(next));
            have = current.next(next);
        }
        // The batch covers [from, upto]: the ids between two kept rows too, where a
        // row created since pass 1 would be.
        const int64_t upto = have ? batch.back().contact_id : INT64_MAX;
        connect();
        Datum args[3] = {Int32GetDatum(def.id), Int64GetDatum(from), Int64GetDatum(upto)};
        const uint64 n = lock.run(args, nullptr, false);
        locked.clear();
        for (uint64 r = 0; r < n; ++r) {
            bool isnull;
            locked.push_back(Locked{column_int64(r, 1), *reinterpret_cast<ItemPointer>(DatumGetPointer(column(r, 2, &isnull))),
                                    DatumGetTransactionId(column(r, 3, &isnull))});
        }
        release_result();
        ProbabilityWrites writes;
        stale.clear();
        size_t k = 0;
        for (const Locked& l : locked) {
            while (k < batch.size() && batch[k].contact_id < l.contact_id) ++k;  // (erased since)
            const bool as_read = k < batch.size() && batch[k].contact_id == l.contact_id &&
                                 ItemPointerEquals(const_cast<ItemPointer>(&batch[k].tid), const_cast<ItemPointer>(&l.tid)) &&
                                 batch[k].xmin == l.xmin;
            if (!as_read) {
                stale.push_back(l.contact_id);
                continue;
            }
            const KeptRow& kr = batch[k];
            core::DecodedState decoded;
            try {
                decoded = core::decode_state(reinterpret_cast<const uint8_t*>(kr.state.data()), kr.state.size());
            } catch (const core::StateFormatError& e) {
                throw SqlError(ERRCODE_DATA_CORRUPTED, "lead_scoring: the stored state of contact " +
                                                           std::to_string(kr.contact_id) + " in model \"" + model +
                                                           "\" cannot be read: " + e.what(),
                               "Rebuild it with lead_scoring.recompute(model, contact_id, contact_id).");
            }
            decoded.state.predictive = core::predictive_state(*def.predictive, core::decode_raw_row(kr.raw_row, features));
            writes.add(kr.contact_id, core::encode_state(decoded),
                       core::conversion_probability(*def.predictive, *decoded.state.predictive));
        }
        refreshed += writes.write(def.id);
        finish();
        // The rows written since pass 1 (already locked here), from their history: a
        // few scattered contacts, read by their ids, in pieces sized like the chunks
        // of a pass over history.
        for (size_t at = 0; at < stale.size();) {
            const size_t end = std::min(stale.size(), at + static_cast<size_t>(stale_sizer.contacts()));
            const std::vector<int64_t> piece(stale.begin() + static_cast<std::ptrdiff_t>(at),
                                             stale.begin() + static_cast<std::ptrdiff_t>(end));
            connect();
            const uint64 events = refresh_locked(*rules, mi, piece, Contacts::Listed, refreshed);
            finish();
            stale_sizer.done(static_cast<int64_t>(piece.size()), static_cast<int64_t>(events));
            at = end;
        }
        if (upto == INT64_MAX) break;
        from = upto + 1;
    }
    return refreshed;
}

// Reads the model's stored fit: its features (compiled) and terms.
struct StoredFit {
    std::unique_ptr<FeatureSet> features;
    std::vector<core::Term> terms;
    std::vector<double> coefficients;
};

StoredFit read_fit(int32_t model_id, const std::string& model) {
    static Statement fit("SELECT features FROM lead_scoring.predictive_fits WHERE model_id OPERATOR(pg_catalog.=) $1",
                         {INT4OID});
    Datum args[1] = {Int32GetDatum(model_id)};
    if (fit.run(args, nullptr, true) == 0)
        throw SqlError(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE, "model \"" + model + "\" has no predictive fit",
                       "Fit one with lead_scoring.train('" + model + "').");
    bool isnull;
    StoredFit out;
    out.features = std::make_unique<FeatureSet>(column(0, 1, &isnull), TopTransactionContext);
    StoredTerms stored = read_predictive_terms(model_id);
    out.terms = std::move(stored.terms);
    out.coefficients = std::move(stored.coefficients);
    return out;
}

double logit(const std::vector<double>& x, const std::vector<double>& beta) {
    double z = 0;
    for (size_t i = 0; i < x.size() && i < beta.size(); ++i) z += x[i] * beta[i];
    return z;
}

// Gives every score row of the model its predictive state under the fit just
// stored (the cache rebuilt with it): its counts and attribute part from its
// current events and attributes, and so its conversion_probability. Rows are
// locked first, then read: an event committed meanwhile is counted.
// (lock_states also creates the row of a contact that lacks it: none here, the
// contacts come from the model's rows.)
int64_t refresh_in_placement(const std::string& model) {
    const CacheWithFit cached = cache_with_fit(model);
    const std::shared_ptr<const RuleCache>& rules = cached.rules;
    const size_t mi = cached.model_index;
    const core::ModelDef& def = rules->models[mi];
    static Statement ids("SELECT contact_id FROM lead_scoring.contact_scores"
                         " WHERE model_id OPERATOR(pg_catalog.=) $1 AND contact_id OPERATOR(pg_catalog.>=) $2"
                         " ORDER BY contact_id LIMIT $3",
                         {INT4OID, INT8OID, INT8OID});
    int64_t from = INT64_MIN, refreshed = 0;
    // One chunk, in its own SPI connection; returns the contacts and events it read,
    // everything else it read freed.
    struct ChunkRead {
        int64_t contacts = 0;
        uint64 events = 0;
        bool last = true;
    };
    const auto refresh_chunk = [&](int64_t limit) -> ChunkRead {
        ChunkRead read;
        connect();
        Datum args[3] = {Int32GetDatum(def.id), Int64GetDatum(from), Int64GetDatum(limit)};
        const uint64 n = ids.run(args, nullptr, true);
        std::vector<int64_t> contacts;
        for (uint64 r = 0; r < n; ++r) contacts.push_back(column_int64(r, 1));
        if (contacts.empty()) {
            finish();
            return read;
        }
        read.events = refresh_locked(*rules, mi, contacts, Contacts::Range, refreshed);
        finish();
        read.contacts = static_cast<int64_t>(contacts.size());
        read.last = n < static_cast<uint64>(limit) || contacts.back() == INT64_MAX;
        if (!read.last) from = contacts.back() + 1;
        return read;
    };
    core::ChunkSizer sizer(history_chunk_events);
    for (;;) {
        call([] { CHECK_FOR_INTERRUPTS(); });
        const ChunkRead read = refresh_chunk(sizer.contacts());
        sizer.done(read.contacts, static_cast<int64_t>(read.events));
        if (read.last) break;
    }
    return refreshed;
}


// The model's feature set as JSON text (lead_scoring.predictive_feature_set: its
// declared features, or its rules as features). Needs an SPI connection.
std::string feature_set_json(int32_t model_id) {
    static Statement feature_set("SELECT lead_scoring.predictive_feature_set($1)::pg_catalog.text", {INT4OID});
    Datum args[1] = {Int32GetDatum(model_id)};
    feature_set.run(args, nullptr, true);
    return column_text(0, 1);
}

// On a Citus coordinator: every shard's rows of extract_rows (training_rows_in_shard
// runs in each), read through a cursor a chunk at a time so that memory stays flat.
void gathered_rows(const std::string& model, core::Micros as_of, size_t features,
                   const std::function<void(double, double, const core::RawRow&, const std::string&)>& out) {
    connect();
    const TimestampTz at = as_of;
    // (ISO with a numeric offset, whatever this session's DateStyle and TimeZone: the
    // shards' nodes read it with their own)
    const std::string as_of_text(call([&]() -> const char* { return timestamptz_to_str(at); }));
    // (literals, not parameters: Citus plans a multi-shard query for its values)
    const std::string sql =
        "SELECT r.label, r.rule_score, r.raw_row"
        "  FROM lead_scoring.shards s CROSS JOIN LATERAL lead_scoring.training_rows_in_shard(s.shard_key, " +
        sql_literal(model) + ", " + sql_literal(as_of_text) + "::pg_catalog.timestamptz) r ORDER BY r.contact_id";
    const char* text = sql.c_str();
    // One connection per node (the shards of a node one after another, the nodes in
    // parallel): train() then stores the fit in reference tables, which Citus allows
    // in a transaction only over the connections that read the shards.
    const int guc_level = call([]() -> int {
        const int level = NewGUCNestLevel();
        (void)set_config_option("citus.max_adaptive_executor_pool_size", "1", PGC_USERSET, PGC_S_SESSION,
                                GUC_ACTION_SAVE, true, 0, false);
        return level;
    });
    Portal portal = call([&]() -> Portal {
        SPIPlanPtr plan = SPI_prepare(text, 0, nullptr);
        if (plan == nullptr) elog(ERROR, "lead_scoring: SPI_prepare failed: %s", text);
        return SPI_cursor_open(nullptr, plan, nullptr, nullptr, true);
    });
    for (;;) {
        call([&] { SPI_cursor_fetch(portal, true, static_cast<long>(kRowsPerBatch)); });
        const uint64 n = SPI_processed;
        for (uint64 r = 0; r < n; ++r) {
            const ResultRow row(r);
            bool isnull;
            const Datum raw = row.value(3, &isnull);
            struct varlena* bytes = call([&]() -> struct varlena* {
                return pg_detoast_datum_packed(reinterpret_cast<struct varlena*>(DatumGetPointer(raw)));
            });
            const std::string encoded(VARDATA_ANY(bytes), VARSIZE_ANY_EXHDR(bytes));
            out(DatumGetFloat8(row.value(1, &isnull)), DatumGetFloat8(row.value(2, &isnull)),
                core::decode_raw_row(encoded, features), encoded);
        }
        release_result();
        if (n == 0) break;
    }
    call([&] {
        SPI_cursor_close(portal);
        AtEOXact_GUC(true, guc_level);
    });
    finish();
}
}  // namespace

void training_rows(const RuleCache& rules, const std::string& model, core::Micros as_of,
                   const std::function<void(int64_t, double, double, const std::string&)>& out) {
    const size_t mi = model_index(rules, model);
    if (!rules.models[mi].conversion_event_type)
        throw SqlError(ERRCODE_INVALID_PARAMETER_VALUE, "train: model \"" + model + "\" has no conversion_event_type");
    connect();
    const std::string features_json = feature_set_json(rules.models[mi].id);
    FeatureSet features(json_datum(features_json), TopTransactionContext);
    finish();
    extract_rows(rules, model, as_of, features, [&](const Moment& m, const core::RawRow& row) {
        out(m.contact_id, m.label, m.rule_score, core::encode_raw_row(row));
    }, nullptr);
}

int64_t refresh_probabilities(const std::string& model) { return refresh_in_placement(model); }

std::vector<TrainedTerm> train_model(const RuleCache& rules, const std::string& model, core::Micros as_of, double l2) {
    if (!(l2 > 0) || !std::isfinite(l2))
        throw SqlError(ERRCODE_INVALID_PARAMETER_VALUE, "train: l2 must be a positive number",
                       "1.0 is the default; larger values shrink the coefficients more.");
    const size_t mi = model_index(rules, model);
    const int32_t model_id = rules.models[mi].id;
    if (!rules.models[mi].conversion_event_type)
        throw SqlError(ERRCODE_INVALID_PARAMETER_VALUE, "train: model \"" + model + "\" has no conversion_event_type",
                       "Set lead_scoring.models.conversion_event_type to the event type that marks a conversion.");

    // One train of a model at a time: a second waits here until the first's
    // transaction ends, then fits afresh (pass 1 locks nothing, and two trains would
    // both replace the stored fit). A transaction-level advisory lock, on the node
    // train is called on: (kTrainLockKey, model_id).
    connect();
    static Statement one_at_a_time("SELECT pg_catalog.pg_advisory_xact_lock($1, $2)", {INT4OID, INT4OID});
    Datum lock_args[2] = {Int32GetDatum(kTrainLockKey), Int32GetDatum(model_id)};
    one_at_a_time.run(lock_args, nullptr);
    finish();

    // The feature set is compiled here from the rule tables, as in every shard.
    connect();
    const std::string features_json = feature_set_json(model_id);
    FeatureSet features(json_datum(features_json), TopTransactionContext);
    const bool gather = on_coordinator();
    finish();
    if (features.features().empty())
        throw SqlError(ERRCODE_INVALID_PARAMETER_VALUE, "train: model \"" + model + "\" has no features",
                       "Declare some in lead_scoring.predictive_features, or give the model active rules.");

    // Pass 1: judge, extract, observe; the rows wait in a tuplestore. On a Citus
    // coordinator every shard judges and extracts its own contacts
    // (training_rows_in_shard) and their raw rows come here, in contact order as on
    // one node, so that the fit is the same.
    core::FeatureEncoder encoder(features.defs());
    std::optional<RowStore> raw_store(std::in_place);
    std::vector<double> rule_scores_converted, rule_scores_others;
    int64_t converted = 0, others = 0;
    Phases phases;
    auto take = [&](double label, double rule_score, const core::RawRow& row, const std::string& bytes) {
        encoder.observe(row);
        raw_store->put(label, bytes.data(), bytes.size());
        (label > 0.5 ? rule_scores_converted : rule_scores_others).push_back(rule_score);
        ++(label > 0.5 ? converted : others);
    };
    // (one node: the rows to refresh are taken in the same pass, without a lock)
    std::optional<CurrentRows> current;
    // The pass reads with a snapshot taken now, after the lock above: the calling
    // statement's was taken before a wait for another train, whose fit and refresh it
    // would not see (every row would then look written since, and be counted again
    // under the refresh's locks). Popped after the pass; on an error the transaction's
    // abort pops it.
    call([] { PushActiveSnapshot(GetTransactionSnapshot()); });
    if (gather) {
        gathered_rows(model, as_of, features.features().size(), take);
    } else {
        current.emplace();
        extract_rows(rules, model, as_of, features, [&](const Moment& m, const core::RawRow& row) {
            take(m.label, m.rule_score, row, core::encode_raw_row(row));
        }, &*current);
    }
    call([] { PopActiveSnapshot(); });
    if (converted < kMinimumPerSide || others < kMinimumPerSide)
        throw SqlError(ERRCODE_INVALID_PARAMETER_VALUE,
                       "train: model \"" + model + "\" has " + std::to_string(converted) + " converted and " +
                           std::to_string(others) + " other contacts at as_of; at least " +
                           std::to_string(kMinimumPerSide) + " of each are needed",
                       "Train at a later as_of, or check the model's conversion_event_type.");
    phases.mark("judged and extracted");
    encoder.finish();
    EncodedRows rows(*raw_store, encoder, features.features().size());
    raw_store.reset();  // its temporary files go now
    phases.mark("encoded");

    core::LogisticFit fit;
    try {
        fit = core::fit_logistic(rows, encoder.terms().size(), core::LogisticOptions{l2, 100, 1e-8});
    } catch (const core::FitError& e) {
        throw SqlError(ERRCODE_DATA_EXCEPTION, std::string("train: model \"") + model + "\": " + e.what());
    }
    phases.mark("fitted");
    // The fit's AUC on its training rows, and the rules' on the same contacts.
    std::vector<double> p_converted, p_others, x;
    double y = 0;
    rows.rewind();
    while (rows.next(x, y)) (y > 0.5 ? p_converted : p_others).push_back(logit(x, fit.coefficients));
    const std::optional<double> auc = core::auc(p_converted, p_others);
    const std::optional<double> rules_auc = core::auc(rule_scores_converted, rule_scores_others);

    // Store the fit (one per model) and its terms.
    connect();
    static Statement drop("DELETE FROM lead_scoring.predictive_fits WHERE model_id OPERATOR(pg_catalog.=) $1", {INT4OID});
    Datum dargs[1] = {Int32GetDatum(model_id)};
    drop.run(dargs, nullptr);
    static Statement insert_fit(
        "INSERT INTO lead_scoring.predictive_fits (model_id, as_of, l2, contacts, converted, auc, rules_auc, iterations, features)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::pg_catalog.jsonb)",
        {INT4OID, TIMESTAMPTZOID, FLOAT8OID, INT8OID, INT8OID, FLOAT8OID, FLOAT8OID, INT4OID, TEXTOID});
    Datum iargs[9] = {Int32GetDatum(model_id),       TimestampTzGetDatum(as_of),       Float8GetDatum(l2),
                      Int64GetDatum(converted + others), Int64GetDatum(converted),      Float8GetDatum(auc.value_or(0)),
                      Float8GetDatum(rules_auc.value_or(0)), Int32GetDatum(fit.iterations), text_datum(features_json)};
    const char inulls[10] = {' ', ' ', ' ', ' ', ' ', auc ? ' ' : 'n', rules_auc ? ' ' : 'n', ' ', ' ', '\0'};
    insert_fit.run(iargs, inulls);
    std::vector<Datum> tn, tt, tf, tl, tm, ts, tc, te;
    std::vector<bool> tf_null;
    std::vector<TrainedTerm> out;
    for (size_t i = 0; i < encoder.terms().size(); ++i) {
        const core::Term& t = encoder.terms()[i];
        tn.push_back(Int32GetDatum(static_cast<int32>(i)));
        tt.push_back(text_datum(t.name));
        tf.push_back(Int32GetDatum(t.feature));
        tf_null.push_back(t.feature < 0);
        tl.push_back(text_datum(t.level));
        tm.push_back(Float8GetDatum(t.mean));
        ts.push_back(Float8GetDatum(t.scale));
        tc.push_back(Float8GetDatum(fit.coefficients[i]));
        te.push_back(Float8GetDatum(fit.std_errors[i]));
        out.push_back(TrainedTerm{t.name, fit.coefficients[i], fit.std_errors[i]});
    }
    static Statement insert_terms(
        "INSERT INTO lead_scoring.predictive_terms (model_id, term_no, term, feature, level, mean, scale, coefficient, std_error)"
        " SELECT $1, u.n, u.t, u.f, NULLIF(u.l, ''), u.m, u.s, u.c, u.e"
        "   FROM ROWS FROM (pg_catalog.unnest($2::pg_catalog.int4[]), pg_catalog.unnest($3::pg_catalog.text[]),"
        "   pg_catalog.unnest($4::pg_catalog.int4[]), pg_catalog.unnest($5::pg_catalog.text[]),"
        "   pg_catalog.unnest($6::pg_catalog.float8[]), pg_catalog.unnest($7::pg_catalog.float8[]),"
        "   pg_catalog.unnest($8::pg_catalog.float8[]), pg_catalog.unnest($9::pg_catalog.float8[])) u(n, t, f, l, m, s, c, e)",
        {INT4OID, INT4ARRAYOID, TEXTARRAYOID, INT4ARRAYOID, TEXTARRAYOID, FLOAT8ARRAYOID, FLOAT8ARRAYOID, FLOAT8ARRAYOID,
         FLOAT8ARRAYOID},
        Planning::EachRun);
    Datum targs[9] = {Int32GetDatum(model_id),          make_array(tn, {}, INT4OID),
                      make_array(tt, {}, TEXTOID),      make_array(tf, tf_null, INT4OID),
                      make_array(tl, {}, TEXTOID),      make_array(tm, {}, FLOAT8OID),
                      make_array(ts, {}, FLOAT8OID),    make_array(tc, {}, FLOAT8OID),
                      make_array(te, {}, FLOAT8OID)};
    insert_terms.run(targs, nullptr);
    finish();

    phases.mark("stored");
    if (gather) {
        // Every shard refreshes its contacts (lead_scoring.refresh_probabilities, in
        // each through the every-shard path), in this transaction.
        connect();
        run_sql(("SELECT lead_scoring.refresh_probabilities(" + sql_literal(model) + ")").c_str(), false);
        finish();
    } else {
        refresh_kept(model, *current);
    }
    phases.mark("refreshed");
    phases.report(model);
    return out;
}

std::vector<Contribution> explain_prediction(const RuleCache& rules, const std::string& model, int64_t contact_id) {
    const size_t mi = model_index(rules, model);
    const int32_t model_id = rules.models[mi].id;
    connect();
    StoredFit fit = read_fit(model_id, model);
    const core::FeatureEncoder encoder(fit.features->defs(), fit.terms);
    std::vector<Contribution> out;
    std::vector<double> x;
    current_rows(*fit.features, {contact_id}, Contacts::Range, false, [&](int64_t, const core::RawRow& row) {
        encoder.encode(row, x);
        for (size_t i = 0; i < encoder.terms().size(); ++i) {
            const core::Term& t = encoder.terms()[i];
            const double v = encoder.transformed(row, t);
            // A category's other levels are not the contact's: left out.
            if (t.feature >= 0 && fit.features->features()[static_cast<size_t>(t.feature)].def.kind ==
                                      core::FeatureKind::AttributeCategory && v == 0)
                continue;
            out.push_back(Contribution{t.name, std::isnan(v) ? std::nan("") : v, fit.coefficients[i] * x[i]});
        }
    });
    finish();
    std::stable_sort(out.begin(), out.end(), [](const Contribution& a, const Contribution& b) {
        return std::abs(a.contribution) > std::abs(b.contribution);
    });
    return out;
}

}  // namespace ls::pg
