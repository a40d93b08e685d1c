#!/usr/bin/env bash
# The per-version path (issue 14), so that it cannot rot: under the oldest Streamlit
# release AppTest supports (1.28), run
#   * the version fixtures (tests/fixtures_versions/1.28): cachelint reports exactly their
#     markers with the target read from their pin, and each app, run twice under 1.28's
#     own AppTest, shows what its markers say (an exception, a warning, a deprecation);
#   * the target resolution and host tests (tests/test_versions.py): pins decide, not the
#     Streamlit installed next to cachelint;
#   * the release data and per-release model tests (tests/test_release_data.py).
#
#   scripts/ci_old_streamlit.sh            # a fresh venv in $OLD_STREAMLIT_VENV (default: a temp folder)
#   scripts/ci_old_streamlit.sh PYTHON     # install into and run with this interpreter (tox -e old-streamlit)
#
# Streamlit 1.28 is installed with the dependency versions it was measured with
# (probed.json, the date-capped install of scripts/probe_releases.py): today's pyarrow
# needs numpy 2, which 1.28 does not allow.
set -euo pipefail
cd "$(dirname "$0")/.."
MINOR=1.28
if [[ $# -ge 1 ]]; then
  PY="$1"
else
  VENV="${OLD_STREAMLIT_VENV:-${TMPDIR:-/tmp}/cachelint-old-streamlit}"
  python3 -m venv "$VENV"
  PY="$VENV/bin/python"
fi
CONSTRAINTS="$(mktemp)"
trap 'rm -f "$CONSTRAINTS"' EXIT
"$PY" - "$MINOR" > "$CONSTRAINTS" <<'PYTHON'
import json, sys
probed = json.load(open("cachelint/streamlit_model/releases/probed.json"))["releases"][sys.argv[1]]
for name, version in probed["dependencies"].items():
    if name not in ("pydantic", "typing-extensions"):  # pydantic: the latest 2.x, as the probe has
        print(f"{name}=={version}")
PYTHON
"$PY" -m pip install -q -c "$CONSTRAINTS" -e . streamlit "pydantic>=2.5,<3" "pytest>=8,<10" "jsonschema>=4.18,<5"
"$PY" -c "import streamlit, sys; sys.exit(None if streamlit.__version__.startswith('$MINOR.') else 'Streamlit ' + streamlit.__version__)"
"$PY" -m pytest -q -p no:cacheprovider tests/test_fixtures_versions.py tests/test_fixtures_versions_runtime.py tests/test_versions.py tests/test_release_data.py
