"""STC024 cached-side-effect (preview): a cached function that acts (sends mail, writes a
database or a file, posts a request) runs only on a cache miss.

A cached call with arguments it has seen returns the stored result without running the
body: the mail is sent once, the row inserted once. The app still shows "sent!".
"""

from __future__ import annotations

import re
from typing import Iterator

from astroid import nodes

from cachelint.analysis.constants import UNKNOWN, literal
from cachelint.analysis.context import CachedContext
from cachelint.analysis.flow import library_callee
from cachelint.analysis.infer import returns_of
from cachelint.findings import Finding
from cachelint.rules.base import Example, Rule

WRITE_FUNCTIONS = {
    "os.remove": "deletes a file", "os.unlink": "deletes a file", "os.rename": "renames a file",
    "os.replace": "replaces a file", "os.rmdir": "deletes a folder", "shutil.rmtree": "deletes a folder",
    "shutil.copy": "copies a file", "shutil.copy2": "copies a file", "shutil.copyfile": "copies a file",
    "shutil.move": "moves a file", "requests.post": "sends a POST request", "requests.put": "sends a PUT request",
    "requests.delete": "sends a DELETE request", "requests.patch": "sends a PATCH request",
    "httpx.post": "sends a POST request", "httpx.put": "sends a PUT request",
    "httpx.delete": "sends a DELETE request", "httpx.patch": "sends a PATCH request",
}
SEND_METHODS = {"sendmail": "sends an email", "send_message": "sends a message"}
FRAME_WRITERS = frozenset({"to_csv", "to_parquet", "to_excel", "to_json", "to_pickle", "to_feather", "to_sql"})
PATH_WRITERS = frozenset({"write_text", "write_bytes"})
SQL_WRITE = re.compile(r"^\s*(insert|update|delete|replace|merge|upsert)\b", re.IGNORECASE)
WRITE_MODES = re.compile(r"[wax+]")
ONCE_NAMES = re.compile(r"_*(?:init|setup|set_up|ensure|bootstrap|migrate|prepare|create_tables?|warm)",
                        re.IGNORECASE)


class CachedSideEffect(Rule):
    """A cached function that sends, writes or deletes: the action happens once.

    ## What it does
    Finds cached functions whose body (or a helper of the app it calls) acts on the
    world: sends mail (`.sendmail`, `.send_message`), writes a database (`INSERT`,
    `UPDATE`, `DELETE` through `.execute`/`.executemany`, `.commit()`), writes a file
    (`open(..., "w")`/`"a"`, `to_csv`/`to_parquet`/... to a path,
    `Path.write_text`), deletes or moves files (`os.remove`, `shutil.*`), or posts
    a request (`requests.post`/`put`/`delete`/`patch`) — when the result does not
    matter: every call drops it, or the function returns only `None` or a bool. A
    loader that writes a local copy and returns the data, a POST used to read (a
    search, an LLM call) whose result is shown, and "once per server" set-ups
    (functions without parameters, or named `init_*`, `setup_*`, `ensure_*`,
    `migrate_*`...) are not reported.

    ## Why is this bad?
    Streamlit runs a cached body only on a cache miss. The second click of "Send"
    with the same arguments finds the first call's result and returns it without
    running the body: no mail, no row, no file; and the app still says "sent!".

    ## Example
    ```python
    import streamlit as st


    @st.cache_data
    def save_note(path, text):
        with open(path, "a") as out:
            out.write(text + "\\n")
        return True


    if st.button("Save"):
        save_note("notes.txt", "remember the milk")
        st.success("saved!")
    ```

    ## Use instead
    ```python
    import streamlit as st


    def save_note(path, text):
        with open(path, "a") as out:
            out.write(text + "\\n")
        return True


    if st.button("Save"):
        save_note("notes.txt", "remember the milk")
        st.success("saved!")
    ```
    """

    code = "STC024"
    INVALID = (
        Example("""
            import sqlite3

            import streamlit as st

            conn = sqlite3.connect(":memory:", check_same_thread=False)
            conn.execute("create table if not exists visits (page text)")


            @st.cache_resource
            def log_visit(page):
                conn.execute("insert into visits values (?)", (page,))  # expect: STC024


            log_visit("home")
            st.write(conn.execute("select count(*) from visits").fetchone()[0])
        """),
    )
    VALID = (
        Example("""
            import requests
            import streamlit as st


            @st.cache_data
            def search(term):
                return requests.post("https://example.invalid/search", json={"q": term}).json()


            if st.button("Search"):
                st.write(search("streamlit"))
        """),
    )

    def check(self, ctx: CachedContext) -> Iterator[Finding]:
        cached = ctx.cached
        if not cached.params() or ONCE_NAMES.match(cached.name) or not ctx.sites:
            return  # no arguments, or named for it: "do this once per server" (set up tables, warm up)
        why_unused = _result_unused(ctx)
        if why_unused is None:
            return
        for reached in ctx.body.nodes(nodes.Call):
            what = _write(reached.node, ctx)
            if what is None:
                continue
            action, how = reached.describe(what, reached.node.lineno)
            message = (f"cached '{cached.name}' {action}, but {why_unused}: {cached.api} runs the body only on a "
                       f"cache miss, so a later call with the same arguments returns the stored result and does "
                       f"not act again; do not cache a function that acts (cache only what it reads)")
            yield self.report(ctx, reached.anchor, message, how)
            return


def _result_unused(ctx: CachedContext) -> str | None:
    """Why the caller cannot tell a cached call from a real one, if it cannot."""
    if all(isinstance(site.call.parent, nodes.Expr) for site in ctx.sites):
        return "every call drops its result"
    values = []
    for ret in returns_of(ctx.cached.node):
        value = literal(ret.value) if ret.value is not None else None
        if value is UNKNOWN or not (value is None or isinstance(value, bool)):
            return None
        values.append(value)
    return "it returns only None or a bool"


def _write(call: nodes.Call, ctx: CachedContext) -> str | None:
    """What ``call`` does to the world, when it writes, sends or deletes."""
    name = library_callee(call, ctx.inferrer)
    if name in WRITE_FUNCTIONS:
        return WRITE_FUNCTIONS[name]
    if name in ("builtins.open", "io.open"):
        mode = call.args[1] if len(call.args) > 1 else next((k.value for k in call.keywords or ()
                                                                if k.arg == "mode"), None)
        value = literal(mode) if mode is not None else UNKNOWN
        return "writes a file" if isinstance(value, str) and WRITE_MODES.search(value) else None
    func = call.func
    if not isinstance(func, nodes.Attribute):
        return None
    method = func.attrname
    if method in SEND_METHODS:
        return SEND_METHODS[method]
    if method in ("execute", "executemany") and call.args:
        sql = literal(call.args[0])
        if isinstance(sql, str) and SQL_WRITE.match(sql):
            return f"writes to a database ({sql.split()[0].upper()})"
        return None
    if method == "commit" and not call.args:
        return "commits to a database"
    if method in FRAME_WRITERS and (call.args or any(k.arg in ("path_or_buf", "path", "excel_writer", "name")
                                                     for k in call.keywords or ())):
        return f"writes a file ({method})"
    if method in PATH_WRITERS and call.args:
        return f"writes a file ({method})"
    return None

