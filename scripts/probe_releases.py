"""Measure Streamlit's caching API on every release since st.cache_data (1.18).

    python scripts/probe_releases.py                    # dry run: every minor, show what changed
    python scripts/probe_releases.py --write            # update cachelint/streamlit_model/releases/
    python scripts/probe_releases.py --releases 1.18,1.40 --venvs /work/probe-venvs
    python scripts/probe_releases.py --install-only     # just create the venvs

For each minor release from 1.18 to the newest on the package index (the latest patch of
each minor), a venv is created or reused in ``--venvs/<version>``, that Streamlit is
installed with the dependencies that were current when it was released (``uv pip install
--exclude-newer <upload time + 1 day>``, so that old releases get the numpy, pandas,
altair and protobuf they were made for), plus pydantic 2 (for the hasher probe), and
``scripts/release_probe_inside.py`` runs under that venv's interpreter and prints one JSON
object of facts. Nothing here is part of the test suite.

The facts are stored as deltas (one timeline per fact: the first release where a value
holds); see cachelint/streamlit_model/releases/README.md.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INSIDE = ROOT / "scripts" / "release_probe_inside.py"
DATA = ROOT / "cachelint" / "streamlit_model" / "releases"
FIRST_MINOR = (1, 18)
PYTHON = os.environ.get("PROBE_PYTHON", "python3.11")
GROUPS = ("api", "options", "hasher", "behaviour")
NOT_APPLICABLE = "n/a"
# Installed into every venv next to Streamlit: the hasher probe hashes a pydantic model,
# and pydantic 2 everywhere keeps that fact about Streamlit, not about pydantic.
EXTRA = ["pydantic>=2,<3"]


def log(*args) -> None:
    print(*args, file=sys.stderr, flush=True)


def _uv() -> str | None:
    found = shutil.which("uv")
    if found:
        return found
    beside = Path(sys.executable).with_name("uv")
    return str(beside) if beside.exists() else None


def streamlit_releases() -> dict[str, dict]:
    """{"1.18": {"version": "1.18.1", "uploaded": "2023-02-10T22:42:07"}, ...} from PyPI's JSON."""
    with urllib.request.urlopen("https://pypi.org/pypi/streamlit/json", timeout=60) as response:
        data = json.load(response)
    latest: dict[tuple[int, int], tuple[tuple[int, ...], str, str]] = {}
    for version, files in data["releases"].items():
        if not re.fullmatch(r"\d+\.\d+\.\d+", version) or not files or all(f.get("yanked") for f in files):
            continue
        parts = tuple(int(p) for p in version.split("."))
        minor = parts[:2]
        if minor < FIRST_MINOR:
            continue
        uploaded = min(f["upload_time"] for f in files)
        if minor not in latest or parts > latest[minor][0]:
            latest[minor] = (parts, version, uploaded)
    return {f"{m[0]}.{m[1]}": {"version": v, "uploaded": u} for m, (_, v, u) in sorted(latest.items())}


def ensure_venv(venvs: Path, minor: str, info: dict) -> tuple[Path, dict]:
    """The venv's python for that release, created (or reused) with its own Streamlit."""
    version = info["version"]
    venv = venvs / version
    python = venv / "bin" / "python"
    marker = venv / ".probe-install.json"
    if marker.exists():
        return python, json.loads(marker.read_text())
    if venv.exists():
        shutil.rmtree(venv)
    cutoff = (dt.datetime.fromisoformat(info["uploaded"]) + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    started = time.monotonic()
    uv = _uv()
    env = dict(os.environ)
    env.setdefault("SSL_CERT_FILE", "/etc/ssl/certs/ca-certificates.crt")
    if uv:
        subprocess.run([uv, "venv", "-q", "--python", PYTHON, str(venv)], check=True, env=env)
        subprocess.run([uv, "pip", "install", "-q", "--python", str(python), "--exclude-newer", cutoff,
                        f"streamlit=={version}"], check=True, env=env)
        subprocess.run([uv, "pip", "install", "-q", "--python", str(python), *EXTRA], check=True, env=env)
        installer = "uv pip install --exclude-newer " + cutoff
    else:  # pip cannot cap dependencies by date: plain resolution, recorded as such
        subprocess.run([PYTHON, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", f"streamlit=={version}", *EXTRA], check=True)
        installer = "pip install (no date cap)"
    record = {"installer": installer, "install_seconds": round(time.monotonic() - started, 1)}
    marker.write_text(json.dumps(record))
    return python, record


def probe(python: Path, workdir: Path) -> dict:
    workdir.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STREAMLIT_", "PYTHON"))}
    env["HOME"] = str(workdir)  # the disk cache and credentials files go here
    env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] = "false"
    proc = subprocess.run([str(python), str(INSIDE)], capture_output=True, text=True, cwd=workdir, env=env,
                          timeout=900)
    if proc.returncode != 0:
        raise RuntimeError(f"inside probe failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_one(venvs: Path, minor: str, info: dict, install_only: bool) -> tuple[str, dict | None, str | None]:
    try:
        python, install = ensure_venv(venvs, minor, info)
    except Exception as exc:  # noqa: BLE001 - report and go on with the others
        return minor, None, f"install failed: {exc}"
    if install_only:
        return minor, {"install": install}, None
    started = time.monotonic()
    try:
        result = probe(python, venvs / "_work" / info["version"])
    except Exception as exc:  # noqa: BLE001
        return minor, None, f"probe failed: {exc}"
    result["install"] = install
    result["probe_seconds"] = round(time.monotonic() - started, 1)
    return minor, result, None


# --- deltas -------------------------------------------------------------------------


def _minor_key(minor: str) -> tuple[int, int]:
    major, rest = minor.split(".")[:2]
    return int(major), int(rest)


def load_timelines(group: str) -> dict[str, list]:
    path = DATA / f"{group}.json"
    if not path.exists():
        return {}
    return json.loads(path.read_text())["facts"]


def expand(timelines: dict[str, list], minors: list[str]) -> dict[str, dict[str, object]]:
    """{minor: {fact: value}} for the given minors."""
    out: dict[str, dict[str, object]] = {}
    for minor in minors:
        facts = {}
        for fact, timeline in timelines.items():
            value = None
            for first, val in timeline:
                if _minor_key(first) <= _minor_key(minor):
                    value = val
            facts[fact] = value
        out[minor] = facts
    return out


def compress(per_minor: dict[str, dict[str, object]]) -> dict[str, list]:
    """{fact: [[first minor, value], ...]}: a new entry only where the value changes."""
    minors = sorted(per_minor, key=_minor_key)
    facts = sorted({fact for values in per_minor.values() for fact in values})
    timelines: dict[str, list] = {}
    for fact in facts:
        timeline: list = []
        for minor in minors:
            # A fact the probe did not produce for a release: what it is about does not
            # exist there (the options of a removed API, hash_funcs before it existed).
            value = per_minor[minor].get(fact, NOT_APPLICABLE)
            if not timeline or timeline[-1][1] != value:
                timeline.append([minor, value])
        timelines[fact] = timeline
    return timelines


def _dump(obj) -> str:
    """One fact per line, so that a diff shows one changed fact as one changed line."""
    if isinstance(obj, dict) and "facts" in obj:
        head = {k: v for k, v in obj.items() if k != "facts"}
        lines = ["{"]
        for key, value in head.items():
            lines.append(f"  {json.dumps(key)}: {json.dumps(value, sort_keys=True)},")
        lines.append('  "facts": {')
        items = sorted(obj["facts"].items())
        for i, (fact, timeline) in enumerate(items):
            comma = "," if i < len(items) - 1 else ""
            lines.append(f"    {json.dumps(fact)}: {json.dumps(timeline)}{comma}")
        lines.append("  }")
        lines.append("}")
        return "\n".join(lines) + "\n"
    return json.dumps(obj, indent=2, sort_keys=True) + "\n"


def merge(results: dict[str, dict], releases: dict[str, dict], write: bool) -> int:
    """Fold new measurements into the stored timelines; print the changes; write if asked."""
    probed_path = DATA / "probed.json"
    probed = json.loads(probed_path.read_text()) if probed_path.exists() else {"releases": {}}
    changes = 0
    for group in GROUPS:
        old_timelines = load_timelines(group)
        known = sorted(set(probed["releases"]) | set(results), key=_minor_key)
        per_minor = expand(old_timelines, [m for m in known if m in probed["releases"]])
        for minor, result in results.items():
            per_minor[minor] = result[group]
        new_timelines = compress(per_minor)
        old_flat = expand(old_timelines, list(results))
        for minor in sorted(results, key=_minor_key):
            for fact, value in sorted(results[minor][group].items()):
                before = old_flat.get(minor, {}).get(fact)
                if minor in probed["releases"] and before != value:
                    changes += 1
                    print(f"{minor} {group}.{fact}: {before!r} -> {value!r}")
                elif minor not in probed["releases"]:
                    changes += 1
        if write:
            doc = {"group": group, "first_release": "1.18",
                   "format": "fact -> [[first minor where the value holds, value], ...]",
                   "facts": new_timelines}
            (DATA / f"{group}.json").write_text(_dump(doc))
    for minor, result in results.items():
        probed["releases"][minor] = {
            "version": result["streamlit"],
            "uploaded": releases[minor]["uploaded"],
            "python": result["python"],
            "dependencies": result["dependencies"],
            "harness": result["harness"],
            "storage": result.get("storage", ""),
            "installer": result["install"]["installer"],
            "probed": dt.date.today().isoformat(),
            "probe_seconds": result["probe_seconds"],
        }
    probed["releases"] = dict(sorted(probed["releases"].items(), key=lambda kv: _minor_key(kv[0])))
    if write:
        probed_path.write_text(json.dumps(probed, indent=2) + "\n")
    print(f"{len(results)} release(s) probed, {changes} fact value(s) new or changed"
          + ("" if write else " (dry run: --write to store)"))
    return changes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--releases", help="comma-separated minors, e.g. 1.18,1.40 (default: all from 1.18)")
    parser.add_argument("--venvs", type=Path, default=Path("/work/probe-venvs"), help="where the venvs live")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--write", action="store_true", help="update the data files")
    parser.add_argument("--install-only", action="store_true", help="create the venvs, probe nothing")
    parser.add_argument("--dump", type=Path, help="also write the raw per-release JSON into this folder")
    parser.add_argument("--from-dump", type=Path,
                        help="probe nothing: fold the raw per-release JSON of an earlier --dump into the data")
    args = parser.parse_args(argv)

    started = time.monotonic()
    releases = streamlit_releases()
    if args.releases:
        wanted = [".".join(r.strip().split(".")[:2]) for r in args.releases.split(",") if r.strip()]
        missing = [w for w in wanted if w not in releases]
        if missing:
            parser.error(f"not on the index (or before 1.18): {', '.join(missing)}")
        releases_to_run = {m: releases[m] for m in wanted}
    else:
        releases_to_run = releases
    if args.from_dump:
        results = {}
        for path in sorted(args.from_dump.glob("*.json")):
            if path.stem in releases_to_run:
                results[path.stem] = json.loads(path.read_text())
        if not results:
            parser.error(f"no per-release JSON for the wanted releases in {args.from_dump}")
        merge(results, releases, args.write)
        return 0
    args.venvs.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict] = {}
    failures: dict[str, str] = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(run_one, args.venvs, m, info, args.install_only) for m, info in releases_to_run.items()]
        for future in concurrent.futures.as_completed(futures):
            minor, result, error = future.result()
            if error:
                failures[minor] = error
                log(f"{minor}: {error}")
            else:
                results[minor] = result
                log(f"{minor}: ok ({releases_to_run[minor]['version']})")
                if args.dump and not args.install_only:
                    args.dump.mkdir(parents=True, exist_ok=True)
                    (args.dump / f"{minor}.json").write_text(json.dumps(result, indent=1, sort_keys=True))
    if not args.install_only and results:
        merge(results, releases, args.write)
    log(f"{len(results)} ok, {len(failures)} failed, {time.monotonic() - started:.0f}s")
    for minor, error in sorted(failures.items(), key=lambda kv: _minor_key(kv[0])):
        log(f"  {minor}: {error.splitlines()[0]}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
