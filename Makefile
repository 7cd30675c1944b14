# Two commands for a newcomer:
#   make demo   set up, then run the module end to end against a local AWS emulator
#   make test   set up, then run the whole test suite (what CI runs)
PYTHON ?= python3
VENV := .venv
CHECKOV_VENV := .venv-checkov
CHECKOV_VERSION := 3.3.30

.PHONY: setup test demo package clean

setup: $(VENV)/.installed $(CHECKOV_VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

# checkov pins an old boto3, so it lives in an environment of its own.
$(CHECKOV_VENV)/.installed:
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/pip install --quiet 'checkov==$(CHECKOV_VERSION)'
	touch $@

test: setup
	CHECKOV_BIN=$(CHECKOV_VENV)/bin/checkov $(VENV)/bin/python -m pytest

demo: $(VENV)/.installed
	$(VENV)/bin/python -m tools.demo

package: $(VENV)/.installed
	$(VENV)/bin/python -m tools.package_lambda

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
