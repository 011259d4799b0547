"""What a page showed, read back from an AppTest run, and what it should have shown.

The expected side fetches the same period from the same demo API with ``NpsClient`` +
``fetch_reviews`` (no Streamlit, no dashboard code), applies the same filters, and
leaves the arithmetic to ``nps_core.analysis`` in each test.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

from nps_core import FilterState, NpsClient, Period, fetch_reviews, parse_filters
from nps_core.present.filters import filter_frame
from nps_core.ui.filters import today_in
from tests.support.apptest import AppFactory, DemoApi


def _decode(value: Any) -> Any:
    """Plotly's typed arrays ({"dtype", "bdata"[, "shape"]}) back to numpy; lists as is."""
    if isinstance(value, dict) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        if "shape" in value:
            array = array.reshape([int(n) for n in str(value["shape"]).split(",")])
        return array
    if isinstance(value, dict):
        return {key: _decode(item) for key, item in value.items()}
    return value


def charts(app: AppTest) -> dict[str, dict[str, Any]]:
    """Every plotly chart of the run by its key: {"data": [traces], "layout": {...}}."""
    shown = {}
    for chart in app.get("plotly_chart"):
        key = chart.proto.id.rsplit("-", 1)[-1]
        spec = json.loads(chart.proto.spec)
        shown[key] = {
            "data": [_decode(trace) for trace in spec["data"]],
            "layout": spec.get("layout", {}),
        }
    return shown


def trace(chart: dict[str, Any], name: str) -> dict[str, Any]:
    return next(t for t in chart["data"] if t.get("name") == name)


def numbers(values: Any) -> np.ndarray:
    """A trace's x or y as floats (JSON nulls as NaN)."""
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


@dataclass(frozen=True)
class Expected:
    """What a page run for ``query`` should show: its filters and its reviews."""

    state: FilterState
    today: date
    current: pd.DataFrame
    previous: pd.DataFrame | None

    @property
    def period(self) -> Period:
        return self.state.period(self.today)


def expected_for(demo_api: DemoApi, query: dict[str, str]) -> Expected:
    state, today = state_of(query)
    return Expected(state, today, *expected_frames(demo_api, state, today))


def page_for(
    app_factory: AppFactory, demo_api: DemoApi, page: str | None, query: dict[str, str]
) -> tuple[AppTest, Expected]:
    """``page`` (the Overview for None) run for ``query``, which must not fail, and what it
    should show."""
    app = app_factory(page, **query)
    assert not app.exception, app.exception
    return app, expected_for(demo_api, query)


def state_of(query: dict[str, str]) -> tuple[FilterState, date]:
    today = today_in("UTC")
    return parse_filters(query, today)[0], today


def expected_frames(
    demo_api: DemoApi, state: FilterState, today: date
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The period's and the comparison period's reviews under ``state``'s filters."""
    server, shop_id, secret = demo_api
    with NpsClient(server.url, shop_id, secret) as client:
        frames = []
        for period in (state.period(today), state.comparison(today)):
            if period is None:
                frames.append(None)
                continue
            reviews = fetch_reviews(client, period.start, period.end)
            frames.append(filter_frame(reviews.frame, state))
    return frames[0], frames[1]


def names(demo_api: DemoApi) -> dict[str, str]:
    """Channel and category names by code, as the API lists them."""
    server, shop_id, secret = demo_api
    with NpsClient(server.url, shop_id, secret) as client:
        return {item.code: item.label for item in [*client.channels(), *client.categories()]}
