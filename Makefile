# ta-analysis: `make help` lists the targets. The two commands a newcomer needs:
#   make report   clean, analyse and render the bundled sample
#   make test     run every test
# Both create .venv with the machine's python3 on first use, install the exact versions of
# requirements.lock (hash-checked), and reinstall only when it or pyproject.toml changes.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SAMPLE := data/raw/sample/intake_export_sample.csv
EXPORT ?= $(SAMPLE)
COMPLAINTS_SAMPLE := data/raw/sample/cfpb_complaints_sample.csv
PROCESSED := data/processed
SAMPLE_SEED := 20231
SAMPLE_ROWS := 5000

.DEFAULT_GOAL := help
.PHONY: help install chromium lock report clean-data test lab bench sample notebooks

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@# jupyterlab pulls in rfc3987-syntax, which nothing here needs and which slows every kernel start
	$(BIN)/python -m pip uninstall --quiet --yes rfc3987-syntax
	touch $(STAMP)

install: $(STAMP) ## create .venv and install the project (done by every target that needs it)

# The browser test opens the reports in Debian's chromium (never a downloaded browser); installed
# here when missing and this is a Debian machine run as root, else the test says why it is skipped.
chromium: ## install Debian's chromium for the browser test when it is missing (apt-get, as root)
	@command -v chromium >/dev/null 2>&1 || { \
		if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
			echo "installing Debian's chromium for the browser test (apt-get) ..."; \
			apt-get install -y -qq chromium >/dev/null 2>&1 || \
			{ apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq chromium >/dev/null 2>&1; } || \
			echo "make: apt-get could not install chromium; the browser test will be skipped"; \
		else echo "make: chromium is missing and cannot be installed here (needs apt-get as root); the browser test will be skipped"; fi; }

lock: $(STAMP) ## re-resolve requirements.lock from pyproject.toml (exact versions, with hashes)
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --extra test --strip-extras --generate-hashes --allow-unsafe \
		-o requirements.lock pyproject.toml

report: clean-data ## clean, analyse and render the bundled sample, or EXPORT=file [MAPPING=toml] [COMPLAINTS=file] [CAPTION=text] (data/processed/, reports/)
	$(BIN)/ta-analysis report --processed $(PROCESSED) --out reports $(if $(CAPTION),--caption "$(CAPTION)")
	$(BIN)/ta-analysis summary --processed $(PROCESSED)

# The synthetic complaint sample goes with the synthetic intake sample only: a real EXPORT is
# reported with the complaint export given as COMPLAINTS, or with none (`report` then leaves the
# complaint report out, and never shows synthetic complaints beside a real intake).
clean-data: $(STAMP) ## clean the intake export (EXPORT, default the sample) and its complaints into data/processed/
	$(BIN)/ta-analysis clean $(EXPORT) --out $(PROCESSED) $(if $(MAPPING),--mapping $(MAPPING))
	@if [ -n "$(COMPLAINTS)" ]; then \
		$(BIN)/ta-analysis complaints $(COMPLAINTS) --out $(PROCESSED)/complaints --intake $(PROCESSED); \
	elif [ "$(EXPORT)" = "$(SAMPLE)" ]; then \
		$(BIN)/ta-analysis complaints $(COMPLAINTS_SAMPLE) --out $(PROCESSED)/complaints --intake $(PROCESSED); \
	fi

test: $(STAMP) chromium ## run every test, and nbval over the committed notebooks (in temporary folders: data/processed/ and reports/ are never touched)
	$(BIN)/python -m pytest tests src/ta_analysis --doctest-modules

notebooks: $(STAMP) ## sync each notebook with its .py script (jupytext), then store its outputs on the bundled sample
	$(BIN)/jupytext --sync notebooks/[0-9]*.ipynb
	$(BIN)/python -c "from ta_analysis.render import refresh_notebooks; refresh_notebooks()"

lab: $(STAMP) ## open JupyterLab on the project's environment
	$(BIN)/jupyter lab notebooks/

bench: $(STAMP) ## benchmarks (slow; not part of make test)
	$(BIN)/python benchmarks/bench_clean.py
	$(BIN)/python benchmarks/bench_complaints.py
	$(BIN)/python benchmarks/bench_report.py

sample: $(STAMP) ## regenerate the bundled synthetic samples (same seed, same bytes)
	$(BIN)/ta-analysis synth --rows $(SAMPLE_ROWS) --seed $(SAMPLE_SEED) --out $(SAMPLE)
	$(BIN)/ta-analysis synth --kind cfpb --rows 1500 --seed 20232 --out $(COMPLAINTS_SAMPLE)
