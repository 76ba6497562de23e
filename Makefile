# scbench — build, test, install, demo, bench, fuzz.
# Programs are discovered from cmd/*/, library sources from libcommon/*.c, unit tests from
# tests/unit/test_*.c, fuzz targets from tests/fuzz/fuzz_*.c: adding a file needs no edit here.

PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
SANITIZE ?= 0
SHARED  ?= $(abspath ../shared)
FUZZ_SECONDS ?= 20

PKGS := hdf5 libcjson openblas libzstd libcrypto
VARIANT := $(if $(filter 1,$(SANITIZE)),asan,release)
OBJDIR  := build/$(VARIANT)
VSTAMP  := build/variant.$(VARIANT)

# Deferred (=) so pkg-config runs after scripts/install-deps has made sure it is there.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS))

WARN   := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
comma  := ,
SANFLAGS := -fsanitize=address$(comma)undefined
OPT    := $(if $(filter 1,$(SANITIZE)),-O1 -fno-omit-frame-pointer $(SANFLAGS) -fno-sanitize-recover=undefined,-O2)
CFLAGS ?= -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(OPT) $(CFLAGS) -pthread -Ilibcommon $(PKG_CFLAGS) -MMD -MP
ALL_LDFLAGS = $(if $(filter 1,$(SANITIZE)),$(SANFLAGS)) -pthread $(LDFLAGS)
LIBS = $(PKG_LIBS) -lm

PROGS    := $(notdir $(patsubst %/,%,$(wildcard cmd/*/)))
BINS     := $(addprefix bin/,$(PROGS))
LIB_SRC  := $(wildcard libcommon/*.c)
LIB_OBJ  := $(patsubst libcommon/%.c,$(OBJDIR)/lib/%.o,$(LIB_SRC))
LIBA     := $(OBJDIR)/libcommon.a
CMD_OBJ  := $(patsubst cmd/%.c,$(OBJDIR)/cmd/%.o,$(wildcard cmd/*/*.c))
# Workflow scripts installed as commands (the build/test helpers stay in the tree).
SCRIPTS  := $(filter-out scripts/install-deps scripts/demo scripts/bench,$(wildcard scripts/*))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(OBJDIR)/unit/%,$(UNIT_SRC))
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)

.SECONDARY: $(CMD_OBJ)
.PHONY: all deps test check unit bats demo bench install uninstall clean fuzz man-check
all: deps $(VSTAMP) $(BINS)

deps:
	@scripts/install-deps

$(VSTAMP):
	@mkdir -p build && rm -f build/variant.* && touch $@

$(OBJDIR)/lib/%.o: libcommon/%.c | deps
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIBA): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(OBJDIR)/cmd/%.o: cmd/%.c | deps
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Each program: every .c file in its folder, linked with libcommon.
objs_of = $(patsubst cmd/%.c,$(OBJDIR)/cmd/%.o,$(wildcard cmd/$(1)/*.c))
.SECONDEXPANSION:
bin/%: $$(call objs_of,$$*) $(LIBA) $(VSTAMP)
	@mkdir -p bin
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(LIBA) $(LIBS)

$(OBJDIR)/unit/%: tests/unit/%.c tests/unit/tap.h $(LIBA) | deps
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(LIBA) $(ALL_LDFLAGS) $(LIBS)

unit: all $(UNIT_BIN)

# The README's test command: unit tests and bats suites, one summary line at the end.
test check: all $(UNIT_BIN)
	@SCBENCH_BIN=$(abspath bin) SCBENCH_SHARED=$(SHARED) tests/run-tests $(UNIT_BIN)

demo: all
	@scripts/demo

bench: all
	@scripts/bench

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/share/man/man7
	install -m 755 $(BINS) $(SCRIPTS) $(DESTDIR)$(PREFIX)/bin
	install -m 644 man/man1/*.1 $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 man/man5/*.5 $(DESTDIR)$(PREFIX)/share/man/man5
	install -m 644 man/man7/*.7 $(DESTDIR)$(PREFIX)/share/man/man7

uninstall:
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/bin/,$(PROGS) $(notdir $(SCRIPTS)))

# libFuzzer targets (clang): each runs FUZZ_SECONDS on its seed corpus in tests/fuzz/corpus/.
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Ilibcommon $(PKG_CFLAGS)
fuzz: deps
	@mkdir -p build/fuzz
	@set -e; for f in $(FUZZ_SRC); do \
		n=$$(basename $$f .c); \
		echo "fuzz: building $$n"; \
		clang $(FUZZ_CFLAGS) -o build/fuzz/$$n $$f $(LIB_SRC) $(PKG_LIBS) -lm -pthread; \
		mkdir -p build/fuzz/corpus-$$n; \
		echo "fuzz: running $$n for $(FUZZ_SECONDS) s"; \
		build/fuzz/$$n -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -max_len=65536 \
			build/fuzz/corpus-$$n tests/fuzz/corpus/$${n#fuzz_} 2>build/fuzz/$$n.log \
			|| { tail -40 build/fuzz/$$n.log; exit 1; }; \
		tail -1 build/fuzz/$$n.log; \
	done

clean:
	rm -rf build bin

-include $(wildcard build/*/lib/*.d build/*/cmd/*/*.d build/*/unit/*.d)
