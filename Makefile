# saman: `make demo` installs everything and shows a search; `make test` runs the suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
KB ?= saman.db
# Debian packages the pipeline and its tests need (OCR, legacy Office, word lists, browser tests).
APT_PACKAGES := tesseract-ocr tesseract-ocr-nor tesseract-ocr-eng libreoffice-impress \
	libreoffice-writer wnorwegian chromium chromium-driver poppler-utils fonts-dejavu-core \
	fonts-crosextra-carlito fonts-crosextra-caladea fonts-liberation2

.PHONY: setup system demo test bench lock corpus clean

system:
	@missing=$$(for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:" $$missing; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $@

setup: system $(VENV)/.installed

demo: setup
	$(BIN)/saman ingest corpus/ --kb $(KB)
	$(BIN)/saman embed --kb $(KB)
	$(BIN)/saman search "langvakter" --kb $(KB)

test: setup
	$(BIN)/python -m pytest -n 2 -q

bench: setup
	$(BIN)/python -m bench

corpus: setup
	$(BIN)/python corpus/build.py

# Re-pin requirements.lock from pyproject.toml (run after changing a dependency).
lock:
	rm -rf /tmp/saman-lock && $(PYTHON) -m venv /tmp/saman-lock
	/tmp/saman-lock/bin/pip install -q ".[dev]"
	/tmp/saman-lock/bin/pip freeze --exclude saman > requirements.lock

clean:
	rm -rf $(VENV) .prefect saman.db saman.db-* .pytest_cache
