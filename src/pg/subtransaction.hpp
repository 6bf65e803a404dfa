// A subtransaction whose work is kept or rolled back by the C++ code that opened it,
// as PL/pgSQL's exception blocks do; rolling back releases the row locks it took.
//
// Used where a statement may find, after waiting for row locks, that it must not
// keep them (state_store.cpp: a contact erased while the lock waited). Each one that
// locks rows gets an xid of its own; PostgreSQL keeps 64 such xids per backend in
// shared memory, and beyond that every snapshot of every session gets slower until
// the transaction ends. So a transaction opens at most kSubtransactionBudget of
// them: callers ask subtransaction_budget_left() and go without one after that
// (and in a client's session scoring in a Citus shard: subtransaction.cpp).
#pragma once
#include <exception>

#include "pg/guard.hpp"

namespace ls::pg {

constexpr int kSubtransactionBudget = 16;

bool subtransaction_budget_left();
void note_subtransaction();
// Registers the callback that resets the budget at the end of each transaction (from _PG_init).
void register_subtransaction_budget();

// Runs `body` (returning bool) in a subtransaction: kept when it returns true,
// rolled back when it returns false or throws (the exception goes on).
template <typename F>
bool in_subtransaction(F&& body) {
    note_subtransaction();
    const MemoryContext caller_context = CurrentMemoryContext;
    const ResourceOwner caller_owner = CurrentResourceOwner;
    auto end = [&](bool keep) {
        call([&]() {
            if (keep)
                ReleaseCurrentSubTransaction();
            else
                RollbackAndReleaseCurrentSubTransaction();
            MemoryContextSwitchTo(caller_context);
            CurrentResourceOwner = caller_owner;
        });
    };
    call([&]() {
        BeginInternalSubTransaction(nullptr);
        MemoryContextSwitchTo(caller_context);  // (it switches to the subtransaction's)
    });
    bool keep = false;
    try {
        keep = body();
    } catch (...) {
        end(false);
        throw;
    }
    end(keep);
    return keep;
}

}  // namespace ls::pg
