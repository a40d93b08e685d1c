"""Which Streamlit release (and which pandas) an app runs: the target cachelint models.

In this order:

1. ``--target-streamlit`` on the command line (flake8: ``--cachelint-target-streamlit``),
   else ``target-streamlit`` in ``[tool.cachelint]``;
2. else the project's own pin, read from the files people keep, the nearest folder
   first: from the app's folder up to the project top (the repository root; outside a
   repository, up while the folder above still holds a project or pin file). In one
   folder, lock files (``uv.lock``, ``poetry.lock``, ``Pipfile.lock``: the exact version
   that was resolved) come before manifests (``Pipfile``, ``environment.yml``,
   ``requirements.txt``, other ``requirements*.txt``, ``pyproject.toml``). A file that
   does not name Streamlit is passed over. Each app of a monorepo gets its own pin;
3. else the Streamlit installed next to cachelint;
4. else the latest release cachelint models.

A range (``streamlit>=1.30,<1.40``, ``~=1.30``, Poetry's ``^1.30``, a bare
``streamlit``) is modelled as **the highest release it admits**: that is what pip, uv,
Poetry and Streamlit Community Cloud install on a fresh deploy, so it is the release
the app runs. It is also where a range breaks: an API removed in 1.62 is gone for
every deploy of ``streamlit>=1.20``. The lowest release a range admits is reported
(``cachelint check -v``, the JSON ``target`` object) but not analysed: one analysis,
one answer per finding, each true for a concrete release. Check the floor with
``--target-streamlit 1.30``.

The pandas major version (pandas 2 and 3 spell ``DataFrame`` differently for
``hash_funcs`` keys) is found the same way: its pin, else the installed pandas.

Import-light (re, json, tomllib and the release data loader): the configuration,
pre-commit and the result cache use it without astroid.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

from cachelint.files import relative_posix
from cachelint.streamlit_model import releases
from cachelint.streamlit_model.type_names import VERSIONED_NAMES

# Where a target comes from.
COMMAND_LINE = "command line"
CONFIG = "config"
LOCK = "lock file"
PIN = "pin"
INSTALLED = "installed"
LATEST = "latest"
UNKNOWN = "unknown"

LOCK_FILES = ("uv.lock", "poetry.lock", "Pipfile.lock")
MANIFESTS = ("Pipfile", "environment.yml", "environment.yaml", "requirements.txt")
REQUIREMENTS = re.compile(r"^requirements.*\.txt$", re.IGNORECASE)
PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg")
REPOSITORY_MARKERS = (".git", ".hg")
MAX_INCLUDES = 20  # ``-r`` files followed from one requirements file

# pandas majors cachelint knows how to name classes for (type_names.VERSIONED_NAMES).
LATEST_PANDAS_MAJOR = max(first for names in VERSIONED_NAMES.values() for first, _ in names)


# -- versions and specifiers -----------------------------------------------------------------
_RELEASE = re.compile(r"^\s*v?(\d+(?:\.\d+)*)")


def release_tuple(text: str) -> tuple[int, ...] | None:
    """The release segment of a version ("1.25.0rc1" -> (1, 25, 0)); None if it has none."""
    match = _RELEASE.match(text)
    return tuple(int(part) for part in match.group(1).split(".")) if match else None


def _padded(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    width = max(len(a), len(b))
    return a + (0,) * (width - len(a)), b + (0,) * (width - len(b))


@dataclass(frozen=True)
class Spec:
    """One version clause: ``>=1.30``, ``==1.25.*``, ``~=1.30.0``..."""

    op: str
    version: str

    def admits(self, candidate: tuple[int, ...]) -> bool:
        op, text = self.op, self.version.strip()
        if op == "===":
            return ".".join(map(str, candidate)) == text
        wildcard = text.endswith(".*")
        wanted = release_tuple(text[:-2] if wildcard else text)
        if wanted is None:
            return True  # not a version we can read: do not exclude anything
        if wildcard and op in ("==", "!="):
            prefix = candidate[:len(wanted)] + (0,) * (len(wanted) - len(candidate[:len(wanted)]))
            return (prefix == wanted) == (op == "==")
        a, b = _padded(candidate, wanted)
        if op == "==":
            return a == b
        if op == "!=":
            return a != b
        if op == ">=":
            return a >= b
        if op == "<=":
            return a <= b
        if op == ">":
            return a > b
        if op == "<":
            return a < b
        if op == "~=":
            head = wanted[:-1] if len(wanted) > 1 else wanted
            return a >= b and candidate[:len(head)] == head
        return True


_SPEC = re.compile(r"\s*(===|==|!=|~=|>=|<=|>|<)\s*([^\s,;)]+)")


def pep440_specs(text: str) -> list[Spec]:
    """``>=1.30, <1.40`` -> [Spec(">=", "1.30"), Spec("<", "1.40")]."""
    return [Spec(m.group(1), m.group(2)) for m in _SPEC.finditer(text.strip().strip("()"))]


def poetry_specs(text: str) -> list[list[Spec]]:
    """A Poetry constraint (``^1.30``, ``~1.30``, ``1.30.*``, ``>=1.2 <1.4``, ``a || b``)
    as alternatives of clauses."""
    alternatives: list[list[Spec]] = []
    for alternative in text.split("||"):
        clauses: list[Spec] = []
        for part in re.split(r"[,\s]+(?=[<>=!~^\d*])", alternative.strip()):
            part = part.strip().strip(",")
            if not part or part == "*":
                continue
            if part.startswith("^"):
                version = release_tuple(part[1:]) or (0,)
                first = next((i for i, n in enumerate(version) if n != 0), len(version) - 1)
                upper = version[:first] + (version[first] + 1,)
                clauses += [Spec(">=", part[1:]), Spec("<", ".".join(map(str, upper)))]
            elif part.startswith("~") and not part.startswith("~="):
                version = release_tuple(part[1:]) or (0,)
                upper = (version[0] + 1,) if len(version) == 1 else (version[0], version[1] + 1)
                clauses += [Spec(">=", part[1:]), Spec("<", ".".join(map(str, upper)))]
            elif part[0].isdigit():
                clauses.append(Spec("==", part))
            else:
                clauses += pep440_specs(part)
        alternatives.append(clauses)
    return alternatives or [[]]


def conda_specs(text: str) -> list[Spec]:
    """A conda version (``=1.25`` is ``1.25.*``, ``1.25.*``, ``>=1.20,<1.30``, a build after ``=``)."""
    text = text.strip()
    if text.startswith("=") and not text.startswith("=="):
        version = text[1:].split("=")[0]  # ``=1.25.0=py_0``: the build string goes
        return [Spec("==", version if version.endswith("*") else version + ".*")]
    if text and (text[0].isdigit()):
        version = text.split()[0].split("=")[0]
        return [Spec("==", version)]
    return pep440_specs(text.replace(" ", ""))


# -- requirements -----------------------------------------------------------------------------
_NAME = re.compile(r"^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*(.*)$", re.DOTALL)


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Pin:
    """A requirement that names the distribution, where it was found."""

    file: Path
    line: int
    text: str  # as written: "streamlit==1.25.0", "streamlit = \"^1.30\""
    alternatives: tuple[tuple[Spec, ...], ...]  # OR of ANDs; ((),) admits every version
    locked: bool = False  # from a lock file: the exact version resolved

    @property
    def bounded(self) -> bool:
        return any(alternative for alternative in self.alternatives)

    def admits(self, candidate: tuple[int, ...]) -> bool:
        return any(all(spec.admits(candidate) for spec in alternative) for alternative in self.alternatives)

    def versions(self) -> list[str]:
        return [spec.version for alternative in self.alternatives for spec in alternative]


def parse_requirement(line: str) -> tuple[str, list[Spec]] | None:
    """(normalized name, clauses) of a PEP 508 requirement; None when it is not one.
    Markers are not evaluated; a direct reference (``name @ url``) admits any version."""
    match = _NAME.match(line)
    if not match:
        return None
    name, rest = normalize(match.group(1)), match.group(3)
    rest = rest.split(";", 1)[0].strip()
    if rest.startswith("@"):
        return name, []
    if rest and not rest.startswith(("(", "=", "!", "<", ">", "~")):
        return None
    return name, pep440_specs(rest)


# -- pin files -----------------------------------------------------------------------------------
def _line_of(text: str, needle: str, start: int = 0) -> int:
    index = text.find(needle, start)
    return text.count("\n", 0, index) + 1 if index >= 0 else 1


def requirements_pins(path: Path, name: str, seen: set[Path] | None = None) -> list[Pin]:
    """Every line of a requirements file (and the ``-r`` / ``-c`` files it names) that
    requires ``name``."""
    seen = seen if seen is not None else set()
    path = path.resolve()
    if path in seen or len(seen) > MAX_INCLUDES:
        return []
    seen.add(path)
    text = _read(path)
    if text is None:
        return []
    found: list[Pin] = []
    logical = ""
    start = 0
    for number, raw in enumerate(text.splitlines(), 1):
        if not logical:
            start = number
        line = re.sub(r"(^|\s)#.*$", "", raw)
        if line.rstrip().endswith("\\"):
            logical += line.rstrip()[:-1] + " "
            continue
        logical += line
        current, logical = logical.strip(), ""
        if not current:
            continue
        include = re.match(r"^(?:-r|--requirement|-c|--constraint)(?:\s*=?\s*)(\S+)", current)
        if include:
            found += requirements_pins(path.parent / include.group(1), name, seen)
            continue
        if current.startswith("-"):
            continue  # -e, --index-url, --hash...: not a requirement of a released version
        current = re.split(r"\s--hash", current)[0]
        parsed = parse_requirement(current)
        if parsed and parsed[0] == name:
            found.append(Pin(path, start, current, (tuple(parsed[1]),)))
    return found


def _combined(pins: list[Pin]) -> Pin | None:
    """One pin from several lines (a requirement and its constraint): every clause holds;
    the first line with a version clause is the one shown."""
    if not pins:
        return None
    clauses = tuple(spec for pin in pins for alternative in pin.alternatives for spec in alternative)
    shown = next((pin for pin in pins if pin.bounded), pins[0])
    return Pin(shown.file, shown.line, shown.text, (clauses,))


def pyproject_pin(path: Path, name: str) -> Pin | None:
    text = _read(path)
    data = _toml(text)
    if data is None:
        return None
    project = data.get("project")
    for requirement in (project.get("dependencies") or []) if isinstance(project, dict) else []:
        parsed = parse_requirement(requirement) if isinstance(requirement, str) else None
        if parsed and parsed[0] == name:
            return Pin(path, _line_of(text, requirement), requirement, (tuple(parsed[1]),))
    poetry = data.get("tool", {}).get("poetry", {}) if isinstance(data.get("tool"), dict) else {}
    return _table_pin(path, text, poetry.get("dependencies") if isinstance(poetry, dict) else None,
                      "[tool.poetry.dependencies]", name, lambda c: tuple(tuple(a) for a in poetry_specs(c)))


def pipfile_pin(path: Path, name: str) -> Pin | None:
    text = _read(path)
    data = _toml(text)
    if data is None:
        return None
    return _table_pin(path, text, data.get("packages"), "[packages]", name, lambda c: (tuple(pep440_specs(c)),))


def _table_pin(path: Path, text: str, table: object, header: str, name: str,
               specs: Callable[[str], tuple[tuple[Spec, ...], ...]]) -> Pin | None:
    """A ``name = "constraint"`` or ``name = {version = "...", ...}`` entry of a TOML table
    (Poetry's dependencies, a Pipfile's packages)."""
    for key, value in table.items() if isinstance(table, dict) else ():
        if normalize(key) == name:
            constraint = value.get("version", "*") if isinstance(value, dict) else value
            return Pin(path, _key_line(text, key, _line_of(text, header)), f"{key} = {json.dumps(value)}",
                       specs(constraint if isinstance(constraint, str) else "*"))
    return None


def lock_pin(path: Path, name: str) -> Pin | None:
    """uv.lock / poetry.lock (``[[package]] name, version``) and Pipfile.lock (JSON)."""
    text = _read(path)
    if text is None:
        return None
    version: str | None = None
    line = 1
    if path.name == "Pipfile.lock":
        try:
            data = json.loads(text)
        except ValueError:
            return None
        for key, value in (data.get("default") or {}).items() if isinstance(data, dict) else ():
            if normalize(key) == name and isinstance(value, dict) and isinstance(value.get("version"), str):
                version = value["version"].lstrip("=")
                line = _line_of(text, f'"{key}"')
                break
    else:
        data = _toml(text)
        if data is None:
            return None
        for package in data.get("package") or []:
            if isinstance(package, dict) and normalize(str(package.get("name", ""))) == name \
                    and isinstance(package.get("version"), str):
                version = package["version"]
                line = _line_of(text, f'version = "{version}"', text.find(f'name = "{package["name"]}"'))
                break
    if version is None:
        return None
    return Pin(path, line, f"{name} {version}", ((Spec("==", version),),), locked=True)


def environment_pin(path: Path, name: str) -> Pin | None:
    """A conda ``environment.yml``: its ``dependencies`` and their ``pip:`` list (read line
    by line: no YAML library is needed for this shape)."""
    text = _read(path)
    if text is None:
        return None
    in_dependencies = False
    pip_indent: int | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = re.sub(r"(^|\s)#.*$", "", raw).rstrip()
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        stripped = line.strip()
        if indent == 0:
            in_dependencies = stripped.startswith("dependencies:")
            pip_indent = None
            continue
        if not in_dependencies or not stripped.startswith("-"):
            continue
        item = stripped[1:].strip().strip("'\"")
        if item.startswith("pip:"):
            pip_indent = indent
            continue
        if pip_indent is not None and indent > pip_indent:
            parsed = parse_requirement(item)
            if parsed and parsed[0] == name:
                return Pin(path, number, item, (tuple(parsed[1]),))
            continue
        pip_indent = None
        spec = item.split("::")[-1]
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*)$", spec)
        if match and normalize(match.group(1)) == name:
            return Pin(path, number, item, (tuple(conda_specs(match.group(2))),))
    return None


def _key_line(text: str, key: str, after_line: int) -> int:
    lines = text.splitlines()
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for number in range(max(after_line, 1), len(lines) + 1):
        if pattern.match(lines[number - 1]):
            return number
    return after_line


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None


def _toml(text: str | None) -> dict | None:
    if text is None:
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None


def pin_files(folder: Path) -> list[Path]:
    """The pin files of one folder, in the order they are read."""
    try:
        names = {entry.name for entry in folder.iterdir() if entry.is_file()}
    except OSError:
        return []
    ordered = [n for n in LOCK_FILES + MANIFESTS if n in names]
    ordered += sorted(n for n in names if REQUIREMENTS.match(n) and n not in ordered)
    if "pyproject.toml" in names:
        ordered.append("pyproject.toml")
    return [folder / n for n in ordered]


def pin_in_file(path: Path, name: str) -> Pin | None:
    if path.name in ("uv.lock", "poetry.lock", "Pipfile.lock"):
        return lock_pin(path, name)
    if path.name == "Pipfile":
        return pipfile_pin(path, name)
    if path.name == "pyproject.toml":
        return pyproject_pin(path, name)
    if path.name.startswith("environment."):
        return environment_pin(path, name)
    return _combined(requirements_pins(path, name))


def folders_up(folder: Path) -> Iterator[Path]:
    """The app folder, then the folders above it up to the project top."""
    folder = folder.resolve()
    chain = [folder, *folder.parents]
    top = next((f for f in chain if any((f / m).exists() for m in REPOSITORY_MARKERS)), None)
    home = _home()
    for current in chain:
        yield current
        if current == top:
            return
        parent = current.parent
        if parent == current or (home is not None and parent == home and top is None):
            return
        if top is None and not any((parent / m).exists() for m in PROJECT_MARKERS) and not pin_files(parent):
            return


def _home() -> Path | None:
    try:
        return Path.home().resolve()
    except (RuntimeError, OSError):
        return None


def find_pin(folder: Path, name: str, memo: dict | None = None) -> Pin | None:
    """The nearest pin of ``name`` for an app in ``folder``. ``memo``: what was already
    looked up on disk in this run (folders above, pin files, pins read), kept by the
    caller (``Resolver``): a run over hundreds of app folders of one repository reads
    the same folders and pin files for each."""
    memo = {} if memo is None else memo

    def remembered(key: tuple, compute: Callable[[], object]):
        if key not in memo:
            memo[key] = compute()
        return memo[key]

    for current in remembered(("up", folder), lambda: list(folders_up(folder))):
        for path in remembered(("files", current), lambda: pin_files(current)):
            pin = remembered(("pin", path, name), lambda: pin_in_file(path, name))
            if pin is not None:
                return pin
    return None


# -- the target --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Choice:
    """What cachelint models for one distribution, and why."""

    version: str | None  # "1.25.0", "1.39", "2"; None: not known (Streamlit: the latest modelled)
    source: str  # COMMAND_LINE, CONFIG, LOCK, PIN, INSTALLED, LATEST, UNKNOWN
    how: str = ""  # how the version was chosen, in words
    file: Path | None = None
    line: int | None = None
    pin: str | None = None  # the requirement as written
    lowest: str | None = None  # a range: the lowest modelled release it admits
    highest: str | None = None  # a range: the highest modelled release it admits

    def to_json(self, root: Path | None) -> dict:
        return {"version": self.version, "source": self.source, "resolution": self.how,
                "file": _shown(self.file, root) if self.file else None, "line": self.line, "pin": self.pin,
                "admits": [self.lowest, self.highest] if self.lowest else None}


@dataclass(frozen=True)
class Target:
    """The Streamlit release an app is checked against, and its pandas major version."""

    streamlit: Choice
    pandas: Choice = field(default_factory=lambda: Choice(None, UNKNOWN))

    @property
    def explicit(self) -> bool:
        return self.streamlit.source in (COMMAND_LINE, CONFIG)

    @property
    def modelled(self) -> str:
        """The modelled minor release whose facts apply ("1.25")."""
        return releases.nearest(self.streamlit.version)[0] if self.streamlit.version else releases.releases()[-1]

    @property
    def pandas_major(self) -> int | None:
        version = release_tuple(self.pandas.version) if self.pandas.version else None
        return version[0] if version else None

    def origin(self, root: Path | None = None) -> str:
        """Why this release, in a few words for messages: "your pin in requirements.txt"."""
        choice = self.streamlit
        where = _shown(choice.file, root) if choice.file else ""
        if choice.source == COMMAND_LINE:
            return "--target-streamlit"
        if choice.source == CONFIG:
            return f"target-streamlit in {where}" if where else "target-streamlit"
        if choice.source == LOCK:
            return f"locked in {where}"
        if choice.source == PIN:
            if choice.highest is not None and choice.lowest != choice.highest:
                pin = f" '{choice.pin}'" if choice.pin and len(choice.pin) <= 60 else ""
                return f"the newest release your pin{pin} in {where} admits"
            return f"your pin in {where}"
        if choice.source == INSTALLED:
            return "the installed Streamlit"
        return "no pin found: the latest release cachelint models"

    def describe(self, root: Path | None = None) -> list[str]:
        """``cachelint check -v``: the release modelled and why, and the pandas major."""
        choice = self.streamlit
        version = choice.version or self.modelled
        modelled = self.modelled
        exact = releases.nearest(version)[1]
        line = f"Streamlit target: {version} ({choice.how or choice.source}"
        if choice.file:
            line += f"; {_shown(choice.file, root)}:{choice.line}"
        if choice.pin:
            line += f": {choice.pin}"
        line += ")"
        if not exact:
            line += f", modelled as {modelled} (the nearest release cachelint has measured)"
        lines = [line]
        if choice.lowest and choice.lowest != choice.highest:
            lines.append(f"Streamlit target: the pin admits {choice.lowest} to {choice.highest}; checked against "
                         f"{choice.highest} (what a fresh install gets); check the floor with "
                         f"--target-streamlit {choice.lowest}")
        pandas = self.pandas
        if pandas.version:
            where = f"; {_shown(pandas.file, root)}:{pandas.line}: {pandas.pin}" if pandas.file else ""
            lines.append(f"pandas target: {self.pandas_major} ({pandas.how or pandas.source}{where})")
        else:
            lines.append("pandas target: unknown (no pin, not installed): pandas class names are not judged")
        return lines

    def to_json(self, root: Path | None = None) -> dict:
        out = {"streamlit": {**self.streamlit.to_json(root), "modelled": self.modelled},
               "pandas": {**self.pandas.to_json(root), "major": self.pandas_major}}
        return out


def _shown(path: Path, root: Path | None) -> str:
    return relative_posix(path, root) if root is not None else path.as_posix()


def _modelled_candidates() -> list[tuple[int, ...]]:
    """Every release of every modelled minor (patches up to the one probed)."""
    found = []
    for minor in releases.releases():
        probed = release_tuple(releases.probed()[minor]["version"]) or release_tuple(minor)
        for patch in range(0, (probed[2] if len(probed) > 2 else 0) + 1):
            found.append(probed[:2] + (patch,))
    return found


def choose_streamlit(pin: Pin) -> Choice:
    """The release to model for a pin: the highest it admits (see the module docs)."""
    candidates = [c for c in _modelled_candidates() if pin.admits(c)]
    source = LOCK if pin.locked else PIN
    if pin.locked:
        version = pin.versions()[0]
        return Choice(version, source, "locked version", pin.file, pin.line, pin.text)
    if not candidates:
        # Only releases cachelint has not measured (older than the first, newer than the last).
        versions = sorted((release_tuple(v) or (0,) for v in pin.versions()), reverse=True)
        admitted = [v for v in versions if pin.admits(v)]
        chosen = (admitted or versions or [release_tuple(releases.releases()[-1])])[0]
        version = ".".join(map(str, chosen))
        return Choice(version, source, "pinned to a release cachelint has not measured", pin.file, pin.line,
                      pin.text)
    lowest, highest = candidates[0], candidates[-1]
    low_minor, high_minor = ".".join(map(str, lowest[:2])), ".".join(map(str, highest[:2]))
    if low_minor == high_minor:
        version = ".".join(map(str, highest)) if _single_release(pin) else high_minor
        return Choice(version, source, "exact pin", pin.file, pin.line, pin.text, low_minor, high_minor)
    newest = releases.releases()[-1]
    beyond = pin.admits(release_tuple(newest)[:1] + (release_tuple(newest)[1] + 1, 0))
    how = ("not pinned: a fresh install gets the newest release" if not pin.bounded else
           "a range: the highest release it admits (what a fresh install gets)")
    if beyond:
        how += f"; releases after {newest} are modelled as {newest}"
    return Choice(high_minor, source, how, pin.file, pin.line, pin.text, low_minor, high_minor)


def _single_release(pin: Pin) -> bool:
    """``==1.25.0``: one version (shown as written)."""
    return len(pin.alternatives) == 1 and len(pin.alternatives[0]) == 1 and \
        pin.alternatives[0][0].op in ("==", "===") and not pin.alternatives[0][0].version.endswith("*")


def choose_pandas(pin: Pin) -> Choice:
    """The pandas major to model for a pin: the highest major it admits."""
    source = LOCK if pin.locked else PIN
    admitted = [major for major in range(LATEST_PANDAS_MAJOR, -1, -1)
                if any(pin.admits((major, minor, patch)) for minor in range(0, 40) for patch in range(0, 6))]
    if not admitted:
        versions = [release_tuple(v) for v in pin.versions() if release_tuple(v)]
        if not versions:
            return Choice(None, UNKNOWN, "pinned to a version that cannot be read", pin.file, pin.line, pin.text)
        admitted = [max(v[0] for v in versions)]
    how = "exact pin" if len(admitted) == 1 and pin.bounded else "the highest major version the pin admits"
    return Choice(str(admitted[0]), source, how if not pin.locked else "locked version", pin.file, pin.line,
                  pin.text)


_INSTALLED: dict[str, str | None] = {}


def installed_version(distribution: str) -> str | None:
    """The version of a distribution installed next to cachelint, if any.

    Looked up once per process: reading a distribution's metadata costs ~10 ms, and a run
    over a few hundred app folders asked it for every folder (half of a warm run)."""
    if distribution not in _INSTALLED:
        from importlib import metadata

        try:
            _INSTALLED[distribution] = metadata.version(distribution)
        except metadata.PackageNotFoundError:
            _INSTALLED[distribution] = None
    return _INSTALLED[distribution]


def resolve(folder: Path, explicit: str | None = None, explicit_source: str = COMMAND_LINE,
            explicit_file: Path | None = None,
            installed: Callable[[str], str | None] = installed_version, memo: dict | None = None) -> Target:
    """The target for an app in ``folder``; ``explicit``: a version given on the command
    line or in ``[tool.cachelint]`` (``explicit_source``, read from ``explicit_file``);
    ``memo``: see ``find_pin``."""
    if explicit is not None:
        how = "--target-streamlit" if explicit_source == COMMAND_LINE else "target-streamlit in [tool.cachelint]"
        streamlit = Choice(explicit, explicit_source, how, explicit_file, None, None)
    else:
        streamlit = _streamlit_for(folder.resolve(), installed, memo)
    return Target(streamlit, _pandas_for(folder.resolve(), installed, memo))


def _streamlit_for(folder: Path, installed: Callable[[str], str | None], memo: dict | None = None) -> Choice:
    pin = find_pin(folder, "streamlit", memo)
    if pin is not None:
        return choose_streamlit(pin)
    version = installed("streamlit")
    if version is not None:
        return Choice(version, INSTALLED, "no pin found: the installed Streamlit")
    return Choice(None, LATEST, "no pin found, Streamlit not installed: the latest release cachelint models")


def _pandas_for(folder: Path, installed: Callable[[str], str | None], memo: dict | None = None) -> Choice:
    pin = find_pin(folder, "pandas", memo)
    if pin is not None:
        return choose_pandas(pin)
    version = installed("pandas")
    if version is not None:
        return Choice(version.split(".")[0], INSTALLED, "no pin found: the installed pandas")
    return Choice(None, UNKNOWN, "no pin found, pandas not installed")


class Resolver:
    """Targets per folder for one run: each folder's pin files are read once. An explicit
    Streamlit version (command line, ``[tool.cachelint]``) applies to every folder; the
    pandas major is still each folder's own."""

    def __init__(self, explicit: Choice | None = None):
        self.explicit = explicit if explicit is not None and explicit.source in (COMMAND_LINE, CONFIG) else None
        self._by_folder: dict[Path, Target] = {}
        self._memo: dict = {}  # folders, pin files and pins looked up on disk (find_pin)

    def for_folder(self, folder: Path) -> Target:
        folder = folder.resolve()
        found = self._by_folder.get(folder)
        if found is None:
            if self.explicit is not None:
                found = Target(self.explicit, _pandas_for(folder, installed_version, self._memo))
            else:
                found = resolve(folder, memo=self._memo)
            self._by_folder[folder] = found
        return found
