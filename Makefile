# dmatopo — entry points. `make check` is the test suite, `make gate` the full job.
# One build directory per toolchain variant so gcc and clang+sanitizer builds coexist.

O        ?= build/gcc
ifeq ($(origin CC),default)
CC := gcc
endif
SAN      ?=
OPT      ?= -O2
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2
CFLAGS_BASE := -std=c11 -D_DEFAULT_SOURCE -g $(OPT) $(WARN) -Ireference -Iharness -MMD -MP
ifeq ($(SAN),1)
CFLAGS_BASE += -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS_SAN := -fsanitize=address,undefined
endif
ALL_CFLAGS := $(CFLAGS_BASE) $(EXTRA_CFLAGS)
LIBS     := -lfdt -lpci

REF_SRC  := $(sort $(wildcard reference/*.c))
CLI_SRC  := $(sort $(wildcard harness/*.c))
TEST_SRC := $(sort $(wildcard harness/tests/test_*.c))
TEST_HELPERS := $(filter-out $(TEST_SRC),$(sort $(wildcard harness/tests/*.c)))

REF_OBJ  := $(REF_SRC:%.c=$(O)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(O)/%.o)
TEST_HELPER_OBJ := $(TEST_HELPERS:%.c=$(O)/%.o)
TEST_BIN := $(TEST_SRC:harness/tests/%.c=$(O)/tests/%)
LIB      := $(O)/libdmatopo.a
CLI      := $(O)/dmatopo
# The CLI minus main(), so tests can drive subcommands in-process.
CLI_LIB  := $(O)/libdmtcli.a

.PHONY: all build tests check check-gcc check-clang setup gate replay-fuzz clean
.DEFAULT_GOAL := all

all: $(CLI)

build: $(CLI) $(TEST_BIN)

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIB): $(REF_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(CLI_LIB): $(filter-out $(O)/harness/main.o,$(CLI_OBJ))
	@rm -f $@
	ar rcs $@ $^

$(CLI): $(O)/harness/main.o $(CLI_LIB) $(LIB)
	$(CC) $(LDFLAGS_SAN) -o $@ $^ $(LIBS)

$(O)/tests/%: $(O)/harness/tests/%.o $(TEST_HELPER_OBJ) $(CLI_LIB) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_SAN) -o $@ $^ $(LIBS) -lcmocka

tests: $(TEST_BIN) $(CLI)

# ---- the suite -------------------------------------------------------------
setup:
	@bash ci/setup

check: setup
	@bash ci/check

check-gcc:
	$(MAKE) O=build/gcc CC=gcc SAN= build
	bash ci/unit build/gcc gcc

check-clang:
	$(MAKE) O=build/clang-asan CC=clang SAN=1 build
	bash ci/unit build/clang-asan clang-asan

gate: setup
	@bash ci/gate

# Kernel-in-the-loop fuzzing: make replay-fuzz [MINUTES=5] [SEED=S] [JOBS=2] [ARCH=both]
replay-fuzz: setup
	@MINUTES=$(MINUTES) SEED=$(SEED) JOBS=$(JOBS) ARCH=$(ARCH) bash ci/replay-fuzz

# One REPORT.md and one verdict over gate results folders: the shards of
# `make gate SHARD=i/N` run on several machines (FROM="dir1 dir2 ..."), or one run.
FROM ?= build/results/gate
REPORT ?= REPORT.md
.PHONY: report
report: $(CLI)
	@bash ci/report --verdict $(FROM) >$(REPORT)

clean:
	rm -rf build

-include $(shell find $(O) -name '*.d' 2>/dev/null)

# Guest kernels, agent and initramfs for the QEMU replay.
-include ci/guest.mk

# ---- fuzzing (fuzz/build.sh is the OSS-Fuzz build script) ------------------
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
.PHONY: fuzz fuzz-libfuzzer fuzz-afl
fuzz: fuzz-libfuzzer fuzz-afl

fuzz-libfuzzer:
	CC=clang CXX=clang++ CFLAGS="-O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link" \
	CXXFLAGS="-O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link" LIB_FUZZING_ENGINE=-fsanitize=fuzzer \
	OUT=$(CURDIR)/build/fuzz/libfuzzer DMT_BENCH=1 bash fuzz/build.sh

fuzz-afl:
	CC=afl-clang-fast CXX=afl-clang-fast++ CFLAGS="-O1 -g $(FUZZ_SAN)" CXXFLAGS="-O1 -g $(FUZZ_SAN)" \
	LIB_FUZZING_ENGINE=/usr/lib/afl/libAFLDriver.a OUT=$(CURDIR)/build/fuzz/afl AFL_QUIET=1 bash fuzz/build.sh
	AFL_LLVM_CMPLOG=1 CC=afl-clang-fast CXX=afl-clang-fast++ CFLAGS="-O1 -g" CXXFLAGS="-O1 -g" \
	LIB_FUZZING_ENGINE=/usr/lib/afl/libAFLDriver.a OUT=$(CURDIR)/build/fuzz/afl-cmplog AFL_QUIET=1 bash fuzz/build.sh

.PHONY: coverage
coverage:
	@bash ci/coverage

# Kernel-side coverage: the replay on gcov kernels, lcov per driver file (ci/kcov).
.PHONY: kcov
kcov: setup
	@bash ci/kcov
