// Where this transaction last locked or wrote each score row of
// lead_scoring.contact_scores, so that its next statements find the row by its tid.
//
// Why: a transaction that scores one contact thousands of times (a CRM syncing
// inside one transaction) leaves as many versions of the contact's score row, and
// PostgreSQL cannot prune them before the transaction ends; a lookup by the key
// visits every one of them, so the n-th event cost n (issue 13, class 8). A row
// remembered here is locked by this transaction (it wrote the version, or locked it
// FOR UPDATE), so it is read again without a lock.
//
// Forgotten at the end of every transaction; what a subtransaction locked or wrote
// is forgotten when it aborts (its versions are gone and their tids may be reused). A tid that no longer holds
// the row's current version (another writer updated it since: maintenance, a model
// edit) is simply not visible: the caller then looks the row up by its key.
#pragma once
#include <cstdint>
#include <optional>

#include "pg/postgres_headers.hpp"

namespace ls::pg::score_row_tids {

void remember(int32_t model_id, int64_t contact_id, const ItemPointerData& tid);
std::optional<ItemPointerData> find(int32_t model_id, int64_t contact_id);

// Registers the transaction callbacks that forget (from _PG_init).
void register_forgetting();

}  // namespace ls::pg::score_row_tids
