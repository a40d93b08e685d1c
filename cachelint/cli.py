"""The ``cachelint`` command.

    cachelint check [PATHS...]      # or: cachelint PATHS..., python -m cachelint PATHS...
    cachelint check - --stdin-filename app.py < app.py
    cachelint check --fix [--unsafe-fixes] PATHS   # or --diff: show the fixes, change nothing
    cachelint check --show-fixes [--unsafe-fixes] PATHS  # list the fixes available (with --fix: applied)
    cachelint check --add-noqa PATHS               # silence every finding with a # noqa comment
    cachelint check --watch PATHS                  # check again whenever a file changes
    cachelint rule STC001           # a rule's documentation
    cachelint rules                 # every rule
    cachelint lsp                   # a language server for editors (stdio)

Exit codes: 0 no findings (or --exit-zero, or only warnings with fail-on = "error"),
1 findings, 2 usage, configuration or internal error (including an STC901 finding: a
rule crashed, so the result is incomplete).
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import io
import json
import os
import sys
import time
from pathlib import Path
from typing import Sequence, TextIO

from cachelint import __version__

# Each command imports what it needs when it runs (the function-level imports below), so
# that `cachelint rules`, `rule` and `--version` start in 42 ms and a check without --fix
# never imports libcst. Measured with perf_counter around each import after `import
# cachelint.cli`, median of 9 fresh processes (see `python -X importtime`):
#   config 108 ms, then runner + reporting 35 ms (every check);
#   autofix 330 ms (--fix / --diff: libcst, astroid);
#   integrations.lsp 220 ms (`cachelint lsp`);
#   files, source, layout, noqa 38 ms; catalog 3 ms (`rule`, `rules`, --add-noqa, --watch).

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
COMMANDS = ("check", "rule", "rules", "lsp")
WATCH_INTERVAL = 0.5  # seconds between two looks at the files' modification times


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse prints usage and exits 2; keep that, with our prefix
        self.print_usage(sys.stderr)
        raise UsageError(message)


def _codes(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


class _Extend(argparse.Action):
    """A comma-separated option that may also be repeated."""

    def __call__(self, parser, namespace, values, option_string=None):
        current = getattr(namespace, self.dest) or []
        setattr(namespace, self.dest, current + _codes(values))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="cachelint", description="Find Streamlit caching bugs before the app runs.")
    parser.add_argument("--version", action="version", version=f"cachelint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    check = commands.add_parser("check", help="check Python files and folders (the default command)",
                                description="Check Python files and folders for Streamlit caching bugs.")
    check.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                       help="files or folders to check (default: the working folder); '-' reads stdin")
    output = check.add_argument_group("output")
    output.add_argument("--format", "--output-format", dest="format", default="text",
                        choices=("text", "concise", "json", "sarif", "github", "gitlab", "junit"),
                        help="how findings are printed (default: text)")
    output.add_argument("-o", "--output-file", type=Path, help="write the output to this file")
    output.add_argument("--statistics", action="store_true", help="print the number of findings by code")
    output.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    output.add_argument("--fail-on", choices=("error", "warning"),
                        help="the least severe finding that makes the run exit 1 (default: warning, any finding)")
    loudness = output.add_mutually_exclusive_group()
    loudness.add_argument("-q", "--quiet", action="store_true", help="print the findings only: no summary, no warnings")
    loudness.add_argument("-v", "--verbose", action="store_true",
                          help="also print, on stderr, the configuration, the Streamlit target, each file checked "
                               "and the cache hits")
    output.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                        help="colour the text output (default: auto, on a terminal unless NO_COLOR is set)")
    output.add_argument("--no-source", dest="show_source", action="store_false",
                        help="do not show the source line under each finding")

    rules = check.add_argument_group("rules and settings (each replaces the value from pyproject.toml)")
    rules.add_argument("--select", action=_Extend, metavar="CODES", help="codes or prefixes to report")
    rules.add_argument("--extend-select", action=_Extend, metavar="CODES", help="codes to report in addition")
    rules.add_argument("--ignore", action=_Extend, metavar="CODES", help="codes or prefixes not to report")
    rules.add_argument("--extend-ignore", action=_Extend, metavar="CODES", help="codes not to report in addition")
    rules.add_argument("--per-file-ignores", action="append", metavar="PATTERN:CODES",
                       help="codes not to report in files matching PATTERN (repeatable)")
    rules.add_argument("--exclude", action=_Extend, metavar="PATTERNS", help="files and folders not to check")
    rules.add_argument("--hashable-types", action=_Extend, metavar="NAMES",
                       help="qualified names of types Streamlit can hash (e.g. mylib.Money)")
    rules.add_argument("--unhashable-types", action=_Extend, metavar="NAMES",
                       help="qualified names of types Streamlit cannot hash")
    rules.add_argument("--entry-scripts", action=_Extend, metavar="FILES",
                       help="files Streamlit runs as __main__ (streamlit run FILE)")
    rules.add_argument("--target-streamlit", metavar="VERSION",
                       help="the Streamlit version to model (default: target-streamlit in [tool.cachelint], "
                            "else the app's pin, else the installed one, else the latest modelled)")
    rules.add_argument("--preview", action="store_true", default=None,
                       help="also run the preview rules (not yet precise enough on real code to be on by default)")
    rules.add_argument("--config", type=Path, metavar="FILE", help="read [tool.cachelint] from this file")
    rules.add_argument("--isolated", action="store_true", help="ignore configuration files")
    rules.add_argument("--show-settings", action="store_true", help="print the resolved settings and exit")

    which = check.add_argument_group("which files")
    which.add_argument("--respect-gitignore", action=argparse.BooleanOptionalAction, default=None,
                       help="list folders through git, honouring .gitignore (default: on)")
    which.add_argument("--force-exclude", action=argparse.BooleanOptionalAction, default=None,
                       help="apply exclude to paths named on the command line too (default: off)")
    which.add_argument("--no-importers", dest="importers", action="store_false",
                       help="with files named on the command line, do not also report the findings they cause "
                            "in the files that import them")

    noqa = check.add_argument_group("# noqa")
    noqa.add_argument("--add-noqa", action="store_true",
                      help="add a '# noqa: CODE' comment to every line with a finding, and exit")
    noqa.add_argument("--report-unused-noqa", action="store_true",
                      help="report '# noqa: STCxxx' codes that silence no finding (as STC100)")

    running = check.add_argument_group("running")
    running.add_argument("-j", "--jobs", type=int, default=0, metavar="N",
                         help="worker processes (default: 0, one per core)")
    running.add_argument("--no-cache", action="store_true", help="do not read or write .cachelint_cache/")
    running.add_argument("--stdin-filename", type=Path, metavar="PATH",
                         help="the path of the file read from stdin ('-')")
    running.add_argument("-w", "--watch", action="store_true",
                         help="check again whenever a file changes (Ctrl-C to stop)")
    fixing = check.add_argument_group("fixes")
    fixing.add_argument("--fix", action="store_true",
                        help="apply safe fixes in place, then report what is left ('-': print the fixed source)")
    fixing.add_argument("--diff", action="store_true",
                        help="print the fixes as a unified diff instead of applying them (exit 1 if there are any)")
    fixing.add_argument("--unsafe-fixes", action="store_true",
                        help="also apply fixes that change what the code says (with --fix or --diff); "
                             "alone: count them as available ([*], 'fixable')")
    fixing.add_argument("--show-fixes", action="store_true",
                        help="list the fixes applied (with --fix) or available, by file and code")

    rule = commands.add_parser("rule", help="print a rule's documentation")
    rule.add_argument("code", help="a code such as STC001, or a rule name")
    listing = commands.add_parser("rules", help="list every rule")
    listing.add_argument("--format", choices=("text", "json"), default="text")
    commands.add_parser("lsp", help="serve diagnostics and quick fixes to an editor (LSP over stdio)",
                        description="A language server over stdio; needs the 'lsp' extra (pygls).")
    return parser


def run(argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None,
        stdin: io.BufferedIOBase | None = None, cwd: Path | None = None) -> int:
    """Run the command and return its exit code (main() exits with it)."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    argv = list(sys.argv[1:] if argv is None else argv)
    cwd = (cwd or Path.cwd()).resolve()
    shorthand = False
    if argv and argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version"):
        mistyped = _mistyped_command(argv[0], cwd)
        if mistyped:
            stderr.write(f"cachelint: error: {mistyped}\n")
            return EXIT_ERROR
        argv = ["check", *argv]
        shorthand = True
    parser = build_parser()
    try:
        old_out, old_err = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = stdout, stderr  # argparse writes help and usage there
        try:
            args = parser.parse_args(argv)
        finally:
            sys.stdout, sys.stderr = old_out, old_err
    except UsageError as exc:
        stderr.write(f"cachelint: error: {exc}\n")
        return EXIT_ERROR
    except SystemExit as exc:  # --help, --version
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help(stdout)
        return EXIT_ERROR
    if args.command == "rule":
        return _rule(args.code, stdout, stderr)
    if args.command == "rules":
        return _rules(args.format, stdout)
    if args.command == "lsp":
        from cachelint.integrations.lsp import main as serve

        return serve()
    args.shorthand = shorthand
    try:
        return _check(args, stdout, stderr, stdin, cwd)
    except UsageError as exc:
        stderr.write(f"cachelint: error: {exc}\n")
        return EXIT_ERROR


def _mistyped_command(word: str, cwd: Path) -> str | None:
    """Why ``cachelint WORD ...`` is an error, when WORD is neither a command nor a path:
    a word close to a command (``chek``) that names nothing on disk is a mistyped command."""
    if word.startswith("-") or word in COMMANDS or (cwd / word).exists():
        return None
    if "/" in word or os.sep in word or "." in word:
        return None  # a path (missing paths are reported by the check)
    close = difflib.get_close_matches(word, COMMANDS, n=1, cutoff=0.6)
    if not close:
        return None
    return f"unknown command '{word}' (did you mean '{close[0]}'?); no file or folder has that name either"


def _check(args: argparse.Namespace, stdout: TextIO, stderr: TextIO, stdin, cwd: Path) -> int:
    paths = [p if p.is_absolute() else cwd / p for p in args.paths] or [cwd]
    if args.config is not None:
        args.config = cwd / args.config
    if args.output_file is not None:
        args.output_file = cwd / args.output_file
    reading_stdin = any(str(p) == "-" for p in args.paths)
    if reading_stdin and len(args.paths) > 1:
        raise UsageError("'-' (stdin) cannot be combined with other paths")
    if args.stdin_filename and not reading_stdin:
        raise UsageError("--stdin-filename is for '-' (reading stdin)")
    if args.jobs < 0:
        raise UsageError("--jobs must be 0 (one per core) or more")
    exclusive = [flag for flag, on in (("--fix", args.fix), ("--diff", args.diff), ("--add-noqa", args.add_noqa),
                                       ("--watch", args.watch), ("--show-settings", args.show_settings)) if on]
    if len(exclusive) > 1 and exclusive != ["--fix", "--diff"]:
        raise UsageError(f"{exclusive[0]} cannot be combined with {exclusive[1]}")
    if reading_stdin and (args.watch or args.add_noqa):
        raise UsageError(f"{'--watch' if args.watch else '--add-noqa'} checks files, not stdin ('-')")
    if not reading_stdin:
        missing = [given for given, path in zip(args.paths, paths) if not os.path.lexists(path)]
        if missing:
            hint = ""
            if args.shorthand and missing[0] == args.paths[0] and "." not in str(missing[0]):
                hint = f" (and '{missing[0]}' is not a command: {', '.join(COMMANDS)})"
            names = ", ".join(str(m) for m in missing)
            raise UsageError(f"{names}: no such file or folder{hint}")
    stdin_path = None
    if reading_stdin:
        stdin_path = (cwd / args.stdin_filename) if args.stdin_filename else cwd / "stdin.py"

    config = _load_config(args, paths, stdin_path, cwd, stderr)
    if config is None:
        return EXIT_ERROR
    if args.watch:  # (a configuration broken later is reported, and the watch goes on)
        return _watch(args, paths, stdout, stderr, cwd)
    if args.show_settings:
        _show_settings(config, stdout)
        return EXIT_CLEAN
    return _check_once(args, paths, stdin_path, config, stdin, stdout, stderr, cwd)[0]


def _load_config(args: argparse.Namespace, paths: list[Path], stdin_path: Path | None, cwd: Path, stderr: TextIO):
    """The run's Config; None (and the reason on stderr) when it cannot be used."""
    from cachelint import config as configuration

    start = configuration.common_start([stdin_path] if stdin_path else paths, cwd)
    overrides = configuration.Overrides(
        select=args.select, ignore=args.ignore, extend_select=args.extend_select,
        per_file_ignores=args.per_file_ignores, exclude=args.exclude, hashable_types=args.hashable_types,
        unhashable_types=args.unhashable_types, entry_scripts=args.entry_scripts,
        target_streamlit=args.target_streamlit, preview=args.preview, extend_ignore=args.extend_ignore,
        fail_on=args.fail_on, respect_gitignore=args.respect_gitignore, force_exclude=args.force_exclude,
    )
    try:
        return configuration.load(start, overrides, args.config, args.isolated, cwd)
    except configuration.ConfigError as exc:
        stderr.write(f"cachelint: error: {exc}\n")
        return None


def _check_once(args: argparse.Namespace, paths: list[Path], stdin_path: Path | None, config, stdin,
                stdout: TextIO, stderr: TextIO, cwd: Path) -> tuple[int, object]:
    """One check (after --fix, if asked): print the findings; the exit code and the report."""
    from cachelint import runner
    from cachelint.reporting import Options, renderer, rule_info, use_color

    started = time.monotonic()
    fixed: dict[Path, list[str]] = {}
    if args.fix or args.diff:
        code, fixed = _fix(args, paths, stdin_path, config, stdin, stdout,
                           _Quiet(stderr) if args.quiet else stderr, cwd)
        if code is not None:
            return code, None

    if stdin_path is not None:
        data = (stdin or sys.stdin.buffer).read()
        report = runner.run_text(stdin_path, _decode(data), config, unused_noqa=args.report_unused_noqa)
        if not args.stdin_filename:  # shown as flake8 shows it
            report.findings = [dataclasses.replace(f, path=Path("stdin")) for f in report.findings]
            report.texts = {Path("stdin"): text for text in report.texts.values()}
    else:
        jobs = args.jobs or runner.default_jobs()
        progress = runner.ProgressBar.if_terminal(stderr) if not args.quiet else None
        try:
            report = runner.run(paths, config, jobs=jobs, use_cache=not args.no_cache, progress=progress,
                                importers=args.importers and not args.add_noqa,
                                unused_noqa=args.report_unused_noqa)
        finally:
            if progress:
                progress.close()
        if not report.files and not args.quiet:
            shown = ", ".join(str(p) for p in args.paths) or "."
            stderr.write(f"warning: No Python files found under {shown}\n")
    if args.verbose:
        _verbose(report, args, cwd, stderr, time.monotonic() - started)
    if args.add_noqa:
        return _add_noqa(report, stderr, quiet=args.quiet), report

    out = stdout
    handle = None
    if args.output_file:
        handle = args.output_file.open("w", encoding="utf-8")
        out = handle
    try:
        options = Options(cwd=cwd, color=use_color(out, args.color) and args.format in ("text", "concise"),
                          statistics=args.statistics, show_source=args.show_source, quiet=args.quiet,
                          unsafe_fixes=args.unsafe_fixes, fixing=args.fix, show_fixes=args.show_fixes, fixed=fixed)
        renderer(args.format)(report, out, options)
    finally:
        if handle:
            handle.close()
    if report.internal_error:
        return EXIT_ERROR, report
    failing = [f for f in report.findings if config.fail_on == "warning" or rule_info(f.code).severity == "error"]
    if failing and not args.exit_zero:
        return EXIT_FINDINGS, report
    return EXIT_CLEAN, report


class _Quiet(io.TextIOBase):
    """stderr for --quiet: what went wrong still shows; summaries ("Fixed 3 findings") do not."""

    def __init__(self, stream: TextIO):
        self.stream = stream

    def write(self, text: str) -> int:
        if "error" in text or "cannot" in text:
            self.stream.write(text)
        return len(text)


def _verbose(report, args: argparse.Namespace, cwd: Path, stderr: TextIO, seconds: float) -> None:
    """-v: the configuration, the notes of the run, each file and how it was answered, the cache."""
    from cachelint.reporting import display_path

    for note in report.notes:
        stderr.write(f"cachelint: {note}\n")
    importers = set(getattr(report, "importers", []))
    status = getattr(report, "status", {})
    for path in [*getattr(report, "files", []), *sorted(importers)]:
        how = status.get(path, "checked")
        role = ", a file that imports a named file" if path in importers else ""
        stderr.write(f"cachelint: checked {display_path(path, cwd)} ({how}{role})\n")
    folder = getattr(report, "cache_folder", None)
    if folder is None:
        stderr.write("cachelint: result cache: not used\n")
    else:
        hits, misses = report.cached, report.analysed
        stderr.write(f"cachelint: result cache: {hits} hit{'s' * (hits != 1)}, {misses} "
                     f"miss{'es' * (misses != 1)} ({display_path(folder, cwd)})\n")
    stderr.write(f"cachelint: {report.files_checked} file{'s' * (report.files_checked != 1)} in {seconds:.2f} s\n")


def _show_settings(config, stdout: TextIO) -> None:
    """--show-settings: the resolved settings, as a [tool.cachelint] table one could paste."""

    def toml(value) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (list, tuple, frozenset, set)):
            return "[" + ", ".join(json.dumps(str(v)) for v in value) + "]"
        return json.dumps(str(value))

    settings = config.settings

    def relative(path: Path) -> str:
        try:
            return path.relative_to(config.root).as_posix()
        except ValueError:
            return path.as_posix()

    lines = [f"# cachelint {__version__}: the settings of a check run here",
             f"# configuration file: {config.source or 'none (defaults)'}",
             f"# project root (paths are relative to it): {config.root}",
             "[tool.cachelint]",
             f"select = {toml(sorted(settings.select) if settings.select is not None else ['ALL'])}",
             f"ignore = {toml(sorted(settings.ignore))}",
             f"exclude = {toml(config.exclude)}",
             f"hashable-types = {toml(sorted(settings.hashable_types))}",
             f"unhashable-types = {toml(sorted(settings.unhashable_types))}",
             f"entry-scripts = {toml(sorted(relative(p) for p in settings.entry_scripts))}"]
    if settings.target_streamlit:
        lines.append(f"target-streamlit = {toml(settings.target_streamlit)}")
    else:
        lines.append("# target-streamlit: not set and Streamlit is not installed: the latest version known")
    lines += [f"fail-on = {toml(config.fail_on)}",
              f"respect-gitignore = {toml(config.respect_gitignore)}",
              f"force-exclude = {toml(config.force_exclude)}",
              "", "[tool.cachelint.per-file-ignores]"]
    lines += [f"{json.dumps(pattern)} = {toml(sorted(codes))}" for pattern, codes in config.per_file_ignores]
    stdout.write("\n".join(lines) + "\n")


def _add_noqa(report, stderr: TextIO, quiet: bool = False) -> int:
    """--add-noqa: a ``# noqa: CODE`` on every line with a finding (codes about a whole file,
    STC9xx, are left alone); existing codes are kept; files are replaced atomically, and a
    file that would no longer parse is not written."""
    import ast
    import tokenize

    from cachelint import catalog
    from cachelint.files import write_atomically
    from cachelint.noqa import UNUSED_NOQA, add_noqa

    wanted: dict[Path, list[tuple[int, str]]] = {}
    for finding in report.findings:
        known = catalog.BY_CODE.get(finding.code)
        if finding.code == UNUSED_NOQA or known is None or known.about_file:
            continue
        wanted.setdefault(finding.path, []).append((finding.line, finding.code))
    added = failed = 0
    for path, lines in sorted(wanted.items()):
        try:
            data = path.read_bytes()
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
            text = data.decode(encoding)
            new, count = add_noqa(text, lines)
            if not count:
                continue
            try:
                ast.parse(text)
            except SyntaxError:
                pass
            else:
                ast.parse(new)  # a change that breaks the file is never written
            write_atomically(path, new.encode(encoding))
            added += count
        except (OSError, SyntaxError, UnicodeError, ValueError) as exc:
            stderr.write(f"cachelint: error: cannot add noqa comments to {path}: {exc}\n")
            failed += 1
    if not quiet:
        stderr.write(f"Added {added} noqa directive{'s' * (added != 1)}.\n")
    return EXIT_ERROR if failed else EXIT_CLEAN


def _watch(args: argparse.Namespace, paths: list[Path], stdout: TextIO, stderr: TextIO, cwd: Path) -> int:
    """--watch: check, then check again whenever a Python file under the paths (or the
    configuration) changes: modification times are polled every WATCH_INTERVAL seconds.
    Ctrl-C ends it (exit 0)."""
    clear = hasattr(stdout, "isatty") and stdout.isatty()
    try:
        while True:
            if clear:
                stdout.write("\033[2J\033[H")
            config = _load_config(args, paths, None, cwd, stderr)
            watched = list(paths)
            if config is not None:
                _, report = _check_once(args, paths, None, config, None, stdout, stderr, cwd)
                watched += getattr(report, "importers", [])  # their findings are shown too
                if config.source is not None:
                    watched.append(config.source)
            stdout.flush()
            stderr.write(f"[{time.strftime('%H:%M:%S')}] Watching for file changes.\n")
            stderr.flush()
            before = _snapshot(watched)
            while _snapshot(watched) == before:
                time.sleep(WATCH_INTERVAL)
            stderr.write(f"[{time.strftime('%H:%M:%S')}] File change detected, checking again.\n")
    except KeyboardInterrupt:
        return EXIT_CLEAN


def _snapshot(paths: list[Path]) -> dict[str, tuple[int, int]]:
    """(modification time, size) of every Python file and configuration file under ``paths``."""
    from cachelint.layout import skipped_dir

    found: dict[str, tuple[int, int]] = {}

    def look(path: str) -> None:
        try:
            info = os.stat(path)
        except OSError:
            return
        found[path] = (info.st_mtime_ns, info.st_size)

    for given in paths:
        if not given.is_dir():
            look(str(given))
            continue
        for folder, dirs, files in os.walk(given):
            dirs[:] = [d for d in dirs if not skipped_dir(d)]
            for name in files:
                if name.endswith((".py", ".pyi")) or name in ("pyproject.toml", ".gitignore"):
                    look(os.path.join(folder, name))
    return found


def _fix(args: argparse.Namespace, paths: list[Path], stdin_path: Path | None, config, stdin, stdout: TextIO,
         stderr: TextIO, cwd: Path) -> tuple[int | None, dict[Path, list[str]]]:
    """--fix / --diff. Returns the exit code when the run ends here (--diff, stdin), else
    None (the check goes on to report what the fixes left); and the codes of the fixes
    applied, by file."""
    from cachelint import autofix as command

    if stdin_path is not None:
        text = _decode((stdin or sys.stdin.buffer).read())
        fixed = command.fix_text(text, stdin_path, config, unsafe=args.unsafe_fixes)
        if args.diff:
            name = args.stdin_filename.as_posix() if args.stdin_filename else "stdin"
            stdout.write(command.unified_diff(text.encode("utf-8", "surrogateescape"),
                                              fixed.encode("utf-8", "surrogateescape"), name))
            return (EXIT_FINDINGS if fixed != text else EXIT_CLEAN), {}
        stdout.write(fixed)
        return EXIT_CLEAN, {}
    from cachelint.files import FileFinder

    # The files the check covers (respect-gitignore, force-exclude), each named: the fixer's
    # own listing then takes them as they are.
    files = FileFinder.for_config(config).find(paths)
    summary = command.run_fixes(files, config, diff=args.diff, unsafe=args.unsafe_fixes, stdout=stdout,
                                stderr=stderr, cwd=cwd)
    if args.diff:
        return (EXIT_FINDINGS if summary.files else (EXIT_ERROR if summary.failed else EXIT_CLEAN)), {}
    return None, summary.applied


def _decode(data: bytes) -> str:
    from cachelint.source import Unreadable, decode

    try:
        return decode(data)
    except Unreadable:
        return data.decode("utf-8", "surrogateescape")


def _rule(code: str, stdout: TextIO, stderr: TextIO) -> int:
    from cachelint import catalog

    found = catalog.lookup(code)
    if found is None:
        stderr.write(f"cachelint: error: no rule '{code}' (see 'cachelint rules')\n")
        return EXIT_ERROR
    fix = {catalog.NO_FIX: "none"}.get(found.fix, f"{found.fix} ({', '.join(found.fix_safety)})")
    stdout.write(f"# {found.name} ({found.code})\n\nSeverity: {found.severity}\nFix: {fix}\n"
                 f"Status: {found.status}{', opt-in' if found.opt_in else ''}\n\n{found.documentation}\n")
    return EXIT_CLEAN


def _rules(fmt: str, stdout: TextIO) -> int:
    from cachelint import catalog

    if fmt == "json":
        json.dump([{"code": c.code, "name": c.name, "severity": c.severity, "summary": c.summary,
                    "fix": c.fix, "fix_safety": list(c.fix_safety), "status": c.status, "opt_in": c.opt_in}
                   for c in catalog.CODES], stdout, indent=2)
        stdout.write("\n")
        return EXIT_CLEAN
    width = max(len(c.name) for c in catalog.CODES)
    stdout.write(f"{'code':<6}  {'name':<{width}}  {'severity':<8}  {'fix':<9}  summary\n")
    for c in catalog.CODES:
        fix = "" if not c.fixable else ("yes" if c.fix == catalog.ALWAYS else "sometimes")
        stdout.write(f"{c.code:<6}  {c.name:<{width}}  {c.severity:<8}  {fix:<9}  {c.summary}{c.status_note}\n")
    return EXIT_CLEAN


def main(argv: Sequence[str] | None = None) -> None:
    try:
        code = run(argv)
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # piped into head: the reader has what it wanted
        code = EXIT_CLEAN
    except KeyboardInterrupt:
        code = 130
    # Tearing down the interpreter frees every parsed tree one object at a time, which
    # costs as much as a good part of the analysis: the output is flushed, so leave now.
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    main()
