"""What the worker runs on: the dashboard's own settings, API client, cache and state.

Settings come from the same places as the dashboard's (``.streamlit/secrets.toml``, then
``NPS_*`` variables); in demo mode the bundled server is started over the demo database
in the data folder, as the dashboard does, so both read the same reviews. Reviews are
read through ``fetch_reviews`` with the dashboard's on-disk cache: closed days come from
disk, only the open days are asked of the API.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from datetime import date

from nps_core.contract.errors import NpsApiError
from nps_core.data.cache import ReviewCache
from nps_core.data.client import NpsClient
from nps_core.data.fetch import ReviewSet, fetch_reviews
from nps_core.data.settings import Settings, data_dir, load_settings, read_secrets_file
from nps_core.data.state import Backoff, StateStore, open_state
from nps_core.present.labels import Labels, catalog_labels
from nps_core.server.embedded import start_demo

__all__ = ["LABELS_TTL", "Runtime", "open_runtime"]

# Channel and category names change rarely: asked of the API every ten minutes.
LABELS_TTL = 600.0


@dataclass
class Runtime:
    settings: Settings
    client: NpsClient
    cache: ReviewCache
    state: StateStore
    _labels: Labels = field(default_factory=dict, init=False)
    _labels_at: float = field(default=-math.inf, init=False)

    @property
    def source(self) -> str:
        """The API and shop the reviews come from: the namespace of follow-ups."""
        return self.settings.cache_key

    def reviews(self, start: date, end: date) -> ReviewSet:
        return fetch_reviews(
            self.client, start, end, tz=self.settings.timezone, cache=self.cache,
            source=self.settings.cache_key,
        )  # fmt: skip

    def labels(self) -> Labels:
        """Channel and category names (asked again every ``LABELS_TTL`` seconds); codes
        alone while the API cannot list them."""
        if time.monotonic() - self._labels_at > LABELS_TTL:
            try:
                self._labels = catalog_labels(self.client.channels(), self.client.categories())
                self._labels_at = time.monotonic()
            except NpsApiError:
                return self._labels
        return self._labels

    def close(self) -> None:
        self.client.close()
        self.state.close()


def open_runtime(backoff: Backoff | None = None) -> Runtime:
    settings = load_settings(read_secrets_file())
    if settings.mode == "demo":
        demo = start_demo(settings.demo_reviews, data_dir())
        settings = settings.with_source(demo.url, demo.shop_id, demo.shop_secret, demo.cache_key)
    return Runtime(
        settings=settings,
        client=NpsClient(settings.base_url, settings.shop_id, settings.shop_secret),
        cache=ReviewCache(data_dir() / "cache"),
        state=open_state(settings.state_url, backoff),
    )
