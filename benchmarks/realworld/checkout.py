"""Materialise every repository of repos.toml at its pinned commit (run by hand).

    python benchmarks/realworld/checkout.py [--mirror /work/.mirror] [--dest DIR] [--repos A,B]

Each ``[[repo]]`` of ``repos.toml`` becomes a git work tree at
``DEST/<owner>__<name>`` (default DEST: ``benchmarks/realworld/.checkouts``), detached
at the pinned ``commit``. With ``--mirror``, the objects come from a local mirror
folder in the layout the fetch tool produces (``MIRROR/<owner>+<name>/repo``, a git
directory, or ``.../repo/.git``); a repository missing from the mirror, or a mirror
that lacks the pinned commit, falls back to ``git clone`` of the ``url``.

Idempotent: a checkout already at its commit with a clean tree is left alone; one at
another commit is moved to the pinned one. Prints one line per repository and, at the
end, the repositories it could not get (exit code 1 if any).

The checkouts are third-party code: they are git-ignored and never committed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_DEST = HERE / ".checkouts"
REPOS_TOML = HERE / "repos.toml"


@dataclass(frozen=True)
class Repo:
    name: str  # owner/name
    commit: str
    url: str
    why: str
    subdir: str = ""

    @property
    def folder(self) -> str:
        return self.name.replace("/", "__")


def load_repos(path: Path = REPOS_TOML) -> list[Repo]:
    with path.open("rb") as f:
        data = tomllib.load(f)
    repos = []
    seen = set()
    for entry in data.get("repo", []):
        repo = Repo(entry["name"], entry["commit"], entry["url"], entry.get("why", ""),
                    entry.get("subdir", ""))
        if repo.name in seen:
            raise SystemExit(f"{path}: {repo.name} is listed twice")
        if len(repo.commit) != 40:
            raise SystemExit(f"{path}: {repo.name}: commit must be 40 hex digits")
        seen.add(repo.name)
        repos.append(repo)
    return repos


def git(*args: str, check: bool = True, input_text: str | None = None
        ) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], check=check, text=True, capture_output=True,
                          input=input_text)


def mirror_gitdir(mirror: Path, repo: Repo) -> Path | None:
    base = mirror / repo.name.replace("/", "+") / "repo"
    for candidate in (base / ".git", base):
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            return candidate
    return None


def has_commit(gitdir_or_tree: Path, commit: str) -> bool:
    return git("-C", str(gitdir_or_tree), "cat-file", "-e", f"{commit}^{{commit}}",
               check=False).returncode == 0


def current_state(tree: Path) -> tuple[str, bool]:
    """(HEAD commit, clean?) of an existing checkout; ("", False) if it is not one."""
    if not (tree / ".git").exists():
        return "", False
    head = git("-C", str(tree), "rev-parse", "HEAD", check=False)
    if head.returncode:
        return "", False
    status = git("-C", str(tree), "status", "--porcelain", "--untracked-files=no", check=False)
    return head.stdout.strip(), status.returncode == 0 and not status.stdout.strip()


def materialise(repo: Repo, dest: Path, mirror: Path | None) -> str:
    """Bring ``repo`` to its commit under ``dest``; returns what was done. Raises on failure."""
    tree = dest / repo.folder
    head, clean = current_state(tree)
    if head == repo.commit and clean:
        return "up to date"
    source = mirror_gitdir(mirror, repo) if mirror else None
    if source is not None and not has_commit(source, repo.commit):
        source = None  # the mirror moved on: fall back to the URL
    origin = str(source) if source is not None else repo.url
    if not head:
        if tree.exists():
            raise RuntimeError(f"{tree} exists and is not a git checkout: remove it")
        dest.mkdir(parents=True, exist_ok=True)
        git("clone", "--quiet", "--no-checkout", origin, str(tree))
    if not has_commit(tree, repo.commit):
        git("-C", str(tree), "fetch", "--quiet", origin, repo.commit)
    missing = missing_blobs(tree, repo.commit)
    if missing:
        # Snapshots lack big files (>= 4 MiB, LFS): leave them out of the work tree.
        patterns = ["/*"] + ["!/" + _escape(path) for path in missing]
        git("-C", str(tree), "sparse-checkout", "set", "--no-cone", "--stdin",
            input_text="\n".join(patterns) + "\n")
    elif (tree / ".git" / "info" / "sparse-checkout").exists():
        git("-C", str(tree), "sparse-checkout", "disable")
    git("-C", str(tree), "checkout", "--quiet", "--force", "--detach", repo.commit)
    git("-C", str(tree), "clean", "--quiet", "-fdx", check=False)
    how = "mirror" if source is not None else "url"
    done = f"checked out from {how}" if not head else f"moved {head[:10]} -> {repo.commit[:10]} ({how})"
    if missing:
        py = [p for p in missing if p.endswith(".py")]
        done += f"; {len(missing)} big file(s) absent from the source left out"
        if py:
            done += f", of which Python: {', '.join(py)}"
    return done


def missing_blobs(tree: Path, commit: str) -> list[str]:
    """Paths of the commit whose blobs the repository does not have."""
    listing = git("-C", str(tree), "ls-tree", "-r", "-z", commit).stdout
    entries = []
    for record in listing.split("\0"):
        if not record:
            continue
        meta, path = record.split("\t", 1)
        _mode, kind, sha = meta.split()
        if kind == "blob":
            entries.append((sha, path))
    if not entries:
        return []
    check = git("-C", str(tree), "cat-file", "--batch-check",
                input_text="".join(sha + "\n" for sha, _ in entries))
    return [path for (sha, path), line in zip(entries, check.stdout.splitlines())
            if line.endswith(" missing")]


def _escape(path: str) -> str:
    """A path as a literal gitignore-style pattern."""
    out = "".join("\\" + ch if ch in "*?[]\\!#" else ch for ch in path)
    return out[:-1] + "\\ " if out.endswith(" ") else out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", type=Path, help="local mirror folder (fetch tool layout)")
    parser.add_argument("--dest", type=Path, default=DEFAULT_DEST, help="checkouts folder")
    parser.add_argument("--repos", help="comma-separated owner/name subset")
    parser.add_argument("--list", type=Path, default=REPOS_TOML, help="repos.toml to read")
    args = parser.parse_args(argv)

    repos = load_repos(args.list)
    if args.repos:
        wanted = set(args.repos.split(","))
        unknown = wanted - {r.name for r in repos}
        if unknown:
            parser.error(f"not in {args.list.name}: {', '.join(sorted(unknown))}")
        repos = [r for r in repos if r.name in wanted]
    failed = []
    for repo in repos:
        try:
            done = materialise(repo, args.dest, args.mirror)
        except (subprocess.CalledProcessError, RuntimeError) as exc:
            detail = exc.stderr.strip() if isinstance(exc, subprocess.CalledProcessError) else str(exc)
            failed.append((repo.name, detail.splitlines()[-1] if detail else repr(exc)))
            print(f"FAILED  {repo.name}: {failed[-1][1]}", flush=True)
            continue
        print(f"ok      {repo.name} @ {repo.commit[:10]}: {done}", flush=True)
    print(f"\n{len(repos) - len(failed)} of {len(repos)} repositories at their pinned commit "
          f"in {args.dest}")
    if failed:
        print("Could not get:")
        for name, why in failed:
            print(f"  {name}: {why}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
