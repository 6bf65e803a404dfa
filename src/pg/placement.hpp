// Scoring on a Citus shard (issue 19). After lead_scoring.distribute(), an insert
// into events runs the scoring trigger on each shard it touches (events_102040 on
// the worker that holds it), not on the coordinator's table. Such a trigger works
// on the co-located shards of this node as plain tables: every statement it runs
// names lead_scoring.contact_scores_102072 where the SQL says
// lead_scoring.contact_scores, and likewise for every per-contact table co-located
// with the trigger's shard and every reference table's local placement. So an event
// costs what it costs on one node, with no distributed planning and no round trip to
// another node; Citus would refuse a distributed query from a trigger on a shard
// anyway. On one node, and on the coordinator, no placement is in scope and the SQL
// runs as written.
#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>

#include "pg/postgres_headers.hpp"

namespace ls::pg {

// The shard a trigger fired on and the names of what is co-located with it here.
struct Placement {
    int64_t shard_id = 0;  // of the trigger's shard (or the contacts' shard of a routed call)
    int64_t plan_key = 0;  // the contacts' shard among the co-located ones: keys the statements' plans,
                           // so that the triggers of events and of contacts share them
    int64_t shard_key = 0;  // a contact_id that falls in the shard: band_counts rows written here carry it
    int64_t id_offset = 0;  // this node's range of generated ids (its Citus group id << 48)
    std::unordered_map<std::string, std::string> names;  // table -> its shard here ("contact_scores" -> "contact_scores_102072")
};

// The placement statements run in now (Statement::run rewrites its SQL for it), or null.
const Placement* current_placement();

// Has lead_scoring.distribute() made this a Citus cluster?
bool distributed();

// Is this call on a Citus cluster but outside every shard's placement (on the
// coordinator), so that work on contacts must go to the shards? (Needs SPI.)
bool on_coordinator();

// The smallest non-negative contact_id whose hash falls in [low, high].
int64_t key_in_hash_range(int32 low, int32 high);

// The table a Citus shard or placement belongs to (events_102040 -> events, in the
// same schema), or the relation itself when it is no shard.
Oid logical_relation(Relation relation);

// What to add to a value of one of the extension's sequences to make an id that no
// other node generates (ledger entries, attribute changes, alerts): 0 on one node
// and on the coordinator. A shard has no identity columns (Citus leaves them on the
// distributed table), so scoring writes those ids itself, from the node's own
// sequence, which on one node is the identity's.
int64_t node_id_offset();

// `sql` with each lead_scoring.<table> of the placement replaced by its shard's name.
std::string placed_sql(const std::string& sql, const Placement& placement);

// While alive, statements run in the placement of the trigger's relation when that
// relation is a Citus shard of `table` (its name is table_<shard id>); otherwise it
// changes nothing. The co-located names are looked up once per shard and backend
// (with SPI, at the first statement).
class PlacementScope {
public:
    PlacementScope(Relation relation, const char* table);
    // The shard of the contacts that holds `contact_key`, on this node (a function
    // that Citus runs in a shard: pg/shard_operations.hpp).
    explicit PlacementScope(int64_t contact_key);
    ~PlacementScope();
    PlacementScope(const PlacementScope&) = delete;
    PlacementScope& operator=(const PlacementScope&) = delete;

private:
    static int64_t shard_of_contact(int64_t contact_key);
    int64_t previous_ = 0;
};

}  // namespace ls::pg
