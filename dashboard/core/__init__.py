"""The common core the writer (loaders) and the readers (dashboard) share.

Schema (models), settings (config), engines and migrations (db), the status rule (scoring) and
the read model's computation (readmodel). Nothing here imports Streamlit, plotting, the rest of
``dashboard`` or ``loaders``; tests/test_architecture.py holds that line.
"""
