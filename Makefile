# shellgate - build, test, install.
#
#   make                 build build/shellgate (installs missing Debian deps, fetches the pinned grammar)
#   make check           unit + golden + CLI tests, under ASan+UBSan
#   make sandbox-full    the sandbox's legitimate-work suite with shellgate's own
#                        make check run inside `shellgate exec` (minutes; CI runs it)
#   make e2e             end-to-end tests with real agent clients (npm)
#   make fuzz            libFuzzer smoke run (FUZZ_TIME seconds per harness)
#   make bench           benchmarks -> bench/results.md
#   make lint            static checks and banned calls
#   make install PREFIX=/usr/local
#   make clean

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/shellgate
CC ?= cc
CFLAGS ?= -O2 -g
LDFLAGS ?=
UNAME_S := $(shell uname -s)

B := build
GRAMMAR_DIR := $(B)/grammar
GRAMMAR_SRC := $(GRAMMAR_DIR)/src

# Mandatory flags (tree-sitter's habit: defaults with ?=, requirements with override).
WARN := -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wpointer-arith -Wstrict-prototypes \
	-Wmissing-prototypes -Wno-unused-parameter -Wno-missing-field-initializers \
	-Werror=implicit-function-declaration -Werror=format-security -Werror=return-type \
	-Werror=incompatible-pointer-types -Werror=int-conversion -Werror=vla
HARDEN := -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE -fno-strict-overflow \
	-fno-delete-null-pointer-checks
ifeq ($(UNAME_S),Linux)
HARDEN += -fstack-clash-protection
HARDEN_LD := -pie -Wl,-z,relro,-z,now -Wl,-z,noexecstack
endif
PKGS := tree-sitter libpcre2-8 libcjson zlib
ifeq ($(UNAME_S),Linux)
PKGS += libseccomp
endif
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# A hook is a whole process per command: link the libraries statically where
# the system ships the archive (fewer relocations at start-up); fall back to
# the shared library otherwise. STATIC=0 disables.
STATIC ?= 1
ifeq ($(STATIC),1)
static_or_l = $(if $(filter /%,$(shell $(CC) -print-file-name=lib$(1).a)),$(shell $(CC) -print-file-name=lib$(1).a),-l$(1))
LINK_LIBS = $(foreach l,$(patsubst -l%,%,$(filter -l%,$(PKG_LIBS))),$(call static_or_l,$(l)))
else
LINK_LIBS = $(PKG_LIBS)
endif
# The runtime's parse-table lookups go through grammar_wrap.c's memo (GNU
# ld's --wrap; the memo checks the runtime's entry size before it is used).
# TS_WRAP=0, or another platform: the runtime's own lookup only.
TS_WRAP ?= 1
ifeq ($(TS_WRAP)$(UNAME_S),1Linux)
TS_WRAP_CFLAGS := -DSG_TS_TABLE_WRAP
TS_WRAP_LDFLAGS := -Wl,--wrap=ts_language_table_entry
endif
override CFLAGS += -std=c11 -D_GNU_SOURCE -Iengine $(WARN) $(HARDEN) $(TS_WRAP_CFLAGS) \
	-DSG_BUILTIN_RULES=\"$(abspath rules)\" -DSG_DATADIR=\"$(DATADIR)\"

# Platform files are chosen here, never with #ifdef inside functions:
# *_linux.c only on Linux, *_darwin.c only on macOS, *_other.c elsewhere.
ALL_SRC := $(sort $(wildcard engine/*.c))
ifeq ($(UNAME_S),Linux)
SRC := $(filter-out %_darwin.c %_other.c,$(ALL_SRC))
else ifeq ($(UNAME_S),Darwin)
SRC := $(filter-out %_linux.c %_other.c,$(ALL_SRC))
else
SRC := $(filter-out %_linux.c %_darwin.c,$(ALL_SRC))
endif
# EXCLUDE= engine files to leave out (building around unfinished work)
EXCLUDE ?=
SRC := $(filter-out $(EXCLUDE),$(SRC))
LIB_SRC := $(filter-out engine/main.c,$(SRC))
OBJ := $(SRC:engine/%.c=$(B)/obj/%.o)
LIB_OBJ := $(LIB_SRC:engine/%.c=$(B)/obj/%.o)
ASAN_LIB_OBJ := $(LIB_SRC:engine/%.c=$(B)/asan/%.o)
GRAMMAR_OBJ := $(B)/obj/ts_parser.o $(B)/obj/ts_scanner.o

SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/asan/%)

.PHONY: all deps grammar check sandbox-full check-unit check-cli check-valgrind clean install e2e fuzz bench bench-check lint corpus
all: $(B)/shellgate

deps: $(B)/.deps
$(B)/.deps: scripts/deps.sh
	@mkdir -p $(B)
	@sh scripts/deps.sh
	@touch $@

$(GRAMMAR_SRC)/parser.c: grammars/tree-sitter-bash.pin grammars/fetch.sh | $(B)/.deps
	@sh grammars/fetch.sh $(GRAMMAR_DIR)
	@touch $@
grammar: $(GRAMMAR_SRC)/parser.c

# The grammar is other people's generated code: no -Werror, no warnings list.
GRAMMAR_CFLAGS := -O2 -g -std=c11 -fPIE -I$(GRAMMAR_SRC)
$(B)/obj/ts_parser.o: $(GRAMMAR_SRC)/parser.c
	@mkdir -p $(@D)
	$(CC) $(GRAMMAR_CFLAGS) -c $< -o $@
$(B)/obj/ts_scanner.o: $(GRAMMAR_SRC)/parser.c
	@mkdir -p $(@D)
	$(CC) $(GRAMMAR_CFLAGS) -DTREE_SITTER_REUSE_ALLOCATOR -c $(GRAMMAR_SRC)/scanner.c -o $@

# grammar_wrap.c includes the fetched grammar's tree_sitter/parser.h
$(B)/obj/grammar_wrap.o $(B)/asan/grammar_wrap.o: $(GRAMMAR_SRC)/parser.c
$(B)/obj/grammar_wrap.o: override CFLAGS += -I$(GRAMMAR_SRC)
$(B)/asan/grammar_wrap.o: override CFLAGS += -I$(GRAMMAR_SRC)

$(B)/obj/%.o: engine/%.c $(wildcard engine/*.h) | $(B)/.deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -c $< -o $@

# Linux, STATIC=1: a static-pie binary when every library has a static
# archive (no dynamic loader at start-up: a hook is a whole process per
# command). Debian ships cJSON only as a shared library, so cjson/fetch.sh
# builds libcjson.a from Debian's source package of the installed version;
# when it cannot, the binary links libcjson.so and the build says so.
# make check-valgrind links a dynamic twin ($(B)/dyn/shellgate): memcheck
# cannot replace malloc in a static binary.
DYN_LINK = $(CC) $(CFLAGS) $(HARDEN_LD) $(LDFLAGS) $(TS_WRAP_LDFLAGS) -o $@ $(OBJ) $(GRAMMAR_OBJ) $(LINK_LIBS) -lm
ifeq ($(STATIC)$(UNAME_S),1Linux)
CJSON_A := $(B)/cjson/libcjson.a
STATIC_LIBS = $(filter-out -lcjson,$(LINK_LIBS))
# rebuilt when Debian's cJSON is upgraded (its header is replaced with it)
$(B)/cjson/.stamp: cjson/fetch.sh $(wildcard /usr/include/cjson/cJSON.h) | $(B)/.deps
	@mkdir -p $(@D)
	@sh cjson/fetch.sh $(B)/cjson || { rm -f $(CJSON_A); \
		echo "make: no static cJSON (see above): build/shellgate will link libcjson.so (slower start-up)" >&2; }
	@touch $@
$(B)/shellgate: $(OBJ) $(GRAMMAR_OBJ) $(B)/cjson/.stamp
	@if [ -f $(CJSON_A) ] && [ -z "$(filter -l%,$(STATIC_LIBS))" ]; then \
		echo "$(CC) -static-pie ... -o $@"; \
		$(CC) $(CFLAGS) -static-pie -Wl,-z,relro,-z,now -Wl,-z,noexecstack $(LDFLAGS) $(TS_WRAP_LDFLAGS) \
			-o $@ $(OBJ) $(GRAMMAR_OBJ) $(CJSON_A) $(STATIC_LIBS) -lm 2>$(B)/link.log || { cat $(B)/link.log >&2; exit 1; }; \
		grep -v "getaddrinfo' in statically linked\|in function .dial.:" $(B)/link.log >&2 || true; \
	else \
		echo "$(DYN_LINK)"; $(DYN_LINK); \
	fi
else
$(B)/shellgate: $(OBJ) $(GRAMMAR_OBJ)
	$(DYN_LINK)
endif
$(B)/dyn/shellgate: $(OBJ) $(GRAMMAR_OBJ)
	@mkdir -p $(@D)
	$(DYN_LINK)

# ---- sanitizer build used by make check -----------------------------------
ASAN_CFLAGS = $(filter-out -D_FORTIFY_SOURCE=2,$(CFLAGS)) -O1 $(SAN)
$(B)/asan/%.o: engine/%.c $(wildcard engine/*.h) | $(B)/.deps
	@mkdir -p $(@D)
	$(CC) $(ASAN_CFLAGS) $(PKG_CFLAGS) -c $< -o $@
$(B)/asan/ts_parser.o: $(GRAMMAR_SRC)/parser.c
	@mkdir -p $(@D)
	$(CC) $(GRAMMAR_CFLAGS) -O1 $(SAN) -c $< -o $@
$(B)/asan/ts_scanner.o: $(GRAMMAR_SRC)/parser.c
	@mkdir -p $(@D)
	$(CC) $(GRAMMAR_CFLAGS) -O1 $(SAN) -DTREE_SITTER_REUSE_ALLOCATOR -c $(GRAMMAR_SRC)/scanner.c -o $@
ASAN_GRAMMAR_OBJ := $(B)/asan/ts_parser.o $(B)/asan/ts_scanner.o
$(B)/asan/shellgate: $(ASAN_LIB_OBJ) $(B)/asan/main.o $(ASAN_GRAMMAR_OBJ)
	$(CC) $(ASAN_CFLAGS) $(LDFLAGS) $(TS_WRAP_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm
$(B)/asan/test_%: tests/unit/test_%.c $(wildcard tests/unit/*.h) $(ASAN_LIB_OBJ) $(ASAN_GRAMMAR_OBJ)
	@mkdir -p $(@D)
	$(CC) $(ASAN_CFLAGS) $(PKG_CFLAGS) -Itests/unit $(TS_WRAP_LDFLAGS) -o $@ $< $(ASAN_LIB_OBJ) $(ASAN_GRAMMAR_OBJ) \
		$(PKG_LIBS) $$(pkg-config --libs cmocka) -lm

# test_grammar reads the grammar's TSLanguage (tree_sitter/parser.h)
$(B)/asan/test_grammar: override CFLAGS += -I$(GRAMMAR_SRC)

# test_agree shares the agreement check with fuzz/fuzz_agree.c
$(B)/asan/test_agree: fuzz/agree.h

# ---- tests ------------------------------------------------------------------
# tests/run.sh runs every unit binary and every CLI test script, then prints
# one summary line "N passed, N failed, N skipped".
check: $(B)/shellgate $(B)/asan/shellgate $(UNIT_BIN)
	@SG_BIN=$(abspath $(B)/asan/shellgate) SG_BIN_PLAIN=$(abspath $(B)/shellgate) \
		SG_BUILD=$(abspath $(B)) sh tests/run.sh

# tests/sandbox/t-legit.sh with SG_SANDBOX_FULL=1: a copy of this tree runs
# its own make check inside `shellgate exec --profile build` (minutes, so
# make check skips it and says so; .ci/run sets SG_SANDBOX_FULL=1 for it).
sandbox-full: $(B)/shellgate $(B)/asan/shellgate $(UNIT_BIN)
	@SG_SANDBOX_FULL=1 SG_TESTS=sandbox/t-legit SG_BIN=$(abspath $(B)/asan/shellgate) \
		SG_BIN_PLAIN=$(abspath $(B)/shellgate) SG_BUILD=$(abspath $(B)) sh tests/run.sh

check-valgrind: $(B)/dyn/shellgate
	@sh tests/valgrind.sh $(abspath $(B)/dyn/shellgate)

corpus: $(B)/shellgate
	@sh tests/corpus/run.sh $(abspath $(B)/shellgate)

install: $(B)/shellgate
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/rules
	install -m 0755 $(B)/shellgate $(DESTDIR)$(BINDIR)/shellgate
	install -m 0644 rules/*.json $(DESTDIR)$(DATADIR)/rules/

e2e: $(B)/shellgate
	@sh tests/e2e/run.sh $(abspath $(B)/shellgate)

# The smoke run is reproducible: seed 1 and at most FUZZ_RUNS inputs per
# harness (time is only a cap). Long runs: make fuzz FUZZ_TIME=600 FUZZ_RUNS=
FUZZ_TIME ?= 20
FUZZ_RUNS ?= 1500
fuzz: | $(B)/.deps
	@FUZZ_RUNS=$(FUZZ_RUNS) $(MAKE) -f fuzz/fuzz.mk FUZZ_TIME=$(FUZZ_TIME)

bench: $(B)/shellgate
	@sh bench/run.sh $(abspath $(B)/shellgate)
bench-check: $(B)/shellgate
	@sh bench/check.sh $(abspath $(B)/shellgate)

lint:
	@sh scripts/lint.sh

clean:
	rm -rf $(B)
