# Deephys developer commands. The README's quick start uses `make demo` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PROTO := proto/deephys/v1/deephys.proto
ES_PLUGIN := viewer/node_modules/.bin/protoc-gen-es

.PHONY: setup setup-viewer proto viewer demo test test-python test-viewer bench clean

$(PY):
	python3 -m venv $(VENV)

setup: $(PY)
	$(PY) -m pip install -q -r requirements-dev.txt

setup-viewer:
	cd viewer && npm ci --no-audit --no-fund

# Regenerate the committed Python and TypeScript code from the .proto (offline).
proto:
	$(PY) -m grpc_tools.protoc -Iproto \
	  --python_out=python/deephys/_generated --pyi_out=python/deephys/_generated \
	  --plugin=protoc-gen-es=$(ES_PLUGIN) --es_out=viewer/src/generated --es_opt=target=ts \
	  $(PROTO)

# Build the single-file viewer and copy it into the Python package.
viewer:
	cd viewer && npm run build
	cp viewer/dist/index.html python/deephys/_viewer/deephys-viewer.html

demo: setup
	$(PY) -m deephys.cli sample --out sample.deephys
	$(VENV)/bin/deephys info sample.deephys

test: setup setup-viewer
	bash .ci/test

bench: setup
	$(PY) bench/format_scale.py
	$(PY) bench/vs_original.py

clean:
	rm -rf build dist viewer/dist .pytest_cache
