// The ledger is append-only (its guard: lead_scoring.ledger_append_only, in
// src/erasure.cpp). Two writers may delete rows: forget_contact, for the contact it
// is erasing, and recompute, for the rows it replaces. Both openings live in this
// backend's memory only and close with the statement or transaction that opened
// them; no setting opens them.
#pragma once

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

}  // namespace ls::pg
