#include "pg/placement.hpp"

#include <cctype>
#include <cstring>

#include "pg/datum.hpp"
#include "pg/spi.hpp"

extern "C" {
#include "access/xact.h"
#include "utils/fmgrprotos.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "miscadmin.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
}

namespace ls::pg {

namespace {

int64_t scope_shard = 0;  // the trigger's shard; 0: none
std::unordered_map<int64_t, Placement> resolved;
bool resolving = false;

void on_xact_end(XactEvent event, void*) {
    if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_COMMIT ||
        event == XACT_EVENT_PARALLEL_ABORT || event == XACT_EVENT_PREPARE)
        scope_shard = 0;
}

// The shard's co-located shards (same hash range, same co-location group) and every
// reference table of the extension, by Citus's metadata (on every node since Citus
// 11), with the representative shard key band_counts rows of this shard carry.
Placement resolve(int64_t shard_id) {
    static Statement names(
        "SELECT c.relname::pg_catalog.text, c.relname::pg_catalog.text OPERATOR(pg_catalog.||) '_'"
        "       OPERATOR(pg_catalog.||) s2.shardid::pg_catalog.text"
        "  FROM pg_catalog.pg_dist_shard s1"
        "  JOIN pg_catalog.pg_dist_partition p1 ON p1.logicalrelid OPERATOR(pg_catalog.=) s1.logicalrelid"
        "  JOIN pg_catalog.pg_dist_partition p2 ON p2.colocationid OPERATOR(pg_catalog.=) p1.colocationid"
        "  JOIN pg_catalog.pg_dist_shard s2 ON s2.logicalrelid OPERATOR(pg_catalog.=) p2.logicalrelid"
        "   AND s2.shardminvalue OPERATOR(pg_catalog.=) s1.shardminvalue"
        "  JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) p2.logicalrelid"
        " WHERE s1.shardid OPERATOR(pg_catalog.=) $1"
        "   AND c.relnamespace OPERATOR(pg_catalog.=) 'lead_scoring'::pg_catalog.regnamespace"
        " UNION ALL "
        "SELECT c.relname::pg_catalog.text, c.relname::pg_catalog.text OPERATOR(pg_catalog.||) '_'"
        "       OPERATOR(pg_catalog.||) s.shardid::pg_catalog.text"
        "  FROM pg_catalog.pg_dist_partition p"
        "  JOIN pg_catalog.pg_dist_shard s ON s.logicalrelid OPERATOR(pg_catalog.=) p.logicalrelid"
        "  JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) p.logicalrelid"
        " WHERE p.partmethod OPERATOR(pg_catalog.=) 'n'"
        "   AND c.relnamespace OPERATOR(pg_catalog.=) 'lead_scoring'::pg_catalog.regnamespace",
        {INT8OID});
    Placement placement;
    placement.shard_id = shard_id;
    Datum args[1] = {Int64GetDatum(shard_id)};
    const uint64 n = names.run(args, nullptr, true);
    for (uint64 r = 0; r < n; ++r) placement.names.emplace(column_text(r, 1), column_text(r, 2));
    // The smallest non-negative key whose hash (Citus hashes a bigint with hashint8)
    // falls in the shard's range: about as many tries as there are shards.
    static Statement range(
        "SELECT shardminvalue::pg_catalog.int4, shardmaxvalue::pg_catalog.int4 FROM pg_catalog.pg_dist_shard"
        " WHERE shardid OPERATOR(pg_catalog.=) $1",
        {INT8OID});
    if (range.run(args, nullptr, true) == 1) placement.shard_key = key_in_hash_range(column_int32(0, 1), column_int32(0, 2));
    static Statement group("SELECT groupid::pg_catalog.int8 FROM pg_catalog.pg_dist_local_group", {});
    if (group.run(nullptr, nullptr, true) == 1) placement.id_offset = column_int64(0, 1) << 48;
    const auto contacts = placement.names.find("contacts");
    placement.plan_key = shard_id;
    if (contacts != placement.names.end()) {
        const std::string& name = contacts->second;  // contacts_<shard id>
        placement.plan_key = std::stoll(name.substr(name.rfind('_') + 1));
    }
    if (placement.names.empty())
        throw SqlError(ERRCODE_INTERNAL_ERROR,
                       "lead_scoring: no Citus metadata for shard " + std::to_string(shard_id) + " on this node");
    return placement;
}

void register_once() {
    static bool registered = false;
    if (!registered) {
        call([] { RegisterXactCallback(on_xact_end, nullptr); });
        registered = true;
    }
}

bool identifier_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

}  // namespace

const Placement* current_placement() {
    if (scope_shard == 0 || resolving) return nullptr;
    auto found = resolved.find(scope_shard);
    if (found != resolved.end()) return &found->second;
    resolving = true;  // the look-up itself runs as written
    try {
        Placement p = resolve(scope_shard);
        resolving = false;
        return &resolved.emplace(scope_shard, std::move(p)).first->second;
    } catch (...) {
        resolving = false;
        throw;
    }
}

Oid logical_relation(Relation relation) {
    const char* name = RelationGetRelationName(relation);
    const char* underscore = std::strrchr(name, '_');
    if (underscore == nullptr || underscore[1] == '\0') return RelationGetRelid(relation);
    for (const char* c = underscore + 1; *c; ++c)
        if (!std::isdigit(static_cast<unsigned char>(*c))) return RelationGetRelid(relation);
    const std::string table(name, underscore);
    const Oid logical =
        call([&] { return get_relname_relid(table.c_str(), RelationGetNamespace(relation)); });
    return OidIsValid(logical) ? logical : RelationGetRelid(relation);
}

bool distributed() {
    static Statement is("SELECT lead_scoring.distributed()", {});
    return is.run(nullptr, nullptr, true) == 1 && column_bool(0, 1);
}

bool on_coordinator() { return !current_placement() && distributed(); }

int64_t key_in_hash_range(int32 low, int32 high) {
    if (low > high) throw SqlError(ERRCODE_INVALID_PARAMETER_VALUE, "lead_scoring: empty hash range");
    return call([&]() -> int64 {
        // Citus hashes a bigint with hashint8: about (2^32 / range width) tries.
        for (int64 k = 0;; ++k) {
            if ((k & 0xFFFF) == 0) CHECK_FOR_INTERRUPTS();  // a narrow range takes long
            const int32 h = DatumGetInt32(DirectFunctionCall1(hashint8, Int64GetDatum(k)));
            if (h >= low && h <= high) return k;
        }
    });
}

int64_t node_id_offset() {
    const Placement* placement = current_placement();
    return placement ? placement->id_offset : 0;
}

std::string placed_sql(const std::string& sql, const Placement& placement) {
    static const std::string schema = "lead_scoring.";
    std::string out;
    out.reserve(sql.size() + 64);
    size_t pos = 0;
    for (;;) {
        size_t at = sql.find(schema, pos);
        // Not inside a string literal ('...', quotes doubled inside): copy those whole.
        const size_t quote = sql.find('\'', pos);
        if (quote != std::string::npos && (at == std::string::npos || quote < at)) {
            size_t end = quote + 1;
            for (;;) {
                end = sql.find('\'', end);
                if (end == std::string::npos || end + 1 >= sql.size() || sql[end + 1] != '\'') break;
                end += 2;
            }
            end = end == std::string::npos ? sql.size() : end + 1;
            out.append(sql, pos, end - pos);
            pos = end;
            continue;
        }
        if (at == std::string::npos) break;
        size_t end = at + schema.size();
        while (end < sql.size() && identifier_char(sql[end])) ++end;
        out.append(sql, pos, end - pos);
        const bool starts_name = at == 0 || !identifier_char(sql[at - 1]);
        if (starts_name) {
            auto name = placement.names.find(sql.substr(at + schema.size(), end - at - schema.size()));
            if (name != placement.names.end()) {
                out.resize(out.size() - (end - at - schema.size()));
                out += name->second;
            }
        }
        pos = end;
    }
    out.append(sql, pos, std::string::npos);
    return out;
}

PlacementScope::PlacementScope(Relation relation, const char* table) : previous_(scope_shard) {
    register_once();
    const char* name = RelationGetRelationName(relation);
    const size_t len = std::strlen(table);
    if (std::strncmp(name, table, len) != 0 || name[len] != '_' || name[len + 1] == '\0') return;
    int64_t shard = 0;
    for (const char* c = name + len + 1; *c; ++c) {
        if (!std::isdigit(static_cast<unsigned char>(*c))) return;
        shard = shard * 10 + (*c - '0');
    }
    scope_shard = shard;
}

namespace {

// Runs `body` as the owner of lead_scoring.contacts (the extension's owner): Citus's
// get_shard_id_for_distribution_column checks the caller's privileges on the table,
// and the roles that call a function run in a shard (lead_scoring_reader's
// evaluate, an admin's recompute) may not read the contacts themselves.
template <typename F>
void as_contacts_owner(F&& body) {
    struct Saved {
        Oid user = InvalidOid;
        int context = 0;
        // (SetUserIdAndSecContext raises nothing: safe while a C++ error unwinds)
        ~Saved() {
            if (OidIsValid(user)) SetUserIdAndSecContext(user, context);
        }
    } saved;
    call([&] {
        Oid user;
        int context;
        GetUserIdAndSecContext(&user, &context);
        const Oid contacts = get_relname_relid("contacts", get_namespace_oid("lead_scoring", false));
        HeapTuple tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(contacts));
        if (!HeapTupleIsValid(tuple)) elog(ERROR, "lead_scoring: cache lookup failed for relation %u", contacts);
        const Oid owner = reinterpret_cast<Form_pg_class>(GETSTRUCT(tuple))->relowner;
        ReleaseSysCache(tuple);
        SetUserIdAndSecContext(owner, context | SECURITY_LOCAL_USERID_CHANGE);
        saved.user = user;
        saved.context = context;
    });
    body();
}

}  // namespace

PlacementScope::PlacementScope(int64_t contact_key) : previous_(scope_shard) {
    register_once();
    as_contacts_owner([&] { scope_shard = shard_of_contact(contact_key); });
}

int64_t PlacementScope::shard_of_contact(int64_t contact_key) {
    static Statement shard(
        // (the schema quoted: placed_sql leaves it alone in a placement)
        "SELECT pg_catalog.get_shard_id_for_distribution_column('\"lead_scoring\".contacts'::pg_catalog.regclass, $1)",
        {INT8OID});
    Datum args[1] = {Int64GetDatum(contact_key)};
    if (shard.run(args, nullptr, true) != 1 || column_is_null(0, 1))
        throw SqlError(ERRCODE_INTERNAL_ERROR, "lead_scoring: no shard of the contacts for key " + std::to_string(contact_key));
    const int64_t shard_id = column_int64(0, 1);
    // The shard must be on this node: an operation called on a worker for a contact
    // whose shard is elsewhere gets a clear error rather than a missing relation.
    static Statement here("SELECT pg_catalog.to_regclass('\"lead_scoring\".contacts_' OPERATOR(pg_catalog.||) $1::pg_catalog.text)",
                          {INT8OID});
    Datum shard_arg[1] = {Int64GetDatum(shard_id)};
    if (here.run(shard_arg, nullptr, true) != 1 || column_is_null(0, 1))
        throw SqlError(ERRCODE_FEATURE_NOT_SUPPORTED,
                       "lead_scoring: the shard of contact " + std::to_string(contact_key) + " is not on this node",
                       "On Citus, call the extension's operations on the coordinator.");
    return shard_id;
}

PlacementScope::~PlacementScope() { scope_shard = previous_; }

}  // namespace ls::pg
