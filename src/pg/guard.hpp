// The boundary between C++ and PostgreSQL error handling (ENGINEERING.md, rules 1-2).
//
// PostgreSQL reports errors with ereport(ERROR), a longjmp that would skip C++
// destructors; C++ reports errors with exceptions, which must never reach
// PostgreSQL's C frames. So:
//   * pg::call(f) runs a PostgreSQL call inside PG_TRY and turns an ereport into a
//     pg::Error exception, thrown after PG_END_TRY (never inside PG_TRY). The body
//     of f must own nothing with a destructor: it is the "C-style frame".
//   * pg::entry(f) wraps the body of every extern "C" entry point: it catches every
//     exception and re-raises it as ereport(ERROR) once the C++ frames are gone.
#pragma once
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "core/points.hpp"
#include "pg/postgres_headers.hpp"

namespace ls::pg {

// A PostgreSQL error caught by pg::call, carried up to pg::entry. The ErrorData is
// in the memory context that was current at the call, and is re-thrown as-is.
class Error : public std::exception {
public:
    explicit Error(ErrorData* data) : data_(data) {}
    ErrorData* data() const { return data_; }
    const char* what() const noexcept override { return data_ && data_->message ? data_->message : "PostgreSQL error"; }

private:
    ErrorData* data_;
};

// A C++-side error with the SQLSTATE it should be reported with.
class SqlError : public std::runtime_error {
public:
    SqlError(int sqlstate, const std::string& message, std::string hint = {})
        : std::runtime_error(message), sqlstate_(sqlstate), hint_(std::move(hint)) {}
    int sqlstate() const { return sqlstate_; }
    const std::string& hint() const { return hint_; }

private:
    int sqlstate_;
    std::string hint_;
};

template <typename F>
auto call(F&& f) -> decltype(f()) {
    using R = decltype(f());
    MemoryContext caller_context = CurrentMemoryContext;
    ErrorData* volatile error = nullptr;
    if constexpr (std::is_void_v<R>) {
        PG_TRY();
        { f(); }
        PG_CATCH();
        {
            MemoryContextSwitchTo(caller_context);
            error = CopyErrorData();
            FlushErrorState();
        }
        PG_END_TRY();
        if (error) throw Error(error);
    } else {
        static_assert(std::is_trivially_destructible_v<R>, "pg::call results must be plain values");
        R volatile_result{};
        R* volatile result_slot = &volatile_result;
        PG_TRY();
        { *result_slot = f(); }
        PG_CATCH();
        {
            MemoryContextSwitchTo(caller_context);
            error = CopyErrorData();
            FlushErrorState();
        }
        PG_END_TRY();
        if (error) throw Error(error);
        return volatile_result;
    }
}

// Converts whatever the body threw into an ereport. Defined in guard.cpp; it
// stores the message where no destructor can be skipped, then ereports.
[[noreturn]] void raise_pending_error();
void stash_error(const Error& e);
void stash_error(const SqlError& e);
void stash_error(int sqlstate, const char* message);

template <typename F>
Datum entry(F&& body) {
    try {
        return body();
    } catch (const Error& e) {
        stash_error(e);
    } catch (const SqlError& e) {
        stash_error(e);
    } catch (const core::PointsError& e) {
        stash_error(e.kind == core::PointsError::Kind::Overflow ? ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE
                                                                : ERRCODE_INVALID_PARAMETER_VALUE,
                    e.what());
    } catch (const std::bad_alloc&) {
        stash_error(ERRCODE_OUT_OF_MEMORY, "lead_scoring: out of memory");
    } catch (const std::exception& e) {
        stash_error(ERRCODE_INTERNAL_ERROR, e.what());
    } catch (...) {
        stash_error(ERRCODE_INTERNAL_ERROR, "lead_scoring: unknown C++ exception");
    }
    // The exception object is destroyed here, before the longjmp.
    raise_pending_error();
}

}  // namespace ls::pg
