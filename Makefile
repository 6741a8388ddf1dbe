# pyvet: one non-recursive Makefile (style.md 2.15). `make deps` installs the Debian packages,
# `make` builds ./pyvet, `make test` runs every unit and end-to-end test, `make check-asan` runs the
# same suite under AddressSanitizer and UBSan, `make reproduce` reruns the study into results/
# (`make reproduce DEBIAN=1` also fetches the Debian slice and runs the Debian steps).

DEBIAN_PACKAGES = build-essential pkg-config libgsl-dev libopenblas-dev libcsv-dev libsvm-dev \
	liblinear-dev libcjson-dev libarchive-dev libpsl-dev libunistring-dev nettle-dev bandit gnuplot-nox \
	python3-sklearn python3-jsonschema zip unzip xz-utils bzip2 binutils git

CC ?= cc
PKGS = gsl libcjson libarchive libpsl openblas nettle
STD = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
WARN = -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wwrite-strings -Wformat=2 -Wvla -fno-common
ifeq ($(DEVELOPER),1)
WARN += -Werror -Wconversion -Wdouble-promotion
endif
OPT ?= -O2 -g
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --define-variable=GSL_CBLAS_LIB=-lopenblas --libs $(PKGS) 2>/dev/null)
LIBS = $(PKG_LIBS) -lsvm -llinear -lcsv -lunistring -lpthread -lm
FINAL_CFLAGS = $(STD) $(WARN) $(OPT) -I. -I$(BUILD) $(PKG_CFLAGS) -MMD -MP $(CFLAGS) $(PYVET_CFLAGS)
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

.PHONY: FORCE all deps test check-asan clean format-check check-layers reproduce tests-build bench fuzz
all: $(PYVET_BIN) tests-build

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

NPROC := $(shell nproc 2>/dev/null || echo 2)

test: deps
	$(MAKE) -j$(NPROC) all
	BUILD=$(BUILD) PYVET=./$(PYVET_BIN) ./tests/run.sh

ASAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
check-asan: deps
	$(MAKE) -j$(NPROC) BUILD=build-asan OPT="-O1 -g" PYVET_CFLAGS="$(ASAN_FLAGS)" PYVET_LDFLAGS="$(ASAN_FLAGS)" all
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
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
		sh scripts/report.sh results paper/report.md || st=4; exit $$st

bench: all
	bash scripts/bench/extract_vs_bandit.sh
	bash scripts/bench/protocol_vs_sklearn.sh

# libFuzzer targets (tests/fuzz/fuzz_*.c; clang): `make fuzz` builds build-fuzz/fuzz_*; run e.g.
# `build-fuzz/fuzz_pkgfs -max_total_time=60 CORPUSDIR`. Not part of `make test`.
FUZZ_SAN = -fsanitize=address,undefined -fno-omit-frame-pointer
fuzz:
	$(MAKE) BUILD=build-fuzz CC=clang OPT="-O1 -g" PYVET_CFLAGS="$(FUZZ_SAN) -fsanitize=fuzzer-no-link" \
		PYVET_LDFLAGS="$(FUZZ_SAN)" build-fuzz/libpyvet.a
	for t in tests/fuzz/fuzz_*.c; do \
		clang $(STD) $(OPT) -g -I. $(PKG_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer -o build-fuzz/$$(basename $$t .c) \
			$$t build-fuzz/libpyvet.a $(LIBS) || exit 1; \
	done

# Every C file and header the project tracks, in every folder.
FORMAT_SRC = $(shell find core featuresets learners experiments tests scripts -name '*.[ch]') pyvet.c
format-check:
	clang-format --dry-run --Werror $(FORMAT_SRC)

# The layer order of the source tree (scripts/check/layers.sh): no #include runs back up.
check-layers:
	scripts/check/layers.sh

clean:
	rm -rf build build-asan build-fuzz pyvet

-include $(DEPS)
