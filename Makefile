# teller -- GNU make 4.3 (Debian 12). Targets: all, check, demo, bench,
# fuzz, lint, regen, check-browser, check-valgrind, check-oom, install,
# wasm, clean.
# Local overrides go in an untracked config.mk.

ifeq ($(origin CC),default)
CC = gcc
endif
PREFIX ?= /usr/local
SAN ?=
-include config.mk

WARN = -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wconversion -Wdouble-promotion -Wformat=2 \
	-Wundef -Wwrite-strings -Wvla -fno-common
ifeq ($(CI),true)
WARN += -Werror
endif

ifeq ($(SAN),1)
B ?= build-san
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
OPT = -O1 -g
else
B ?= build
SANFLAGS =
OPT = -O2 -g
endif

PKGS = jansson expat libzip libdeflate libcrypto zlib
# Recursive (=) so pkg-config runs after `deps` has installed them.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -pthread
# GLPK (lib/audit/lp_glpk.c, the LP behind exact margins) has no .pc file.
PKG_LIBS += -lglpk -lm
# GMP (lib/audit/sens_stv.c: exact fractions for --sensitivity rounding)
# has no .pc file in Debian 12 either.
PKG_LIBS += -lgmp

CPPFLAGS += -Iinclude -Ilib -D_POSIX_C_SOURCE=200809L
CLI_CPPFLAGS = -Iinclude -D_POSIX_C_SOURCE=200809L
# Unit tests, fuzz replay and examples also see lib/rctab/'s headers, and
# link cli/files.o (the input callbacks over the file system).
TEST_CPPFLAGS = $(CPPFLAGS) -Ilib/rctab -Ilib/audit -Icli
CFLAGS += -std=c11 -pthread $(OPT) $(WARN) $(SANFLAGS) -MMD -MP
LDFLAGS += $(SANFLAGS)

# lib/rctab/: RCTab, the vendor CVR readers and xlsx, the only code that
# uses jansson, expat and libzip (scripts/lint.sh checks that).
# lib/audit/: margins and RAIRE, the only code that uses GLPK; rounding
# sensitivity, the only code that uses GMP.
LIB_SRC = $(sort $(wildcard lib/*.c)) $(sort $(wildcard lib/rctab/*.c)) \
	$(sort $(wildcard lib/audit/*.c))
CLI_SRC = $(sort $(wildcard cli/*.c))
UNIT_SRC = $(sort $(wildcard tests/unit/t_*.c))
LIB_OBJ = $(LIB_SRC:%.c=$(B)/%.o)
CLI_OBJ = $(CLI_SRC:%.c=$(B)/%.o)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%) $(B)/tests/t_num_limbs
FUZZ_SRC = $(sort $(wildcard fuzz/fuzz_*.c))
REPLAY_BIN = $(FUZZ_SRC:fuzz/%.c=$(B)/replay/%)

# The shared library's names (issue 15; its rules are below the CLI's).
TL_VERSION = $(shell sed -n 's/^\#define TELLER_VERSION "\(.*\)"/\1/p' \
	include/teller.h)
TL_MAJOR = $(shell sed -n 's/^\#define TELLER_VERSION_MAJOR //p' \
	include/teller.h)
SONAME = libteller.so.$(TL_MAJOR)
CLI_RPATH = -Wl,-rpath,'$$ORIGIN:$$ORIGIN/../lib'
LIBDIR = $(PREFIX)/lib

all: $(B)/teller $(B)/libteller.a $(B)/teller-desk $(B)/$(SONAME) \
	$(B)/teller-check

# check/: teller-check (audit.md 5), the certificate checker. It shares
# only lib's SHA-256 and cli's JSON reader with teller, never a method.
CHECK_SRC = $(sort $(wildcard check/*.c))
CHECK_OBJ = $(CHECK_SRC:%.c=$(B)/%.o)
$(B)/check/%.o: check/%.c | deps
	@mkdir -p $(@D)
	$(CC) -Icheck -Icli -Ilib -D_POSIX_C_SOURCE=200809L $(CFLAGS) \
		-c -o $@ $<

$(B)/teller-check: $(CHECK_OBJ) $(B)/cli/mjson.o $(B)/lib/sha256.o
	$(CC) $(LDFLAGS) -o $@ $^ -lz

# desk/: teller-desk, the only code using SQLite, HTTP and libsodium.
DESK_SRC = $(sort $(wildcard desk/*.c))
DESK_OBJ = $(DESK_SRC:%.c=$(B)/%.o)
DESK_PKGS = sqlite3 libmicrohttpd libsodium jansson gnutls
$(B)/desk/%.o: desk/%.c | deps
	@mkdir -p $(@D)
	$(CC) -Iinclude -D_GNU_SOURCE $(shell pkg-config --cflags $(DESK_PKGS) \
		2>/dev/null) $(CFLAGS) -c -o $@ $<

$(B)/teller-desk: $(DESK_OBJ) $(B)/libteller.a
	$(CC) $(LDFLAGS) -o $@ $(DESK_OBJ) $(B)/libteller.a $(PKG_LIBS) \
		$(shell pkg-config --libs $(DESK_PKGS) 2>/dev/null)

deps:
	@sh scripts/deps.sh

$(B)/%.o: %.c | deps
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -c -o $@ $<

# cli/ sees the public header only (scripts/lint.sh checks that too).
$(B)/cli/%.o: cli/%.c | deps
	@mkdir -p $(@D)
	$(CC) $(CLI_CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/libteller.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(B)/teller: $(CLI_OBJ) $(B)/$(SONAME)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) -L$(B) -lteller $(CLI_RPATH) \
		$(PKG_LIBS)
	@ln -sf $(B)/teller teller 2>/dev/null || true

# ---- the shared library, teller.pc and install (issue 15) ----
# libteller.so.MAJOR (soname) -> libteller.so.X.Y.Z, exporting only the
# teller_* functions of teller.h (lib/teller.map). The CLI links it as a
# user's program does; its run path finds the library beside it (build/)
# or in ../lib (installed).
$(LIB_OBJ): CFLAGS += -fPIC

$(B)/libteller.so.$(TL_VERSION): $(LIB_OBJ) lib/teller.map
	$(CC) $(LDFLAGS) -shared -Wl,-soname,$(SONAME) \
		-Wl,--version-script=lib/teller.map -Wl,-z,defs \
		-o $@ $(LIB_OBJ) $(PKG_LIBS)

$(B)/$(SONAME): $(B)/libteller.so.$(TL_VERSION)
	ln -sf libteller.so.$(TL_VERSION) $@
	ln -sf $(SONAME) $(B)/libteller.so

# teller.pc for PREFIX (never DESTDIR: that is only where files are put)
$(B)/teller.pc: lib/teller.pc.in include/teller.h FORCE
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@VERSION@|$(TL_VERSION)|' \
		-e 's|@REQUIRES@|$(PKGS)|' lib/teller.pc.in >$@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

install-lib: all $(B)/teller.pc
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig \
		$(DESTDIR)$(PREFIX)/share/man/man3 \
		$(DESTDIR)$(PREFIX)/share/man/man5
	install -m 755 $(B)/libteller.so.$(TL_VERSION) $(DESTDIR)$(LIBDIR)/
	ln -sf libteller.so.$(TL_VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libteller.so
	install -m 644 $(B)/teller.pc $(DESTDIR)$(LIBDIR)/pkgconfig/
	install -m 644 doc/teller.3 $(DESTDIR)$(PREFIX)/share/man/man3/
	install -m 644 doc/teller-formats.5 \
		$(DESTDIR)$(PREFIX)/share/man/man5/

FORCE:
.PHONY: install-lib FORCE
# ---- end of the shared library ----

# ---- make wasm: the counting page web/index.html (issue 15) ----
# Debian's emscripten 3.1.6 (`sh scripts/deps.sh wasm`, for this target
# only); its emcc needs Debian's acorn, which a node of its own finds only
# through NODE_PATH. lib/ without lib/rctab/ and lib/audit/ (jansson,
# expat, libzip and GLPK have no wasm builds here), and wasm/teller_web.c,
# the page's entry point; -sSINGLE_FILE=1 puts the module in the script,
# which the page inlines, so it works from file:// too.
WEB = web
EMCC = emcc
WASM_SRC = $(sort $(wildcard lib/*.c)) wasm/teller_web.c
WASM_EXPORTS = _tw_count,_tw_output,_tw_output_len,_malloc,_free
WASM_EXPORTS := $(WASM_EXPORTS),_teller_method_name
WASM_FLAGS = -O2 -std=c11 -Iinclude -Ilib -D_POSIX_C_SOURCE=200809L \
	-sSINGLE_FILE=1 -sMODULARIZE=1 -sEXPORT_NAME=TellerModule \
	-sALLOW_MEMORY_GROWTH=1 -sENVIRONMENT=web,node \
	-sEXPORTED_FUNCTIONS=$(WASM_EXPORTS) \
	-sEXPORTED_RUNTIME_METHODS=UTF8ToString,stringToUTF8,lengthBytesUTF8

wasm: $(WEB)/index.html

$(WEB)/teller.js: $(WASM_SRC) $(wildcard lib/*.h) include/teller.h
	@sh scripts/deps.sh wasm
	@mkdir -p $(WEB)
	NODE_PATH=$${NODE_PATH:-/usr/share/nodejs} $(EMCC) $(WASM_FLAGS) \
		-o $@ $(WASM_SRC)

# the page with the module inlined (a script may not hold "</script")
$(WEB)/index.html: wasm/index.html $(WEB)/teller.js
	! grep -qi '</script' $(WEB)/teller.js
	{ sed '/@TELLER_JS@/,$$d' wasm/index.html; cat $(WEB)/teller.js; \
		sed '1,/@TELLER_JS@/d' wasm/index.html; } >$@.tmp
	mv $@.tmp $@

.PHONY: wasm
# ---- end of make wasm ----

$(B)/tests/%: tests/unit/%.c $(B)/libteller.a $(B)/cli/files.o \
		$(B)/cli/util.o tests/harness.h | deps
	@mkdir -p $(@D)
	$(CC) $(TEST_CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -Itests -o $@ $< \
		$(B)/cli/files.o $(B)/cli/util.o $(B)/libteller.a \
		$(PKG_LIBS) $(LDFLAGS)

# t_num once more with the numeric module built -DTL_NO_INT128: the
# portable 64-bit limbs must give what the compiler's 128-bit type gives.
NUM_SRC = lib/num.c lib/num_dec.c
$(B)/tests/t_num_limbs: tests/unit/t_num.c $(NUM_SRC) $(B)/libteller.a \
		tests/harness.h | deps
	@mkdir -p $(@D)
	$(CC) $(TEST_CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -DTL_NO_INT128 -Itests \
		-o $@ tests/unit/t_num.c $(NUM_SRC) $(B)/libteller.a \
		$(PKG_LIBS) $(LDFLAGS)

# Fuzz replay: each fuzz target linked with a plain-C main (gcc). The
# fuzz headers are named here: compiling two sources in one command leaves
# a .d file for the last one only.
$(B)/replay/%: fuzz/%.c fuzz/replay.c $(wildcard fuzz/*.h) \
		$(B)/libteller.a $(B)/cli/files.o $(B)/cli/util.o | deps
	@mkdir -p $(@D)
	$(CC) $(TEST_CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -o $@ $< fuzz/replay.c \
		$(B)/cli/files.o $(B)/cli/util.o $(B)/libteller.a \
		$(PKG_LIBS) $(LDFLAGS)

# The desk's fuzz targets (fuzz/fuzz_desk_*.c): the desk's objects but
# main.o, as an archive, and the desk's libraries.
DESK_LIB_OBJ = $(filter-out $(B)/desk/main.o,$(DESK_OBJ))
$(B)/desk/libdesk.a: $(DESK_LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(B)/replay/fuzz_desk_%: fuzz/fuzz_desk_%.c fuzz/replay.c \
		$(B)/desk/libdesk.a $(B)/libteller.a | deps
	@mkdir -p $(@D)
	$(CC) -Iinclude -Idesk -D_GNU_SOURCE $(shell pkg-config --cflags \
		$(DESK_PKGS) 2>/dev/null) $(CFLAGS) -o $@ $< fuzz/replay.c \
		$(B)/desk/libdesk.a $(B)/libteller.a $(PKG_LIBS) \
		$(shell pkg-config --libs $(DESK_PKGS) 2>/dev/null) $(LDFLAGS)

# F2 (docs/desk.md §11.2): power loss under the book, a test VFS.
DESK_TEST_BIN = $(B)/tests/desk_powerloss
$(B)/tests/desk_powerloss: tests/desk/powerloss.c $(B)/desk/libdesk.a \
		$(B)/libteller.a | deps
	@mkdir -p $(@D)
	$(CC) -Iinclude -Idesk -D_GNU_SOURCE $(shell pkg-config --cflags \
		$(DESK_PKGS) 2>/dev/null) $(CFLAGS) -o $@ $< \
		$(B)/desk/libdesk.a $(B)/libteller.a $(PKG_LIBS) \
		$(shell pkg-config --libs $(DESK_PKGS) 2>/dev/null) $(LDFLAGS)

$(B)/examples/%: examples/%.c $(B)/libteller.a | deps
	@mkdir -p $(@D)
	$(CC) $(TEST_CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -o $@ $< $(B)/libteller.a \
		$(PKG_LIBS) $(LDFLAGS)

EXAMPLE_BIN = $(patsubst examples/%.c,$(B)/examples/%,$(wildcard examples/*.c))

check: deps all $(UNIT_BIN) $(REPLAY_BIN) $(EXAMPLE_BIN) $(DESK_TEST_BIN)
	@B=$(B) SHARED=$${SHARED:-../shared} sh tests/run.sh

demo: deps all
	@./$(B)/teller count -m sv examples/tower-hamlets-2014/ballots.csv

bench: deps all
	@B=$(B) sh bench/run.sh

fuzz:
	@$(MAKE) -f fuzz/Makefile

# The desk's load test L2 (bench/desk/l2.py; figures in bench/README.md).
# L2_STRICT=1 also fails on the timing targets. L3: S15 (the Tower
# Hamlets 2014 count) by 30 client threads within 5 minutes. L1
# (tests/desk/desk_l1.py): 10 minutes (DURATION) of 160 clients; F8:
# 2 minutes of L1 with the observe process and its clients killed a third
# of the way.
load: deps all
	@/usr/bin/python3 bench/desk/l2.py $(B)
	@/usr/bin/python3 tests/desk/desk_l1.py $(B)
	@F8=1 DURATION=120 /usr/bin/python3 tests/desk/desk_l1.py $(B)
	@S15_MAX_SECONDS=300 /usr/bin/python3 tests/desk/desk_s15.py $(B) 30

# linkgraph.sh reads the built objects: no circles in the link graph;
# funclen.sh -c: the function-length limits.
lint: $(LIB_OBJ)
	@sh scripts/lint.sh
	@B=$(B) sh scripts/linkgraph.sh >/dev/null
	@sh scripts/funclen.sh -c

regen: deps all
	@B=$(B) sh tests/golden/regen.sh

# The HTML report in Debian's chromium (docs/reports.md 13); needs
# `sh scripts/deps.sh browser`. SCREENS=doc/screens updates the pictures.
check-browser: deps all
	@B=$(B) SHARED=$${SHARED:-../shared} sh tests/browser/run.sh

check-valgrind: deps all $(UNIT_BIN)
	@B=$(B) VALGRIND=1 SHARED=$${SHARED:-../shared} sh tests/run.sh

check-oom: deps all $(UNIT_BIN)
	@B=$(B) TELLER_OOM=1 sh tests/run.sh unit

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib \
		$(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/man/man7
	install -m 755 $(B)/teller $(DESTDIR)$(PREFIX)/bin/teller
	install -m 755 $(B)/teller-check $(DESTDIR)$(PREFIX)/bin/teller-check
	install -m 644 $(B)/libteller.a $(DESTDIR)$(PREFIX)/lib/
	install -m 644 include/teller.h $(DESTDIR)$(PREFIX)/include/
	install -m 644 doc/teller.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 doc/teller-check.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 doc/teller-audit.7 $(DESTDIR)$(PREFIX)/share/man/man7/
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 755 $(B)/teller-desk $(DESTDIR)$(PREFIX)/sbin/teller-desk
	install -m 644 doc/teller-desk.8 $(DESTDIR)$(PREFIX)/share/man/man8/
	$(MAKE) --no-print-directory install-lib

clean:
	rm -rf build build-san teller web

.PHONY: all deps check demo bench fuzz lint regen check-valgrind \
	check-browser \
	check-oom install clean load

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(CHECK_OBJ:.o=.d) $(DESK_OBJ:.o=.d) $(UNIT_BIN:=.d) $(REPLAY_BIN:=.d)
