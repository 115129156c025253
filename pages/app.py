"""Entry point: `rtop serve` (what `make run` does) runs it, as `streamlit run pages/app.py`
does without the warm-up. Registers the pages."""

import streamlit as st

from dashboard.ui import warm

warm.wait()  # `rtop serve` imports the pages' modules in the background: never use one half made

from dashboard.ui import auth, cache, embed, failure, present, preview, state, widgets  # noqa: E402

embedded = embed.active()  # ?embed=1: the view alone, for an iframe (dashboard/ui/embed.py)
st.set_page_config(page_title="RtoP Monitor", page_icon="🛡️", layout="wide",
                   initial_sidebar_state="collapsed" if present.active() or embedded else "auto")
widgets.base_style()

READ = [
    st.Page("overview.py", title="Overview", url_path="", default=True),
    st.Page("map.py", title="Map", url_path="map"),
    st.Page("country.py", title="Participant profile", url_path="country"),
    st.Page("recommendations.py", title="Recommendation tracker", url_path="recommendations"),
    st.Page("timeline.py", title="Timeline", url_path="timeline"),
    st.Page("pillars.py", title="Pillar coverage", url_path="pillars"),
    st.Page("changes.py", title="What changed", url_path="changes"),
    st.Page("exports.py", title="Exports", url_path="exports"),
]
GAPS = st.Page("gaps.py", title="Gaps and collection", url_path="gaps")  # everyone
EDIT = [  # editors and above
    st.Page("upload.py", title="Load data", url_path="upload"),
    st.Page("history.py", title="Load history", url_path="history"),
]
SUBMIT = [st.Page("submit.py", title="Submit evidence", url_path="submit")]  # contributors
ABOUT = [st.Page("methodology.py", title="Methodology", url_path="methodology")]

with failure.shown_plainly():  # an error below: a plain message, its details in the server log
    identity = auth.current_identity()
    offered = identity.signed_in or auth.sign_in_offered()
    # /signin always answers (the README links it); in the menu only when one can sign in
    SIGN_IN = st.Page("signin.py", title="Account" if identity.signed_in else "Sign in", url_path="signin",
                      visibility="visible" if offered else "hidden")
    if auth.login_wall(identity):
        st.navigation([SIGN_IN]).run()  # RTOP_REQUIRE_LOGIN=1: nothing else until signed in
    else:
        evidence = [GAPS, *(SUBMIT if identity.role == "contributor" else []),
                    *(EDIT if auth.allows(identity, "editor") else [])]
        about = [*ABOUT, SIGN_IN]
        presenting = present.active()  # ?present=1: the meeting-room view, see dashboard/ui/present.py
        # One list, every page in sight (a collapsed menu would hide Load history behind "View
        # more"), in the order dashboard, evidence, about. Not in sections: Streamlit 1.67 draws a
        # sectioned menu as a <ul> whose children are <div>s, which axe-core rejects (serious).
        navigation = st.navigation([*READ, *evidence, *about],
                                   position="hidden" if presenting or embedded else "sidebar", expanded=True)
        if presenting:
            present.style()  # before the sidebar's filters: never shown in a meeting room
        cache.require_data()
        cache.refresh_version()
        preview.check(identity)  # a pending run's author or reviewer may preview it on every page
        st.session_state["filters"] = state.sidebar_filters()
        if presenting:
            present.controls(pages={p.url_path: p for p in READ + ABOUT}, path=navigation.url_path)
        elif embedded:
            embed.chrome()
        else:
            auth.identity_sidebar(identity, sign_in_page=SIGN_IN)
        preview.banner(cache.dataset(include_sample=st.session_state["filters"].sample))
        if presenting:  # fixed at the screen's foot: drawn first, as a view ends its page itself
            present.footer(ds=cache.dataset(include_sample=st.session_state["filters"].sample),
                           filters=st.session_state["filters"], title=navigation.title,
                           path=navigation.url_path, pages={p.url_path: p for p in READ + ABOUT})
        navigation.run()
        ds = cache.dataset(include_sample=st.session_state["filters"].sample)
        if embedded and not presenting:
            embed.footer(ds=ds, title=navigation.title)
        elif not presenting:
            widgets.cite_footer(title=navigation.title, url_path=navigation.url_path, ds=ds)
cache.freeze_startup_objects()  # after the first run's imports: cheaper post-run GC
