# decnet — the two commands: `make run` and `make test` (see README.md).
BUILD     ?= build
WERROR    ?= ON
JOBS      ?= $(shell nproc)
FUZZ_SECONDS ?= 60
SOAK_SECONDS ?= 600
SOAK_CONNECTIONS ?= 10000
CMAKE_ARGS ?=

.PHONY: all deps configure build run test faults test-asan test-tsan bench soak fuzz fuzz-long format clean

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

# The fault-injection tests (tests/integration/cli_faults_test.cpp, docs/HARDENING.md) with
# the syslog target and MariaDB down for FAULT_OUTAGE_SECONDS (180) instead of make test's 20 s.
FAULT_OUTAGE_SECONDS ?= 180
faults: deps configure
	@ninja -C $(BUILD) -j $(JOBS) decnet integration_tests
	@DECNET_FAULT_OUTAGE_SECONDS=$(FAULT_OUTAGE_SECONDS) ./$(BUILD)/tests/integration_tests \
	  --gtest_filter='CliFaults.*'

# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer (own build dir; not
# part of CI's budget). Any report fails the run.
test-asan: deps
	@cmake -S . -B build-asan -G Ninja -DDECNET_WERROR=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
	  -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
	  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
	@ninja -C build-asan -j $(JOBS)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir build-asan --output-on-failure -j $(JOBS) --timeout 1800

# The concurrent parts (event bus, ingester, stream hub, crypto pool, runtime, intel
# workers) under ThreadSanitizer: their unit suites.
test-tsan: deps
	@cmake -S . -B build-tsan -G Ninja -DDECNET_WERROR=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
	  -DCMAKE_CXX_FLAGS="-fsanitize=thread -fno-omit-frame-pointer" \
	  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" >/dev/null
	@ninja -C build-tsan -j $(JOBS) unit_events unit_store unit_api unit_honeypot unit_intel
	@TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
	  ctest --test-dir build-tsan --output-on-failure -j $(JOBS) --timeout 1800 \
	  -R '^(EventBus|Ingester|IngesterTrace|StreamHubTest|StreamHttpTest|CryptoPool|Runtime[A-Za-z]*|LiveSessions|Profiler|SnifferEngine|SqliteConcurrency|SinkRunner|SyslogForwarder|SingleFlightCache|ResponseCache|FastAnswers|FastAnswersHttpTest|ReadHttpTest|ArtifactStoreTest)\.'

bench: deps
	@scripts/install-deps.sh --bench
	@cmake -S . -B $(BUILD) -G Ninja -DDECNET_WERROR=$(WERROR) -DDECNET_BUILD_BENCH=ON >/dev/null
	@ninja -C $(BUILD) -j $(JOBS)
	@scripts/run-benchmarks.sh $(BUILD)

# The soak (issue #21, docs/HARDENING.md): `decnet up` with 50 deckies under SOAK_CONNECTIONS
# attacker connections, API reads, 200 live streams and a probe for SOAK_SECONDS; fails when
# events are lost or duplicated, memory or descriptors grow, errors are logged, the probe
# slows down or a stream drops.
soak: deps
	@scripts/install-deps.sh --bench
	@cmake -S . -B $(BUILD) -G Ninja -DDECNET_WERROR=$(WERROR) -DDECNET_BUILD_BENCH=ON >/dev/null
	@ninja -C $(BUILD) -j $(JOBS) decnet soak_bench
	@SOAK_SECONDS=$(SOAK_SECONDS) SOAK_CONNECTIONS=$(SOAK_CONNECTIONS) $(BUILD)/bench/soak_bench

# UBSan's `function` check is left out: Debian's clang 14 cannot emit it for some
# coroutines ("Cannot represent a difference across sections", src/events/relp_session.cpp).
fuzz: deps
	@cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DDECNET_BUILD_FUZZ=ON \
	  -DDECNET_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=Release \
	  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize=function" >/dev/null
	@ninja -C build-fuzz -j $(JOBS) $$(ninja -C build-fuzz -t targets all 2>/dev/null | grep -o "^fuzz_[a-z0-9_]*" | sort -u)
	@scripts/run-fuzzers.sh build-fuzz $(FUZZ_SECONDS)

# Every fuzz target to at least 10 million executions (hours on 2 cores).
fuzz-long:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=long

format:
	@find src tests bench -name '*.[ch]pp' | xargs clang-format -i

clean:
	rm -rf $(BUILD) build-fuzz build-asan build-tsan
