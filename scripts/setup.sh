#!/usr/bin/env bash
# Set up jmgeo in ./.venv.  Usage: scripts/setup.sh [--test] [--bench]
#   (no flag)  Python package and its dependencies (boundaries, Leaflet) only.
#   --test     also the test tools: pytest, Playwright's Python client, Jupyter kernel,
#              and Debian's chromium plus a CJK font (the browser tests drive /usr/bin/chromium;
#              Playwright's own browser download is not used), poppler-utils (the print tests read
#              the PDFs Chromium makes), and Debian's python3-gdal (GDAL 3.6, whose GeoPackage
#              validator the tests run with /usr/bin/python3, beside the current release's validator
#              from PyPI's gdal-utils in .venv/gdal-utils) and python3-qgis (QGIS 3.22 LTR, run
#              headless by tests/test_qgis.py; ~100 s to install).
#   --bench    the test tools plus what bench/run.py needs to run explore() (mapclassify, matplotlib) and
#              py-spy, which samples where ingest's time goes (bench/ingest_bench.py --profile).
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
extras="test"
for arg in "$@"; do
  case "$arg" in
    --test) want_test=1 ;;
    --bench) want_test=1; extras="test,bench" ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
  echo "setup.sh: jmgeo needs Python 3.10 or newer ($python is $("$python" --version 2>&1))" >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip

if [ "$want_test" = 1 ]; then
  echo "==> installing jmgeo with $extras dependencies"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[$extras]"
  # GDAL's GeoPackage validator of the current release (gdal-utils: pure Python osgeo_utils), run by the
  # tests with Debian's GDAL 3.6 bindings. Not in the test extra: it requires the "gdal" package, whose
  # bindings pip would build from source against a libgdal of its own version; --no-deps into a folder of
  # its own keeps Debian's bindings (tests/test_gpkg_standard.py puts the folder on PYTHONPATH).
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --upgrade \
    --target .venv/gdal-utils "gdal-utils==3.13.3.0"
  # (grep without -q: under pipefail, -q exiting early would fail the pipeline with SIGPIPE)
  if ! [ -x /usr/bin/chromium ] || ! [ -x /usr/bin/pdftoppm ] || ! fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null \
    || ! /usr/bin/python3 -c "import osgeo_utils.samples.validate_gpkg, qgis.core" 2>/dev/null; then
    echo "==> installing Debian chromium, fonts-noto-cjk, poppler-utils (browser tests), python3-gdal and python3-qgis (GIS tests)"
    sudo_cmd=""
    if [ "$(id -u)" != 0 ]; then sudo_cmd="sudo"; fi
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium fonts-noto-cjk poppler-utils python3-gdal >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends python3-qgis >/dev/null
  fi
else
  echo "==> installing jmgeo"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e .
fi
echo "==> ready: .venv/bin/jmgeo --help"
