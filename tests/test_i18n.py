"""The Russian catalogue is complete and current; numbers, dates and plurals read right.

The catalogue checks are the first half of "no English on a Russian page": every text
the code marks (extracted exactly as ``make messages`` does) has a Russian translation,
none fuzzy, with the same placeholders, and the compiled catalogue the app loads says
what the .po says. The second half scans the pages in Chromium (tests/browser/test_reach.py).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from nps_core.data.settings import load_settings
from nps_core.present.filters import PRESETS, Period
from nps_core.present.formatting import (
    MINUS,
    NO_DATA,
    format_count,
    format_date_as,
    format_delta,
    format_interval,
    format_nps,
    format_p,
    format_period,
    format_points,
    format_share,
    number_separators,
    percent_suffix,
    significance_text,
)
from nps_core.present.i18n import (
    LANGUAGES,
    LOCALE_DIR,
    current_language,
    gettext,
    ngettext,
    parse_language,
    set_language,
    translations,
    use_language,
)
from nps_core.present.palette import GROUP_LABELS, GROUP_NAMES
from tests.support.paths import ROOT

TRANSLATED = [language for language in LANGUAGES if language != "en"]
# {name} placeholders of str.format, and printf ones (%+.0f) where a text is a format.
_BRACES = re.compile(r"\{(\w*)[^{}]*\}")
_PRINTF = re.compile(r"%[-+ #0]*\d*(?:\.\d+)?[a-zA-Z]")


def extracted() -> dict[str | tuple[str, str], Message]:
    """Every message the code marks, extracted as `make messages` does (babel.cfg)."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[str | tuple[str, str], Message] = {}
    for _file, _line, message, _comments, context in extract_from_dir(
        ROOT, method_map, options_map
    ):
        msgid = message if isinstance(message, str) else tuple(m for m in message if m)
        key = (context, msgid) if context else msgid
        found[key] = Message(msgid, context=context)  # type: ignore[arg-type]
    return found


def catalogue(path: Path) -> Catalog:
    with open(path, "rb") as file:
        return read_po(file)


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"


def key_of(message: Message) -> str | tuple[str, str]:
    msgid = tuple(message.id) if isinstance(message.id, tuple) else message.id
    return (message.context, msgid) if message.context else msgid  # type: ignore[return-value]


def placeholders(text: str) -> set[str]:
    return set(_BRACES.findall(text)) | set(_PRINTF.findall(text))


@pytest.fixture(scope="module")
def marked() -> dict[str | tuple[str, str], Message]:
    return extracted()


# --------------------------------------------------------------------------- catalogue


def test_the_template_is_current(marked):
    """`make messages` was run after the texts last changed."""
    template = {key_of(m) for m in catalogue(LOCALE_DIR / "messages.pot") if m.id}
    assert set(marked) - template == set(), "new texts: run `make messages`"
    assert template - set(marked) == set(), "texts gone: run `make messages`"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_text_is_translated_with_its_placeholders(marked, language):
    po = catalogue(po_path(language))
    entries = {key_of(m): m for m in po if m.id}
    missing = [key for key in marked if key not in entries]
    assert not missing, f"not in the {language} catalogue (run `make messages`): {missing}"
    assert not po.obsolete, f"obsolete entries: {list(po.obsolete)}"
    assert not po.fuzzy
    problems = []
    for key, message in entries.items():
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {key}")
        if len(forms) != (po.num_plurals if message.pluralizable else 1) or not all(forms):
            problems.append(f"untranslated: {key}")
            continue
        wanted = placeholders(ids[0]) | (placeholders(ids[1]) if len(ids) > 1 else set())
        problems.extend(
            f"placeholders {placeholders(form)} ≠ {wanted}: {key}"
            for form in forms
            if placeholders(form) != wanted
        )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalogue_is_the_po(language):
    """The .mo the app loads (built by `make` from the .po) says what the .po says."""
    loaded = translations(language)
    for message in catalogue(po_path(language)):
        if not message.id:
            continue
        if message.pluralizable:
            singular, plural = message.id
            for n, form in ((1, 0), (2, 1), (5, 2)):
                got = (
                    loaded.npgettext(message.context, singular, plural, n)
                    if message.context
                    else loaded.ngettext(singular, plural, n)
                )
                assert got == message.string[form], "stale .mo: run `make`"
        else:
            got = (
                loaded.pgettext(message.context, message.id)
                if message.context
                else loaded.gettext(message.id)
            )
            assert got == message.string, f"stale .mo ({message.id!r}): run `make`"


@pytest.mark.parametrize("language", TRANSLATED)
def test_date_patterns_are_patterns(language):
    """A translated date pattern still formats a day (a typo would print letters)."""
    day = datetime(2026, 3, 9, 14, 5, tzinfo=ZoneInfo("UTC"))
    with use_language(language):
        for pattern in (
            "day", "padded day", "weekday", "short day", "day and time", "padded day and time",
            "M", "Q",
        ):  # fmt: skip
            text = format_date_as(day if pattern.endswith("and time") else day.date(), pattern)
            assert re.search(r"\d", text), (pattern, text)
            assert not re.search(r"[A-Za-z]{2}", text), (pattern, text)  # no Latin left


# --------------------------------------------------------------------------- language


def test_the_language_is_per_context_and_english_by_default():
    assert current_language() == "en"
    with use_language("ru"):
        assert current_language() == "ru"
        assert PRESETS["30d"] == "Последние 30 дней"
        with use_language("en"):
            assert PRESETS["30d"] == "Last 30 days"
    assert PRESETS["30d"] == "Last 30 days"
    with use_language("xx"):  # unknown: English
        assert current_language() == "en"


def test_set_language_holds_for_the_thread():
    import threading

    seen = []

    def run() -> None:
        set_language("ru")
        seen.append(gettext("Overview"))

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert seen == ["Обзор"]
    assert gettext("Overview") == "Overview"  # this thread is untouched


@pytest.mark.parametrize(
    ("text", "code"), [("ru", "ru"), (" RU ", "ru"), ("en", "en"), ("fr", None), (None, None)]
)
def test_parse_language(text, code):
    assert parse_language(text) == code


def test_the_settings_name_the_default_language():
    assert load_settings(None, {}).language == "en"
    assert load_settings(None, {"NPS_LANGUAGE": "RU"}).language == "ru"
    secrets = {"personaclick": {"shop_id": "s", "language": "ru"}}
    assert load_settings(secrets, {"NPS_LANGUAGE": "en"}).language == "ru"


# --------------------------------------------------------------------------- Russian forms


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "1 отзыв"),
        (2, "2 отзыва"),
        (4, "4 отзыва"),
        (5, "5 отзывов"),
        (11, "11 отзывов"),
        (12, "12 отзывов"),
        (21, "21 отзыв"),
        (22, "22 отзыва"),
        (25, "25 отзывов"),
        (111, "111 отзывов"),
        (1001, "1\u00a0001 отзыв"),
    ],
)
def test_russian_plural_forms(n, text):
    with use_language("ru"):
        assert ngettext("{n} review", "{n} reviews", n).format(n=format_count(n)) == text


def test_english_plural_forms():
    assert ngettext("{n} review", "{n} reviews", 1).format(n=1) == "1 review"
    assert ngettext("{n} review", "{n} reviews", 2).format(n=2) == "2 reviews"


def test_russian_numbers_keep_the_minus_and_the_dash():
    with use_language("ru"):
        assert format_nps(-7.2) == f"{MINUS}7"
        assert format_nps(None) == NO_DATA
        assert format_count(12345) == "12\u00a0345"
        assert format_share(0.426) == "43\u00a0%"
        assert format_points(-0.34) == f"{MINUS}0,3 п.п."
        assert format_delta(4.6) == "+5 п.п."
        assert format_interval(-12.3, 8.6) == f"от {MINUS}12 до +9"
        assert format_p(0.004) == "p = 0,004"
        assert format_p(0.0004) == "p < 0,001"
        assert significance_text(0.41, False) == "незначимо (p = 0,41)"
        assert number_separators() == ",\u00a0"
        assert percent_suffix() == "\u00a0%"
    assert number_separators() == ".,"
    assert percent_suffix() == "%"


@pytest.mark.parametrize(
    ("granularity", "text"),
    [
        ("D", "3 мар. 2026"),
        ("W", "неделя с 2 мар. 2026"),
        ("M", "март 2026"),
        ("Q", "1-й кв. 2026"),
    ],
)
def test_russian_periods(granularity, text):
    start = date(2026, 3, 2) if granularity == "W" else date(2026, 3, 3)
    with use_language("ru"):
        assert format_period(start, granularity) == text


def test_russian_names_of_groups_and_periods():
    with use_language("ru"):
        assert GROUP_NAMES["promoter"] == "Промоутеры"
        assert GROUP_NAMES["passive"] == "Нейтралы"
        assert GROUP_NAMES["detractor"] == "Критики"
        assert GROUP_LABELS["detractor"] == "Критики (0–6)"
        assert Period(date(2026, 3, 1), date(2026, 3, 28)).label() == (
            "01 мар. 2026 – 28 мар. 2026"
        )


def test_a_context_without_a_language_asks_the_source():
    """A Streamlit fragment's rerun runs without the page that set the language: the
    session (the ui's source) says it then."""
    import contextvars

    from nps_core.present import i18n

    saved = list(i18n._source)
    try:
        i18n.set_language_source(lambda: "ru")
        assert contextvars.Context().run(current_language) == "ru"  # nothing set there
        with use_language("en"):  # set here: that wins
            assert current_language() == "en"
        i18n.set_language_source(lambda: None)
        assert contextvars.Context().run(current_language) == "en"
    finally:
        i18n._source[:] = saved
