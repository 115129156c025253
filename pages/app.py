"""Entry point: `streamlit run pages/app.py` (what `make run` does). Registers the pages."""

import streamlit as st

from dashboard.ui import cache, state

st.set_page_config(page_title="RtoP Monitor", page_icon="🛡️", layout="wide")

PAGES = [
    st.Page("overview.py", title="Overview", url_path="", default=True),
    st.Page("map.py", title="Map", url_path="map"),
    st.Page("country.py", title="Participant profile", url_path="country"),
    st.Page("recommendations.py", title="Recommendation tracker", url_path="recommendations"),
    st.Page("timeline.py", title="Timeline", url_path="timeline"),
    st.Page("pillars.py", title="Pillar coverage", url_path="pillars"),
    st.Page("exports.py", title="Exports", url_path="exports"),
    st.Page("upload.py", title="Load data", url_path="upload"),
    st.Page("methodology.py", title="Methodology", url_path="methodology"),
]
navigation = st.navigation(PAGES)
cache.require_data()
cache.refresh_version()
st.session_state["filters"] = state.sidebar_filters()
navigation.run()
