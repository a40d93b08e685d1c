"""The rule reference, generated from the catalogue and the rules so that it cannot drift."""

from __future__ import annotations

from cachelint import catalog

REQUIRED_SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Use instead")


def rule_reference() -> str:
    parts = ["# cachelint rules", "",
             "Generated from the rule classes (`python -m cachelint.docs > docs/rules.md`).", "",
             "| code | name | severity | fix | summary |", "|---|---|---|---|---|"]
    for c in catalog.CODES:
        fix = {catalog.NO_FIX: ""}.get(c.fix, f"{c.fix} ({', '.join(c.fix_safety)})")
        parts.append(f"| [{c.code}](#{c.anchor}) | {c.name} | {c.severity} | {fix} | {c.summary}{c.status_note} |")
    for c in catalog.CODES:
        title, _, body = c.documentation.partition("\n")
        status = ", preview: runs only with `--preview`" if c.preview else ""
        status += f", opt-in: reported only with `--select {c.code}` (or `extend-select`)" if c.opt_in else ""
        parts += ["", f"## {c.code} {c.name}", "", f"*{c.severity}{status}* — {title}", "",
                  ("\n" + body.strip()).replace("\n## ", "\n### ").strip()]
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    print(rule_reference(), end="")
