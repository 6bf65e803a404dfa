// SPI helpers. Every statement is prepared once per backend and kept
// (SPI_keepplan); every call into SPI goes through pg::call.
#pragma once
#include <string>
#include <vector>

#include "pg/guard.hpp"

namespace ls::pg {

class Statement {
public:
    Statement(std::string sql, std::vector<Oid> arg_types) : sql_(std::move(sql)), arg_types_(std::move(arg_types)) {}
    // Runs the statement; the result rows are in SPI_tuptable. `nulls` uses SPI's
    // convention (' ' not null, 'n' null) and may be null when no argument is.
    uint64 run(const Datum* args, const char* nulls, bool read_only = false);

private:
    std::string sql_;
    std::vector<Oid> arg_types_;
    SPIPlanPtr plan_ = nullptr;  // kept for the life of the backend
};

// Runs an ad-hoc statement without arguments (rare paths: cache builds).
uint64 run_sql(const char* sql, bool read_only);

// Column readers for the current SPI_tuptable (1-based columns).
Datum column(uint64 row, int col, bool* isnull);
int64 column_int64(uint64 row, int col, int64 if_null = 0);
int32 column_int32(uint64 row, int col, int32 if_null = 0);
bool column_bool(uint64 row, int col, bool if_null = false);
std::string column_text(uint64 row, int col);  // "" when null
bool column_is_null(uint64 row, int col);

// RAII-free SPI session: connect in the entry point, finish on success only. On
// error the transaction abort cleans SPI up.
void connect();
void finish();

}  // namespace ls::pg
