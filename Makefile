# The two commands: `make demo` and `make test`. Each installs missing Debian packages,
# configures with CMake + Ninja, builds, and runs.
BUILD ?= build/dev
PRESET ?= dev
THRUSTC := $(BUILD)/bin/thrustc
JOBS ?= $(shell nproc)

.PHONY: all deps configure build test test-aarch64 demo bench clean

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

demo: build
	@./scripts/demo.sh $(THRUSTC)

bench: deps
	cmake --preset release
	cmake --build build/release -j $(JOBS)
	./bench/run.sh build/release

clean:
	rm -rf build
