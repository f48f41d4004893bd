# The two commands: `make demo` and `make test`. Each installs missing Debian packages,
# configures with CMake + Ninja, builds, and runs.
BUILD ?= build/dev
PRESET ?= dev
THRUSTC := $(BUILD)/bin/thrustc
JOBS ?= $(shell nproc)

.PHONY: all deps configure build test test-aarch64 test-asan fuzz fuzz-targets demo bench clean

all: build

deps:
	@./scripts/install-deps.sh

$(BUILD)/build.ninja: | deps
	cmake --preset $(PRESET)

configure: deps $(BUILD)/build.ninja

build: configure
	cmake --build $(BUILD) -j $(JOBS)

# Both targets of the compile-time JIT, every run: the host build's suite, then the AArch64 one.
test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)
	@$(MAKE) --no-print-directory test-aarch64

# The compile-time path cross-built for AArch64 (preset aarch64: no LLVM backend, no libclang),
# its whole suite run under qemu-aarch64-static. install-deps.sh installs the cross toolchain.
A64_BUILD := build/aarch64
$(A64_BUILD)/build.ninja: | deps
	cmake --preset aarch64

test-aarch64: deps $(A64_BUILD)/build.ninja
	cmake --build $(A64_BUILD) -j $(JOBS)
	ctest --test-dir $(A64_BUILD) --output-on-failure -j $(JOBS)

# The whole host suite under AddressSanitizer + UBSan (preset asan-ubsan).
ASAN_BUILD := build/asan-ubsan
$(ASAN_BUILD)/build.ninja: | deps
	cmake --preset asan-ubsan

test-asan: deps $(ASAN_BUILD)/build.ninja
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)

# Differential fuzzing with the program generator for MINUTES minutes on every core
# (tests/fuzz/README.md); findings are saved under build/fuzz-findings/.
MINUTES ?= 10
fuzz: build
	python3 tests/fuzz/fuzz.py --thrustc $(THRUSTC) --minutes $(MINUTES) --jobs $(JOBS) --out build/fuzz-findings \
	  $(if $(CPU_MINUTES),--cpu-minutes $(CPU_MINUTES))

# The libFuzzer targets (preset fuzz: clang-19, -fsanitize=fuzzer,address,undefined), each for
# MINUTES minutes, as many at once as there are cores; crashes are saved under build/fuzz/findings/.
FUZZ_BUILD := build/fuzz
$(FUZZ_BUILD)/build.ninja: | deps
	cmake --preset fuzz

fuzz-targets: deps $(FUZZ_BUILD)/build.ninja
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	./tests/fuzz/targets/run.sh $(FUZZ_BUILD) $(MINUTES) $(JOBS)

demo: build
	@./scripts/demo.sh $(THRUSTC)

bench: deps
	cmake --preset release
	cmake --build build/release -j $(JOBS)
	./bench/run.sh build/release

clean:
	rm -rf build
