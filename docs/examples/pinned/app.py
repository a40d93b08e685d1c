"""An app written for Streamlit 1.25 (see requirements.txt): cachelint checks it against
that release; `cachelint check --target-streamlit 1.67` shows what an upgrade breaks."""

import streamlit as st


@st.cache(allow_output_mutation=True)
def load_model():
    return {"weights": [0.2, 0.8]}


@st.experimental_memo(ttl="1h")
def load_prices(region: str) -> list[float]:
    return [1.0, 2.0] if region == "eu" else [3.0]


@st.cache_data(experimental_allow_widgets=True)
def sample(rows: int) -> list[int]:
    limit = st.slider("Rows", 1, 10)
    return list(range(min(rows, limit)))


model = load_model()
st.write(load_prices("eu"), sample(5), model["weights"])
