"""What the server does besides the pages, below Streamlit's script runs (no Streamlit here):
guards on Streamlit's own endpoints (uploads.py) and the embed links (embed.py), as Starlette
middleware that dashboard/ui/server.py puts on the st.App."""
