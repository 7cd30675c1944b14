# Two commands for a newcomer:
#   make demo   set up, then run the module end to end against a local AWS emulator
#               (make demo KEEP=1 leaves it running and prints ecs-events commands to try)
#   make test   set up, then run the whole test suite (what CI runs)
# and one habit for contributors:
#   make lint   the quick checks .pre-commit-config.yaml runs before each commit
PYTHON ?= python3
VENV := .venv
CHECKOV_VENV := .venv-checkov
CHECKOV_VERSION := 3.3.30
# dynalite checks the benchmarks' billing rules (tests/functional/test_units_against_dynalite.py);
# it needs Node.js 20+ and npm, and those tests are skipped, saying so, where it is absent.
DYNALITE := tools/dynalite/node_modules/.installed
NPM := $(shell command -v npm 2>/dev/null)
# The demo needs only the package, moto's server and the Terraform runner (the demo extra).
# Where the development environment exists already, it has all of that: use it.
DEMO_VENV := $(if $(wildcard $(VENV)/.installed),$(VENV),.venv-demo)
PYTHON_TREES := lambda_src cli tests tools benchmarks
# Where hashicorp/aws lies in a filesystem mirror, use it (as the tests do); else the registry.
TF_MIRROR := $(if $(wildcard /opt/tf-plugins),TF_CLI_CONFIG_FILE=$(CURDIR)/terraform-mirror.tfrc)

.PHONY: setup test demo package clean lint lint-python lint-terraform lint-docs

setup: $(VENV)/.installed $(CHECKOV_VENV)/.installed $(if $(NPM),$(DYNALITE))

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

$(DYNALITE): tools/dynalite/package-lock.json
	npm ci --prefix tools/dynalite --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

test: setup
	CHECKOV_BIN=$(CHECKOV_VENV)/bin/checkov $(VENV)/bin/python -m pytest

# The same commands as the hooks in .pre-commit-config.yaml, which call these targets.
lint: lint-python lint-terraform lint-docs

lint-python:
	@test -x $(VENV)/bin/ruff || { echo "make lint needs the development environment: run make setup" >&2; exit 1; }
	$(VENV)/bin/ruff check $(PYTHON_TREES)
	$(VENV)/bin/ruff format --check $(PYTHON_TREES)

# validate needs an init; its working data goes to a temporary folder, not the checkout.
lint-terraform:
	terraform fmt -check -recursive
	@data=$$(mktemp -d) && trap 'rm -rf "$$data"' EXIT && \
	  TF_DATA_DIR="$$data" $(TF_MIRROR) terraform init -backend=false -input=false -no-color >/dev/null && \
	  TF_DATA_DIR="$$data" $(TF_MIRROR) terraform validate -no-color

# The README tables, version pins, stated counts and links (tests/test_docs.py and friends).
lint-docs:
	@test -x $(VENV)/bin/python || { echo "make lint needs the development environment: run make setup" >&2; exit 1; }
	$(VENV)/bin/python -m pytest -q -p no:cacheprovider tests/test_docs.py tests/unit/test_readme.py tests/test_release.py

.venv-demo/.installed: pyproject.toml
	@echo "Installing what the demo needs into .venv-demo: boto3, moto's server, the ecs-events CLI."
	@echo "About a minute, once (66 s measured on a shared 2-core machine, warm pip cache); pip lists each package."
	$(PYTHON) -m venv .venv-demo
	.venv-demo/bin/pip install --quiet --upgrade pip
	.venv-demo/bin/pip install --progress-bar on -e '.[demo]' | grep -E '^(Collecting|Successfully)' || true
	.venv-demo/bin/python -c "import moto.server, python_terraform, ecs_events_cli"
	touch $@

demo: $(DEMO_VENV)/.installed
	$(DEMO_VENV)/bin/python -m tools.demo $(if $(KEEP),--keep)

package: $(VENV)/.installed
	$(VENV)/bin/python -m tools.package_lambda

clean:
	rm -rf $(VENV) .venv-demo $(CHECKOV_VENV) tools/dynalite/node_modules .pytest_cache .mypy_cache .ruff_cache .hypothesis
