"""Which Streamlit commands register a widget, as data (Streamlit 1.67).

A widget command inside a cached function calls
``streamlit.elements.lib.policies.check_cache_replay_rules``, which shows a
``CachedWidgetWarning`` (``st.exception``) when it runs under a cached function;
the warning is recorded and replayed on every cache hit, while the widget itself
only exists on a miss. The commands below were read from Streamlit 1.67's
``elements/widgets/*.py`` (every ``check_widget_policies`` call), ``elements/form.py``
(``st.form`` calls ``check_cache_replay_rules`` itself), the selection code of
``elements/arrow.py``, ``plotly_chart.py``, ``vega_charts.py``,
``deck_gl_json_chart.py``, ``echarts_chart.py``, the stateful containers of
``elements/layouts.py``, ``lib/column_config_utils.py`` (button columns) and the
custom components (``components/v1/custom_component.py``,
``components/v2/bidi_component/main.py``). ``tests/test_widget_model.py`` runs each
command inside a cached function under real Streamlit and checks this table, and
that every public ``DeltaGenerator`` command is classified here.

Commands are ``DeltaGenerator`` methods: reached as ``st.x``, ``st.sidebar.x``,
``st.bottom.x``, or on a container object (``col.x`` for ``col`` from
``st.columns``, ``st.container()``, ``st.tabs``, ``st.expander`` ...).
"""

from __future__ import annotations

from dataclasses import dataclass

STREAMLIT_VERSION = "1.67"

# What a widget inside a cached function does, per release (``WidgetBehaviour.outcome``).
RAISES = "raises"  # every call of the cached function raises (1.18-1.22, 1.32-1.33)
WARNS_REPLAYED = "warns, replayed"  # a warning on every run; the widget is replayed on a hit
WARNS_NOT_REPLAYED = "warns, not replayed"  # a warning on every run; on a hit the widget is gone


@dataclass(frozen=True)
class WidgetBehaviour:
    """A widget command in a cached function on one release (measured with st.checkbox:
    ``behaviour.widget_in_*`` in ``releases/behaviour.json``; built by ``from_facts``)."""

    streamlit: str
    outcome: str  # RAISES, WARNS_REPLAYED or WARNS_NOT_REPLAYED
    error: str | None  # what the call raises (RAISES)
    warning: str | None  # the warning shown: CachedStFunctionWarning, CachedWidgetWarning
    # experimental_allow_widgets=True: "honoured" (no warning, the widget's value is part
    # of the key), "ignored" (accepted, the warning shows anyway), "rejected" (TypeError).
    allow_widgets: str
    allow_widgets_deprecated: bool  # accepted but shows a deprecation box

# Always a widget, whatever the arguments (``on_change="ignore"`` included).
WIDGET_COMMANDS: frozenset[str] = frozenset({
    "audio_input", "button", "camera_input", "chat_input", "checkbox", "color_picker",
    "data_editor", "date_input", "datetime_input", "download_button", "feedback",
    "file_uploader", "form_submit_button", "menu_button", "multiselect", "number_input",
    "pagination", "pills", "radio", "segmented_control", "select_slider", "selectbox",
    "slider", "text_area", "text_input", "time_input", "toggle",
})

# Not a widget, but checks the cache replay rules the same way (elements/form.py).
FORM_COMMANDS: frozenset[str] = frozenset({"form"})


@dataclass(frozen=True)
class Activation:
    """A keyword argument that turns a display element into a widget.

    With ``on`` set, only those constant values activate it; otherwise any value but
    the constants in ``off`` does (a callback function included). A value the
    analysis cannot tell is not reported.
    """

    keyword: str
    off: tuple = ()
    on: tuple = ()


SELECTION = Activation("on_select", off=("ignore",))
STATEFUL = Activation("on_change", off=("ignore",))
BOUND_TO_URL = Activation("bind", on=("query-params",))

# Elements that register a widget only with some arguments.
CONDITIONAL_WIDGETS: dict[str, tuple[Activation, ...]] = {
    # Selections (on_select="rerun" or a callback): arrow.py, plotly_chart.py, ...
    "dataframe": (SELECTION,),
    "altair_chart": (SELECTION,),
    "vega_lite_chart": (SELECTION,),
    "plotly_chart": (SELECTION,),
    "pydeck_chart": (SELECTION,),
    "echarts_chart": (SELECTION,),
    # Containers whose open state is a widget (layouts.py: ``is_stateful``).
    "tabs": (STATEFUL, BOUND_TO_URL),
    "expander": (STATEFUL, BOUND_TO_URL),
    "popover": (STATEFUL,),
    # button.py ``_link_button``: widget policies only with on_click or a key.
    "link_button": (Activation("on_click", off=("ignore",)), Activation("key", off=(None,))),
}

# ``st.column_config.ButtonColumn(..., key=...)`` in a dataframe's column_config
# registers a button widget per column (column_config_utils.register_button_column_widgets).
BUTTON_COLUMN = "streamlit.column_config.ButtonColumn"
BUTTON_COLUMN_ACTIVATION = Activation("key", off=(None,))
BUTTON_COLUMN_HOSTS: frozenset[str] = frozenset({"dataframe"})

# Commands that return a container (a DeltaGenerator you can call commands on).
CONTAINER_COMMANDS: frozenset[str] = frozenset({
    "container", "expander", "popover", "empty", "form", "chat_message", "status", "grid",
})
# Commands that return a list of containers.
CONTAINER_LIST_COMMANDS: frozenset[str] = frozenset({"columns", "tabs"})

# Names of the module-level containers (``st.sidebar``, ``st.bottom``); ``st`` itself
# stands for the main container.
STREAMLIT_MODULE = "streamlit"
CONTAINER_SINGLETONS: frozenset[str] = frozenset({"streamlit.sidebar", "streamlit.bottom"})

# Calling what these return renders a custom component, which is a widget.
COMPONENT_FACTORIES: frozenset[str] = frozenset({
    "streamlit.components.v1.declare_component",
    "streamlit.components.v2.component",
})

# Never a widget: Streamlit records them in a cached function and replays them on a
# hit. Listed so that the model test can check every public command is classified.
DISPLAY_COMMANDS: frozenset[str] = frozenset({
    "area_chart", "audio", "badge", "balloons", "bar_chart", "caption", "code", "divider",
    "error", "exception", "graphviz_chart", "header", "help", "html", "iframe", "image",
    "info", "json", "latex", "line_chart", "map", "markdown", "mermaid_chart", "metric",
    "page_link", "pdf", "progress", "pyplot", "scatter_chart", "skeleton", "snow", "space",
    "spinner", "subheader", "success", "table", "text", "title", "toast", "video",
    "warning", "write", "write_stream",
})


def is_command(name: str) -> bool:
    return (name in WIDGET_COMMANDS or name in FORM_COMMANDS or name in CONDITIONAL_WIDGETS
            or name in CONTAINER_COMMANDS or name in CONTAINER_LIST_COMMANDS or name in DISPLAY_COMMANDS)
