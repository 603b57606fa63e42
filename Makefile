# The README's two commands: `make run` (install, index the demo corpus, serve) and `make test` (install, run every
# test). The demo corpus is the two seed releases and 400 real CC0 releases (demo/README.md); `make run CORPUS=FILE`
# serves another corpus from its own index folder (index-NAME), so it is never mixed into the demo's.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_CORPUS := seeds demo/press_releases_sample.jsonl.gz
CORPUS ?= $(DEMO_CORPUS)
ifeq ($(CORPUS),$(DEMO_CORPUS))
INDEX ?= index
else
INDEX ?= index-$(basename $(basename $(notdir $(firstword $(CORPUS)))))
endif
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: install run index test test-fast bench bench-speed clean

install: $(STAMP)

# CPU torch first: a bare `torch` requirement resolved on its own pulls a multi-GB CUDA build.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

$(INDEX)/CURRENT: | $(STAMP)
	$(BIN)/announcements index $(CORPUS) --index $(INDEX)

# On an existing index this adds what is new (an index of the seeds alone gains the demo sample).
index: $(STAMP)
	$(BIN)/announcements index $(CORPUS) --index $(INDEX)

run: $(STAMP) $(INDEX)/CURRENT
	$(BIN)/announcements serve --index $(INDEX) --port $(PORT)

# The browser tests drive Debian's chromium through Playwright; `playwright install` (a download) is never used.
test: $(STAMP)
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The fast tier (under a minute): no real spaCy/MiniLM, subprocess, server, browser or ../shared corpus; its small
# indexes are built with the deterministic stand-ins of tests/standins.py. Markers are set in tests/conftest.py.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not model and not system" $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python bench/bench_index_search.py $(BENCH_ARGS)

# Issue 6's numbers: full-corpus build stages, 200-query latency per mode, RSS, tantivy as the keyword reference.
bench-speed: $(STAMP)
	$(BIN)/pip install --quiet -e ".[bench]"
	$(BIN)/python bench/bench_speed.py --index $(or $(BENCH_INDEX),index-full) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(INDEX) .pytest_cache
