"""Run generated apps under one Streamlit release's own runtime; print what each did (JSON).

Run by ``scripts/agreement.py`` with the interpreter of a release's probe venv
(``/work/probe-venvs/<version>``): standard library and that Streamlit only. It uses the
script harness of ``scripts/release_probe_inside.py`` (``AppTest`` from 1.28,
``LocalScriptRunner`` with a mock Runtime before) and its capture of what the page
shows. Each app runs twice in one process (a cache miss, then a hit), as a user's
first load and first rerun.

    python agreement_inside.py APPS_DIR > observations.json
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import release_probe_inside as probe  # noqa: E402 - the harness (stdlib + this Streamlit only)


def observe(run: dict) -> dict:
    """What one script run showed: exceptions (not warnings), warning elements,
    deprecations shown or logged, widgets, harness trouble."""
    exceptions, warnings_shown, widgets = [], [], []
    deprecated = False
    for kind, name, is_warning, text in run["msgs"]:
        if kind == "exception":
            (warnings_shown if is_warning else exceptions).append(name)
            if is_warning and "deprecat" in text.lower():
                deprecated = True
        elif kind == "alert" and "deprecat" in text.lower():
            deprecated = True
        elif kind == "element" and name in ("checkbox", "button", "button_group"):
            widgets.append(name)
    for _logger, _level, text in run["logs"]:
        if "deprecat" in text.lower():
            deprecated = True
    return {"exceptions": exceptions, "warnings": warnings_shown, "deprecated": deprecated, "widgets": widgets,
            "harness_error": run["harness_error"]}


def main() -> int:
    apps = Path(sys.argv[1]).resolve()
    os.chdir(probe.WORK)
    logging.getLogger("streamlit").setLevel(logging.WARNING)
    import streamlit as st

    probe._install_capture()
    harness = probe._pick_harness()
    probe._use_disk_storage()
    out = {"streamlit": st.__version__, "harness": harness, "apps": {}}
    for path in sorted(apps.glob("*.py")):
        runs = [observe(probe.run_script(path, timeout=60)) for _ in range(2)]
        out["apps"][path.stem] = {"runs": runs, "counter": {k: v for k, v in probe.CAP.counter.items()
                                                           if k.startswith(path.stem)}}
        for api in ("cache_data", "cache_resource"):
            try:
                getattr(st, api).clear()
            except Exception:  # noqa: BLE001 - a release without it
                pass
    sys.stdout.flush()
    print(json.dumps(out, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
