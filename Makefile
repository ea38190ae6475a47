# decnet — the two commands: `make run` and `make test` (see README.md).
BUILD     ?= build
WERROR    ?= ON
JOBS      ?= $(shell nproc)
FUZZ_SECONDS ?= 60
CMAKE_ARGS ?=

.PHONY: all deps configure build run test bench fuzz format clean

all: build

deps:
	@scripts/install-deps.sh

configure:
	@cmake -S . -B $(BUILD) -G Ninja -DDECNET_WERROR=$(WERROR) $(CMAKE_ARGS) >/dev/null

build: configure
	@ninja -C $(BUILD) -j $(JOBS)
	@scripts/build-web.sh

run: deps build
	./$(BUILD)/decnet up

test: deps build
	@ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS) --timeout 600

bench: deps
	@scripts/install-deps.sh --bench
	@cmake -S . -B $(BUILD) -G Ninja -DDECNET_WERROR=$(WERROR) -DDECNET_BUILD_BENCH=ON >/dev/null
	@ninja -C $(BUILD) -j $(JOBS)
	@scripts/run-benchmarks.sh $(BUILD)

fuzz: deps
	@cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DDECNET_BUILD_FUZZ=ON \
	  -DDECNET_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=Release \
	  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined" >/dev/null
	@ninja -C build-fuzz -j $(JOBS) $$(ninja -C build-fuzz -t targets all 2>/dev/null | grep -o "^fuzz_[a-z0-9_]*" | sort -u)
	@scripts/run-fuzzers.sh build-fuzz $(FUZZ_SECONDS)

format:
	@find src tests bench -name '*.[ch]pp' | xargs clang-format -i

clean:
	rm -rf $(BUILD) build-fuzz
