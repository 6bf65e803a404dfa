// SPI helpers. Every statement is prepared once per backend and kept
// (SPI_keepplan); every call into SPI goes through pg::call.
#pragma once
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "pg/guard.hpp"

namespace ls::pg {

// How a statement is planned. ByTid: with sequential scans off, for statements that
// find rows by their tid (ctid = ...). The planner costs a tid lookup above a
// sequential scan of a small table, and a sequential scan reads every version of
// every row, also the versions a long transaction left behind: a transaction that
// scored one contact 10,000 times read 10,000 versions per statement (issue 13,
// class 8).
// EachRun: planned at every run for its arguments' values, not prepared: for rare
// statements that write Citus reference tables from a coordinator (Citus cannot
// make a generic plan of an INSERT ... SELECT with parameters).
enum class Planning { Default, ByTid, EachRun };

class Statement {
public:
    Statement(std::string sql, std::vector<Oid> arg_types, Planning planning = Planning::Default)
        : sql_(std::move(sql)), arg_types_(std::move(arg_types)), planning_(planning) {}
    // Runs the statement; the result rows are in SPI_tuptable. `nulls` uses SPI's
    // convention (' ' not null, 'n' null) and may be null when no argument is.
    uint64 run(const Datum* args, const char* nulls, bool read_only = false);

private:
    std::string sql_;
    std::vector<Oid> arg_types_;
    Planning planning_;
    SPIPlanPtr plan_ = nullptr;  // kept for the life of the backend
    // On a Citus worker, one plan per shard the statement ran for, with the shard's
    // table names (pg/placement.hpp).
    std::unordered_map<int64_t, SPIPlanPtr> placed_plans_;
};

// Runs an ad-hoc statement without arguments (rare paths: cache builds).
uint64 run_sql(const char* sql, bool read_only);

// `value` as an SQL string literal, for an ad-hoc statement.
std::string sql_literal(const std::string& value);

// Column readers for the current SPI_tuptable (1-based columns).
Datum column(uint64 row, int col, bool* isnull);
int64 column_int64(uint64 row, int col, int64 if_null = 0);
int32 column_int32(uint64 row, int col, int32 if_null = 0);
bool column_bool(uint64 row, int col, bool if_null = false);
std::string column_text(uint64 row, int col);  // "" when null
bool column_is_null(uint64 row, int col);

// One row of the current SPI_tuptable with all its columns deformed at once: reading
// columns one by one (column() above) walks the tuple from its start on every call
// past a variable-length column, which for wide rows costs more than the rest.
class ResultRow {
public:
    explicit ResultRow(uint64 row);
    Datum value(int col, bool* isnull) const;  // 1-based, like column()
    bool is_null(int col) const { return nulls_[col - 1]; }
    int64 int64_value(int col, int64 if_null = 0) const;
    int32 int32_value(int col, int32 if_null = 0) const;
    bool bool_value(int col, bool if_null = false) const;
    std::string text(int col) const;  // a text column; "" when null

private:
    std::vector<Datum> values_;
    std::unique_ptr<bool[]> nulls_;
};

// Frees the rows of the last statement's result. SPI keeps every result of a
// connection until it finishes, so a reader that has copied what it needs from a
// large result (a chunk's states) releases it before the next statement.
void release_result();

// While alive, allocations (palloc) go to a context of its own, deleted with it:
// for the argument arrays of a large statement, which SPI would otherwise keep
// until the connection finishes. (An SPI call switches back to SPI's own context:
// what is allocated after the statement's run goes there, as before.) Datums made inside must not outlive it. Left by
// an exception, it only switches back: the error caught may live in the context,
// which its parent's end frees.
class ScratchMemory {
public:
    explicit ScratchMemory(const char* name);  // a string constant
    ~ScratchMemory();
    ScratchMemory(const ScratchMemory&) = delete;
    ScratchMemory& operator=(const ScratchMemory&) = delete;

private:
    MemoryContext context_;
    MemoryContext previous_;
    int unwinding_;  // exceptions in flight at construction
};

// RAII-free SPI session: connect in the entry point, finish on success only. On
// error the transaction abort cleans SPI up.
void connect();
void finish();

}  // namespace ls::pg
