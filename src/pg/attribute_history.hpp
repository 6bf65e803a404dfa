// The history of each contact's attributes (lead_scoring.contact_attribute_history,
// SPEC "Attribute history"): every insert of a contact and every change of its
// attributes, with when it happened (the row's updated_at: the transaction's time,
// or the time a CRM set explicitly when it syncs an older change), the role that
// made it and the attributes it gave. Written by the contacts triggers, one row per
// change and nothing per event; read by recompute and evaluation (attributes as of
// a time).
#pragma once
#include <cstdint>
#include <vector>

#include "pg/guard.hpp"

namespace ls::pg {

struct AttributeChange {
    int64_t contact_id = 0;
    TimestampTz changed_at = 0;
    Datum attributes = 0;  // jsonb
};

// Appends the changes (one INSERT); `actor` is the role that made them.
void append_attribute_history(const std::vector<AttributeChange>& changes, Oid actor);

}  // namespace ls::pg
