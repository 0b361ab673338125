# catscan: one static library (common/ extract/ classify/), two programs
# (cli/ -> build/catscan, daemon/ -> build/catscand), cmocka tests.
#
#   make           build everything (quick when nothing changed)
#   make check     install what is missing, build, run every test, then the
#                  unit tests and rule tests again under ASan + UBSan
#   make run       install what is missing, build, start the daemon
#   make bench     benchmarks, each beside the tool a user would otherwise use

CC      ?= cc
BUILD   ?= build
PREFIX  ?= /usr/local
DESTDIR ?=

PKGS    := libhs libutf8proc jansson libzmq libsystemd tesseract lept \
           poppler-glib libarchive libxml-2.0 gmime-3.0 uchardet libgsf-1
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lmagic -lm

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
CFLAGS  ?= -O2 -g
CPPFLAGS_ALL := -std=c11 -D_GNU_SOURCE -Icommon -Iclassify -Iextract -Idaemon \
           -I$(BUILD)/gen $(PKG_CFLAGS)
ALL_CFLAGS = $(CPPFLAGS_ALL) $(WARN) $(CFLAGS) -MMD -MP

LIB_SRC := $(wildcard common/*.c extract/*.c classify/*.c)
CLI_SRC := $(wildcard cli/*.c)
DMN_SRC := $(wildcard daemon/*.c)
TEST_SRC := $(wildcard tests/unit/test_*.c)
RULE_FILES := $(sort $(wildcard rules/catalogue/*.rules))

# The built-in rule pack is compiled into the binaries, so a binary never
# depends on where it was installed from.
GEN_RULES := $(BUILD)/gen/builtin_rules.c

define objs
$(patsubst %.c,$(1)/obj/%.o,$(2))
endef

LIB_OBJ  := $(call objs,$(BUILD),$(LIB_SRC)) $(BUILD)/obj/gen/builtin_rules.o
CLI_OBJ  := $(call objs,$(BUILD),$(CLI_SRC))
DMN_OBJ  := $(call objs,$(BUILD),$(DMN_SRC))
LIB      := $(BUILD)/libcatscan.a
TESTS    := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(TEST_SRC))

PROGRAMS := $(BUILD)/catscan
ifneq ($(DMN_SRC),)
PROGRAMS += $(BUILD)/catscand
endif

.PHONY: all deps check test unit rules-test integration systemd-verify asan \
        run bench loadtest install clean format fuzz fuzz-build fuzz-regress
# Objects are kept: without this make deletes them as intermediates of the
# test binaries and rebuilds them every time.
.SECONDARY:
all: $(PROGRAMS) $(TESTS)

deps:
	@sh scripts/deps.sh

$(BUILD)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror -o $@ $<

$(GEN_RULES): $(RULE_FILES) $(BUILD)/tools/embed
	@mkdir -p $(dir $@)
	$(BUILD)/tools/embed $@ $(RULE_FILES)

$(BUILD)/obj/gen/builtin_rules.o: $(GEN_RULES)
	@mkdir -p $(dir $@)
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/catscan: $(CLI_OBJ) $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(PKG_LIBS)

$(BUILD)/catscand: $(DMN_OBJ) $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(DMN_OBJ) $(LIB) $(PKG_LIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(PKG_LIBS) -lcmocka

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# --- tests ---------------------------------------------------------------

unit: $(TESTS)
	@sh tests/run-unit.sh $(TESTS)

rules-test: $(BUILD)/catscan
	$(BUILD)/catscan rules check --data rules/data
	$(BUILD)/catscan rules test

integration: all
	@sh tests/run-integration.sh $(BUILD)

# The unit file as installed, pointing at the binary just built.
systemd-verify: $(BUILD)/catscand
	@mkdir -p $(BUILD)/systemd
	sed 's|/usr/local/bin/catscand|$(abspath $(BUILD))/catscand|' \
		systemd/catscand.service >$(BUILD)/systemd/catscand.service
	systemd-analyze verify --man=no $(BUILD)/systemd/catscand.service

test: unit rules-test integration systemd-verify

# The same tests again, built with AddressSanitizer and UBSan in their own
# tree. Leaks fail the run (LeakSanitizer is part of ASan on Linux).
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
             -fno-sanitize-recover=undefined
asan:
	$(MAKE) --no-print-directory BUILD=$(BUILD)/asan CFLAGS="$(SAN_FLAGS)" \
		LDFLAGS="-fsanitize=address,undefined" unit rules-test

check: deps
	$(MAKE) --no-print-directory all
	$(MAKE) --no-print-directory test
	$(MAKE) --no-print-directory fuzz-regress
	$(MAKE) --no-print-directory asan

# libFuzzer targets (tests/fuzz/), built with clang against the library
# compiled with ASan+UBSan. `make fuzz` runs each for FUZZ_SECONDS from
# the fixtures as seed corpus; crashes are written to $(BUILD)/fuzz/crashes.
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BUILD := $(BUILD)/fuzz
FUZZ_FLAGS := -O1 -g -fsanitize=fuzzer-no-link,address,undefined \
              -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZERS := $(patsubst tests/fuzz/%.c,$(FUZZ_BUILD)/%,$(FUZZ_SRC))
FUZZ_SECONDS ?= 60

fuzz-build:
	$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=clang \
		CFLAGS="$(FUZZ_FLAGS)" $(FUZZ_BUILD)/libcatscan.a
	@for f in $(FUZZ_SRC); do \
		n=$$(basename $$f .c); \
		echo "  FUZZ    $$n"; \
		clang $(CPPFLAGS_ALL) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $(FUZZ_BUILD)/$$n \
			$$f $(FUZZ_BUILD)/libcatscan.a $(PKG_LIBS) || exit 1; \
	done

fuzz: deps fuzz-build
	sh tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

# Every input a fuzzer ever crashed on, run once more: part of make check.
fuzz-regress: fuzz-build
	@n=0; for d in tests/fuzz/regressions/*/; do \
		t=$$(basename $$d); \
		$(FUZZ_BUILD)/$$t $$d* >$(FUZZ_BUILD)/$$t-regress.log 2>&1 || \
			{ tail -30 $(FUZZ_BUILD)/$$t-regress.log; exit 1; }; \
		n=$$((n + $$(ls $$d | wc -l))); \
	done; echo "fuzz regressions: $$n passed, 0 failed"

run: deps
	$(MAKE) --no-print-directory all
	sh scripts/run.sh $(BUILD)

BENCH_SRC := $(wildcard bench/*.c)
BENCHES := $(patsubst bench/%.c,$(BUILD)/bench/%,$(BENCH_SRC))

$(BUILD)/bench/%: $(BUILD)/obj/bench/%.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(PKG_LIBS)

bench: deps
	$(MAKE) --no-print-directory all $(BENCHES)
	sh bench/run.sh $(BUILD)

loadtest: deps
	$(MAKE) --no-print-directory all $(BENCHES)
	sh bench/load.sh $(BUILD)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/catscan/rules \
		$(DESTDIR)/etc/catscan $(DESTDIR)$(PREFIX)/lib/systemd/system \
		$(DESTDIR)$(PREFIX)/lib/sysusers.d $(DESTDIR)$(PREFIX)/lib/tmpfiles.d \
		$(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 755 $(PROGRAMS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(RULE_FILES) $(DESTDIR)$(PREFIX)/share/catscan/rules/
	[ -f $(DESTDIR)/etc/catscan/catscand.conf ] || \
		install -m 644 etc/catscand.conf $(DESTDIR)/etc/catscan/catscand.conf
	sed 's|/usr/local/bin/|$(PREFIX)/bin/|' systemd/catscand.service \
		>$(DESTDIR)$(PREFIX)/lib/systemd/system/catscand.service
	install -m 644 systemd/catscan.sysusers \
		$(DESTDIR)$(PREFIX)/lib/sysusers.d/catscan.conf
	install -m 644 systemd/catscan.tmpfiles \
		$(DESTDIR)$(PREFIX)/lib/tmpfiles.d/catscan.conf
	install -m 644 docs/man/catscan.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 docs/man/catscand.8 $(DESTDIR)$(PREFIX)/share/man/man8/

format:
	clang-format -i $(LIB_SRC) $(CLI_SRC) $(DMN_SRC) $(TEST_SRC) \
		$(wildcard common/*.h extract/*.h classify/*.h daemon/*.h cli/*.h)

clean:
	rm -rf $(BUILD)
