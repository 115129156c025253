"""Sign in: through the organisation's identity provider, or with a local account."""

import streamlit as st

from dashboard.ui import auth, widgets, writes

st.title("Sign in")
identity = auth.current_identity()
if identity.signed_in:
    st.success(f"You are signed in as {identity.display} (role: {identity.role}).")
    st.button("Sign out", key="signin_sign_out", on_click=auth.sign_out)
    if auth.allows(identity, "admin"):
        st.subheader("Failed sign-ins, last 30 days")
        failed = writes.failed_sign_ins(days=30)
        if failed.empty:
            st.caption("None.")
        else:
            widgets.status_table(failed, key="signin_failed", height=240,
                                 columns={"at": "When (UTC)", "username": "User name tried", "client": "From"})
elif not auth.sign_in_offered():  # a fresh install: nobody to sign in as yet
    st.info("This install has no accounts yet, so there is no one to sign in as.")
    if identity.role == "admin":  # the person at the server's own machine, who may do everything
        st.markdown("From this machine you may do everything. To give others their roles, add accounts "
                    "on the server: `rtop users add NAME --role admin` (then `--role editor`, `reviewer` …).")
    else:
        st.markdown("You are viewing as a guest (viewer). Ask the dashboard's administrator for an account.")
else:
    if auth.login_wall(identity):
        st.info("This dashboard is open to signed-in users only.")
    for provider in auth.oidc_providers():
        label = "Sign in with the organisation's account" if provider is None else f"Sign in with {provider}"
        st.button(label, key=f"signin_oidc_{provider or 'default'}", on_click=auth.oidc_sign_in,
                  args=(provider,), disabled=not auth.oidc_ready())
    if auth.oidc_providers() and not auth.oidc_ready():
        st.caption("The identity provider is configured but Authlib is missing: "
                   "`pip install 'streamlit[auth]'`.")
    with st.form("signin_form", clear_on_submit=True):
        username = st.text_input("User name", key="signin_username", autocomplete="username")
        password = st.text_input("Password", type="password", key="signin_password",
                                 autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        problem = writes.sign_in(username=username, password=password)
        if problem is None:
            st.rerun()  # the navigation now has the pages this role may open
        st.error(problem)
