"""The rule reference, generated from the rules so that it cannot drift."""

from __future__ import annotations

from cachelint.registry import FILE_CODES, RULES

REQUIRED_SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Use instead")


def rule_reference() -> str:
    parts = ["# cachelint rules", "",
             "Generated from the rule classes (`python -m cachelint.docs > docs/rules.md`).", "",
             "| code | name | severity | summary |", "|---|---|---|---|"]
    parts += [f"| [{r.code}](#{r.code.lower()}-{r.name}) | {r.name} | {r.severity} | {r.summary} |" for r in RULES]
    parts += [f"| {code} | {name} | error | reported about the file itself |" for code, name in FILE_CODES.items()]
    for rule in RULES:
        docs = rule.docs()
        title, _, body = docs.partition("\n")
        parts += ["", f"## {rule.code} {rule.name}", "", f"*{rule.severity}* — {title}", "",
                  ("\n" + body.strip()).replace("\n## ", "\n### ").strip()]
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    print(rule_reference(), end="")
