"""What a visitor kept out sees (sign in, no access, refused), and the sidebar's account.

A gate page shows its message and nothing else: no navigation, no data is loaded.
"""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from nps_core.access.roles import Role
from nps_core.present.i18n import N_, Texts, gettext
from nps_core.present.submit import escape_markdown
from nps_core.ui.access import Visitor, providers
from nps_core.ui.access_log import record
from nps_core.ui.screens import share_screen

__all__ = ["account_box", "screen_home", "show_gate"]

_KEY_NO_ACCESS_LOGGED = "acc_no_access_logged"
_KEY_RETURNED = "acc_returned"  # session state: the return after sign-in was offered

# Streamlit's sign-in always comes back to the root, without the link's page and filters.
# The sign-in page keeps where the visitor was in the tab's sessionStorage; the first page
# after sign-in goes back there (once, and only to a path on this site).
_REMEMBER_PLACE = """<script>
(() => {
  const here = window.location.pathname + window.location.search;
  const atRoot = window.location.pathname.endsWith("/") && !window.location.search;
  try {
    if (atRoot) sessionStorage.removeItem("nps_after_sign_in");  // nothing to go back to
    else sessionStorage.setItem("nps_after_sign_in", here);
  } catch (e) {}
})();
</script>"""
_RETURN_TO_PLACE = """<script>
(() => {
  let target = null;
  try {
    target = sessionStorage.getItem("nps_after_sign_in");
    sessionStorage.removeItem("nps_after_sign_in");
  } catch (e) {}
  // Only where the sign-in lands (the app's root, no query): a page the visitor opened
  // since, before this ran, is never taken away from them.
  const atRoot = window.location.pathname.endsWith("/") && !window.location.search;
  const here = window.location.pathname + window.location.search;
  if (atRoot && target && target.startsWith("/") && !target.startsWith("//") && target !== here) {
    window.location.replace(target);
  }
})();
</script>"""
# A provider's table name as a person knows the company.
_PROVIDER_NAMES = {"google": "Google", "microsoft": "Microsoft", "okta": "Okta"}
# A role as the account box names it.
ROLE_NAMES: Texts[str] = Texts(
    {"viewer": N_("viewer"), "manager": N_("manager"), "admin": N_("admin")}
)


def _sign_out_button(where: DeltaGenerator) -> None:
    where.button(
        gettext("Sign out"), icon=":material/logout:", on_click=st.logout, key="acc_sign_out"
    )


def _sign_in() -> None:
    st.title(gettext("NPS dashboard"))
    st.write(
        gettext("The dashboard holds customers' reviews. Sign in with your work account to see it.")
    )
    st.html(_REMEMBER_PLACE, unsafe_allow_javascript=True)
    names = providers()
    if not names:
        st.error(gettext("Sign-in is configured without a provider: see `[auth]` in the README."))
    for name in names:
        label = (
            gettext("Sign in")
            if name == "default"
            else gettext("Sign in with {provider}").format(provider=_provider_label(name))
        )
        st.button(
            label,
            type="primary",
            icon=":material/login:",
            on_click=st.login,
            args=() if name == "default" else (name,),
            key=f"acc_sign_in_{name}",
        )


def _provider_label(name: str) -> str:
    return _PROVIDER_NAMES.get(name, name.replace("-", " ").title())


def _no_access(visitor: Visitor) -> None:
    if not st.session_state.get(_KEY_NO_ACCESS_LOGGED):
        st.session_state[_KEY_NO_ACCESS_LOGGED] = True
        record(visitor, "No access", "no_access")
    st.title(gettext("No access"))
    st.markdown(
        gettext(
            "You are signed in as **{account}**. {why} Ask the dashboard's admin to add your "
            "account, or sign out and sign in with another one."
        ).format(account=escape_markdown(visitor.account), why=visitor.message)
    )
    _sign_out_button(st.container())


def show_gate(visitor: Visitor) -> None:
    """The gate's page, then stop: nothing else runs for this visitor."""
    if visitor.gate == "sign_in":
        _sign_in()
    elif visitor.gate == "no_access":
        _no_access(visitor)
    else:
        st.title(gettext("Not available"))
        st.error(visitor.message, icon=":material/block:")
    st.stop()


def screen_home() -> None:
    """The root of a screen link whose path was cut: a screen shows the wallboard only."""
    st.title(gettext("Not available"))
    st.error(gettext("A screen link opens the wallboard only: its address ends in /wallboard?…."))


def account_box(visitor: Visitor) -> None:
    """The sidebar's first lines: who is signed in, with sign-out; or local mode."""
    if visitor.role in (None, Role.SCREEN):
        return
    box = st.sidebar.container(border=True)
    if visitor.role is Role.LOCAL:
        box.caption(":material/lock_open: " + gettext("Local mode, no sign-in"))
        return
    box.markdown(f"**{escape_markdown(visitor.account)}**")
    box.caption(
        gettext("Signed in · {role}").format(role=ROLE_NAMES.get(visitor.role, visitor.role))
    )
    _sign_out_button(box)
    share_screen(visitor)
    if not st.session_state.get(_KEY_RETURNED):
        st.session_state[_KEY_RETURNED] = True
        with st.sidebar:
            st.html(_RETURN_TO_PLACE, unsafe_allow_javascript=True)
