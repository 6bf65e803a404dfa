// What must reach every shard of a Citus cluster, run from the coordinator: one
// statement selects a function per row of lead_scoring.shards (one key per shard),
// which Citus runs on each shard's node inside the caller's distributed transaction;
// there the function works in that shard's placement (pg/placement.hpp) exactly as
// on one node. A rule edit that rescores a model is the first such operation.
#pragma once
#include <cstdint>

namespace ls::pg {

// rescore_model (pg/rescore.hpp) in every shard: the rows changed, added up.
int64_t rescore_model_in_every_shard(int32_t model_id);

}  // namespace ls::pg
