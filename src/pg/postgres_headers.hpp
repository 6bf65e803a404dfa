// The one place PostgreSQL's C headers enter C++ code: postgres.h first, all
// inside extern "C". Only src/pg and the entry points include this file.
#pragma once
extern "C" {
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"
#include "utils/jsonpath.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"
#include "catalog/namespace.h"
}
// PostgreSQL's c.h defines these as macros; they break the C++ standard library.
#undef PG_TRY_CPP_COMPAT
