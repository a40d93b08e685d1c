"""Which files a run checks, as ruff decides it.

Folders are searched for ``*.py``: inside a git work tree through
``git ls-files --cached --others --exclude-standard`` (so ``.gitignore`` is honoured;
``respect_gitignore=False`` walks the folder instead), elsewhere by walking the folder.
Virtualenvs, ``node_modules``, build folders and caches are always skipped inside a
folder, and so is whatever ``exclude`` names.

A path named on the command line is checked even when ``exclude`` or ``.gitignore``
covers it, as ruff checks it: a file whatever its extension, a folder (one ``.gitignore``
covers is walked, since git lists nothing under it). With ``force_exclude`` (ruff's
``--force-exclude``, what the pre-commit hook uses) ``exclude`` applies to named paths too.
"""

from __future__ import annotations

import fnmatch
import os
import stat
import subprocess
from pathlib import Path, PurePosixPath
from typing import Iterable

from cachelint.layout import SKIPPED_DIRS

SUFFIXES = (".py",)


def matches(pattern: str, relative: str) -> bool:
    """Does a gitignore-like ``pattern`` name the path (posix, relative to the config root)?

    A pattern with no ``/`` matches any path component (``legacy_*.py``, ``generated``);
    one with a ``/`` matches the path from the root (``apps/old/*.py``) or a folder
    prefix of it (``apps/old``). A trailing ``/`` is ignored.
    """
    pattern = pattern.rstrip("/")
    if pattern.startswith("./"):
        pattern = pattern[2:]
    parts = PurePosixPath(relative).parts
    if "/" not in pattern:
        return any(fnmatch.fnmatchcase(part, pattern) for part in parts)
    pattern = pattern.lstrip("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return any(fnmatch.fnmatchcase(prefix, pattern) for prefix in prefixes)


def _skipped_dir(folder: Path, name: str) -> bool:
    if name in SKIPPED_DIRS or name.endswith(".egg-info"):
        return True
    return (folder / name / "pyvenv.cfg").exists()  # a virtualenv under any name


def _parts(path: Path) -> tuple[str, ...]:
    return path.parts


def relative_posix(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


class FileFinder:
    def __init__(self, root: Path, exclude: Iterable[str] = (), use_git: bool = True, force_exclude: bool = False):
        self.root = root.resolve()
        self.exclude = tuple(exclude)
        self.use_git = use_git
        self.force_exclude = force_exclude

    @classmethod
    def for_config(cls, config) -> FileFinder:
        """The finder a run with this ``Config`` uses (its exclude, respect-gitignore, force-exclude)."""
        return cls(config.root, config.exclude, use_git=getattr(config, "respect_gitignore", True),
                   force_exclude=getattr(config, "force_exclude", False))

    def excluded(self, path: Path) -> bool:
        if not self.exclude:
            return False
        relative = relative_posix(path, self.root)
        return any(matches(pattern, relative) for pattern in self.exclude)

    def find(self, paths: Iterable[Path]) -> list[Path]:
        """Absolute, resolved, de-duplicated paths of the files to check, sorted."""
        found: set[Path] = set()
        for given in paths:
            path = given.resolve()
            if self.force_exclude and self.excluded(path):
                continue
            if path.is_dir():
                found.update(p for p in self._in_folder(path) if not self._excluded_below(p, path))
            else:
                found.add(path)  # named explicitly: checked whatever its name (missing: reported)
        return sorted(found, key=_parts)  # the order of sorted(found), without comparing Path objects

    def _excluded_below(self, path: Path, named: Path) -> bool:
        """Does ``exclude`` name ``path``, found in the folder ``named`` (which is not itself
        excluded here: a named folder is checked even when a pattern covers it)?"""
        if not self.exclude:
            return False
        if not self.excluded(path):
            return False
        if self.force_exclude or not self.excluded(named):
            return True
        # The named folder matches a pattern: only patterns that match below it count.
        try:
            below = path.relative_to(named).as_posix()
        except ValueError:
            return True
        prefix = relative_posix(named, self.root)
        for pattern in self.exclude:
            if not matches(pattern, relative_posix(path, self.root)):
                continue
            if "/" not in pattern.rstrip("/"):
                if matches(pattern, below):
                    return True
            elif not matches(pattern, prefix):
                return True
        return False

    def _in_folder(self, folder: Path) -> list[Path]:
        listed = self._git_files(folder) if self.use_git else None
        if listed is not None and self._git_ignored(folder):
            listed = None  # named on the command line although .gitignore covers it: walk it
        if listed is None:
            return self._walk(folder)
        found = []
        skipped_in: dict[Path, bool] = {}  # folder -> is it in a skipped folder? (asked once a folder)
        for path in listed:
            skipped = skipped_in.get(path.parent)
            if skipped is None:
                try:
                    parts = path.parent.relative_to(folder).parts
                except ValueError:
                    continue
                skipped = False
                parent = folder
                for part in parts:
                    if _skipped_dir(parent, part):
                        skipped = True
                        break
                    parent = parent / part
                skipped_in[path.parent] = skipped
            if not skipped and os.path.isfile(path):
                found.append(path)
        return found

    @staticmethod
    def _git_files(folder: Path) -> list[Path] | None:
        """Python files git knows of or would add under ``folder``; None outside a work tree."""
        try:
            result = subprocess.run(
                ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "."],
                cwd=folder, capture_output=True, timeout=60,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        if result.returncode != 0:
            return None
        names = result.stdout.decode("utf-8", "surrogateescape").split("\0")
        return sorted({folder / name for name in names if name.endswith(SUFFIXES)}, key=_parts)

    @staticmethod
    def _git_ignored(folder: Path) -> bool:
        try:
            result = subprocess.run(["git", "check-ignore", "-q", "."], cwd=folder, capture_output=True, timeout=60)
        except (OSError, subprocess.SubprocessError):
            return False
        return result.returncode == 0

    @staticmethod
    def _walk(folder: Path) -> list[Path]:
        found = []
        for current, dirs, files in os.walk(folder):
            here = Path(current)
            dirs[:] = sorted(d for d in dirs if not _skipped_dir(here, d))
            found.extend(here / name for name in files if name.endswith(SUFFIXES))
        return found


def write_atomically(path: str | os.PathLike, data: bytes, *, durable: bool = True) -> None:
    """Replace the file's content with ``data``: written to a temporary file in the same
    folder, given the file's permissions, then renamed over it, so the file is never
    half-written. A symbolic link keeps pointing to the updated file. ``durable``: flushed
    to disk before the rename (the user's files; the result cache, which a crash only
    makes slower to rebuild, skips it)."""
    import tempfile  # (stdlib; only a run that writes something needs it)

    target = Path(os.path.realpath(path))
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = None
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".cachelint.tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
