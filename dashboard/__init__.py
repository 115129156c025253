"""RtoP Monitor: queries, scoring, charts, maps and exports (plain Python, no Streamlit)."""
