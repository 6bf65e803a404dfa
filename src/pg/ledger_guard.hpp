// The ledger is append-only (its guard: lead_scoring.ledger_append_only, in
// src/erasure.cpp). Two writers may delete rows: forget_contact, for the contact it
// is erasing, and recompute, for the rows it replaces. Both openings live in this
// backend's memory only and close with the statement or transaction that opened
// them; no setting opens them.
#pragma once
#include <cstdint>

namespace ls::pg {

// While alive, this backend may delete ledger rows (recompute replacing the rows it
// rebuilds). Nested uses are not needed and not supported.
class LedgerRewrite {
public:
    LedgerRewrite();
    ~LedgerRewrite();
    LedgerRewrite(const LedgerRewrite&) = delete;
    LedgerRewrite& operator=(const LedgerRewrite&) = delete;
};

// While alive, the guards on score rows (lead_scoring.protect_contact_rows) let this
// backend delete the rows of `model_id`: on Citus, a deleted model's rows are
// deleted in each shard (pg/shard_operations.hpp), where the guard cannot see the
// model's deletion, made by another backend of the same distributed transaction
// (lead_scoring.drop_model_rows, src/state_functions.cpp).
class ModelDrop {
public:
    explicit ModelDrop(int32_t model_id);
    ~ModelDrop();
    ModelDrop(const ModelDrop&) = delete;
    ModelDrop& operator=(const ModelDrop&) = delete;
};

}  // namespace ls::pg
