"""The ``cachelint`` command.

    cachelint check [PATHS...]      # or: cachelint PATHS..., python -m cachelint PATHS...
    cachelint check - --stdin-filename app.py < app.py
    cachelint check --fix [--unsafe-fixes] PATHS   # or --diff: show the fixes, change nothing
    cachelint rule STC001           # a rule's documentation
    cachelint rules                 # every rule
    cachelint lsp                   # a language server for editors (stdio)

Exit codes: 0 no findings (or --exit-zero), 1 findings, 2 usage, configuration or
internal error (including an STC901 finding: a rule crashed, so the result is
incomplete).
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
import os
import sys
from pathlib import Path
from typing import Sequence, TextIO

from cachelint import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
COMMANDS = ("check", "rule", "rules", "lsp")


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
                        choices=("text", "concise", "json", "sarif", "github"),
                        help="how findings are printed (default: text)")
    output.add_argument("-o", "--output-file", type=Path, help="write the output to this file")
    output.add_argument("--statistics", action="store_true", help="print the number of findings by code")
    output.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    output.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                        help="colour the text output (default: auto, on a terminal unless NO_COLOR is set)")
    output.add_argument("--no-source", dest="show_source", action="store_false",
                        help="do not show the source line under each finding")

    rules = check.add_argument_group("rules and settings (each replaces the value from pyproject.toml)")
    rules.add_argument("--select", action=_Extend, metavar="CODES", help="codes or prefixes to report")
    rules.add_argument("--extend-select", action=_Extend, metavar="CODES", help="codes to report in addition")
    rules.add_argument("--ignore", action=_Extend, metavar="CODES", help="codes or prefixes not to report")
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
                       help="the Streamlit version to model (default: the installed one, else the latest)")
    rules.add_argument("--preview", action="store_true", default=None,
                       help="also run the preview rules (not yet precise enough on real code to be on by default)")
    rules.add_argument("--config", type=Path, metavar="FILE", help="read [tool.cachelint] from this file")
    rules.add_argument("--isolated", action="store_true", help="ignore configuration files")

    running = check.add_argument_group("running")
    running.add_argument("-j", "--jobs", type=int, default=0, metavar="N",
                         help="worker processes (default: 0, one per core)")
    running.add_argument("--no-cache", action="store_true", help="do not read or write .cachelint_cache/")
    running.add_argument("--stdin-filename", type=Path, metavar="PATH",
                         help="the path of the file read from stdin ('-')")
    fixing = check.add_argument_group("fixes")
    fixing.add_argument("--fix", action="store_true",
                        help="apply safe fixes in place, then report what is left ('-': print the fixed source)")
    fixing.add_argument("--diff", action="store_true",
                        help="print the fixes as a unified diff instead of applying them (exit 1 if there are any)")
    fixing.add_argument("--unsafe-fixes", action="store_true",
                        help="with --fix or --diff: also apply fixes that change what the code says")

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
    if argv and argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version"):
        argv = ["check", *argv]
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
    try:
        return _check(args, stdout, stderr, stdin, (cwd or Path.cwd()).resolve())
    except UsageError as exc:
        stderr.write(f"cachelint: error: {exc}\n")
        return EXIT_ERROR


def _check(args: argparse.Namespace, stdout: TextIO, stderr: TextIO, stdin, cwd: Path) -> int:
    from cachelint import config as configuration
    from cachelint import runner
    from cachelint.reporting import Options, renderer, use_color

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
    stdin_path = None
    if reading_stdin:
        stdin_path = (cwd / args.stdin_filename) if args.stdin_filename else cwd / "stdin.py"
    start = configuration.common_start([stdin_path] if stdin_path else paths, cwd)
    overrides = configuration.Overrides(
        select=args.select, ignore=args.ignore, extend_select=args.extend_select,
        per_file_ignores=args.per_file_ignores, exclude=args.exclude, hashable_types=args.hashable_types,
        unhashable_types=args.unhashable_types, entry_scripts=args.entry_scripts,
        target_streamlit=args.target_streamlit, preview=args.preview,
    )
    try:
        config = configuration.load(start, overrides, args.config, args.isolated, cwd)
    except configuration.ConfigError as exc:
        stderr.write(f"cachelint: error: {exc}\n")
        return EXIT_ERROR
    if args.unsafe_fixes and not (args.fix or args.diff):
        raise UsageError("--unsafe-fixes goes with --fix or --diff")
    if args.fix or args.diff:
        code = _fix(args, paths, stdin_path, config, stdin, stdout, stderr, cwd)
        if code is not None:
            return code

    if reading_stdin:
        data = (stdin or sys.stdin.buffer).read()
        report = runner.run_text(stdin_path, _decode(data), config)
        if not args.stdin_filename:  # shown as flake8 shows it
            report.findings = [dataclasses.replace(f, path=Path("stdin")) for f in report.findings]
            report.texts = {Path("stdin"): text for text in report.texts.values()}
    else:
        jobs = args.jobs or runner.default_jobs()
        progress = runner.ProgressBar.if_terminal(stderr)
        try:
            report = runner.run(paths, config, jobs=jobs, use_cache=not args.no_cache, progress=progress)
        finally:
            if progress:
                progress.close()

    out = stdout
    handle = None
    if args.output_file:
        handle = args.output_file.open("w", encoding="utf-8")
        out = handle
    try:
        options = Options(cwd=cwd, color=use_color(out, args.color) and args.format in ("text", "concise"),
                          statistics=args.statistics, show_source=args.show_source)
        renderer(args.format)(report, out, options)
    finally:
        if handle:
            handle.close()
    if report.internal_error:
        return EXIT_ERROR
    if report.findings and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _fix(args: argparse.Namespace, paths: list[Path], stdin_path: Path | None, config, stdin, stdout: TextIO,
         stderr: TextIO, cwd: Path) -> int | None:
    """--fix / --diff. Returns the exit code when the run ends here (--diff, stdin);
    None when the check goes on to report what the fixes left."""
    from cachelint import autofix as command

    if stdin_path is not None:
        text = _decode((stdin or sys.stdin.buffer).read())
        fixed = command.fix_text(text, stdin_path, config, unsafe=args.unsafe_fixes)
        if args.diff:
            name = args.stdin_filename.as_posix() if args.stdin_filename else "stdin"
            stdout.write(command.unified_diff(text.encode("utf-8", "surrogateescape"),
                                              fixed.encode("utf-8", "surrogateescape"), name))
            return EXIT_FINDINGS if fixed != text else EXIT_CLEAN
        stdout.write(fixed)
        return EXIT_CLEAN
    summary = command.run_fixes(paths, config, diff=args.diff, unsafe=args.unsafe_fixes, stdout=stdout,
                                stderr=stderr, cwd=cwd)
    if args.diff:
        return EXIT_FINDINGS if summary.files else (EXIT_ERROR if summary.failed else EXIT_CLEAN)
    return None


def _decode(data: bytes) -> str:
    from cachelint.source import decode

    try:
        return decode(data)
    except (UnicodeDecodeError, SyntaxError, LookupError):
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
