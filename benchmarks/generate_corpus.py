"""Generate a Streamlit-heavy corpus for the benchmark (seeded: same seed, same files).

    python benchmarks/generate_corpus.py OUT_DIR [--apps 200] [--seed 2024]

Each app is a folder with an entry script ``app.py``, a ``pages/`` folder and a few
modules (``models.py``, ``data.py``, ``charts.py``, ``helpers.py``) that the pages
import: dataclasses and plain classes, ``@st.cache_data`` / ``@st.cache_resource``
functions and methods (some with ``hash_funcs``), widgets, layout blocks, pandas and
numpy code, and some of the caching bugs cachelint reports. 200 apps give 2,000 files.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

WORDS = ("sales order customer product region store invoice metric forecast cohort user session "
         "event ticket campaign supplier shipment budget account portfolio sensor reading").split()
WIDGETS = ("selectbox", "multiselect", "radio")


def title(word: str) -> str:
    return word[:1].upper() + word[1:]


class Writer:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def pick(self, seq):
        return self.rng.choice(seq)

    def models(self, entities: list[str]) -> str:
        out = ['"""Domain objects."""', "", "from __future__ import annotations", "",
               "from dataclasses import dataclass, field", "from datetime import date", "", ""]
        for i, entity in enumerate(entities):
            cls = title(entity)
            if i % 3 == 0:
                out += ["@dataclass(frozen=True)", f"class {cls}:", "    id: int", "    name: str",
                        "    amount: float = 0.0", "    day: date | None = None", "",
                        "    def label(self) -> str:", '        return f"{self.name} ({self.id})"', "", ""]
            elif i % 3 == 1:
                out += ["@dataclass", f"class {cls}:", "    id: int", "    tags: list[str] = field(default_factory=list)",
                        "", "    def add(self, tag: str) -> None:", "        if tag not in self.tags:",
                        "            self.tags.append(tag)", "", ""]
            else:
                out += [f"class {cls}:", f'    """A {entity} loaded from the warehouse."""', "",
                        "    def __init__(self, key, values=None):", "        self.key = key",
                        "        self.values = list(values or [])", "",
                        "    def total(self):", "        return sum(v for v in self.values if v is not None)", "",
                        "    def __repr__(self):", f'        return f"{cls}({{self.key!r}})"', "", ""]
        return "\n".join(out).rstrip() + "\n"

    def data(self, entities: list[str], bug: bool) -> str:
        rng = self.rng
        out = ['"""Loading and shaping data; everything expensive is cached."""', "",
               "import numpy as np", "import pandas as pd", "import streamlit as st", "",
               f"from models import {', '.join(title(e) for e in entities)}", "", ""]
        for entity in entities:
            rows = rng.randint(50, 500)
            out += ["@st.cache_data(ttl=600)", f"def load_{entity}s(rows: int = {rows}, seed: int = 0) -> pd.DataFrame:",
                    "    rng = np.random.default_rng(seed)",
                    "    frame = pd.DataFrame({", '        "id": np.arange(rows),',
                    '        "value": rng.normal(100, 15, rows),',
                    f'        "group": rng.choice({[w for w in rng.sample(WORDS, 3)]!r}, rows),', "    })",
                    '    frame["value"] = frame["value"].round(2)', "    return frame", "", ""]
            out += ["@st.cache_data", f"def summarize_{entity}s(frame: pd.DataFrame, by: str = \"group\") -> pd.DataFrame:",
                    '    out = frame.groupby(by)["value"].agg(["count", "mean", "sum"])',
                    "    return out.reset_index()", "", ""]
        first = title(entities[2 % len(entities)])
        if bug:
            out += ["@st.cache_data", f"def score(item: {first}, weight: float = 1.0) -> float:",
                    "    return item.total() * weight", "", ""]
        else:
            out += [f"@st.cache_data(hash_funcs={{{first}: lambda o: o.key}})",
                    f"def score(item: {first}, weight: float = 1.0) -> float:",
                    "    return item.total() * weight", "", ""]
        out += ["@st.cache_resource", "def connection(url: str = \"sqlite:///:memory:\"):",
                "    import sqlite3", "", "    return sqlite3.connect(url.removeprefix(\"sqlite:///\"), check_same_thread=False)",
                "", "", "def clean(frame):", '    frame = frame.dropna(subset=["value"])',
                '    return frame[frame["value"] > 0]']
        return "\n".join(out).rstrip() + "\n"

    def charts(self) -> str:
        return "\n".join([
            '"""Charts shared by the pages."""', "", "import altair as alt", "import pandas as pd",
            "import streamlit as st", "", "",
            "def bar(frame: pd.DataFrame, x: str, y: str, title: str = \"\") -> None:",
            "    chart = alt.Chart(frame).mark_bar().encode(x=x, y=y).properties(title=title)",
            "    st.altair_chart(chart, use_container_width=True)", "", "",
            "def kpis(frame: pd.DataFrame, column: str = \"value\") -> None:",
            "    left, middle, right = st.columns(3)",
            '    left.metric("Rows", len(frame))',
            '    middle.metric("Mean", f"{frame[column].mean():.1f}")',
            '    right.metric("Total", f"{frame[column].sum():,.0f}")', "",
        ])

    def helpers(self, bug: bool) -> str:
        out = ['"""Small helpers."""', "", "import threading", "from datetime import datetime, timedelta", "",
               "import streamlit as st", "", "_LOCK = threading.Lock()", "", "",
               "def period(days: int = 30) -> tuple[datetime, datetime]:",
               "    end = datetime.now().replace(microsecond=0)", "    return end - timedelta(days=days), end", "", "",
               "class Settings:", "    def __init__(self, currency=\"EUR\", precision=2):",
               "        self.currency = currency", "        self.precision = precision", ""]
        if bug:
            out += ["    @st.cache_data", "    def fmt(self, value: float) -> str:",
                    '        return f"{value:,.{self.precision}f} {self.currency}"', ""]
        else:
            out += ["    def fmt(self, value: float) -> str:",
                    '        return f"{value:,.{self.precision}f} {self.currency}"', ""]
        out += ["", "@st.cache_data", "def exchange_rates(base: str = \"EUR\") -> dict[str, float]:",
                '    return {"EUR": 1.0, "USD": 1.08, "GBP": 0.86}', ""]
        return "\n".join(out).rstrip() + "\n"

    def page(self, app_entities: list[str], index: int, bug: bool) -> str:
        rng = self.rng
        entity = app_entities[index % len(app_entities)]
        other = title(app_entities[2 % len(app_entities)])
        widget = self.pick(WIDGETS)
        out = [f'"""{title(entity)} page."""', "", "import pandas as pd", "import streamlit as st", "",
               "from charts import bar, kpis", f"from data import clean, load_{entity}s, score, summarize_{entity}s",
               "from helpers import Settings, exchange_rates, period", f"from models import {other}", "",
               f'st.title("{title(entity)}s")', "settings = Settings()",
               "start, end = period(st.sidebar.slider(\"Days\", 7, 90, 30))", ""]
        out += [f"rows = st.sidebar.number_input(\"Rows\", 10, 1000, {rng.randint(50, 500)})",
                f"frame = clean(load_{entity}s(int(rows)))",
                f"groups = sorted(frame[\"group\"].unique())"]
        if widget == "multiselect":
            out += ["chosen = st.sidebar.multiselect(\"Groups\", groups, default=groups)",
                    "frame = frame[frame[\"group\"].isin(chosen)]"]
        else:
            out += [f"chosen = st.sidebar.{widget}(\"Group\", [\"all\", *groups])",
                    "if chosen != \"all\":", "    frame = frame[frame[\"group\"] == chosen]"]
        out += ["", "kpis(frame)", f"summary = summarize_{entity}s(frame)",
                f'bar(summary, "group", "sum", title="{title(entity)}s by group")', "",
                "tab_table, tab_raw = st.tabs([\"Summary\", \"Raw\"])", "with tab_table:",
                "    st.dataframe(summary, hide_index=True)", "with tab_raw:",
                "    st.dataframe(frame.head(200))", ""]
        for block in range(rng.randint(2, 5)):
            col = rng.choice(["value", "id"])
            out += [f"with st.expander(\"Details {block + 1}\"):",
                    f"    threshold = st.number_input(\"Threshold {block + 1}\", value={rng.randint(10, 200)})",
                    f"    above = frame[frame[\"{col}\"] > threshold]",
                    "    st.write(f\"{len(above)} rows above {threshold}\")",
                    "    if not above.empty:",
                    f"        st.line_chart(above.set_index(\"id\")[\"value\"])", ""]
        rates = "rates = exchange_rates()"
        out += [rates, "for code, rate in rates.items():",
                "    st.caption(f\"{code}: {rate:.2f}\")", ""]
        if bug:
            out += [f"item = {other}(\"{entity}\", frame[\"value\"].tolist())", "st.metric(\"Score\", score(item))", ""]
        else:
            out += [f"st.metric(\"Score\", score({other}(\"{entity}\", frame[\"value\"].tolist())))", ""]
        return "\n".join(out).rstrip() + "\n"

    def app(self, name: str, pages: int) -> str:
        return "\n".join([
            f'"""{name}: entry script."""', "", "import streamlit as st", "",
            "from data import connection", "from helpers import Settings", "",
            f'st.set_page_config(page_title="{name}", layout="wide")', f'st.title("{name}")', "",
            "conn = connection()", "settings = Settings()",
            f'st.write("This app has {pages} pages; pick one in the sidebar.")',
            'if st.button("Clear caches"):', "    st.cache_data.clear()", "    st.rerun()", "",
        ])


def generate(out: Path, apps: int = 200, seed: int = 2024) -> int:
    rng = random.Random(seed)
    writer = Writer(rng)
    if out.exists():
        shutil.rmtree(out)
    count = 0
    for a in range(apps):
        entities = rng.sample(WORDS, 4)
        bug = rng.random() < 0.3
        folder = out / f"app_{a:03d}_{entities[0]}"
        (folder / "pages").mkdir(parents=True)
        files = {
            "app.py": writer.app(f"{title(entities[0])} dashboard {a}", 5),
            "models.py": writer.models(entities),
            "data.py": writer.data(entities, bug),
            "charts.py": writer.charts(),
            "helpers.py": writer.helpers(bug and rng.random() < 0.5),
        }
        for p in range(5):
            files[f"pages/{p + 1}_{entities[p % 4]}.py"] = writer.page(entities, p, bug and p == 0)
        for name, text in files.items():
            (folder / name).write_text(text)
            count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--apps", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    count = generate(args.out, args.apps, args.seed)
    print(f"wrote {count} files under {args.out}")


if __name__ == "__main__":
    main()
