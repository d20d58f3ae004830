# plateau — the build: one binary, unit tests (plain and sanitized), checks.
# `make` builds build/plateau; `make check` installs deps and runs every test.

CC       ?= gcc
RE_CFLAGS := $(shell pkg-config --cflags libre librem 2>/dev/null) \
	-DHAVE_INTTYPES_H -DHAVE_STDBOOL_H -DHAVE_INET6
RE_LIBS  := $(shell pkg-config --libs libre librem 2>/dev/null)
WARN     := -Wall -Wextra -Wshadow -Wmissing-prototypes -Wvla -Werror
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE $(WARN) $(RE_CFLAGS) \
	-Isrc -Ibuild/gen
LDLIBS   += $(RE_LIBS) -lsqlite3 -lm -lpthread

SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined

# Every module is a folder under src/; src/cmd/ holds the subcommands and
# src/main.c the dispatcher. Unit tests link everything but main.c.
LIB_SRCS  := $(sort $(filter-out src/main.c,$(wildcard src/*/*.c)))
CMD_SRCS  := $(sort $(wildcard src/cmd/*.c))
TEST_SRCS := $(sort $(wildcard tests/unit/*.c))
HDRS      := $(wildcard src/*.h src/*/*.h tests/unit/*.h)

OBJS      := $(LIB_SRCS:%.c=build/obj/%.o)
TEST_OBJS := $(TEST_SRCS:%.c=build/obj/%.o)
SOBJS     := $(LIB_SRCS:%.c=build/san/%.o) $(TEST_SRCS:%.c=build/san/%.o)

.PHONY: all deps demo check test unit unit-san integration bench fuzz clean

FUZZ_SRCS := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZERS   := $(FUZZ_SRCS:fuzz/%.c=build/fuzz/%)
FOBJS     := $(LIB_SRCS:%.c=build/fobj/%.o)
FUZZFLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer

all: build/plateau build/unit build/prompts/.stamp

# Helper programs: tests/integration/NAME.c (driven by the scripts there)
# and bench/NAME.c, each linked with the library into build/bin/NAME.
HELPER_SRCS := $(sort $(wildcard tests/integration/*.c bench/*.c))
HELPERS     := $(addprefix build/bin/,$(notdir $(HELPER_SRCS:.c=)))
all: $(HELPERS)

build/bin/%: tests/integration/%.c $(OBJS) $(HDRS) build/gen/commands.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(OBJS) $(LDLIBS)

build/bin/%: bench/%.c $(OBJS) $(HDRS) build/gen/commands.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(OBJS) $(LDLIBS)

deps:
	@./scripts/deps.sh

# Generated tables: each src/cmd/NAME.c defines `cmd_NAME`, each
# tests/unit/test_NAME.c defines `tests_NAME[]`.
build/gen/commands.h: $(CMD_SRCS) Makefile
	@mkdir -p $(@D)
	@for f in $(CMD_SRCS); do n=$$(basename $$f .c); \
		echo "COMMAND($$n)"; done > $@.tmp && mv $@.tmp $@

build/gen/suites.h: $(TEST_SRCS) Makefile
	@mkdir -p $(@D)
	@for f in $(TEST_SRCS); do n=$$(basename $$f .c); \
		case $$n in test_*) echo "SUITE($${n#test_})";; esac; \
		done > $@.tmp && mv $@.tmp $@

# The web pages, embedded into the api (src/api/static.c).
WEB_FILES := $(shell find web -type f ! -name '.*' 2>/dev/null | sort)
build/gen/web_files.h: $(WEB_FILES) scripts/web_embed.py
	@mkdir -p $(@D)
	python3 scripts/web_embed.py web $@

build/obj/src/api/static.o build/san/src/api/static.o \
build/fobj/src/api/static.o: build/gen/web_files.h

build/obj/%.o: %.c $(HDRS) build/gen/commands.h build/gen/suites.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

build/san/%.o: %.c $(HDRS) build/gen/commands.h build/gen/suites.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -O1 $(SANFLAGS) -c $< -o $@

build/fobj/%.o: %.c $(HDRS) build/gen/commands.h build/gen/suites.h
	@mkdir -p $(@D)
	clang $(filter-out -O2,$(CFLAGS)) -O1 $(FUZZFLAGS) -c $< -o $@

# libFuzzer harnesses: fuzz/fuzz_NAME.c -> build/fuzz/fuzz_NAME
build/fuzz/%: fuzz/%.c $(FOBJS)
	@mkdir -p $(@D)
	clang $(filter-out -O2,$(CFLAGS)) -O1 -fsanitize=fuzzer,address,undefined \
		-fno-omit-frame-pointer -o $@ $^ $(LDLIBS)

fuzz: $(FUZZERS)

# Keep the clang objects between harness links (make would delete them as
# intermediates and rebuild them for every harness).
.SECONDARY: $(FOBJS)

# The acd harness and benchmark reuse the unit tests' driver and checker.
ACD_DRV   := tests/unit/acd_driver.c tests/unit/acd_check.c
build/fuzz/fuzz_acd: $(ACD_DRV:%.c=build/fobj/%.o)

build/bin/acd_bench: bench/acd_bench.c $(OBJS) $(ACD_DRV:%.c=build/obj/%.o) \
		$(HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $(filter %.c %.o,$^) $(LDLIBS)

build/plateau: build/obj/src/main.o $(OBJS)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

build/unit: $(OBJS) $(TEST_OBJS)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

build/unit-san: $(SOBJS)
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $^ $(LDLIBS)

unit: build/unit
	./build/unit

unit-san: build/unit-san
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		./build/unit-san

# The whole proof: deps, build, every suite, one summary line at the end.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

check: deps
	$(MAKE) -j$(JOBS) all build/unit-san fuzz
	./tests/run-all.sh

test: check

demo: deps
	$(MAKE) build/plateau
	./scripts/demo.sh

bench: all
	./bench/run.sh

clean:
	rm -rf build

# Voice prompts (fr ar en de es) and the default hold music, synthesised
# with espeak-ng and sox into build/prompts/ (docs/media.md).
build/prompts/.stamp: scripts/prompts.sh
	./scripts/prompts.sh build/prompts
	@touch $@
