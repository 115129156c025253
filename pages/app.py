"""Entry point: `streamlit run pages/app.py` (what `make run` does)."""

import streamlit as st

st.set_page_config(page_title="RtoP Monitor", layout="wide")
st.title("RtoP Monitor")
st.write("Implementation of the Responsibility to Protect across the ARF's 27 participants.")
