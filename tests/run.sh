#!/usr/bin/env bash
# The project's test command (README, .ci/run): installs everything the tests need on a fresh
# Debian/Ubuntu machine, then runs the linters, the type checker and the tests.
#   tests/run.sh            # everything
#   tests/run.sh -k model   # extra arguments go to pytest
set -euo pipefail
cd "$(dirname "$0")/.."

# Real programs, not mocks: LibreOffice renders the workbooks, poppler reads the PDFs, Carlito is
# the metric-compatible stand-in for Calibri so LibreOffice lays text out as Excel does.
# On a terminal each install step says what it is doing and how long it took; piped (CI), quiet.
started=$SECONDS
step() { if [ -t 2 ]; then printf '[%d s] %s\n' "$((SECONDS - started))" "$*" >&2; fi; }

missing=()
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-calc)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
# fc-list's own pattern, not a pipe into `grep -q`: grep stops at the first match, fc-list then
# dies of SIGPIPE, and under pipefail the font looked missing in some runs.
[ -n "$(fc-list Carlito family 2>/dev/null)" ] || missing+=(fonts-crosextra-carlito)
# Node runs Pyodide, the Python xlwings Lite runs in Excel (tests/test_pyodide.py).
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if ((${#missing[@]})); then
  echo "installing ${missing[*]} ..."
  sudo_cmd=()
  [ "$(id -u)" = 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The pinned pyodide npm packages (each folder's package-lock.json) into its node_modules, which git
# ignores: 0.27.5 in tests/pyodide, the newest xlwings Lite runs (314.x) in tests/pyodide-latest.
# npm ci replaces whatever is there, so the lock files are the whole truth.
step "npm ci: the pinned pyodide package (tests/pyodide) and the newest Lite runs (tests/pyodide-latest)"
npm ci --prefix tests/pyodide --no-audit --no-fund --loglevel=error >/dev/null
npm ci --prefix tests/pyodide-latest --no-audit --no-fund --loglevel=error >/dev/null
step "pip: scorecard-xl and its test tools"
python -m pip install -q --disable-pip-version-check -e '.[test]'
step "ruff, mypy, then pytest"
python -m ruff check .
python -m ruff format --check .
python -m mypy scorecard_xl
# On every core (pytest-xdist); pytest-benchmark, if some other project installed it, would refuse
# to run under xdist and turn the suite's warnings-as-errors against it.
python -m pytest -q -n auto -p no:benchmark "$@"
