# Top-level entry points (see README.md). CMake does the real work underneath.
#   make          build the library, build/chorus and build/chorus-synth
#   make run      install dependencies (Debian 12, apt-get), build, generate the example
#                 scenario and run chorus on it
#   make test     install dependencies, build, run every test (ctest), then rebuild under
#                 AddressSanitizer + UndefinedBehaviorSanitizer and run them again, then run
#                 each fuzz target for a bounded time
#   make bench    run the benchmarks (bench/)
#   make python   build the Python module (python/, docs/python.md) and install it for
#                 Debian's /usr/bin/python3 (user site-packages, or PYTHON_DIR=...)
#   make notebook execute the example notebook docs/example.ipynb again, in place
#   make clean    remove build directories

BUILD      ?= build
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 10
EXAMPLE    ?= $(BUILD)/example

.PHONY: all deps deps-test build build-quiet run test test-fast test-asan test-fuzz bench python notebook clean

all: build

deps:
	@bash scripts/setup-deps.sh

# The tests also render the report in headless Chromium.
deps-test:
	@CHORUS_WITH_BROWSER=1 bash scripts/setup-deps.sh

build:
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release > /dev/null
	@cmake --build $(BUILD) -j $(JOBS)

# `make run` shows the answer, not the build: the compiler's output goes to a log, shown
# (its end) only when the build fails.
build-quiet:
	@mkdir -p $(BUILD)
	@echo "building chorus (log: $(BUILD)/build.log) ..."
	@{ cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release && \
	   cmake --build $(BUILD) -j $(JOBS); } > $(BUILD)/build.log 2>&1 || \
	 { tail -n 40 $(BUILD)/build.log; echo "build failed: see $(BUILD)/build.log"; exit 1; }

run: deps build-quiet
	@bash scripts/run-example.sh $(BUILD) $(EXAMPLE)

test: deps-test build test-fast test-asan test-fuzz

test-fast: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan:
	@cmake -S . -B $(BUILD)-asan -DCMAKE_BUILD_TYPE=Debug -DCHORUS_SANITIZE=ON > /dev/null
	@cmake --build $(BUILD)-asan -j $(JOBS)
	cd $(BUILD)-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		ctest --output-on-failure -j $(JOBS)

test-fuzz:
	@cmake -S . -B $(BUILD)-fuzz -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang \
		-DCMAKE_CXX_COMPILER=clang++ -DCHORUS_FUZZ=ON -DCHORUS_FUZZ_SECONDS=$(FUZZ_SECONDS) > /dev/null
	@cmake --build $(BUILD)-fuzz -j $(JOBS)
	cd $(BUILD)-fuzz && ctest --output-on-failure -j $(JOBS) -L fuzz

bench: deps build
	@bash scripts/bench.sh $(BUILD)

PYTHON     ?= /usr/bin/python3
PYTHON_DIR ?= $(shell $(PYTHON) -m site --user-site 2>/dev/null)

# The module is built with the library (build/python/chorus); this copies it where
# $(PYTHON) finds it without PYTHONPATH. No network.
python: deps build
	@test -f $(BUILD)/python/chorus/__init__.py || \
		{ echo "python: the module was not built (is python3-cffi installed?)" >&2; exit 1; }
	@mkdir -p "$(PYTHON_DIR)" && rm -rf "$(PYTHON_DIR)/chorus" && \
		cp -r $(BUILD)/python/chorus "$(PYTHON_DIR)/chorus" && rm -f "$(PYTHON_DIR)/chorus/.built"
	@echo "python: chorus installed in $(PYTHON_DIR) for $(PYTHON)"

notebook: deps build
	@$(PYTHON) tools/notebook/make_example.py docs/example.ipynb
	@cd docs && PYTHONPATH=$(abspath $(BUILD))/python CHORUS_SYNTH=$(abspath $(BUILD))/chorus-synth \
		PYDEVD_DISABLE_FILE_VALIDATION=1 $(PYTHON) -Xfrozen_modules=off -m nbconvert \
		--to notebook --execute --inplace example.ipynb

clean:
	rm -rf $(BUILD) $(BUILD)-asan $(BUILD)-fuzz
