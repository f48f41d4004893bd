# The two commands: `make demo` and `make test`. Each installs missing Debian packages,
# configures with CMake + Ninja, builds, and runs.
BUILD ?= build/dev
PRESET ?= dev
THRUSTC := $(BUILD)/bin/thrustc
JOBS ?= $(shell nproc)

.PHONY: all deps configure build test demo bench clean

all: build

deps:
	@./scripts/install-deps.sh

$(BUILD)/build.ninja: | deps
	cmake --preset $(PRESET)

configure: deps $(BUILD)/build.ninja

build: configure
	cmake --build $(BUILD) -j $(JOBS)

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

demo: build
	@./scripts/demo.sh $(THRUSTC)

bench: deps
	cmake --preset release
	cmake --build build/release -j $(JOBS)
	./bench/run.sh build/release

clean:
	rm -rf build
