"""Is the package release-ready? Build it, check it, install the wheel where no checkout is, run it.

    python3 scripts/check_dist.py [--python PYTHON]... [--keep]

1. builds the sdist, then the wheel from the sdist (``python -m build``, as a release would);
2. ``twine check --strict`` on both, and every classifier against the ``trove-classifiers`` list
   (PyPI refuses an upload with an unknown one);
3. the metadata: name, version (``cachelint.__version__``), ``Requires-Python``, the licence;
4. the sdist holds every file git tracks under cachelint/, docs/, examples/, tests/ (and README,
   LICENSE, pyproject.toml) and nothing git does not know; the wheel holds the package, the
   licence, the ``cachelint`` command and the flake8 entry point, and nothing else;
5. for each ``--python`` (default: this interpreter): a fresh venv, ``pip install`` of the wheel
   (not editable, dependencies from the registry), then, in a folder outside the checkout,
   ``flake8 --select STC examples/`` and ``cachelint check examples/`` print exactly the findings
   the README shows, and ``cachelint rules`` lists every rule of the README's table.

Needs only the standard library; build, twine and trove-classifiers are installed into a venv of
their own. Works in a temporary folder (``--keep`` leaves it). Exit code 0: all good.
"""

from __future__ import annotations

import argparse
import email.parser
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAME = "streamlit-cachelint"
TOOLS = ["build>=1.2", "twine>=6.1", "trove-classifiers"]  # twine 6.1: metadata 2.4 (License-Expression)
SHIPPED_FOLDERS = ("cachelint", "docs", "examples", "tests")  # every tracked file of these is in the sdist
SHIPPED_FILES = ("README.md", "LICENSE", "pyproject.toml")
GENERATED = re.compile(r"^(PKG-INFO|setup\.cfg|[^/]+\.egg-info/.*)$")  # made by the build, not tracked


class Failure(Exception):
    pass


def step(title: str) -> None:
    print(f"--- {title}", flush=True)


def run(*command: str | Path, cwd: Path | None = None, expect: tuple[int, ...] = (0,),
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True, env=env)
    if result.returncode not in expect:
        raise Failure(f"`{' '.join(map(str, command))}` exited {result.returncode} (expected {expect})\n"
                      f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}")
    return result


def venv(python: str, where: Path) -> Path:
    """A fresh venv made by ``python``; its python."""
    run(python, "-m", "venv", where)
    return where / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def _untagged(line: str) -> str:
    """A finding line of cachelint's own output without its fix mark and severity tag
    (`STC001 [*] [error] ...`), as flake8 prints it and the README shows it."""
    return re.sub(r"^(\S+: STC\d{3}) (?:\[\*\] )?\[(?:error|warning)\] ", r"\1 ", line)


def readme_findings() -> list[str]:
    """The findings the README shows for examples/: its first code block of finding lines."""
    for block in re.findall(r"^```[^\n]*\n(.*?)^```", readme(), re.MULTILINE | re.DOTALL):
        lines = block.strip().splitlines()
        if lines and all(re.match(r"^examples/\S+:\d+:\d+: STC\d{3} ", line) for line in lines):
            return lines
    raise Failure("README.md shows no block of findings for examples/")


def readme_codes() -> list[str]:
    """The codes of the README's table: the rules (STC0xx) and the file diagnostics (STC9xx)."""
    codes = re.findall(r"^\| (STC\d{3}) \|", readme(), re.MULTILINE)
    if not codes:
        raise Failure("README.md has no table of rules")
    return codes


def version() -> str:
    match = re.search(r'^__version__ = "([^"]+)"', (ROOT / "cachelint/__init__.py").read_text(), re.MULTILINE)
    if not match:
        raise Failure("no __version__ in cachelint/__init__.py")
    return match[1]


def tracked() -> list[str] | None:
    """The files git tracks, relative to the root (None: not a git checkout)."""
    try:
        result = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True)
    except OSError:
        return None
    if result.returncode != 0:
        return None
    return [name for name in result.stdout.split("\0") if name]


def check_sdist(sdist: Path) -> None:
    with tarfile.open(sdist) as archive:
        names = [m.name for m in archive.getmembers() if m.isfile()]
    top = f"{sdist.name[:-len('.tar.gz')]}/"
    if not all(n.startswith(top) for n in names):
        raise Failure(f"sdist entries outside {top}")
    inside = {n[len(top):] for n in names}
    files = tracked()
    if files is None:
        print("    not a git checkout: the sdist is not compared with the tracked files")
        required = set(SHIPPED_FILES)
    else:
        required = {f for f in files if f.split("/")[0] in SHIPPED_FOLDERS or f in SHIPPED_FILES}
        # Tracked files only: a build from a dirty tree must not ship scratch files.
        unknown = sorted(n for n in inside - set(files) if not GENERATED.match(n))
        if unknown:
            raise Failure(f"the sdist holds files git does not track: {unknown[:20]}")
    missing = sorted(required - inside)
    if missing:
        raise Failure(f"the sdist lacks: {missing[:20]}")
    compiled = sorted(n for n in inside if "__pycache__" in n or n.endswith((".pyc", ".pyo")))
    if compiled:
        raise Failure(f"the sdist holds compiled files: {compiled[:10]}")
    print(f"    {sdist.name}: {len(inside)} files")


def check_wheel(wheel: Path, expected_version: str) -> email.message.Message:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        info = f"streamlit_cachelint-{expected_version}.dist-info"
        metadata = email.parser.Parser().parsestr(archive.read(f"{info}/METADATA").decode("utf-8"))
        entry_points = archive.read(f"{info}/entry_points.txt").decode("utf-8")
    outside = sorted(n for n in names if not n.startswith(("cachelint/", f"{info}/")))
    if outside:
        raise Failure(f"the wheel installs more than the cachelint package: {outside[:10]}")
    files = tracked()
    if files is not None:
        package = {f for f in files if f.startswith("cachelint/") and f.endswith(".py")}
        missing = sorted(package - set(names))
        if missing:
            raise Failure(f"the wheel lacks: {missing[:20]}")
    if f"{info}/licenses/LICENSE" not in names:
        raise Failure("the wheel lacks its LICENSE (dist-info/licenses/LICENSE)")
    for needed in ("cachelint = cachelint.cli:main", "[flake8.extension]",
                   "STC = cachelint.integrations.flake8:CachelintChecker"):
        if needed not in entry_points:
            raise Failure(f"the wheel's entry points lack {needed!r}:\n{entry_points}")
    expected = {"Name": NAME, "Version": expected_version, "Requires-Python": ">=3.10",
                "License-Expression": "MIT", "License-File": "LICENSE",
                "Description-Content-Type": "text/markdown"}
    for field, value in expected.items():
        if metadata.get(field) != value:
            raise Failure(f"METADATA {field}: {metadata.get(field)!r}, expected {value!r}")
    print(f"    {wheel.name}: {len(names)} files; {NAME} {expected_version}")
    return metadata


def check_classifiers(tools: Path, metadata: email.message.Message) -> None:
    classifiers = metadata.get_all("Classifier") or []
    if not classifiers:
        raise Failure("no classifiers")
    code = ("import sys\nfrom trove_classifiers import classifiers\n"
            "bad = [c for c in sys.argv[1:] if c not in classifiers]\n"
            "print('\\n'.join(bad))\nsys.exit(1 if bad else 0)\n")
    result = run(tools, "-c", code, *classifiers, expect=(0, 1))
    if result.returncode:
        raise Failure(f"classifiers PyPI does not know: {result.stdout.split()}")
    print(f"    {len(classifiers)} classifiers, all known")


def check_installed(python: str, wheel: Path, work: Path, expected_version: str) -> None:
    label = run(python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])").stdout.strip()
    where = work / f"py{label}"
    step(f"fresh Python {label} venv ({python}): pip install {wheel.name}")
    started = time.monotonic()
    py = venv(python, where / "venv")
    run(py, "-m", "pip", "install", "--quiet", wheel)
    bin_dir = py.parent
    print(f"    installed in {time.monotonic() - started:.0f} s")

    # A folder with no checkout and no pyproject.toml above: what a user has.
    project = where / "project"
    shutil.copytree(ROOT / "examples", project / "examples", ignore=shutil.ignore_patterns(
        "__pycache__", ".cachelint_cache"))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}

    location = run(py, "-c", "import cachelint; print(cachelint.__file__)", cwd=project, env=env).stdout.strip()
    if not Path(location).resolve().is_relative_to((where / "venv").resolve()):
        raise Failure(f"cachelint was imported from {location}, not from the venv")
    shown = run(bin_dir / "cachelint", "--version", cwd=project, env=env).stdout.strip()
    if shown != f"cachelint {expected_version}":
        raise Failure(f"cachelint --version: {shown!r}")

    expected = readme_findings()
    flake8 = run(bin_dir / "flake8", "--select", "STC", "examples/", cwd=project, env=env, expect=(1,))
    if flake8.stdout.splitlines() != expected:
        raise Failure("flake8 --select STC examples/ does not print what the README shows:\n" + flake8.stdout)
    print(f"    flake8 --select STC examples/: the README's {len(expected)} findings")
    concise = run(bin_dir / "cachelint", "check", "--format", "concise", "examples/", cwd=project, env=env,
                  expect=(1,))
    if [_untagged(line) for line in concise.stdout.splitlines()] != expected:
        raise Failure("cachelint check --format concise examples/ differs from the README:\n" + concise.stdout)
    text = run(bin_dir / "cachelint", "check", "examples/", cwd=project, env=env, expect=(1,))
    shown = [_untagged(line) for line in text.stdout.splitlines()]
    if not all(line in shown for line in expected) or f"found {len(expected)} errors" not in text.stdout:
        raise Failure("cachelint check examples/ differs from the README:\n" + text.stdout)
    print(f"    cachelint check examples/: exit code 1, the same {len(expected)} findings")

    rules = run(bin_dir / "cachelint", "rules", cwd=project, env=env).stdout
    listed = re.findall(r"^(STC\d{3})\s", rules, re.MULTILINE)
    if listed != readme_codes():
        raise Failure(f"cachelint rules lists {listed}, the README's table {readme_codes()}")
    doc = run(bin_dir / "cachelint", "rule", "STC001", cwd=project, env=env).stdout
    if "unhashable-argument" not in doc:
        raise Failure(f"cachelint rule STC001:\n{doc}")
    run(py, "-m", "cachelint", "--version", cwd=project, env=env)
    print(f"    cachelint rules: {len(listed)} rules; cachelint rule STC001; python -m cachelint")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", action="append", help="an interpreter to install the wheel with "
                        "(repeatable; default: this one)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    pythons = args.python or [sys.executable]
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="cachelint-dist-"))
    try:
        step(f"tools venv ({', '.join(TOOLS)})")
        tools = venv(sys.executable, work / "tools")
        run(tools, "-m", "pip", "install", "--quiet", *TOOLS)

        step("python -m build (the sdist, then the wheel from the sdist)")
        dist = work / "dist"
        run(tools, "-m", "build", "--outdir", dist, ROOT)
        sdists, wheels = sorted(dist.glob("*.tar.gz")), sorted(dist.glob("*.whl"))
        if len(sdists) != 1 or len(wheels) != 1:
            raise Failure(f"expected one sdist and one wheel, got {sorted(p.name for p in dist.iterdir())}")
        sdist, wheel = sdists[0], wheels[0]
        if not wheel.name.endswith("-py3-none-any.whl"):
            raise Failure(f"expected a pure-Python wheel, got {wheel.name}")

        step("twine check --strict")
        plain = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
        print("    " + run(tools, "-m", "twine", "check", "--strict", sdist, wheel, env=plain).stdout.strip()
              .replace("\n", "\n    "))

        step("contents and metadata")
        expected_version = version()
        check_sdist(sdist)
        metadata = check_wheel(wheel, expected_version)
        check_classifiers(tools, metadata)

        for python in pythons:
            check_installed(python, wheel, work, expected_version)
    except Failure as failure:
        print(f"\nFAILED: {failure}", file=sys.stderr)
        print(f"(work folder kept: {work})", file=sys.stderr)
        return 1
    if args.keep:
        print(f"work folder kept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    print(f"dist check passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
