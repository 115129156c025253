"""The thin Streamlit layer, one job per module; pages import the modules they use.

- cache: the engine, the data version, the Dataset, cached view results and figures;
- state: the sidebar filters and page parameters, mirrored in the URL;
- widgets: charts with their downloads, tables, banners, the status key;
- downloads: chart, data and briefing-pack downloads built on click;
- why: the "Why this status?" panel;
- writes: uploads and the demo sample, through the loaders (the app's only writes).
"""
