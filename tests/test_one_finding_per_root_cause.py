"""One root cause, one finding: a helper's session-state read reached from several cached
functions of a file is reported once, at the first, with the others as related locations."""

from __future__ import annotations

import json
from pathlib import Path

from cli_helpers import run

from cachelint.engine import one_per_group
from cachelint.findings import Finding, Related

FIXTURE = Path(__file__).parent / "fixtures" / "session" / "stc009_login_decides_what_is_returned.py"


def test_a_helper_read_reached_twice_is_one_finding_with_the_other_as_related() -> None:
    result = run(FIXTURE.parent, "check", FIXTURE.name, "--output-format", "json", "--preview")
    findings = json.loads(result.out)["findings"]
    assert [(f["code"], f["location"]["line"]) for f in findings] == [("STC026", 22)]
    assert findings[0]["message"].endswith("the same read is reached from 1 other cached function")
    assert findings[0]["related"] == [{
        "path": FIXTURE.name, "line": 27, "column": 8,
        "message": "also: cached 'workbook' calls 'is_authenticated'",
    }]


def test_findings_without_a_group_or_of_other_groups_are_kept() -> None:
    path = Path("app.py")
    first = Finding(path, 3, 0, "STC009", "cached 'a' calls 'h', which reads x", group="h:1")
    second = Finding(path, 9, 4, "STC009", "cached 'b' calls 'h', which reads x", group="h:1")
    other = Finding(path, 12, 0, "STC009", "cached 'c' reads y", group="")
    elsewhere = Finding(path, 15, 0, "STC009", "cached 'd' calls 'g', which reads z", group="g:1")
    kept = one_per_group([first, second, other, elsewhere])
    assert kept == [first, other, elsewhere]
    assert kept[0].related == (Related(path, 9, 4, "also: cached 'b' calls 'h'"),)
