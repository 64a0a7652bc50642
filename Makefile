# Deephys developer commands. The README's quick start uses `make demo` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PROTO := proto/deephys/v1/deephys.proto
ES_PLUGIN := viewer/node_modules/.bin/protoc-gen-es

.PHONY: setup setup-demo test-prerequisites setup-viewer proto viewer viewer-build demo test lint corpus fixtures bench bench-viewer screenshots clean

$(PY):
	python3 -m venv $(VENV)

setup: $(PY)
	$(PY) -m pip install -q -r requirements-dev.txt

# Only what the demo needs (the package, PyTorch, scikit-learn): not the development stack.
setup-demo: $(PY)
	$(PY) -m pip install -q -r requirements-demo.txt

setup-viewer:
	cd viewer && npm ci --no-audit --no-fund --loglevel=error

# Regenerate the committed Python and TypeScript code from the .proto (offline).
proto:
	$(PY) -m grpc_tools.protoc -Iproto \
	  --python_out=python/deephys/_generated --pyi_out=python/deephys/_generated \
	  --plugin=protoc-gen-es=$(ES_PLUGIN) --es_out=viewer/src/generated --es_opt=target=ts \
	  $(PROTO)

# Build the single-file viewer into viewer/dist (what the tests use).
viewer-build:
	cd viewer && npm run --silent build

# Build it and copy it into the Python package (committed, so a wheel needs no Node;
# a test fails when the committed copy differs from a fresh build).
viewer: viewer-build
	cp viewer/dist/index.html python/deephys/_viewer/deephys-viewer.html

# The main job: train the Colored MNIST CNN, export ID + 3 shifts, open the viewer. The file goes to
# build/demo (git-ignored); a second demo running meanwhile writes colored-mnist-torch-2.deephys.
demo: setup-demo
	$(VENV)/bin/deephys demo --out build/demo

# What `make test` needs besides Python, checked before minutes of set-up: Node.js and Chromium (the
# browser tests; installed here when run as root, as CI does).
test-prerequisites:
	@command -v node >/dev/null && command -v npm >/dev/null || { echo "make test needs Node.js 20+ and npm: install them (e.g. 'sudo apt-get install nodejs npm') and run make test again" >&2; exit 1; }
	@bash .ci/install-browser
	@command -v chromium >/dev/null || { echo "make test needs Chromium for the browser tests: install it with 'sudo apt-get install chromium' and run make test again" >&2; exit 1; }

test: test-prerequisites setup setup-viewer viewer-build
	bash .ci/install-browser
	bash .ci/lint
	bash .ci/test

# Lint and types: ruff (lint, format), mypy, the viewer's tsc, and the import layering of both (ARCHITECTURE.md).
lint: setup setup-viewer
	bash .ci/lint

# Regenerate the shared hostile corpus (tests/corpus/hostile) and the viewer's unit-test fixtures.
corpus: setup
	$(PY) tests/format/make_malicious.py

fixtures: setup setup-viewer
	cd viewer && npm run --silent fixtures

# Benchmarks print ratios against a baseline measured in the same run (they are not tests).
bench: setup
	$(PY) bench/vs_original.py
	$(PY) bench/export_overhead.py
	$(PY) bench/format_scale.py
	$(PY) bench/many_datasets.py
	$(PY) bench/findings_scale.py
	$(PY) bench/matching_scale.py

# The viewer in Chromium: open time, unit-switch latency and heap on a CIFAR- and an ImageNet-scale file.
bench-viewer: setup setup-viewer
	cd viewer && npm run --silent bench

# Refresh the README's screenshots (the demo file in the real browser, via the e2e test that makes them).
screenshots: setup setup-viewer viewer-build
	cd viewer && DEEPHYS_SCREENSHOTS=$(CURDIR)/docs/screenshots npx vitest run --config vitest.e2e.config.ts e2e/readme-screenshots.test.ts

clean:
	rm -rf build dist viewer/dist .pytest_cache
