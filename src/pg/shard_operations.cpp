#include "pg/shard_operations.hpp"

#include <string>

#include "pg/spi.hpp"

namespace ls::pg {

// The arguments are written into the statement: Citus plans a multi-shard query with
// parameters only for their values, not as a prepared generic plan.
int64_t rescore_model_in_every_shard(int32_t model_id) {
    const std::string sql =
        "SELECT coalesce(sum(lead_scoring.rescore_totals_in_shard(s.shard_key, " + std::to_string(model_id) +
        ")), 0)::pg_catalog.int8 FROM lead_scoring.shards s";
    run_sql(sql.c_str(), false);
    return column_int64(0, 1);
}

}  // namespace ls::pg
