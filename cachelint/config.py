"""``[tool.cachelint]`` in pyproject.toml, merged with command-line flags, into one run's settings.

The configuration is found by walking up from the checked paths to the first
``pyproject.toml`` that has a ``[tool.cachelint]`` table. Paths in it (``exclude``,
``per-file-ignores``, ``entry-scripts``) are relative to the folder that holds it.
A command-line flag replaces the value of the same key; ``--extend-select`` adds.
The Streamlit release the app is checked against (``target-streamlit``, else the app's
pin, else the installed Streamlit) is decided by ``cachelint.target``.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

from cachelint import catalog
from cachelint import target as targets
from cachelint.files import matches, relative_posix
from cachelint.findings import Report
from cachelint.layout import Layout

KNOWN_KEYS = (
    "select", "ignore", "extend-select", "per-file-ignores", "exclude",
    "hashable-types", "unhashable-types", "entry-scripts", "target-streamlit", "preview", "step-budget",
    *("extend-ignore", "fail-on", "respect-gitignore", "force-exclude"),  # the command's own keys
)
FAIL_ON = ("warning", "error")  # fail-on: the least severe finding that makes the run fail
VERSION = re.compile(r"^[0-9]+\.[0-9]+(\.[0-9]+)?$")


STEP_BUDGET = 200_000  # see engine.py: far above what real cached functions take (benchmarks/realworld)


@dataclass(frozen=True)
class AnalysisSettings:
    """What changes the findings of a file: the part of a ``Config`` the engine reads."""

    select: frozenset[str] | None = None  # code prefixes; None: every rule
    ignore: frozenset[str] = frozenset()
    hashable_types: frozenset[str] = frozenset()  # qualified names the user vouches for
    unhashable_types: frozenset[str] = frozenset()
    entry_scripts: frozenset[Path] = frozenset()  # files Streamlit runs as __main__
    target_streamlit: str | None = None  # "1.67"; None: the latest model known
    target_pandas: int | None = None  # pandas major version the app runs with (None: unknown)
    target_origin: str = ""  # why that release, for messages: "your pin in requirements.txt"
    preview: bool = False  # run the preview rules too
    step_budget: int = STEP_BUDGET  # inference steps one cached function may take before STC902
    max_file_bytes: int = 2_000_000  # larger files are skipped with STC902 (generated code)


class ConfigError(Exception):
    """The configuration cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Config:
    """Everything a run needs to know besides the paths."""

    settings: AnalysisSettings
    root: Path  # folder of the pyproject.toml used, else the working folder
    source: Path | None = None  # the pyproject.toml read, if any
    exclude: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()
    select: tuple[str, ...] | None = None  # as written (for display and the cache key)
    ignore: tuple[str, ...] = ()
    # The command's own keys (which files a run checks, when it fails): see ``_command_keys``.
    fail_on: str = "warning"  # "warning": any finding fails the run; "error": only errors do
    respect_gitignore: bool = True  # folders are listed through git, honouring .gitignore
    force_exclude: bool = False  # ``exclude`` applies to paths named on the command line too
    target: targets.Target | None = None  # the Streamlit/pandas target and where it came from

    def for_folder(self, folder: Path, resolver: targets.Resolver | None = None) -> Config:
        """This configuration for the app in ``folder``: the target follows that app's own
        pin (``cachelint.target``) unless it was given on the command line or in
        ``[tool.cachelint]``. Returns ``self`` when nothing changes."""
        if self.target is None:
            return self
        resolver = resolver or targets.Resolver(self.target.streamlit)
        found = resolver.for_folder(folder)
        if found == self.target:
            return self
        return replace(self, settings=_with_target(self.settings, found, self.root), target=found)

    def ignored_for(self, relative: str) -> frozenset[str]:
        """Code prefixes ``per-file-ignores`` switches off for a path relative to the root."""
        found: set[str] = set()
        for pattern, codes in self.per_file_ignores:
            if matches(pattern, relative):
                found |= codes
        return frozenset(found)

    def reports(self, code: str, relative: str) -> bool:
        """Is a finding with this code shown for this file?

        The most specific selector wins (``--select STC011 --ignore STC0`` shows STC011).
        ``select`` never hides the findings about a file itself (STC9xx: not parsed,
        internal error, over budget); ``ignore`` and ``per-file-ignores`` can.
        """
        ignored = self.settings.ignore | self.ignored_for(relative) if self.per_file_ignores else self.settings.ignore
        select = self.settings.select
        if select is not None and catalog.BY_CODE.get(code, catalog.BY_CODE[catalog.INTERNAL_ERROR]).about_file:
            select = select | {"ALL"}
        return catalog.selected(code, select, ignored, self.settings.preview)

    def cache_token(self) -> str:
        """What about the configuration changes the engine's findings."""
        s = self.settings
        return repr((sorted(s.select) if s.select is not None else None, sorted(s.ignore),
                     sorted(s.hashable_types), sorted(s.unhashable_types),
                     sorted(str(p) for p in s.entry_scripts), s.target_streamlit, s.target_pandas,
                     s.target_origin, s.preview, s.step_budget))


class Targets:
    """The Streamlit release each app folder is checked against (``cachelint.target``):
    each unit of work is one app folder, with that app's own pin. Gives the result cache
    key of a file its target, and tells the report (``-v``, JSON) which targets were used."""

    def __init__(self, config: Config, layout: Layout | None = None):
        self.config = config
        self.layout = layout or Layout()
        self.resolver = targets.Resolver(config.target.streamlit) if config.target is not None else None
        self.used: dict[Path, Config] = {}  # app folder -> its configuration

    def config_for(self, path: Path) -> Config:
        folder = Path(self.layout.app_root(str(path)))
        found = self.used.get(folder)
        if found is None:
            found = self.used[folder] = self.config.for_folder(folder, self.resolver)
        return found

    def key(self, path: Path, key: str) -> str:
        """The result cache key of ``path``, with the target of its app folder in it."""
        own = self.config_for(path)
        if own is self.config:
            return key
        return hashlib.sha256(f"{key}\0{own.cache_token()}".encode("utf-8", "surrogateescape")).hexdigest()

    def tell(self, report: Report) -> Report:
        """``report.target`` (the run's), ``report.folder_targets`` (app folders with another
        one), and the ``-v`` notes of those folders (the run's own are in ``config_notes``)."""
        report.target = self.config.target
        report.folder_targets = {folder: own.target for folder, own in sorted(self.used.items())
                                 if own is not self.config and own.target is not None}
        for folder, target in report.folder_targets.items():
            where = relative_posix(folder, self.config.root)
            report.notes.extend(f"{where}: {line}" for line in target.describe(self.config.root))
        return report


@dataclass
class Overrides:
    """Values given on the command line (None: not given)."""

    select: list[str] | None = None
    ignore: list[str] | None = None
    extend_select: list[str] | None = None
    per_file_ignores: list[str] | None = None  # "pattern:CODE,CODE"
    exclude: list[str] | None = None
    hashable_types: list[str] | None = None
    unhashable_types: list[str] | None = None
    entry_scripts: list[str] | None = None
    target_streamlit: str | None = None
    preview: bool | None = None
    extend_ignore: list[str] | None = None
    fail_on: str | None = None
    respect_gitignore: bool | None = None
    force_exclude: bool | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above ``start`` with a [tool.cachelint] table."""
    folder = start if start.is_dir() else start.parent
    folder = folder.resolve()
    for candidate in (folder, *folder.parents):
        path = candidate / "pyproject.toml"
        if path.is_file():
            try:
                data = _read_toml(path)
            except ConfigError:
                raise
            if isinstance(data.get("tool"), dict) and "cachelint" in data["tool"]:
                return path
    return None


def common_start(paths: Iterable[Path], cwd: Path) -> Path:
    """The folder to start looking for configuration from: the paths' common folder."""
    resolved = [(p if p.is_absolute() else cwd / p).resolve() for p in paths]
    if not resolved:
        return cwd.resolve()
    folders = [p if p.is_dir() else p.parent for p in resolved]
    common = folders[0]
    for folder in folders[1:]:
        while common not in (folder, *folder.parents):
            common = common.parent
    return common


def load(start: Path, overrides: Overrides | None = None, config_file: Path | None = None,
         isolated: bool = False, cwd: Path | None = None) -> Config:
    """The configuration for a run whose paths have ``start`` as common folder."""
    overrides = overrides or Overrides()
    cwd = (cwd or Path.cwd()).resolve()
    table: dict[str, Any] = {}
    source: Path | None = None
    if config_file is not None:
        source = config_file.resolve()
        if not source.is_file():
            raise ConfigError(f"{config_file}: no such configuration file")
        data = _read_toml(source)
        table = data.get("tool", {}).get("cachelint", {}) if isinstance(data.get("tool"), dict) else {}
    elif not isolated:
        source = find_pyproject(start)
        if source is not None:
            table = _read_toml(source)["tool"]["cachelint"]
    if not isinstance(table, dict):
        raise ConfigError(f"{source}: [tool.cachelint] must be a table")
    where = f"{source}: [tool.cachelint]" if source else "[tool.cachelint]"
    unknown = [key for key in table if key not in KNOWN_KEYS]
    if unknown:
        key = unknown[0]
        close = difflib.get_close_matches(key, KNOWN_KEYS, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else f" (known keys: {', '.join(KNOWN_KEYS)})"
        raise ConfigError(f"{where}: unknown key '{key}'{hint}")
    root = source.parent if source else cwd

    def strings(key: str) -> list[str] | None:
        if key not in table:
            return None
        value = table[key]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: '{key}' must be a list of strings")
        return value

    select = overrides.select if overrides.select is not None else strings("select")
    ignore = overrides.ignore if overrides.ignore is not None else strings("ignore")
    extend_ignore = overrides.extend_ignore if overrides.extend_ignore is not None else strings("extend-ignore")
    if extend_ignore:
        ignore = [*(ignore or []), *extend_ignore]
    extend = overrides.extend_select if overrides.extend_select is not None else strings("extend-select")
    exclude = overrides.exclude if overrides.exclude is not None else strings("exclude")
    hashable = overrides.hashable_types if overrides.hashable_types is not None else strings("hashable-types")
    unhashable = (overrides.unhashable_types if overrides.unhashable_types is not None
                  else strings("unhashable-types"))

    # Paths from the command line are relative to the working folder, from the file to its folder.
    if overrides.entry_scripts is not None:
        entries = [(cwd / p).resolve() for p in overrides.entry_scripts]
    else:
        entries = [(root / p).resolve() for p in strings("entry-scripts") or []]

    if overrides.per_file_ignores is not None:
        per_file = _parse_per_file_option(overrides.per_file_ignores)
    else:
        per_file = _per_file_table(table.get("per-file-ignores"), where)

    explicit, explicit_source = None, targets.COMMAND_LINE
    if overrides.target_streamlit is not None:
        explicit = overrides.target_streamlit
    elif "target-streamlit" in table:
        explicit, explicit_source = table["target-streamlit"], targets.CONFIG
        if not isinstance(explicit, str):
            raise ConfigError(f"{where}: 'target-streamlit' must be a string such as \"1.67\"")
    if explicit is not None and not VERSION.match(explicit):
        raise ConfigError(f"target-streamlit: '{explicit}' is not a version such as 1.67")
    # Else the app's own pin, the installed Streamlit, the latest modelled (cachelint.target).
    target = targets.resolve(start if start.is_dir() else start.parent, explicit, explicit_source,
                             source if explicit_source == targets.CONFIG else None)

    for key, codes in (("select", select), ("ignore", ignore), ("extend-select", extend),
                       ("extend-ignore", extend_ignore)):
        for code in codes or []:
            problem = catalog.unknown_selector(code)
            if problem:
                raise ConfigError(f"{key}: {problem}")
    for _, codes in per_file:
        for code in codes:
            problem = catalog.unknown_selector(code)
            if problem:
                raise ConfigError(f"per-file-ignores: {problem}")

    step_budget = table.get("step-budget", STEP_BUDGET)
    if not isinstance(step_budget, int) or isinstance(step_budget, bool) or step_budget < 1:
        raise ConfigError(f"{where}: 'step-budget' must be a positive number of inference steps")

    if overrides.preview is not None:
        preview = overrides.preview
    else:
        preview = table.get("preview", False)
        if not isinstance(preview, bool):
            raise ConfigError(f"{where}: 'preview' must be true or false")

    selected: frozenset[str] | None
    if select is None or "ALL" in select:
        # Everything; extend-select still names opt-in codes explicitly.
        selected = frozenset({"ALL"}) | frozenset(extend) if extend else None
    else:
        selected = frozenset(select) | frozenset(extend or [])
    settings = AnalysisSettings(
        select=selected,
        ignore=frozenset(ignore or []),
        hashable_types=frozenset(hashable or []),
        unhashable_types=frozenset(unhashable or []),
        entry_scripts=frozenset(entries),
        preview=preview,
        step_budget=step_budget,
    )
    return Config(settings=_with_target(settings, target, root), root=root, source=source,
                  exclude=tuple(exclude or ()), per_file_ignores=tuple(per_file),
                  select=tuple(sorted(selected)) if selected else None, ignore=tuple(sorted(set(ignore or []))),
                  target=target, **_command_keys(table, overrides, where))


def _with_target(settings: AnalysisSettings, target: targets.Target, root: Path) -> AnalysisSettings:
    return replace(settings, target_streamlit=target.streamlit.version, target_pandas=target.pandas_major,
                   target_origin=target.origin(root))


def _command_keys(table: dict[str, Any], overrides: Overrides, where: str) -> dict[str, Any]:
    """``fail-on``, ``respect-gitignore``, ``force-exclude``: how the command runs, not what
    a file's findings are (so not part of the result cache's key)."""
    found: dict[str, Any] = {}
    for key, kind in (("fail-on", str), ("respect-gitignore", bool), ("force-exclude", bool)):
        attribute = key.replace("-", "_")
        value = getattr(overrides, attribute)
        if value is None and key in table:
            value = table[key]
            if not isinstance(value, kind):
                raise ConfigError(f"{where}: '{key}' must be {'a string' if kind is str else 'true or false'}")
        if value is not None:
            found[attribute] = value
    if found.get("fail_on", "warning") not in FAIL_ON:
        raise ConfigError(f"fail-on: '{found['fail_on']}' is not one of {', '.join(FAIL_ON)}")
    return found


def installed_streamlit() -> str | None:
    """The Streamlit version installed next to cachelint, if any (else the latest model)."""
    return targets.installed_version("streamlit")


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it: {exc.strerror}") from None


def _per_file_table(value: Any, where: str) -> list[tuple[str, frozenset[str]]]:
    if value is None:
        return []
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: 'per-file-ignores' must be a table of pattern = [codes]")
    found = []
    for pattern, codes in value.items():
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise ConfigError(f"{where}: per-file-ignores '{pattern}' must be a list of codes")
        found.append((pattern, frozenset(codes)))
    return found


def _parse_per_file_option(items: list[str]) -> list[tuple[str, frozenset[str]]]:
    found = []
    for item in items:
        pattern, sep, codes = item.rpartition(":")
        if not sep or not pattern:
            raise ConfigError(f"--per-file-ignores: '{item}' should look like 'pattern:STC001,STC002'")
        found.append((pattern, frozenset(c.strip() for c in codes.split(",") if c.strip())))
    return found
