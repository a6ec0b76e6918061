# OmniCore: `make run` to use it, `make test` to check it. Python 3.11+ is all a machine needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install services-start services-stop migrate seed clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m config.devservices run

test: $(STAMP)
	$(BIN)/ruff check .
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m config.devservices test $(PYTEST_ARGS)

services-start: $(STAMP)
	$(BIN)/python -m config.devservices start

services-stop: $(STAMP)
	$(BIN)/python -m config.devservices stop

clean:
	-$(BIN)/python -m config.devservices stop
	rm -rf $(VENV) .data staticfiles
