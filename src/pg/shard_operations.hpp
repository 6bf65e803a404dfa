// What must reach every shard of a Citus cluster, run from the coordinator: one
// statement selects a function per row of lead_scoring.shards (one key per shard),
// which Citus runs on each shard's node inside the caller's distributed transaction;
// there the function works in that shard's placement (pg/placement.hpp) exactly as
// on one node.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "pg/placement.hpp"

namespace ls::pg {

// An operation on every contact (rescore_totals, drop_model_rows, recompute,
// run_maintenance), on the coordinator of a Citus cluster: runs this same call of
// the SQL function in every shard (lead_scoring.call_in_shard, on each shard's node,
// in the caller's distributed transaction) and returns its results (bigint) added
// up. Nothing when the call runs here: on one node, or in a shard already.
std::optional<int64_t> ran_in_every_shard(FunctionCallInfo fcinfo);

// call_in_shard's work: `call` (a function call as SQL text, bigint) in the
// placement of the shard of `shard_key`, on this node.
int64_t call_in_shard(int64_t shard_key, const std::string& call);

// The key in lead_scoring.shards of the shard that holds `contact_id` (0 on one node).
int64_t shard_key_of(int64_t contact_id);

// An operation on one contact (adjust, reset), on the coordinator of a Citus cluster:
// runs this same call of the SQL function in the contact's shard, on its node and in
// the caller's distributed transaction, and leaves its one result in SPI_tuptable
// (true). False when the call runs here: on one node, or in the contact's shard
// already (then the caller works in the scope of ContactPlacement).
bool ran_in_contact_shard(FunctionCallInfo fcinfo, int64_t contact_id);

// While alive, statements work in the shard of `contact_id` when this call was
// routed into it (ran_in_contact_shard); otherwise nothing changes.
class ContactPlacement {
public:
    explicit ContactPlacement(int64_t contact_id);
    ~ContactPlacement();
    ContactPlacement(const ContactPlacement&) = delete;
    ContactPlacement& operator=(const ContactPlacement&) = delete;

private:
    std::optional<PlacementScope> scope_;
};

}  // namespace ls::pg
