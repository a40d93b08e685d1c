"""The names Streamlit looks ``hash_funcs`` entries up by, for library classes.

Streamlit matches an entry by ``type(obj).__module__ + "." + type(obj).__qualname__``
(``streamlit.type_util.get_fqn_type``), which is often not the name an app imports
the class by, and which some libraries change between releases: pandas 3 moved the
``__module__`` of its public classes from ``pandas.core.frame`` to ``pandas``.
Which major version the app runs with is part of the target model
(``StreamlitModel.pandas_major``), never read from the linting environment here.
"""

from __future__ import annotations

# Classes whose runtime name depends on the library's major version:
# public spelling -> ((first major version, runtime name), ...), newest first.
VERSIONED_NAMES: dict[str, tuple[tuple[int, str], ...]] = {
    "pandas.DataFrame": ((3, "pandas.DataFrame"), (0, "pandas.core.frame.DataFrame")),
    "pandas.Series": ((3, "pandas.Series"), (0, "pandas.core.series.Series")),
    "pandas.Index": ((3, "pandas.Index"), (0, "pandas.core.indexes.base.Index")),
}

# Spellings of the same classes that name them under another version.
VERSIONED_SPELLINGS: dict[str, str] = {
    runtime: public for public, versions in VERSIONED_NAMES.items() for _, runtime in versions
}

# Classes whose runtime name is not the import path, whatever the version.
RUNTIME_NAMES: dict[str, str] = {
    "polars.DataFrame": "polars.dataframe.frame.DataFrame",
    "polars.Series": "polars.series.series.Series",
    "io.StringIO": "_io.StringIO",
    "io.BytesIO": "_io.BytesIO",
    "sqlite3.dbapi2.Connection": "sqlite3.Connection",
    "numpy.random.Generator": "numpy.random._generator.Generator",
    "PIL.Image": "PIL.Image.Image",
}

# Classes whose constructor returns an instance of a platform-specific subclass, so
# that no object ever has the class itself as its exact type: class -> the types
# its instances have (POSIX first).
INSTANCE_TYPES: dict[str, tuple[str, ...]] = {
    "pathlib.Path": ("pathlib.PosixPath", "pathlib.WindowsPath"),
    "pathlib.PurePath": ("pathlib.PurePosixPath", "pathlib.PureWindowsPath"),
}

# Usual import aliases: a key spelled "pd.DataFrame" names no module.
MODULE_ALIASES: dict[str, str] = {
    "pd": "pandas",
    "np": "numpy",
    "pl": "polars",
    "st": "streamlit",
    "sa": "sqlalchemy",
    "tf": "tensorflow",
    "dt": "datetime",
    "plt": "matplotlib.pyplot",
    "px": "plotly.express",
    "go": "plotly.graph_objects",
}


def runtime_name(public: str, majors: dict[str, int | None]) -> str | None:
    """The name Streamlit sees for the library class spelled ``public``, if known;
    ``majors`` gives the major version of each library the app runs with."""
    public = VERSIONED_SPELLINGS.get(public, public)
    if public in VERSIONED_NAMES:
        major = majors.get(public.split(".")[0])
        if major is None:
            return None
        for first, name in VERSIONED_NAMES[public]:
            if major >= first:
                return name
        return None
    return RUNTIME_NAMES.get(public)
