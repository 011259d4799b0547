"""The Submit page in-process over a small API of its own: send, refuse, check, once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from streamlit.testing.v1 import AppTest

from nps_core.contract.models import Review
from nps_core.data.client import NpsClient
from nps_core.present.submit import DID_WITHOUT_SECRET, IDENTITY_MISSING, escape_markdown
from nps_core.server.runner import ServerHandle
from nps_core.ui.filters import today_in
from tests.support.apptest import AppFactory
from tests.support.servers import ServerFactory
from tests.support.shops import SHOP_ID, SHOP_SECRET

PAGE = "app_pages/submit.py"


@pytest.fixture
def demo_api(server_factory: ServerFactory) -> tuple[ServerHandle, str, str]:
    """Overrides the shared demo API: these tests change the shop, so each gets its own."""
    return server_factory(), SHOP_ID, SHOP_SECRET


def fill(app: AppTest, *, rate: int | None = 3, **fields: str) -> AppTest:
    """Choose and type like a user (every key of ``fields`` is a form field)."""
    for name in ("channel", "category"):
        if name in fields:
            app.selectbox(key=f"sub_{name}").set_value(fields.pop(name))
    app.segmented_control(key="sub_rate").set_value(rate)
    app.run()
    for name, value in fields.items():
        widget = app.text_area if name == "comment" else app.text_input
        widget(key=f"sub_{name}").input(value)
    return app


def send(app: AppTest) -> AppTest:
    return app.button(key="FormSubmitter:review-Send review").click().run()


def server_reviews(server: ServerHandle) -> list[Review]:
    today = today_in("UTC")
    with NpsClient(server.url, SHOP_ID, SHOP_SECRET) as client:
        return client.reviews(today - timedelta(days=1), today + timedelta(days=1))


def captions(app: AppTest) -> list[str]:
    return [caption.value for caption in app.caption]


def test_a_submitted_review_reaches_the_server_and_shows_at_once(
    app_factory: AppFactory, demo_api: tuple[ServerHandle, str, str]
) -> None:
    server = demo_api[0]
    app = app_factory("app_pages/comments.py")  # today's reviews are now cached: none
    assert len(app.dataframe[0].value) == 0
    app.switch_page(PAGE).run()
    assert app.text_area(key="sub_comment").label.startswith("Comment")

    fill(app, channel="web", category="delivery", rate=3)
    assert app.text_area(key="sub_comment").label == "What went wrong?"
    fill(app, rate=3, comment="Courier <b>lost</b> my **parcel**", email="ann@example.com")
    send(app)
    assert not app.exception
    assert [s.value for s in app.success] == [escape_markdown("Sorry, we will do better.")]

    [review] = server_reviews(server)
    assert (review.channel, review.category, review.rate) == ("web", "delivery", 3)
    assert review.comment == "Courier <b>lost</b> my **parcel**"
    assert review.email == "ann@example.com"

    app.switch_page("app_pages/comments.py").run()
    assert app.dataframe[0].value["comment"].tolist() == ["Courier <b>lost</b> my **parcel**"]


def test_a_refused_review_keeps_every_value_and_shows_the_apis_message(
    app_factory: AppFactory, demo_api: tuple[ServerHandle, str, str]
) -> None:
    server = demo_api[0]
    app = app_factory(PAGE)
    fill(
        app,
        channel="sms",
        category="product",
        rate=10,
        comment="Лучший товар",
        phone="+7 912 000-11-22",
        did="device-9",
        order_id="A-17",
    )
    # The shop retires the category after the form listed it: only the API can tell.
    server.app.state.store.add_category(SHOP_ID, "product", active=False)
    send(app)

    assert not app.success
    [error] = app.error
    assert escape_markdown("category: is not an active category of this shop") in error.value
    assert "HTTP 400" in error.value
    assert app.selectbox(key="sub_channel").value == "sms"
    assert app.selectbox(key="sub_category").value == "product"
    assert app.segmented_control(key="sub_rate").value == 10
    assert app.text_area(key="sub_comment").value == "Лучший товар"
    values = {
        name: app.text_input(key=f"sub_{name}").value for name in ("phone", "did", "order_id")
    }
    assert values == {"phone": "+7 912 000-11-22", "did": "device-9", "order_id": "A-17"}
    assert server_reviews(server) == []


def test_the_form_checks_first_and_sends_nothing_invalid(
    app_factory: AppFactory, demo_api: tuple[ServerHandle, str, str]
) -> None:
    server = demo_api[0]
    app = app_factory(PAGE)
    app.text_input(key="sub_phone").input("12-34")
    requests = server.request_count
    send(app)
    shown = captions(app)
    assert ":red[Score is required\\.]" in shown
    assert any("Phone must be 7 to 15 digits" in c for c in shown)
    assert server.request_count == requests

    app.text_input(key="sub_phone").input("")
    send(app)
    assert f":red[{escape_markdown(IDENTITY_MISSING)}]" in captions(app)
    assert server.request_count == requests


def test_sending_the_same_review_again_sends_it_once(
    app_factory: AppFactory, demo_api: tuple[ServerHandle, str, str]
) -> None:
    server = demo_api[0]
    app = fill(app_factory(PAGE), rate=9, email="bob@example.com")
    send(app)
    requests = server.request_count
    send(app)
    assert server.request_count == requests
    assert any("Already saved" in c for c in captions(app))
    assert len(app.success) == 1

    next(b for b in app.button if b.label == "Write another review").click().run()
    assert app.segmented_control(key="sub_rate").value is None
    assert app.text_input(key="sub_email").value == ""
    assert not app.success


def test_without_the_secret_a_device_id_is_asked_for(
    app_factory: AppFactory,
    demo_api: tuple[ServerHandle, str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server = demo_api[0]
    monkeypatch.delenv("NPS_SHOP_SECRET")
    app = app_factory(PAGE)
    assert any("No shop secret key is configured" in i.value for i in app.info)
    fill(app, rate=8, email="cy@example.com")
    send(app)
    assert f":red[{escape_markdown(DID_WITHOUT_SECRET)}]" in captions(app)

    app.text_input(key="sub_did").input("device-42")
    send(app)
    assert [s.value for s in app.success] == [escape_markdown("Thanks for the feedback.")]
    [review] = server_reviews(server)
    assert (review.rate, review.email) == (8, "cy@example.com")
