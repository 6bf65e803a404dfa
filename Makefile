# PGXS build of the lead_scoring extension (C++17).
# `make && make install` builds and installs; `make installcheck` runs pg_regress and
# isolation specs against a server; scripts/test.sh runs everything on a temp instance.
EXTENSION  = lead_scoring
MODULE_big = lead_scoring
# Versions (README "Upgrading"): the install script of the newest version is built
# from small files, one purpose each (sql/parts/NN_*.sql). Parts 00-03 create the
# tables; parts 04 on hold every definition (functions, triggers, views, grants,
# pg_dump marks) written so that running them again replaces them (CREATE OR
# REPLACE), so the upgrade script to the newest version is its hand-written table
# changes (sql/upgrade/lead_scoring--A--B.sql, the part of lead_scoring--A--B.sql written by hand) followed by those parts. Released versions are
# frozen: their install script (sql/lead_scoring--0.1.sql) and the upgrade scripts
# between them stay as they were when the next version began.
EXTVERSION     = 0.2
PARTS          = $(sort $(wildcard sql/parts/*.sql))
DEFINITIONS    = $(filter-out sql/parts/00_% sql/parts/01_% sql/parts/02_% sql/parts/03_%,$(PARTS))
EXT_SCRIPT     = sql/lead_scoring--$(EXTVERSION).sql
UPGRADE_SCRIPT = sql/lead_scoring--0.1--$(EXTVERSION).sql
DATA_built     = $(EXT_SCRIPT) $(UPGRADE_SCRIPT)
DATA           = sql/lead_scoring--0.1.sql

SRCS = $(wildcard src/*.cpp src/pg/*.cpp src/core/*.cpp)
OBJS = $(SRCS:.cpp=.o)

REGRESS      = $(patsubst test/sql/%.sql,%,$(sort $(wildcard test/sql/*.sql)))
REGRESS_OPTS = --inputdir=test --outputdir=test/results --load-extension=lead_scoring
ISOLATION    = $(patsubst test/specs/%.spec,%,$(sort $(wildcard test/specs/*.spec)))
ISOLATION_OPTS = --inputdir=test --outputdir=test/results/isolation --load-extension=lead_scoring

PG_CONFIG ?= pg_config
PG_CXXFLAGS = -std=c++17 -Wno-register -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -fPIC -Isrc
PG_CPPFLAGS = -Isrc -I/usr/include/eigen3
# The library refuses to score under another version's SQL (pg/extension_version.cpp).
PG_CPPFLAGS += -DLEAD_SCORING_VERSION='"$(EXTVERSION)"'
# Header dependencies: Debian's PGXS does not track them, and an object built
# against an old struct layout links fine and crashes the server.
# (included after PGXS, so that its `all` stays the default goal)
PG_CXXFLAGS += -MMD -MP
SHLIB_LINK  = -lstdc++

# PGXS's LLVM bitcode rules do not pass C++ flags; we do not ship bitcode.
override with_llvm = no

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)
-include $(OBJS:.o=.d)

$(EXT_SCRIPT): $(PARTS)
	cat $^ > $@
$(UPGRADE_SCRIPT): sql/upgrade/lead_scoring--0.1--$(EXTVERSION).sql $(DEFINITIONS)
	cat $^ > $@

# lead_scoring_relay (src/relay/, a libpq client; README "Alert delivery"): built
# with the extension and installed into PostgreSQL's bindir, beside pg_dump.
RELAY_SRCS = $(wildcard src/relay/*.cpp)
RELAY      = src/relay/lead_scoring_relay
all: $(RELAY)
$(RELAY): $(RELAY_SRCS) $(wildcard src/relay/*.hpp)
	$(CXX) -std=c++17 -O2 -Wall -Wextra -Werror -Isrc -I$(shell $(PG_CONFIG) --includedir) -o $@ $(RELAY_SRCS) \
	    -L$(shell $(PG_CONFIG) --libdir) -lpq
install: install-relay
.PHONY: install-relay
install-relay: $(RELAY)
	$(INSTALL_PROGRAM) $(RELAY) '$(DESTDIR)$(bindir)/lead_scoring_relay'
clean: clean-relay
clean-relay:
	rm -f $(RELAY)

# pg_regress writes into test/results; isolation output goes to its own folder.
installcheck: | test/results/isolation
test/results/isolation:
	mkdir -p $@

.PHONY: unit
unit:
	cmake -S . -B build/unit -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build build/unit -j2
	ctest --test-dir build/unit --output-on-failure

clean: clean-local
clean-local:
	rm -rf build test/results
	rm -f $(OBJS:.o=.d)
