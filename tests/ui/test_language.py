"""The interface's language: from the link, else the settings, else English; a sidebar
switch; kept in the URL and across pages; every page runs in Russian.

AppTest reads a widget's value back through its ``format_func`` in the test's own
thread, so a test of a Russian page makes Russian current there too (``use_language``).
"""

from __future__ import annotations

import pytest

from nps_core.present.formatting import format_nps
from nps_core.present.i18n import use_language
from tests.support.shown import metrics

PAGES = (
    None,
    "app_pages/segments.py",
    "app_pages/comments.py",
    "app_pages/submit.py",
    "app_pages/wallboard.py",
)
TITLES = {
    None: "Обзор",
    "app_pages/segments.py": "Сегменты",
    "app_pages/comments.py": "Комментарии",
    "app_pages/submit.py": "Добавить отзыв",
}


def language_radio(app):
    (radio,) = [r for r in app.sidebar.radio if r.key == "ui_language"]
    return radio


@pytest.mark.parametrize("page", PAGES)
@use_language("ru")
def test_every_page_runs_in_russian(app_factory, page):
    app = app_factory(page, lang="ru")
    assert not app.exception, app.exception
    if page in TITLES:
        assert app.title[0].value == TITLES[page]
    if page == "app_pages/wallboard.py":
        (board,) = [
            h.proto.body for h in app.get("html") if h.proto.body.startswith('<div class="wb')
        ]
        assert 'lang="ru"' in board
        assert "Сегодня" in board
    assert app.query_params["lang"] == ["ru"] or app.query_params["lang"] == "ru"


def test_the_link_s_language_names_the_cards_and_keeps_the_numbers(app_factory):
    english = metrics(app_factory(None))
    with use_language("ru"):
        app = app_factory(None, lang="ru")
    russian = metrics(app)
    assert list(russian) == ["NPS", "Ответы", "Промоутеры", "Нейтралы", "Критики", "Изменение"]
    assert russian["NPS"] == english["NPS"]
    assert russian["Ответы"] == english["Responses"].replace(",", "\u00a0")
    assert russian["Промоутеры"] == english["Promoters"].replace("%", "\u00a0%")
    assert language_radio(app).value == "ru"
    assert app.sidebar.header[0].value == "Фильтры"


def test_the_settings_name_the_default_and_the_link_leaves_it_out(app_factory, monkeypatch):
    monkeypatch.setenv("NPS_LANGUAGE", "ru")
    with use_language("ru"):
        app = app_factory(None)
    assert app.title[0].value == "Обзор"
    assert "lang" not in app.query_params  # the default needs no parameter
    app = app_factory(None, lang="en")
    assert app.title[0].value == "Overview"
    assert app.query_params["lang"] in ("en", ["en"])


def test_an_unknown_language_falls_back_with_a_notice(app_factory):
    app = app_factory(None, lang="fr")
    assert not app.exception, app.exception
    assert app.title[0].value == "Overview"
    assert any("'fr'" in toast.value for toast in app.toast)
    assert "lang" not in app.query_params


def test_the_switch_changes_the_language_and_the_link_and_it_stays_across_pages(app_factory):
    app = app_factory(None, period="90d")
    assert app.title[0].value == "Overview"
    language_radio(app).set_value("ru").run()
    assert not app.exception, app.exception
    assert app.title[0].value == "Обзор"
    assert app.query_params["lang"] in ("ru", ["ru"])
    assert app.query_params["period"] in ("90d", ["90d"])  # the filters stay
    with use_language("ru"):
        app.switch_page("app_pages/segments.py").run()
    assert app.title[0].value == "Сегменты"
    assert language_radio(app).value == "ru"
    nps = metrics(app_factory(None, period="90d"))["NPS"]
    assert nps == format_nps(float(nps.replace("−", "-")))  # numbers are alike in both
