#!/usr/bin/env bash
# The shell steps of the GitHub Action (action.yml), kept here so that they can be tested
# (tests/test_action.py) and run by hand:
#
#   scripts/action_run.sh install   # a venv with cachelint in it
#   scripts/action_run.sh check     # cachelint check --format sarif -o FILE SRC; never fails on findings
#   scripts/action_run.sh verdict   # fails when the check found something (after the SARIF upload)
#
# Inputs come from the environment, as action.yml passes them:
#   INPUT_VERSION           ""/unset: install the action's own checkout (ACTION_PATH); "latest": the
#                           newest streamlit-cachelint release; "0.1.0": that release; ">=0.1,<0.2": a specifier
#   INPUT_SRC               the files and folders to check, separated by spaces (default ".")
#   INPUT_ARGS              more arguments for `cachelint check`, separated by spaces
#   INPUT_SARIF_FILE        where the SARIF goes (default cachelint.sarif)
#   INPUT_FAIL_ON_FINDINGS  "true" (default): the verdict fails when there are findings
#   INPUT_PYTHON            the interpreter that makes the venv (default: python3, else python)
#   ACTION_PATH             the action's checkout (default: this script's repository)
#   CACHELINT_VENV          the venv (default: $RUNNER_TEMP/cachelint-venv)
#   CACHELINT_EXIT_CODE     (verdict) the exit code the check step reported
#   GITHUB_OUTPUT           the step outputs file (written when set)
#
# Exit codes of `cachelint check`: 0 no findings, 1 findings, 2 usage or internal error.
set -euo pipefail

ACTION_PATH=${ACTION_PATH:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
VENV=${CACHELINT_VENV:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}/cachelint-venv}
SARIF=${INPUT_SARIF_FILE:-cachelint.sarif}

output() {  # output NAME VALUE: a step output
    if [ -n "${GITHUB_OUTPUT:-}" ]; then
        printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
    fi
}

venv_bin() {  # venv_bin NAME: a program of the venv (bin/ on POSIX, Scripts/ on Windows)
    if [ -d "$VENV/Scripts" ]; then echo "$VENV/Scripts/$1"; else echo "$VENV/bin/$1"; fi
}

install() {
    local python=${INPUT_PYTHON:-}
    if [ -z "$python" ]; then
        python=$(command -v python3 || command -v python || true)
        [ -n "$python" ] || { echo "::error::cachelint: no python3 on PATH; set the python-version input"; exit 2; }
    fi
    local version=${INPUT_VERSION:-} spec
    case "$version" in
        "") spec=$ACTION_PATH ;;                      # the action's own checkout (the ref in `uses:`)
        latest) spec=streamlit-cachelint ;;
        [0-9]*) spec="streamlit-cachelint==$version" ;;
        *) spec="streamlit-cachelint$version" ;;       # a specifier: >=0.1,<0.2
    esac
    # --system-site-packages: cachelint sees the Streamlit (and pandas...) the workflow installed
    # for the app with this Python, and models that version; its own dependencies stay apart.
    "$python" -m venv --system-site-packages "$VENV"
    echo "Installing $spec into $VENV"
    "$(venv_bin python)" -m pip install --quiet --disable-pip-version-check "$spec"
    "$(venv_bin cachelint)" --version
}

# Prints each SARIF result as `path:line:col: CODE message` on stderr, the count on stdout.
SUMMARY='
import json, sys
with open(sys.argv[1], encoding="utf-8") as handle:
    runs = json.load(handle)["runs"]
results = [result for run in runs for result in run.get("results", [])]
for result in results:
    where = result["locations"][0]["physicalLocation"]
    region = where.get("region", {})
    print("%s:%s:%s: %s %s" % (where["artifactLocation"]["uri"], region.get("startLine", 1),
          region.get("startColumn", 1), result["ruleId"], result["message"]["text"]), file=sys.stderr)
print(len(results))
'

check() {
    local src=${INPUT_SRC:-.}
    local -a paths extra
    read -r -a paths <<<"$src"
    read -r -a extra <<<"${INPUT_ARGS:-}"
    [ "${#paths[@]}" -gt 0 ] || paths=(.)
    mkdir -p "$(dirname "$SARIF")"
    rm -f "$SARIF"
    local code=0
    "$(venv_bin cachelint)" check --format sarif -o "$SARIF" ${extra[@]+"${extra[@]}"} -- "${paths[@]}" || code=$?
    output exit-code "$code"
    if [ ! -s "$SARIF" ]; then
        output sarif-written false
        echo "::error::cachelint exited $code and wrote no SARIF (a usage or configuration error: see above)"
        exit "$code"
    fi
    output sarif-written true
    output sarif-file "$SARIF"
    # The findings, for the log: one `path:line:col: CODE message` line each.
    local count
    count=$("$(venv_bin python)" -c "$SUMMARY" "$SARIF")
    output findings "$count"
    echo "cachelint: $count finding(s), exit code $code; SARIF written to $SARIF"
    # Findings (1), and an internal error (2 with an STC901 result in the SARIF), fail the job in
    # `verdict`, after the upload.
}

verdict() {
    local code=${CACHELINT_EXIT_CODE:?the exit code of the check step}
    case "$code" in
        0) echo "cachelint: no findings" ;;
        1)
            if [ "${INPUT_FAIL_ON_FINDINGS:-true}" = "true" ]; then
                echo "::error::cachelint found Streamlit caching bugs: see the log above, the code scanning alerts or $SARIF"
                exit 1
            fi
            echo "cachelint found Streamlit caching bugs (fail-on-findings is off)" ;;
        *)
            echo "::error::cachelint exited $code: an internal error (STC901) or a usage error"
            exit "$code" ;;
    esac
}

case "${1:-}" in
    install | check | verdict) "$1" ;;
    *) echo "usage: $0 install|check|verdict" >&2; exit 2 ;;
esac
