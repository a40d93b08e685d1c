from __future__ import annotations

from typing import Iterator

from cachelint.analysis.hash_func import DeadKey, dead_key, hashes_arguments, receiving_params
from cachelint.analysis.hashability import HashFuncsKeys
from cachelint.analysis.values import Instance
from cachelint.findings import Confidence, Finding
from cachelint.rules.base import CachedContext, Rule


class DeadHashFuncsKey(Rule):
    """A `hash_funcs` key that never matches, so its entry is ignored.

    ## What it does
    Finds `hash_funcs` keys that no hashed object can match:
    a string that is not the type's fully qualified name `module.QualName`
    (`"MyClass"` instead of `"__main__.MyClass"`; the entry script's classes are
    `__main__.X`, an imported module's are named by its dotted path from the
    app's folder, nested classes by their `__qualname__`; the right spelling is
    suggested), a class whose calls only ever pass a subclass (Streamlit matches
    the exact type), `bytes` / `bytearray` (hashed before `hash_funcs` are looked
    at), a key that is not a class at all (a function, a module, an instance), and
    library classes spelled by a name they do not carry at run time
    (`"pd.DataFrame"`; `"pandas.core.frame.DataFrame"` under pandas 3, whose
    DataFrame is `pandas.DataFrame`, judged from the installed pandas), and
    `pathlib.Path`, whose objects are all `PosixPath` (or `WindowsPath`).
    Functions that hash no argument are not reported: they never consult the table.

    ## Why is this bad?
    Streamlit looks an entry up by `type(obj).__module__ + "." +
    type(obj).__qualname__` of the exact type, so a misspelled key is silently
    ignored: the argument still raises `UnhashableParamError`, or is hashed the
    default way, as if there were no entry. A key that is an object rather than a
    type (an instance, a module) makes Streamlit raise `AttributeError` on the
    first call instead.

    ## Example
    ```python
    class Doc:
        def __init__(self, text):
            self.text = text

    @st.cache_data(hash_funcs={"Doc": lambda d: d.text})
    def summarize(doc: Doc) -> str: ...
    ```

    ## Use instead
    ```python
    @st.cache_data(hash_funcs={Doc: lambda d: d.text})  # or "__main__.Doc"
    def summarize(doc: Doc) -> str: ...
    ```
    """

    code = "STC005"
    name = "dead-hash-funcs-key"
    summary = "hash_funcs key that never matches the type of any argument"

    def check(self, ctx: CachedContext) -> Iterator[Finding]:
        if not hashes_arguments(ctx):
            return  # no argument is hashed: hash_funcs is never consulted
        for entry in ctx.hash_funcs:
            dead = dead_key(entry, ctx)
            if dead is None:
                continue
            shown = repr(entry.name) if entry.name is not None else entry.key.as_string()
            if dead.raises:
                message = (f"hash_funcs key {shown} is {dead.reason}, not a type: Streamlit reads the key's "
                           f"__module__ and __qualname__ to name it and raises AttributeError on the first call "
                           f"of cached '{ctx.cached.name}'; {dead.fix}")
            else:
                message = (f"hash_funcs key {shown} never matches: {dead.reason}; the entry is ignored and "
                           f"{self._consequence(ctx, dead)}; {dead.fix}")
            confidence = Confidence.INFERENCE if dead.meant and "subclass" in dead.reason else Confidence.HIGH
            yield self.report(ctx, entry.key, message, confidence)

    @staticmethod
    def _consequence(ctx: CachedContext, dead: DeadKey) -> str:
        if not dead.meant:
            return "Streamlit hashes the objects as if there were no entry"
        verdicts = [ctx.hashability.verdict(Instance(cls), HashFuncsKeys()) for cls in dead.meant]
        if all(v.unhashable for v in verdicts):
            params = receiving_params(ctx, list(dead.meant))
            where = f"argument '{params[0]}'" if params else f"a '{dead.meant[0].name}' argument"
            return f"{where} still raises UnhashableParamError"
        if all(v.outcome == "hashable" for v in verdicts):
            return f"Streamlit hashes '{dead.meant[0].name}' its default way instead"
        return "Streamlit hashes the objects as if there were no entry"
