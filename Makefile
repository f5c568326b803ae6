# Haven: two commands on a fresh machine.
#   make run    set up everything and start Haven with demo data
#   make test   the whole suite and lint
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test lint format migrations messages browser-deps bench bench-index bench-hashing bench-chat bench-access bench-access-text clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Haven needs $(PYTHON)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

run: $(STAMP)
	HAVEN_DEMO_MODE=true $(BIN)/haven run --demo

test: $(STAMP) lint browser-deps
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check haven benchmarks
	$(BIN)/ruff format --check haven benchmarks
	$(BIN)/mypy haven
	HAVEN_DATA_DIR=$$(mktemp -d) $(BIN)/haven makemigrations --check --dry-run
	$(BIN)/python scripts/check_translations.py

format: $(STAMP)
	$(BIN)/ruff format haven benchmarks
	$(BIN)/ruff check --fix haven benchmarks

# Browser tests drive Debian's Chromium; install it when we can, else they skip.
browser-deps:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "chromium not installed: browser tests will be skipped"; }

messages: $(STAMP)
	cd haven && ../$(BIN)/haven makemessages -l fr -l es -l hi --no-obsolete && ../$(BIN)/haven compilemessages

bench: $(STAMP)
	$(BIN)/python benchmarks/api_submit.py

bench-index: $(STAMP)
	$(BIN)/python benchmarks/pdq_index.py

bench-hashing: $(STAMP)
	$(BIN)/python benchmarks/hashing.py

bench-chat: $(STAMP)
	$(BIN)/python benchmarks/chat_load.py

bench-access-text: $(STAMP)
	$(BIN)/python benchmarks/access_text_worst.py

bench-access: $(STAMP)
	$(BIN)/python benchmarks/access_decisions.py

clean:
	rm -rf $(VENV) var
