# fuzz/fuzz.mk - libFuzzer harnesses over every untrusted input.
#
#   make fuzz                    build every harness, run each FUZZ_TIME s (20)
#   make fuzz FUZZ_TIME=600      a long run (FUZZ_SEED=N: another mutation sequence; the
#                                smoke run uses seed 1 so that CI is reproducible)
#   make -f fuzz/fuzz.mk build   build only
#   make -f fuzz/fuzz.mk run FUZZ_ONLY=fuzz_check   one harness
#
# fuzz_agree checks that check, hook (Claude Code, Codex, Gemini CLI) and
# lint give one command the same decision (fuzz/agree.h, shared with
# tests/unit/test_agree.c, which runs it over the test inputs in make check).
#
# Harnesses are built with clang 14 and -fsanitize=fuzzer,address,undefined
# against the engine sources (an archive of engine/*.c but main.c, so each
# harness links only the modules it reaches) and the tree-sitter-bash grammar
# under build/grammar/src (fetched by `make grammar`). Seeds are generated
# from the tests, the rule packs and ../shared/corpus/dev.tsv by
# fuzz/seeds.sh; the growing corpora live in build/fuzz/corpus/NAME and
# crashes in build/fuzz/artifacts/NAME. Output is TAP with one summary line.

FUZZ_TIME ?= 20
FUZZ_CC ?= $(shell command -v clang-14 2>/dev/null || command -v clang 2>/dev/null || echo clang)
DEV_TSV ?= $(wildcard ../shared/corpus/dev.tsv)

FB := build/fuzz
GRAMMAR_SRC := build/grammar/src
UNAME_S := $(shell uname -s)

PKGS := tree-sitter libpcre2-8 libcjson zlib
ifeq ($(UNAME_S),Linux)
PKGS += libseccomp
endif
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

FSAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
BASE := -std=c11 -D_GNU_SOURCE -g -O1 -Iengine -I$(GRAMMAR_SRC) $(PKG_CFLAGS) \
	-DSG_BUILTIN_RULES=\"$(abspath rules)\" -DSG_DATADIR=\"/nonexistent\" \
	-DSG_FUZZ_RULES=\"$(abspath rules)\"
ENGINE_CFLAGS := $(BASE) $(FSAN) -fsanitize=fuzzer-no-link -Wall -Wno-unused-parameter
HARNESS_CFLAGS := $(BASE) $(FSAN) -fsanitize=fuzzer -Wall -Wextra -Werror -Wno-unused-parameter \
	-Wno-unused-function -Wno-missing-field-initializers

ALL_SRC := $(sort $(wildcard engine/*.c))
ifeq ($(UNAME_S),Linux)
PLAT_SRC := $(filter-out %_darwin.c %_other.c,$(ALL_SRC))
else ifeq ($(UNAME_S),Darwin)
PLAT_SRC := $(filter-out %_linux.c %_other.c,$(ALL_SRC))
else
PLAT_SRC := $(filter-out %_linux.c %_darwin.c,$(ALL_SRC))
endif
# The engine core (everything but main, the front ends and the sandbox) plus
# cli_check.c for the batch decoder; the hook adapters and the transcript
# readers are separate archives, linked by the harness that needs them.
HOOK_SRC := $(filter engine/protocol%.c,$(PLAT_SRC))
LINT_SRC := $(filter engine/lint%.c,$(PLAT_SRC))
CORE_SRC := $(filter-out engine/main.c engine/cli_%.c engine/protocol%.c engine/lint%.c \
	engine/sandbox%.c engine/profile%.c,$(PLAT_SRC)) engine/cli_check.c
GRAMMAR_OBJ := $(FB)/obj/ts_parser.o $(FB)/obj/ts_scanner.o
obj = $(1:engine/%.c=$(FB)/obj/%.o)
CORE_LIB := $(FB)/libsg_core.a
HOOK_LIB := $(FB)/libsg_hook.a
LINT_LIB := $(FB)/libsg_lint.a

# One harness per untrusted input. The hook and lint harnesses join when
# their modules are in the tree.
HARNESSES := fuzz_check fuzz_rules fuzz_batch
ifneq ($(wildcard engine/protocol_*.c),)
HARNESSES += fuzz_hook
endif
ifneq ($(wildcard engine/lint_claude.c),)
HARNESSES += fuzz_lint
endif
# check, hook and lint agree: needs both front ends
ifeq ($(words $(wildcard engine/protocol_judge.c engine/lint_claude.c)),2)
HARNESSES += fuzz_agree
endif
ifdef FUZZ_ONLY
HARNESSES := $(FUZZ_ONLY)
endif
BINS := $(HARNESSES:%=$(FB)/%)

.PHONY: all build run seeds
all: run
build: $(BINS)

$(GRAMMAR_SRC)/parser.c:
	@$(MAKE) --no-print-directory grammar

$(FB)/obj/%.o: engine/%.c engine/*.h
	@mkdir -p $(@D)
	@$(FUZZ_CC) $(ENGINE_CFLAGS) -c $< -o $@
$(FB)/obj/ts_parser.o: $(GRAMMAR_SRC)/parser.c
	@mkdir -p $(@D)
	@$(FUZZ_CC) -std=c11 -g -O1 $(FSAN) -fsanitize=fuzzer-no-link -I$(GRAMMAR_SRC) -c $< -o $@
$(FB)/obj/ts_scanner.o: $(GRAMMAR_SRC)/parser.c
	@mkdir -p $(@D)
	@$(FUZZ_CC) -std=c11 -g -O1 $(FSAN) -fsanitize=fuzzer-no-link -I$(GRAMMAR_SRC) \
		-DTREE_SITTER_REUSE_ALLOCATOR -c $(GRAMMAR_SRC)/scanner.c -o $@
$(CORE_LIB): $(call obj,$(CORE_SRC)) $(GRAMMAR_OBJ)
$(HOOK_LIB): $(call obj,$(HOOK_SRC))
$(LINT_LIB): $(call obj,$(LINT_SRC))
$(FB)/%.a:
	@rm -f $@
	@ar rcs $@ $^

# archives in dependency order: front ends first, the core last
$(FB)/fuzz_hook: $(HOOK_LIB)
$(FB)/fuzz_lint: $(LINT_LIB)
$(FB)/fuzz_agree: fuzz/agree.h $(HOOK_LIB) $(LINT_LIB)
$(FB)/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz_common.h $(CORE_LIB)
	@$(FUZZ_CC) $(HARNESS_CFLAGS) -o $@ $< $(filter %.a,$(filter-out $(CORE_LIB),$^)) $(CORE_LIB) \
		$(PKG_LIBS) -lm

seeds: $(FB)/seeds/.done
$(FB)/seeds/.done: fuzz/seeds.sh rules/*.json $(DEV_TSV) $(wildcard tests/regress/*/*)
	@sh fuzz/seeds.sh $(FB)/seeds $(DEV_TSV)
	@touch $@

run: $(BINS) seeds
	@sh fuzz/run.sh $(FB) $(FUZZ_TIME) $(HARNESSES)
