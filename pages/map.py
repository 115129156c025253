"""Map: status of a recommendation, pillar or indicator at a year; a click explains it and links the profile."""

import streamlit as st

from dashboard import maps, presentation
from dashboard.ui import cache, downloads, mapfiles, present, state, why, widgets
from dashboard.filters import RECOMMENDATIONS
from dashboard.views import map as map_view

filters = state.current_filters()
ds = cache.dataset(include_sample=filters.sample)
heading = st.empty()  # the title; in the meeting room it also says what is shown (no widgets there)
widgets.notices(ds)

layers = cache.compute(map_view.map_layers, filters=filters)
keys = list(layers)
c1, c2 = st.columns([3, 2])
with c1:
    layer = state.page_param("layer", options=keys, default="R1")
    layer = st.selectbox("Show", keys, format_func=lambda k: layers[k], key="p_layer")
with c2:
    year_options = [str(y) for y in range(filters.from_year, filters.to_year + 1)]
    state.page_param("year", options=year_options, default=str(filters.to_year))
    year = int(st.select_slider("Year", options=year_options, key="p_year"))
state.sync_param("layer", layer)
state.sync_param("year", str(year))
heading.title(f"Implementation map: {layers[layer]}, {year}" if present.active() else "Implementation map")

values = cache.compute(map_view.map_values, filters=filters, layer=layer, year=year)
regional = cache.compute(map_view.regional_value, filters=filters, layer=layer, year=year)
notice = st.container()  # shown for regional layers only; the map keeps its place
if regional is not None:
    notice.info(f"**{layers[layer]}** is an act of the region as a whole, not of single participants. "
            f"Regional status in {year}: **{regional}**. The map shows it for every participant.")
synthetic = bool(values["synthetic"].any())
summary = map_view.map_summary(values=values, title=f"{layers[layer]}, {year}")
size = present.room(presentation.MAP_VIEW) if present.active() else None  # the meeting room: the screen's
event = st.pydeck_chart(maps.deck(values=values, synthetic=synthetic, publish=mapfiles.publish,
                                  **({"height": size.height, "width": size.width} if size else {})),
                        key="status_map", height=size.height if size else 560, on_select="rerun",
                        selection_mode="single-object", alt=summary)
widgets.status_legend()
present.end_view()  # the meeting room: the map and its key on one screen
st.caption(f"Map summary: {summary}")
st.caption("Every participant has a point (Singapore and the EU too); Southeast Asia is enlarged in the "
           "inset. Hover a point for the value, date and source; click it for why it has this status "
           "and a link to its profile.")
picked = maps.picked_code(event)
codes = set(ds.participants["code"])
clicked = picked if picked in codes and st.session_state.get("map_why") != picked else None
if picked in codes:
    st.session_state["map_why"] = picked
chosen = st.session_state.get("map_why")
if chosen in codes:
    profile = (f"Open the profile of {widgets.names(ds).get(chosen, chosen)}",
               {**filters.to_query(), "participant": chosen})
    if clicked and layer in RECOMMENDATIONS:  # the answer opens beside the map, where the eye is
        why.why_dialog(ds=ds, participant=chosen, recommendation=layer, year=year, key="map",
                       link=("country.py", *profile))
    else:
        st.page_link("country.py", label=profile[0], query_params=profile[1])

m = widgets.meta(f"{layers[layer]}, {year}", filters=filters, ds=ds, sources=values["source"],
            synthetic=synthetic, stem=f"rtop-map-{layer}-{year}")
st.caption("Downloads: the map as a static image (shipped geometry, no tiles) and its values.")
downloads.downloads(fig=lambda: maps.static_map(values=values, meta=m), meta=m, filters=filters, key="map",
                    data=values[["code", "name", "status", "status_label", "value", "date", "source",
                                 "synthetic"]])

with st.expander("Values behind the map", expanded=False):
    widgets.status_table(
        values, key="map_table",
        columns={"name": "Participant", "status_label": "Status", "value": "Value", "date": "Date",
                 "source": "Source"},
    )
