"""A demo shop whose reviews look like a real shop's, the same for the same seed.

Twelve months (by default) ending today: weekday and seasonal rhythm, segments with
clearly different NPS (the iOS app high, SMS and support low), a three-week dip of
delivery NPS about four months ago, a few sale days with more than 1000 reviews each
(the API's cap per answer), a retired channel and category with old reviews only,
and comments that fit the score and the category, some empty, a share in Russian.

The shop itself (segments, texts, names, rhythms) is declared in `demo_shop`. Every
step below draws from the one generator in a fixed order: reordering the steps would
change the data of a seed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from nps_core.contract.models import GROUPS, RATE_GROUP
from nps_core.contract.validation import identity_of
from nps_core.server.database import database_exists
from nps_core.server.demo_shop import (
    CATEGORIES,
    CHANNELS,
    DEMO_CATEGORY_TEXTS,
    DOMAINS_EN,
    DOMAINS_RU,
    FIRST_EN,
    FIRST_RU,
    HOURS,
    LAST_EN,
    LAST_RU,
    SALE_SHARES,
    WEEKDAY,
)
from nps_core.server.phrases import BODIES, CLOSERS, OPENERS
from nps_core.server.store import DAY_MS, Store, client_id_for

__all__ = ["DEMO_SHOP_ID", "create_demo", "demo_credentials", "demo_secret", "generate_reviews"]

DEMO_SHOP_ID = "demo"
DEMO_SHOP_NAME = "Demo Shop"
_HOUR_MS = 3_600_000


def demo_secret(seed: int) -> str:
    return hashlib.sha256(f"nps-demo-secret:{seed}".encode()).hexdigest()[:32]


def demo_credentials(db: str | Path) -> tuple[str, str] | None:
    """(shop_id, secret) of the demo shop in an existing database; None if absent."""
    if not database_exists(db):
        return None
    store = Store(db)
    try:
        shop = store.get_shop(DEMO_SHOP_ID)
    finally:
        store.close()
    return (shop.shop_id, shop.secret) if shop else None


def _sale_days(first: date, last: date) -> list[date]:
    """Black Friday, Cyber Monday and a July summer sale, when inside the period."""
    found: list[date] = []
    for year in range(last.year, first.year - 1, -1):
        november_first = date(year, 11, 1)
        thanksgiving = november_first + timedelta(days=(3 - november_first.weekday()) % 7 + 21)
        found += [thanksgiving + timedelta(days=1), thanksgiving + timedelta(days=4)]
    for year in range(last.year, first.year - 1, -1):
        found.append(date(year, 7, 12))
    usable = last - timedelta(days=2)
    days: list[date] = []
    for day in found:
        if first <= day <= usable and day not in days:
            days.append(day)
    span = (last - first).days
    for fraction in (0.25, 0.6, 0.9):  # short periods: spread sales out instead
        day = first + timedelta(days=int(span * fraction))
        if len(days) < len(SALE_SHARES) and day not in days and span > 3:
            days.append(day)
    return days[: len(SALE_SHARES)]


@dataclass(frozen=True, slots=True)
class _Clients:
    """A pool of customers, by index: language and contact details."""

    russian: np.ndarray
    email: list[str | None]
    phone: list[str | None]
    client_id: list[int]
    identity: list[str]


def _clients(rng: np.random.Generator, n: int, shop_id: str) -> _Clients:
    russian = rng.random(n) < 0.22
    has_email = rng.random(n) < 0.85
    has_phone = ~has_email | (rng.random(n) < 0.45)
    first_en = rng.integers(0, len(FIRST_EN), n)
    last_en = rng.integers(0, len(LAST_EN), n)
    first_ru = rng.integers(0, len(FIRST_RU), n)
    last_ru = rng.integers(0, len(LAST_RU), n)
    numbers = rng.integers(1, 10_000, n)
    domain_en = rng.integers(0, len(DOMAINS_EN), n)
    domain_ru = rng.integers(0, len(DOMAINS_RU), n)
    phone_tail = rng.integers(0, 10**9, n)
    phone_area = rng.integers(200, 1000, n)
    styles = rng.integers(0, 3, n)

    clients = _Clients(russian, [], [], [], [])
    for i in range(n):
        if russian[i]:
            first, last = FIRST_RU[first_ru[i]], LAST_RU[last_ru[i]]
            domain = DOMAINS_RU[domain_ru[i]]
            phone = f"+7 9{phone_tail[i] % 100:02d} {phone_tail[i] // 100 % 10_000_000:07d}"
        else:
            first, last = FIRST_EN[first_en[i]], LAST_EN[last_en[i]]
            domain = DOMAINS_EN[domain_en[i]]
            phone = f"+1 ({phone_area[i]}) {phone_tail[i] % 10_000_000:07d}"
        local = (f"{first}.{last}", f"{first[0]}{last}{numbers[i]}", f"{first}{numbers[i]}")[
            styles[i]
        ]
        email = f"{local}@{domain}" if has_email[i] else None
        phone_value = phone if has_phone[i] else None
        clients.email.append(email)
        clients.phone.append(phone_value)
        identity = identity_of(None, email, phone_value)
        assert identity is not None
        clients.identity.append(identity)
        clients.client_id.append(client_id_for(shop_id, identity))
    return clients


def _comment(lang: str, group: str, category: str, u: np.ndarray, k: np.ndarray) -> str:
    """One comment from pre-drawn uniforms `u` (4) and integers `k` (4)."""
    bodies = BODIES[lang][category][group]
    openers, closers = OPENERS[lang][group], CLOSERS[lang][group]
    parts: list[str] = []
    if u[0] < 0.45:
        parts.append(openers[k[0] % len(openers)])
    first = k[1] % len(bodies)
    parts.append(bodies[first])
    if u[1] < 0.3:  # a second, different body phrase
        parts.append(bodies[(first + 1 + k[2] % (len(bodies) - 1)) % len(bodies)])
    if u[2] < 0.3:
        parts.append(closers[k[3] % len(closers)])
    text = " ".join(parts)
    if u[3] < 0.12:  # people write casually
        text = text.lower()
    return text


def _pick(rng: np.random.Generator, weights: list[float], size: int) -> np.ndarray:
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(p), size=size, p=p / p.sum())


def _review_days(
    rng: np.random.Generator, reviews: int, dates: list[date], peak_day: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The day (index into `dates`) of each review, ascending, and whether it was a sale day.

    Volume per day: weekday rhythm, a winter high season, slow growth, noise, sales. The
    sale days add SALE_SHARES of all reviews; with `peak_day`, the busiest sale day has
    about that many reviews instead, the others in the same proportions.
    """
    days = len(dates)
    offsets = np.arange(days)
    doy = np.array([d.timetuple().tm_yday for d in dates])
    weekday = np.array([d.weekday() for d in dates])
    weight = (
        WEEKDAY[weekday]
        * (1 + 0.25 * np.cos(2 * np.pi * (doy - 350) / 365.25))
        * (1 + 0.2 * offsets / days)
        * rng.gamma(40, 1 / 40, days)
    )
    extra = np.zeros(days, dtype=np.int64)
    scale = float(reviews)
    if peak_day is not None:  # the first sale day: an ordinary day plus its extra
        scale = max(0, peak_day - reviews // days) / SALE_SHARES[0]
    for day, share in zip(_sale_days(dates[0], dates[-1]), SALE_SHARES, strict=False):
        extra[(day - dates[0]).days] = round(scale * share)
    extra_total = int(extra.sum())
    if extra_total > reviews // 2:  # tiny demos: no sales
        extra[:] = 0
        extra_total = 0
    counts = rng.multinomial(reviews - extra_total, weight / weight.sum()) + extra
    day_of = np.repeat(offsets, counts)
    return day_of, extra[day_of] > 0


def _segments(
    rng: np.random.Generator, day_of: np.ndarray, on_sale: np.ndarray, days: int
) -> tuple[np.ndarray, np.ndarray]:
    """Channel and category (indexes into CHANNELS, CATEGORIES) of each review.

    The kiosk channel and store pickup were retired about six months ago; sale days have
    a mix of their own.
    """
    n = len(day_of)
    old = day_of < int(days * 0.5)
    channel = np.empty(n, dtype=np.int64)
    category = np.empty(n, dtype=np.int64)
    for mask, channel_w, category_w in (
        (old & ~on_sale, [c.share for c in CHANNELS], [c.share for c in CATEGORIES]),
        (
            ~old & ~on_sale,
            [c.share * c.active for c in CHANNELS],
            [c.share * c.active for c in CATEGORIES],
        ),
        (on_sale, [c.sale_share for c in CHANNELS], [c.sale_share for c in CATEGORIES]),
    ):
        size = int(mask.sum())
        channel[mask] = _pick(rng, channel_w, size)
        category[mask] = _pick(rng, category_w, size)
    return channel, category


def _delivery_dip(day_of: np.ndarray, days: int) -> np.ndarray:
    """Delivery trouble for three weeks starting about four months ago, with a quick
    slide and a week of recovery: the shift of each review's latent score."""
    into = day_of - (days - int(days * 0.34))
    dip = np.where((into >= 0) & (into < 21), -2.4, 0.0)
    dip = np.where((into >= 0) & (into < 3), -0.8 * (into + 1), dip)
    return np.where((into >= 14) & (into < 21), -2.4 * (21 - into) / 8, dip)


def _rates(
    rng: np.random.Generator,
    day_of: np.ndarray,
    days: int,
    segments: tuple[np.ndarray, np.ndarray],
    on_sale: np.ndarray,
) -> np.ndarray:
    """Scores: a latent satisfaction, shifted per segment, then rounded to 1..10."""
    channel, category = segments
    channel_effect = np.array([c.effect for c in CHANNELS])[channel]
    category_effect = np.array([c.effect for c in CATEGORIES])[category]
    trend = 0.3 * (day_of / days - 0.5)
    is_delivery = category == [c.code for c in CATEGORIES].index("delivery")
    event = np.where(is_delivery, _delivery_dip(day_of, days), 0.0)
    sale_effect = np.where(on_sale, -0.4 - 0.6 * is_delivery, 0.0)
    latent = (
        8.2
        + channel_effect
        + category_effect
        + trend
        + event
        + sale_effect
        + rng.normal(0, 2.1, len(day_of))
    )
    return np.clip(np.rint(latent), 1, 10).astype(np.int64)


def _times(
    rng: np.random.Generator, dates: list[date], day_of: np.ndarray, now_ms: int | None
) -> np.ndarray:
    """Each review's created_ms: an hour of its day by HOURS; none after `now_ms`."""
    n = len(day_of)
    day_ms = np.array([(d - date(1970, 1, 1)).days * DAY_MS for d in dates], dtype=np.int64)
    created = day_ms[day_of] + _pick(rng, list(HOURS), n) * _HOUR_MS + rng.integers(0, _HOUR_MS, n)
    if now_ms is not None:
        created = np.minimum(created, now_ms - rng.integers(1, 600_000, n))
    return created


def _authors(
    rng: np.random.Generator,
    clients: _Clients,
    created: np.ndarray,
    segments: tuple[np.ndarray, np.ndarray],
) -> np.ndarray:
    """Who wrote each review (an index into `clients`): one review per person, segment
    and day (the API's replace rule), so collisions are redrawn."""
    channel, category = segments
    n, n_clients = len(created), len(clients.identity)
    client = rng.integers(0, n_clients, n)
    # Two clients can share an address (john.smith@...): they are then one person.
    _, person_of = np.unique(np.array(clients.identity), return_inverse=True)
    created_day = created // DAY_MS
    for _ in range(50):
        key = ((created_day * 8 + channel) * 8 + category) * (n_clients + 1) + person_of[client]
        _, first_index = np.unique(key, return_index=True)
        duplicate = np.ones(n, dtype=bool)
        duplicate[first_index] = False
        if not duplicate.any():
            break
        client[duplicate] = rng.integers(0, n_clients, int(duplicate.sum()))
    return client


def _rows(
    rng: np.random.Generator,
    clients: _Clients,
    client: np.ndarray,
    created: np.ndarray,
    segments: tuple[np.ndarray, np.ndarray],
    rate: np.ndarray,
) -> Iterator[dict[str, Any]]:
    """The reviews as rows, one at a time, with comments: detractors write most;
    Russian-speaking clients write in Russian. (The draws are all made at the first.)"""
    n = len(created)
    channel, category = segments
    group = np.asarray(RATE_GROUP)[rate]  # index into GROUPS
    writes = rng.random(n) < np.array([0.78, 0.58, 0.62])[group]
    russian = clients.russian[client]
    order_numbers = rng.integers(100_000, 1_000_000, n)
    has_order = rng.random(n) < 0.7
    uniforms = rng.random((n, 4))
    integers = rng.integers(0, 1 << 30, (n, 4))

    for i in range(n):
        cat = CATEGORIES[category[i]].code
        person = int(client[i])
        comment = None
        if writes[i]:
            lang = "ru" if russian[i] else "en"
            comment = _comment(lang, GROUPS[group[i]], cat, uniforms[i], integers[i])
        yield {
            "created_ms": int(created[i]),
            "channel": CHANNELS[channel[i]].code,
            "category": cat,
            "rate": int(rate[i]),
            "comment": comment,
            "client_id": clients.client_id[person],
            "email": clients.email[person],
            "phone": clients.phone[person],
            "identity": clients.identity[person],
            "order_id": f"ORD-{order_numbers[i]}" if has_order[i] and cat != "support" else None,
        }


def generate_reviews(
    reviews: int = 60_000,
    days: int = 365,
    seed: int = 1,
    today: date | None = None,
    shop_id: str = DEMO_SHOP_ID,
    now_ms: int | None = None,
    peak_day: int | None = None,
) -> list[dict[str, Any]]:
    """The demo reviews as insert_reviews_bulk rows, ascending by created_ms."""
    return list(_generate(reviews, days, seed, today, shop_id, now_ms, peak_day))


def _generate(
    reviews: int,
    days: int,
    seed: int,
    today: date | None,
    shop_id: str,
    now_ms: int | None,
    peak_day: int | None,
) -> Iterator[dict[str, Any]]:
    """``generate_reviews`` one row at a time: a big shop's millions of rows need not
    be held all at once."""
    if reviews < 0 or days < 1:
        raise ValueError("reviews must be >= 0 and days >= 1")
    rng = np.random.default_rng(seed)
    today = today or datetime.now(UTC).date()
    first = today - timedelta(days=days - 1)
    dates = [first + timedelta(days=i) for i in range(days)]
    day_of, on_sale = _review_days(rng, reviews, dates, peak_day)
    channel, category = _segments(rng, day_of, on_sale, days)
    rate = _rates(rng, day_of, days, (channel, category), on_sale)
    created = _times(rng, dates, day_of, now_ms)
    order = np.argsort(created, kind="stable")  # ids follow time
    created, channel, category, rate = created[order], channel[order], category[order], rate[order]
    clients = _clients(rng, max(50, int(reviews * 0.55)), shop_id)
    client = _authors(rng, clients, created, (channel, category))
    yield from _rows(rng, clients, client, created, (channel, category), rate)


def create_demo(
    db_path: str | Path,
    reviews: int = 60_000,
    days: int = 365,
    seed: int = 1,
    today: date | None = None,
    peak_day: int | None = None,
) -> tuple[str, str]:
    """Create (or recreate) the demo shop with its data; returns (shop_id, secret).

    Without `today`, the period ends now (no review lies in the future); with it, the
    data depend only on the arguments. `peak_day`: about how many reviews the busiest
    sale day has (by default a share of all reviews; see `_review_days`).
    """
    now = None
    if today is None:
        now = datetime.now(UTC)
        today = now.date()
    now_ms = None if now is None else int(now.timestamp() * 1000)
    rows = _generate(reviews, days, seed, today, DEMO_SHOP_ID, now_ms, peak_day)
    secret = demo_secret(seed)
    store = Store(db_path)
    try:
        store.add_shop(DEMO_SHOP_ID, secret, DEMO_SHOP_NAME)
        store.reset_shop(DEMO_SHOP_ID)
        for c in CHANNELS:
            store.add_channel(DEMO_SHOP_ID, c.code, c.name, c.active)
        for c in CATEGORIES:
            store.add_category(
                DEMO_SHOP_ID, c.code, c.name, c.active, **DEMO_CATEGORY_TEXTS[c.code]
            )
        store.insert_reviews_bulk(DEMO_SHOP_ID, rows)
    finally:
        store.close()
    return DEMO_SHOP_ID, secret
