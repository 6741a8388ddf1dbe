# pyvet: one non-recursive Makefile for the whole tree. `make deps` installs the Debian packages,
# `make` builds ./pyvet, `make test` runs every unit and end-to-end test, `make check-asan` runs the
# same suite under AddressSanitizer and UBSan, `make reproduce` reruns the study into results/
# (`make reproduce DEBIAN=1` also fetches the Debian slice and runs the Debian steps).

DEBIAN_PACKAGES = build-essential pkg-config libgsl-dev libopenblas-dev libcsv-dev libsvm-dev \
	liblinear-dev libcjson-dev libarchive-dev libpsl-dev libunistring-dev nettle-dev libtre-dev libyara-dev bandit \
	gnuplot-nox python3-sklearn python3-jsonschema python3-pip zip unzip xz-utils bzip2 binutils git clang parallel \
	libclang-rt-14-dev

CC ?= cc
PKGS = gsl libcjson libarchive libpsl openblas nettle yara
STD = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
WARN = -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wwrite-strings -Wformat=2 -Wvla -fno-common
ifeq ($(DEVELOPER),1)
WARN += -Werror -Wconversion -Wdouble-promotion
endif
OPT ?= -O2 -g
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --define-variable=GSL_CBLAS_LIB=-lopenblas --libs $(PKGS) 2>/dev/null)
# TRE (linear-time regex matching, core/analysis/patterns.h) is linked directly: its tre.pc adds
# Debian's build-hardening flags (-D_FORTIFY_SOURCE=2) to --cflags.
LIBS = $(PKG_LIBS) -lsvm -llinear -lcsv -lunistring -ltre -lpthread -lm
FINAL_CFLAGS = $(STD) $(WARN) $(OPT) -I. -I$(BUILD) $(PKG_CFLAGS) -MMD -MP $(CFLAGS) $(PYVET_CFLAGS) \
	$(DATA_DEFS)
FINAL_LDFLAGS = $(LDFLAGS) $(PYVET_LDFLAGS)

BUILD ?= build
LIB_SRC = $(wildcard core/*/*.c) $(wildcard featuresets/*.c) $(wildcard learners/*.c) \
	$(wildcard experiments/*.c) $(wildcard experiments/*/*.c)
LIB_OBJ = $(LIB_SRC:%.c=$(BUILD)/%.o)
TEST_SRC = $(wildcard tests/test_*.c)
TEST_BIN = $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
DEPS = $(LIB_OBJ:.o=.d) $(BUILD)/pyvet.d $(TEST_BIN:=.d) $(BUILD)/tests/harness.d

ifeq ($(BUILD),build)
PYVET_BIN = pyvet
else
PYVET_BIN = $(BUILD)/pyvet
endif

# The popular-domain list (CC BY-SA 4.0, see ../shared/data/README.md) and its compiled table,
# which pyvet maps at start-up instead of parsing the list (core/analysis/domaintable.h).
DOMAINS_CSV ?= ../shared/data/top-domains.csv
DOMAIN_TABLE = $(if $(wildcard $(DOMAINS_CSV)),$(BUILD)/data/top-domains.pvdt)
# Binaries built here find data in this tree (core/base/datafile.h); the installed one does not.
SRC_DATA_DEFS = -DPYVET_SRCDIR='"$(CURDIR)"' -DPYVET_BUILDDATA='"$(abspath $(BUILD))/data"' \
	-DPYVET_DOMAINS_SRC='"$(abspath $(DOMAINS_CSV))"'
$(BUILD)/core/base/datafile.o: DATA_DEFS = $(SRC_DATA_DEFS)

.PHONY: FORCE all install deps test check-asan clean format-check check-layers reproduce tests-build bench fuzz \
	fuzz-smoke fuzz-long model peers
all: $(PYVET_BIN) tests-build $(DOMAIN_TABLE) $(BUILD)/pyvet.1

deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "make deps: installing$$missing"; \
		SUDO=; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	else echo "make deps: all Debian packages present"; fi

# The commit the binary is built from (scripts/build/version.sh; pyvet never runs git itself).
# Run on every make; the header is rewritten only when the commit or the dirty flag changes.
GEN_VERSION = $(BUILD)/gen/version.h
$(GEN_VERSION): FORCE
	@mkdir -p $(dir $@)
	@scripts/build/version.sh $@ .
$(BUILD)/core/base/toolkit.o: $(GEN_VERSION)
FORCE:

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(FINAL_CFLAGS) -c $< -o $@

$(BUILD)/libpyvet.a: $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(PYVET_BIN): $(BUILD)/pyvet.o $(BUILD)/libpyvet.a
	$(CC) $(FINAL_CFLAGS) $(FINAL_LDFLAGS) -o $@ $< $(BUILD)/libpyvet.a $(LIBS)

$(BUILD)/tests/%: tests/%.c $(BUILD)/tests/harness.o $(BUILD)/libpyvet.a
	@mkdir -p $(dir $@)
	$(CC) $(FINAL_CFLAGS) $(FINAL_LDFLAGS) -o $@ $< $(BUILD)/tests/harness.o $(BUILD)/libpyvet.a $(LIBS)

tests-build: $(TEST_BIN)

$(BUILD)/mkdomaintable: scripts/build/mkdomaintable.c $(BUILD)/libpyvet.a
	$(CC) $(FINAL_CFLAGS) $(FINAL_LDFLAGS) -o $@ $< $(BUILD)/libpyvet.a $(LIBS)

$(BUILD)/data/top-domains.pvdt: $(DOMAINS_CSV) $(BUILD)/mkdomaintable
	@mkdir -p $(dir $@)
	$(BUILD)/mkdomaintable $(DOMAINS_CSV) $@

# The man page, from the commands' own --help texts (scripts/build/manpage.sh).
$(BUILD)/pyvet.1: $(PYVET_BIN) scripts/build/manpage.sh
	scripts/build/manpage.sh ./$(PYVET_BIN) > $@.tmp && mv $@.tmp $@

NPROC := $(shell nproc 2>/dev/null || echo 2)

test: deps
	$(MAKE) -j$(NPROC) all
	BUILD=$(BUILD) PYVET=./$(PYVET_BIN) ./tests/run.sh

ASAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
check-asan: deps
	$(MAKE) -j$(NPROC) BUILD=build-asan OPT="-O1 -g" PYVET_CFLAGS="$(ASAN_FLAGS)" PYVET_LDFLAGS="$(ASAN_FLAGS)" all
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
		PYVET_ASAN=1 BUILD=build-asan PYVET=./build-asan/pyvet ./tests/run.sh

CORPUS ?= ../shared/corpus
# The Debian slice (issue #10; ~560 MB, git-ignored): `make reproduce DEBIAN=1` fetches it first
# (resumable); without it the Debian steps are skipped with a line saying how to fetch it.
DEBIAN ?= 0
DEBIAN_DIR ?= data/debian
reproduce: deps
	$(MAKE) -j$(NPROC) all
ifeq ($(DEBIAN),1)
	scripts/fetch-debian-slice.sh $(DEBIAN_DIR) || \
		echo "make reproduce: the Debian slice fetch reported errors (above); going on"
endif
	./pyvet reproduce --corpus $(CORPUS) --out results --debian $(DEBIAN_DIR); st=$$?; \
		scripts/realworld.sh results/features/realistic results/datasets/realistic/manifest.csv \
			results/realworld || st=4; \
		scripts/beyond.sh results/beyond paper results/features/all \
			results/datasets/paper/manifest.csv realistic results/features/realistic \
			results/datasets/realistic/manifest.csv || st=4; \
		sh scripts/report.sh results paper/report.md || st=4; exit $$st

# The bundled default model (models/default.model, committed, with its card
# models/default.card.json; `pyvet scan` without --model uses it): MODEL_LEARNER on the training
# split of the `realistic` dataset (corpus + Debian slice: DEBIAN_DIR, fetched by
# scripts/fetch-debian-slice.sh) with the feature sets MODEL_SETS, threshold calibrated at
# benign out-of-fold FPR <= MODEL_FPR (scripts/model/build.sh). MODEL_SETS is the combination
# the ablation chose (scripts/beyond.sh: best stacking macro-F1 in grouped CV on `realistic`).
MODEL_SETS ?= T+MCF+pre+behavior+obfuscation+metadata2+yara
MODEL_LEARNER ?= stack
MODEL_FPR ?= 0.001
MODEL_SEED ?= 1
MODEL_STATUS ?= final
model: deps
	$(MAKE) -j$(NPROC) all
	PYVET=./$(PYVET_BIN) CORPUS=$(CORPUS) DEBIAN_DIR=$(DEBIAN_DIR) SETS='$(MODEL_SETS)' \
		LEARNER=$(MODEL_LEARNER) FPR=$(MODEL_FPR) SEED=$(MODEL_SEED) JOBS=$(NPROC) \
		WORK=$(BUILD)/model STATUS=$(MODEL_STATUS) \
		scripts/model/build.sh models/default.model models/default.card.json

# The peer tools packj and GuardDog (issue 13; `pyvet baseline --peer`): ../shared/peers/setup.sh
# apt-installs their Debian dependencies and unpacks the pinned sources into build/peers; the
# three paths it prints, and the launcher folder, go to build/peers/env, which pyvet reads.
PEERS ?= ../shared/peers
peers:
	@if [ ! -x "$(PEERS)/setup.sh" ]; then \
		echo "make peers: '$(PEERS)/setup.sh' not found; peers skipped"; exit 0; fi; \
	mkdir -p build/peers && \
	bash "$(PEERS)/setup.sh" build/peers > build/peers/setup.log 2>&1 || \
		{ echo "make peers: setup.sh failed (see build/peers/setup.log)"; exit 1; }; \
	vars=$$(sed -n 's/^export //p' build/peers/setup.log | tail -n 1 | tr ' ' '\n' | \
		grep -E '^(PACKJ_SRC|GUARDDOG_SRC|PEER_PYDEPS)=/'); \
	[ $$(printf '%s\n' "$$vars" | grep -c =) -eq 3 ] || \
		{ echo "make peers: setup.sh printed no PACKJ_SRC/GUARDDOG_SRC/PEER_PYDEPS"; exit 1; }; \
	{ echo "# written by make peers; read by pyvet baseline --peer"; printf '%s\n' "$$vars"; \
	  echo "PEERS_DIR=$$(cd "$(PEERS)" && pwd -P)"; \
	  echo "PEER_SOURCES=$$(cd "$(PEERS)/src" && ls *.tar.gz | tr '\n' ' ')"; } > build/peers/env.tmp && \
	mv build/peers/env.tmp build/peers/env && echo "make peers: build/peers/env written" && \
	cat build/peers/env

# Benchmarks print ratios measured in one run, never assert times (scripts/bench/*.sh; the whole
# study: scripts/bench/reproduce_time.sh, about ten minutes, not part of `make bench`).
bench: all
	bash scripts/bench/extract_vs_bandit.sh
	bash scripts/bench/protocol_vs_sklearn.sh
	bash scripts/bench/threads.sh
	@if [ -s build/peers/env ]; then bash scripts/bench/peers_timing.sh; \
	else echo "bench: peers_timing skipped (run make peers)"; fi

# libFuzzer targets (tests/fuzz/fuzz_*.c; clang and libclang-rt-14-dev): `make fuzz` builds
# build-fuzz/fuzz_*; `make fuzz-smoke` (CI) runs each FUZZ_SECONDS (60) on seed corpora generated
# at build time (scripts/fuzz/seeds.sh; no sample is committed) and prints executions, coverage and
# crashes (scripts/fuzz/run.sh; table in build-fuzz/fuzz-summary.csv); `make fuzz-long` runs each
# for an hour. Not part of `make test`.
FUZZ_SAN = -fsanitize=address,undefined -fno-omit-frame-pointer
FUZZ_SECONDS ?= 60
fuzz: deps
	$(MAKE) -j$(NPROC) BUILD=build-fuzz CC=clang OPT="-O1 -g" PYVET_CFLAGS="$(FUZZ_SAN) -fsanitize=fuzzer-no-link" \
		PYVET_LDFLAGS="$(FUZZ_SAN)" build-fuzz/libpyvet.a
	for t in tests/fuzz/fuzz_*.c; do \
		clang $(STD) -O1 -g -I. $(PKG_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer -o build-fuzz/$$(basename $$t .c) \
			$$t build-fuzz/libpyvet.a $(LIBS) || exit 1; \
	done

fuzz-smoke: fuzz
	scripts/fuzz/run.sh $(FUZZ_SECONDS)

fuzz-long: fuzz
	scripts/fuzz/run.sh 3600

# Every C file and header the project tracks, in every folder.
FORMAT_SRC = $(shell find core featuresets learners experiments tests scripts -name '*.[ch]') pyvet.c
format-check:
	clang-format --dry-run --Werror $(FORMAT_SRC)

# The layer order of the source tree (scripts/check/layers.sh): no #include runs back up.
check-layers:
	scripts/check/layers.sh

# make install [PREFIX=/usr/local] [DESTDIR=]: the binary (rebuilt with the installed data
# directory compiled in, and without this source tree's paths), the data files, the bundled
# default model and its card, the domain list with its provenance and compiled table, the pip
# gate (scripts/pip-vet) and the man page.
PREFIX ?= /usr/local
BINDIR = $(PREFIX)/bin
DATADIR = $(PREFIX)/share/pyvet
MANDIR = $(PREFIX)/share/man/man1
INSTALL_OBJ = $(filter-out $(BUILD)/core/base/datafile.o,$(LIB_OBJ)) $(BUILD)/install/datafile.o
$(BUILD)/install/datafile.o: core/base/datafile.c FORCE
	@mkdir -p $(dir $@)
	$(CC) $(FINAL_CFLAGS) -DPYVET_DATADIR='"$(DATADIR)"' -c $< -o $@
$(BUILD)/install/pyvet: $(BUILD)/pyvet.o $(INSTALL_OBJ)
	$(CC) $(FINAL_CFLAGS) $(FINAL_LDFLAGS) -o $@ $(BUILD)/pyvet.o $(INSTALL_OBJ) $(LIBS)
install: all $(BUILD)/install/pyvet
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR) $(DESTDIR)$(MANDIR)
	install -m 755 $(BUILD)/install/pyvet $(DESTDIR)$(BINDIR)/pyvet
	# every data file of featuresets/data/, subdirectories included (a feature set's data, see
	# featuresets/featureset.h)
	cd featuresets/data && find . -type d -exec install -d "$(abspath $(DESTDIR))$(DATADIR)/{}" ';' && \
		find . -type f -exec install -m 644 {} "$(abspath $(DESTDIR))$(DATADIR)/{}" ';'
	if [ -n "$(DOMAIN_TABLE)" ]; then \
		install -m 644 $(DOMAINS_CSV) $(DESTDIR)$(DATADIR)/top-domains.csv && \
		install -m 644 $(DOMAIN_TABLE) $(DESTDIR)$(DATADIR)/top-domains.pvdt && \
		install -m 644 docs/top-domains-provenance.md $(DESTDIR)$(DATADIR)/top-domains.README.md; \
	else echo "make install: $(DOMAINS_CSV) not found: no popular-domain list installed" \
		"(pass --domains FILE or set PYVET_DOMAINS)"; fi
	install -m 644 models/default.model $(DESTDIR)$(DATADIR)/default.model
	install -m 644 models/default.card.json $(DESTDIR)$(DATADIR)/default.card.json
	install -m 755 scripts/pip-vet $(DESTDIR)$(BINDIR)/pyvet-pip-vet
	install -m 644 $(BUILD)/pyvet.1 $(DESTDIR)$(MANDIR)/pyvet.1

clean:
	rm -rf build build-asan build-fuzz build-dev pyvet

-include $(DEPS)
