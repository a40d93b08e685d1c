"""Does cachelint agree with each Streamlit release about what small apps do? Per release.

    python scripts/agreement.py                         # every modelled release, print the table
    python scripts/agreement.py --releases 1.25,1.67 -v # some releases, list each disagreement
    python scripts/agreement.py --write                 # store the table (releases/agreement.json)

For every modelled release X this script

1. generates small apps, each exercising one fact the rules use: the legacy APIs
   (decorators, ``.clear()``, ``from streamlit import``), every decorator option with a
   typical value, option values (bad ``persist``/``scope``/``refresh_mode``, ``ttl``
   strings and zero, ``max_entries=0``...), every value kind of the hasher model passed
   to a cached function, widgets in cached functions (with and without
   ``experimental_allow_widgets``), and async code (``async def``, a coroutine
   returned, async generators, background refresh);
2. runs ``cachelint check --target-streamlit X`` over them (JSON);
3. runs each app twice (a miss, then a hit) under release X's own runtime, in its probe
   venv (``/work/probe-venvs/<version>``: AppTest from 1.28, the LocalScriptRunner
   harness of ``scripts/release_probe_inside.py`` before), through
   ``scripts/agreement_inside.py``;
4. compares, app by app: cachelint predicts a problem (a finding of the codes the app is
   about) exactly when the release shows one (an exception in the page; for ``ttl``, an
   entry that never hits; for widgets, a warning; for async generators, a second run
   that yields something else). Legacy APIs are compared by kind: fails (STC011),
   works with a deprecation (STC025), works (nothing).

Apps the harness could not run are left out of the count. Not part of the test suite
(it needs the venvs; about 30 s per release).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from cachelint.streamlit_model import releases  # noqa: E402

INSIDE = ROOT / "scripts" / "agreement_inside.py"
DATA = ROOT / "cachelint" / "streamlit_model" / "releases" / "agreement.json"

# What each judge compares.
FAILS, LEGACY, NEVER_HITS, WIDGET, ITEMS = "fails", "legacy", "never hits", "widget", "items"


@dataclass(frozen=True)
class Case:
    name: str  # the app's file name (stem)
    family: str
    codes: frozenset[str]  # findings of these codes mean "cachelint predicts the problem"
    body: str  # the app, after the prelude
    judge: str


def _prelude(name: str) -> str:
    # The harness checks that the script it ran set this (release_probe_inside.run_script).
    return (f"import _probe_capture as CAP\nimport streamlit as st\nR = CAP.results\n"
            f"R['__script__'] = {name + '.py'!r}\n")


def _counted(name: str, decorator: str, body: str = "return x") -> str:
    return (f"@{decorator}\ndef cached_fn(x):\n    CAP.counter[{name + '.runs'!r}] = "
            f"CAP.counter.get({name + '.runs'!r}, 0) + 1\n    {body}\n\n\ncached_fn(1)\n")


def cases() -> list[Case]:
    import release_probe_inside as probe

    found: list[Case] = []
    legacy = frozenset({"STC011", "STC025"})
    for name, use in (
            ("cache", "@st.cache\ndef f():\n    return 1\n\n\nf()\n"),
            ("cache_mutation", "@st.cache(allow_output_mutation=True)\ndef f():\n    return [1]\n\n\nf()\n"),
            ("experimental_memo", "@st.experimental_memo\ndef f():\n    return 1\n\n\nf()\n"),
            ("experimental_memo_ttl", "@st.experimental_memo(ttl=600)\ndef f():\n    return 1\n\n\nf()\n"),
            ("experimental_singleton", "@st.experimental_singleton\ndef f():\n    return [1]\n\n\nf()\n"),
            ("cache_clear", "st.cache.clear()\n"),
            ("experimental_memo_clear", "st.experimental_memo.clear()\n"),
            ("experimental_singleton_clear", "st.experimental_singleton.clear()\n"),
            ("import_cache", "from streamlit import cache\n\n\n@cache\ndef f():\n    return 1\n\n\nf()\n"),
            ("import_memo", "from streamlit import experimental_memo\n\n\n@experimental_memo\ndef f():\n"
                            "    return 1\n\n\nf()\n"),
            ("import_singleton", "from streamlit import experimental_singleton as singleton\n\n\n@singleton\n"
                                 "def f():\n    return [1]\n\n\nf()\n"),
            ("call_form_memo", "def _f():\n    return 1\n\n\nf = st.experimental_memo(_f)\nf()\n"),
            ("alias_memo", "memo = st.experimental_memo\n\n\n@memo\ndef f():\n    return 1\n\n\nf()\n"),
            ("module_alias_cache", "import streamlit as stl\n\n\n@stl.cache(ttl=60)\ndef f():\n    return 1\n\n\n"
                                   "f()\n"),
    ):
        found.append(Case(f"legacy_{name}", "legacy APIs", legacy, use, LEGACY))
    option = frozenset({"STC012"})
    for kind, api in (("data", "cache_data"), ("resource", "cache_resource")):
        for key, sample in sorted({**probe.OPTION_SAMPLES, "tll": "60"}.items()):
            if key == "refresh_mode":
                sample = "'foreground'"
            name = f"option_{api}_{key}"
            found.append(Case(name, "options", option, _counted(name, f"st.{api}({key}={sample})"), FAILS))
        for suffix, source in probe.VALUE_CASES[kind] + probe.VALUE_CASES["both"]:
            name = "value_" + api + "_" + "".join(c if c.isalnum() else "_" for c in suffix)
            judge = NEVER_HITS if suffix.startswith("ttl.") else FAILS
            found.append(Case(name, "values and ttl", option, _counted(name, f"st.{api}({source})"), judge))
    combined = {  # the same kinds inside containers, fields and models
        "uuid_list": "import uuid\nVALUE = [uuid.UUID(int=1), uuid.UUID(int=2)]",
        "uuid_dataclass_field": "import dataclasses, uuid\n@dataclasses.dataclass\nclass Order:\n"
                                "    id: uuid.UUID\nVALUE = Order(uuid.UUID(int=1))",
        "pydantic_in_dict": "import pydantic\nclass M(pydantic.BaseModel):\n    x: int\nVALUE = {'m': M(x=1)}",
        "pydantic_nested_model": "import pydantic\nclass Inner(pydantic.BaseModel):\n    y: str\n"
                                 "class M(pydantic.BaseModel):\n    inner: Inner\nVALUE = M(inner=Inner(y='a'))",
        "bytearray_in_tuple": "VALUE = (1, bytearray(b'x'))",
        "lock_in_namespace": "import threading, types\nVALUE = types.SimpleNamespace(lock=threading.Lock())",
    }
    for case, source in sorted({**probe.hasher_cases(), **combined}.items()):
        name = f"hash_{case}"
        body = ("@st.cache_data\ndef cached_fn(x):\n    return 1\n\n\n" + source + "\ncached_fn(VALUE)\n")
        found.append(Case(name, "hasher", frozenset({"STC001"}), body, FAILS))
    for name, source in (("ttl_2h30m", "ttl='2h30m'"), ("ttl_1_week", "ttl='1 week'"),
                         ("ttl_1h_resource", None), ("ttl_30s_constant", None)):
        api = "cache_resource" if name == "ttl_1h_resource" else "cache_data"
        if name == "ttl_1h_resource":
            source = "ttl='1h'"
        body = _counted(f"value_{name}", f"st.{api}({source})") if source else (
            "TTL = '30s'\n\n\n" + _counted(f"value_{name}", "st.cache_data(ttl=TTL)"))
        found.append(Case(f"value_{name}", "values and ttl", option, body, NEVER_HITS))
    widget = frozenset({"STC008", "STC012"})
    for api in ("cache_data", "cache_resource"):
        for allow in (False, True):
            name = f"widget_{api}" + ("_allow" if allow else "")
            decorator = f"st.{api}(experimental_allow_widgets=True)" if allow else f"st.{api}"
            found.append(Case(name, "widgets", widget,
                              _counted(name, decorator, 'st.checkbox("inside")\n    return x'), WIDGET))
    helper = ("def pick():\n    return st.checkbox('inside')\n\n\n"
              + _counted("widget_through_helper", "st.cache_data", "pick()\n    return x"))
    found.append(Case("widget_through_helper", "widgets", widget, helper, WIDGET))
    run = ("\n\nasync def main():\n    return await f(1)\n\n\nst.write(asyncio.run(main()))\n")
    collect = ("\n\nasync def main():\n    return [item async for item in f(1)]\n\n\nitems = asyncio.run(main())\n"
               "CAP.counter.setdefault(NAME, []).append(len(items))\n")
    for api in ("cache_data", "cache_resource"):
        asyncs = {
            "async_def": (f"@st.{api}\nasync def f(x):\n    return x * 2\n" + run, FAILS),
            "coroutine_returned": (f"async def _c(x):\n    return x * 2\n\n\n@st.{api}\ndef f(x):\n"
                                   f"    return _c(x)\n" + run, FAILS),
            "async_generator": (f"@st.{api}\nasync def f(x):\n    yield x\n" + collect, ITEMS),
            "async_background": (f"@st.{api}(refresh_mode='background', ttl=60)\nasync def f(x):\n"
                                 f"    return x * 2\n" + run, FAILS),
        }
        asyncs["gather_returned"] = (f"async def _c(x):\n    return x * 2\n\n\n@st.{api}\ndef f(x):\n"
                                     f"    return asyncio.gather(_c(x))\n" + run, FAILS)
        for case, (body, judge) in asyncs.items():
            name = f"async_{api}_{case}"
            body = body.replace("NAME", repr(name + ".items"))
            found.append(Case(name, "async", frozenset({"STC013", "STC012"}), "import asyncio\n\n" + body, judge))
    return found


def write_apps(folder: Path, found: list[Case]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for case in found:
        (folder / f"{case.name}.py").write_text(_prelude(case.name) + "\n\n" + textwrap.dedent(case.body))


def cachelint_findings(apps: Path, release: str) -> dict[str, set[str]]:
    """{app name: codes cachelint reports in it} with --target-streamlit."""
    proc = subprocess.run([sys.executable, "-m", "cachelint", "check", "--target-streamlit", release, "--format",
                           "json", "--no-cache", "--isolated", "--exit-zero", "-j", "1", str(apps)],
                          capture_output=True, text=True, cwd=apps)
    if proc.returncode != 0:
        raise RuntimeError(f"cachelint failed on {release}:\n{proc.stderr[-2000:]}")
    found: dict[str, set[str]] = {}
    for finding in json.loads(proc.stdout)["findings"]:
        found.setdefault(Path(finding["path"]).stem, set()).add(finding["code"])
    return found


def runtime(apps: Path, venvs: Path, release: str) -> dict:
    version = releases.probed()[release]["version"]
    python = venvs / version / "bin" / "python"
    if not python.exists():
        raise RuntimeError(f"no venv for {version} in {venvs} (scripts/probe_releases.py --install-only)")
    home = Path(tempfile.mkdtemp(prefix=f"agree-home-{release}-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STREAMLIT_", "PYTHON"))}
    env.update(HOME=str(home), STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    proc = subprocess.run([str(python), str(INSIDE), str(apps)], capture_output=True, text=True, env=env,
                          timeout=1800)
    if proc.returncode != 0:
        raise RuntimeError(f"runtime failed on {release}:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def judge(case: Case, seen: dict) -> str | bool | None:
    """What the release did: True / False (a problem or not); "fails" / "deprecated" /
    "works" for legacy APIs; None when the harness could not run the app."""
    runs = seen["runs"]
    if any(r["harness_error"] for r in runs):
        return None
    failed = any(r["exceptions"] for r in runs)
    if case.judge == LEGACY:
        return "fails" if failed else "deprecated" if any(r["deprecated"] for r in runs) else "works"
    if failed:
        return True
    if case.judge == NEVER_HITS:
        return seen["counter"].get(f"{case.name}.runs", 0) >= 2
    if case.judge == WIDGET:
        return any(r["warnings"] for r in runs)
    if case.judge == ITEMS:
        counts = seen["counter"].get(f"{case.name}.items", [])
        return len(set(counts)) > 1
    return False


def predicted(case: Case, codes: set[str]) -> str | bool:
    if case.judge == LEGACY:
        return "fails" if "STC011" in codes else "deprecated" if "STC025" in codes else "works"
    return bool(codes & case.codes)


def compare(release: str, apps: Path, venvs: Path, found: list[Case]) -> dict:
    started = time.monotonic()
    findings = cachelint_findings(apps, release)
    seen = runtime(apps, venvs, release)
    rows = []
    for case in found:
        actual = judge(case, seen["apps"][case.name])
        if actual is None:
            continue
        expected = predicted(case, findings.get(case.name, set()))
        rows.append({"app": case.name, "family": case.family, "cachelint": expected, "release": actual,
                     "agree": expected == actual})
    agreed = sum(r["agree"] for r in rows)
    return {"release": release, "version": seen["streamlit"], "harness": seen["harness"], "apps": len(rows),
            "agree": agreed, "rate": round(agreed / len(rows), 4) if rows else None,
            "unmeasured": len(found) - len(rows), "disagreements": [r for r in rows if not r["agree"]],
            "families": _families(rows), "seconds": round(time.monotonic() - started, 1)}


def _families(rows: list[dict]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for row in rows:
        entry = out.setdefault(row["family"], [0, 0])
        entry[0] += row["agree"]
        entry[1] += 1
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--releases", help="comma-separated minors (default: every modelled release)")
    parser.add_argument("--venvs", type=Path, default=Path("/work/probe-venvs"))
    parser.add_argument("--jobs", type=int, default=1, help="releases checked at once")
    parser.add_argument("--write", action="store_true", help="store the table in releases/agreement.json")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every disagreement")
    args = parser.parse_args(argv)
    wanted = [r.strip() for r in args.releases.split(",")] if args.releases else releases.releases()
    found = cases()
    apps = Path(tempfile.mkdtemp(prefix="cachelint-agreement-")) / "apps"
    write_apps(apps, found)
    print(f"{len(found)} apps in {apps}", file=sys.stderr)
    results: dict[str, dict] = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {pool.submit(compare, release, apps, args.venvs, found): release for release in wanted}
        for future in concurrent.futures.as_completed(futures):
            result = future.result()
            results[result["release"]] = result
            print(f"{result['release']}: {result['agree']}/{result['apps']} ({result['rate']:.1%}) "
                  f"in {result['seconds']} s", file=sys.stderr)
    ordered = [results[r] for r in sorted(results, key=releases.minor_key)]
    print(table(ordered))
    if args.verbose:
        for result in ordered:
            for row in result["disagreements"]:
                print(f"{result['release']} {row['app']}: cachelint {row['cachelint']!r}, release {row['release']!r}")
    if args.write:
        stored = {"apps": len(found), "generated_by": "scripts/agreement.py",
                  "releases": {r["release"]: {k: r[k] for k in ("version", "harness", "apps", "agree", "rate",
                                                                "unmeasured", "families")}
                               | {"disagreements": [d["app"] for d in r["disagreements"]]} for r in ordered}}
        previous = json.loads(DATA.read_text()) if DATA.exists() else {"releases": {}}
        previous["releases"].update(stored.pop("releases"))
        previous.update(stored)
        previous["releases"] = dict(sorted(previous["releases"].items(), key=lambda kv: releases.minor_key(kv[0])))
        DATA.write_text(_dump(previous))
    return 0 if all(r["rate"] is not None and r["rate"] >= 0.98 for r in ordered) else 1


def _dump(stored: dict) -> str:
    """One release per line: a re-run changes the lines of the releases that changed."""
    head = {k: v for k, v in stored.items() if k != "releases"}
    lines = ["{"] + [f"  {json.dumps(k)}: {json.dumps(v)}," for k, v in head.items()] + ['  "releases": {']
    items = list(stored["releases"].items())
    for index, (minor, row) in enumerate(items):
        lines.append(f"    {json.dumps(minor)}: {json.dumps(row)}" + ("," if index < len(items) - 1 else ""))
    return "\n".join(lines + ["  }", "}"]) + "\n"


def table(results: list[dict]) -> str:
    families = sorted({f for r in results for f in r["families"]})
    lines = ["| Release | Apps | Agree | Rate | " + " | ".join(families) + " |",
             "| --- | --- | --- | --- | " + " | ".join("---" for _ in families) + " |"]
    for r in results:
        cells = [f"{r['families'][f][0]}/{r['families'][f][1]}" if f in r["families"] else "" for f in families]
        lines.append(f"| {r['release']} | {r['apps']} | {r['agree']} | {r['rate']:.1%} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
