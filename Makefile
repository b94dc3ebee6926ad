# The two entry points of the README. Both install missing Debian packages first.
.PHONY: run test test-arm64 deps release asan bench clean fuzz fuzz-build fuzz-smoke oracle

deps:
	scripts/install-deps

# ccache (installed by install-deps) makes rebuilds of the three presets cheap; paths are
# taken relative to the checkout, so any clone of the tree shares one cache.
CCACHE := $(shell command -v ccache 2>/dev/null)
LAUNCHER := $(if $(CCACHE),-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
export CCACHE_BASEDIR := $(CURDIR)
# The debug presets (asan, fuzz) compile with -g, and ccache would then key objects on the
# build folder's absolute path: a fresh clone elsewhere would rebuild them all.
export CCACHE_NOHASHDIR := 1

release: deps
	cmake --preset release $(LAUNCHER)
	cmake --build --preset release

# The main job, then its figures (the report's path is printed last).
run: release
	./build/release/edgebench run
	./build/release/edgebench report

# Unit and CLI tests, in the release build and again under ASan + UBSan; then a short
# fuzzing run of every fuzz target; then the ARM64 leg.
test: release
	ctest --preset release -j2 -LE oracle
	cmake --preset asan $(LAUNCHER)
	cmake --build --preset asan
	ctest --preset asan -LE slow -j2
	$(MAKE) fuzz-smoke
	$(MAKE) test-arm64

# The core and its fast unit tests cross-built for aarch64 and run under qemu-aarch64, then
# one emulated `edgebench run` (scripts/arm64-tests; skipped where qemu or the cross
# compiler is missing). ARM64_TESTS=0 leaves it out.
ARM64_TESTS ?= 1
test-arm64: deps
ifeq ($(ARM64_TESTS),0)
	@echo "arm64 tests skipped (ARM64_TESTS=0)"
else
	scripts/arm64-tests
endif

# libFuzzer targets (fuzz/README.md), built with clang in build/fuzz. `make fuzz` runs each
# for FUZZ_SECONDS; `make fuzz-smoke` (part of `make test`) for FUZZ_SMOKE_SECONDS. Both
# first replay fuzz/regressions/, and fail on any crash, leak or sanitizer report. The
# smoke run adds about 5 minutes to `make test` on 2 cores (3 to build, 2 to fuzz at 15 s a target).
FUZZ_SECONDS ?= 600
FUZZ_SMOKE_SECONDS ?= 15

fuzz-build: release
	cmake --preset fuzz $(LAUNCHER)
	cmake --build --preset fuzz

fuzz: fuzz-build
	fuzz/run $(FUZZ_SECONDS)

fuzz-smoke: fuzz-build
	fuzz/run $(FUZZ_SMOKE_SECONDS)

# The long checks against other engines, kept out of `make test` so that stays under half
# an hour on two cores: PyTorch on ten torchvision models (about 7 minutes here), Darknet's
# own per-layer BFLOPs and forward pass over every Debian cfg edgebench imports (5).
oracle: release
	ctest --preset release -L oracle -j2 --output-on-failure

bench: release
	./build/release/bench/edgebench_bench

clean:
	rm -rf build
