"""The interface's language for a script run: the sidebar switch, the link, the settings.

The language comes from the link (``lang=ru``), else from the settings (``language`` in
secrets, ``NPS_LANGUAGE``), else English. Like the filters, the link seeds the session
once and then follows the switch: the URL keeps ``lang`` (when it is not the default),
so a link reproduces the view in its language. ``choose_language`` runs first in every
script run (``app.py``) and makes the language current for everything drawn after it.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from nps_core.data.settings import load_settings
from nps_core.present.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    PARAM,
    gettext,
    parse_language,
    set_language,
    set_language_source,
)
from nps_core.ui.source import secrets

__all__ = ["KEY_LANGUAGE", "choose_language", "default_language", "language_switch"]

KEY_LANGUAGE = "ui_language"
_KEY_DECLARED = "ui_language_declared"  # session state: the page's lang was once set


def _session_language() -> str | None:
    """The session's language, for runs that did not set one (a fragment's rerun)."""
    if get_script_run_ctx(suppress_warning=True) is None:
        return None  # not a script's thread (a test's, a worker's): no opinion
    return st.session_state.get(KEY_LANGUAGE)


set_language_source(_session_language)


@st.cache_resource
def default_language() -> str:
    """The settings' language (read without starting the demo server), else English."""
    return parse_language(load_settings(secrets()).language) or DEFAULT_LANGUAGE


def _seed() -> None:
    """A new session takes the link's language; a bad one falls back with a notice."""
    asked = st.query_params.get(PARAM)
    language = parse_language(asked) or default_language()
    st.session_state[KEY_LANGUAGE] = language
    set_language(language)
    if asked and parse_language(asked) is None:
        st.toast(
            gettext("Unknown language '{value}' in the link (use {choices}); using {used}.").format(
                value=asked, choices=", ".join(LANGUAGES), used=LANGUAGES[language]
            ),
            icon=":material/info:",
        )


def _declare(language: str) -> None:
    """Say the page's language on its ``<html lang>``: a screen reader picks its voice by
    it (WCAG 3.1.1). Streamlit's page says "en", so an English session that never had
    another language needs nothing (and its pages get no extra element)."""
    if language == DEFAULT_LANGUAGE and not st.session_state.get(_KEY_DECLARED):
        return
    st.session_state[_KEY_DECLARED] = True
    st.sidebar.html(  # the value is one of LANGUAGES: no text from outside
        f"<script>document.documentElement.lang = {language!r};</script>",
        unsafe_allow_javascript=True,
    )


def choose_language() -> str:
    """This run's language, made current, declared on the page, and kept in the URL."""
    if KEY_LANGUAGE not in st.session_state:
        _seed()
    language = parse_language(st.session_state[KEY_LANGUAGE]) or DEFAULT_LANGUAGE
    set_language(language)
    _declare(language)
    if language == default_language():
        if PARAM in st.query_params:
            del st.query_params[PARAM]
    elif st.query_params.get(PARAM) != language:
        st.query_params[PARAM] = language
    return language


def language_switch() -> None:
    """The sidebar's choice of language, each named in itself."""
    # Written back before the widget is drawn: a page switch makes a new widget.
    st.session_state[KEY_LANGUAGE] = st.session_state[KEY_LANGUAGE]
    st.sidebar.radio(
        gettext("Language"),
        list(LANGUAGES),
        format_func=LANGUAGES.__getitem__,
        key=KEY_LANGUAGE,
        horizontal=True,
    )
