"""A demo shop whose reviews look like a real shop's, the same for the same seed.

Twelve months (by default) ending today: weekday and seasonal rhythm, segments with
clearly different NPS (the iOS app high, SMS and support low), a three-week dip of
delivery NPS about four months ago, a few sale days with more than 1000 reviews each
(the API's cap per answer), a retired channel and category with old reviews only,
and comments that fit the score and the category, some empty, a share in Russian.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from nps_core.contract.models import GROUPS, RATE_GROUP
from nps_core.contract.validation import identity_of
from nps_core.server.phrases import BODIES, CLOSERS, OPENERS
from nps_core.server.store import DAY_MS, Store, client_id_for

__all__ = ["DEMO_SHOP_ID", "create_demo", "demo_credentials", "demo_secret"]

DEMO_SHOP_ID = "demo"
DEMO_SHOP_NAME = "Demo Shop"


@dataclass(frozen=True, slots=True)
class _Segment:
    code: str
    name: str
    active: bool
    share: float  # of reviews on ordinary days
    sale_share: float  # on sale days
    effect: float  # shift of the latent score (rates are about score +- 2)


CHANNELS: tuple[_Segment, ...] = (
    _Segment("email", "Email survey", True, 0.30, 0.42, 0.0),
    _Segment("web", "Website", True, 0.25, 0.25, -0.1),
    _Segment("sms", "SMS", True, 0.12, 0.10, -1.0),
    _Segment("ios_app", "iOS app", True, 0.18, 0.13, 0.9),
    _Segment("android_app", "Android app", True, 0.15, 0.10, 0.4),
    # Retired half a year ago; its reviews remain.
    _Segment("kiosk", "In-store kiosk", False, 0.07, 0.0, -0.4),
)

CATEGORIES: tuple[_Segment, ...] = (
    _Segment("delivery", "Delivery", True, 0.35, 0.33, -0.1),
    _Segment("product", "Product quality", True, 0.30, 0.27, 0.5),
    _Segment("support", "Customer support", True, 0.15, 0.12, -1.1),
    _Segment("checkout", "Checkout & payment", True, 0.20, 0.28, 0.2),
    # Store pickup was discontinued with the kiosks.
    _Segment("pickup", "Store pickup", False, 0.09, 0.0, -0.3),
)

CATEGORY_TEXTS: dict[str, dict[str, str]] = {
    "delivery": {
        "promoter_question": "Glad your order reached you well! What did we get right?",
        "promoter_success": "Thank you! We'll pass your kind words on to our couriers.",
        "passive_question": "What would have made your delivery perfect?",
        "passive_success": "Thanks! We're working on faster, more reliable delivery.",
        "detractor_question": "We're sorry. What went wrong with your delivery?",
        "detractor_success": "Thank you for telling us. Our delivery team will look into it.",
    },
    "product": {
        "promoter_question": "What do you like most about your purchase?",
        "promoter_success": "Thank you! Enjoy your new purchase.",
        "passive_question": "What could make this product better for you?",
        "passive_success": "Thanks, we share every suggestion with our buyers.",
        "detractor_question": "We're sorry it fell short. What's wrong with the product?",
        "detractor_success": "Thanks for letting us know. You can return it free of charge.",
    },
    "support": {
        "promoter_question": "What did our support team do well?",
        "promoter_success": "Thank you! We'll share your feedback with the agent.",
        "passive_question": "How could we have helped you better?",
        "passive_success": "Thanks, we'll use this to improve our support.",
        "detractor_question": "We're sorry. What went wrong when you contacted us?",
        "detractor_success": "Thank you. A senior agent will review your case.",
    },
    "checkout": {
        "promoter_question": "What did you like about ordering and paying?",
        "promoter_success": "Thank you for shopping with us!",
        "passive_question": "What would make checkout easier for you?",
        "passive_success": "Thanks, we're always simplifying checkout.",
        "detractor_question": "We're sorry. What got in your way at checkout?",
        "detractor_success": "Thank you. Our team will fix what went wrong.",
    },
    "pickup": {
        "promoter_question": "What did you like about picking up your order?",
        "promoter_success": "Thank you! See you at the store.",
        "passive_question": "What would make pickup more convenient?",
        "passive_success": "Thanks for the suggestion.",
        "detractor_question": "We're sorry. What went wrong at pickup?",
        "detractor_success": "Thank you. The store manager will look into it.",
    },
}

_FIRST_EN = (
    "john james mary emma olivia liam noah ava sophia lucas mia ethan amelia mason "
    "harper logan ella jack chloe ryan grace leo zoe adam lily owen nora sam kate"
).split()
_LAST_EN = (
    "smith johnson brown taylor miller wilson davis clark lewis walker hall young king "
    "wright scott green baker adams nelson hill carter mitchell turner parker evans"
).split()
_FIRST_RU = (
    "ivan anna olga dmitry elena sergey maria alexey natalia pavel irina andrey "
    "tatiana nikolay svetlana mikhail ekaterina artem yulia oleg"
).split()
_LAST_RU = (
    "ivanov petrova smirnov sokolova kuznetsov popova vasiliev novikova morozov "
    "volkova lebedev kozlova egorov pavlova orlov stepanova"
).split()
_DOMAINS_EN = (
    "gmail.com",
    "outlook.com",
    "yahoo.com",
    "icloud.com",
    "proton.me",
    "examplemail.com",
)
_DOMAINS_RU = ("mail.ru", "yandex.ru", "gmail.com", "bk.ru")

# Share of reviews on each hour of the (UTC) day: morning and evening peaks.
_HOURS = np.array(
    [
        1,
        0.6,
        0.4,
        0.3,
        0.3,
        0.5,
        1.2,
        2.5,
        4,
        5,
        5.5,
        5.5,
        6,
        5.5,
        5,
        4.8,
        4.8,
        5,
        5.5,
        6.5,
        7,
        6,
        4,
        2,
    ]
)
# Monday first; people answer surveys less at the weekend.
_WEEKDAY = np.array([1.15, 1.10, 1.05, 1.0, 0.95, 0.78, 0.85])
# Extra reviews on each sale day, as a share of all reviews.
_SALE_SHARES = (0.038, 0.030, 0.024)


def demo_secret(seed: int) -> str:
    return hashlib.sha256(f"nps-demo-secret:{seed}".encode()).hexdigest()[:32]


def demo_credentials(db_path: str | Path) -> tuple[str, str] | None:
    """(shop_id, secret) of the demo shop in an existing database; None if absent."""
    if not Path(db_path).exists():
        return None
    store = Store(db_path)
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
        if len(days) < len(_SALE_SHARES) and day not in days and span > 3:
            days.append(day)
    return days[: len(_SALE_SHARES)]


def _clients(rng: np.random.Generator, n: int, shop_id: str) -> dict[str, Any]:
    russian = rng.random(n) < 0.22
    has_email = rng.random(n) < 0.85
    has_phone = ~has_email | (rng.random(n) < 0.45)
    first_en = rng.integers(0, len(_FIRST_EN), n)
    last_en = rng.integers(0, len(_LAST_EN), n)
    first_ru = rng.integers(0, len(_FIRST_RU), n)
    last_ru = rng.integers(0, len(_LAST_RU), n)
    numbers = rng.integers(1, 10_000, n)
    domain_en = rng.integers(0, len(_DOMAINS_EN), n)
    domain_ru = rng.integers(0, len(_DOMAINS_RU), n)
    phone_tail = rng.integers(0, 10**9, n)
    phone_area = rng.integers(200, 1000, n)
    styles = rng.integers(0, 3, n)

    emails: list[str | None] = []
    phones: list[str | None] = []
    client_ids: list[int] = []
    identities: list[str] = []
    for i in range(n):
        if russian[i]:
            first, last = _FIRST_RU[first_ru[i]], _LAST_RU[last_ru[i]]
            domain = _DOMAINS_RU[domain_ru[i]]
            phone = f"+7 9{phone_tail[i] % 100:02d} {phone_tail[i] // 100 % 10_000_000:07d}"
        else:
            first, last = _FIRST_EN[first_en[i]], _LAST_EN[last_en[i]]
            domain = _DOMAINS_EN[domain_en[i]]
            phone = f"+1 ({phone_area[i]}) {phone_tail[i] % 10_000_000:07d}"
        local = (f"{first}.{last}", f"{first[0]}{last}{numbers[i]}", f"{first}{numbers[i]}")[
            styles[i]
        ]
        email = f"{local}@{domain}" if has_email[i] else None
        phone_value = phone if has_phone[i] else None
        emails.append(email)
        phones.append(phone_value)
        identity = identity_of(None, email, phone_value)
        assert identity is not None
        identities.append(identity)
        client_ids.append(client_id_for(shop_id, identity))
    return {
        "russian": russian,
        "email": emails,
        "phone": phones,
        "client_id": client_ids,
        "identity": identities,
    }


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


def generate_reviews(
    reviews: int = 60_000,
    days: int = 365,
    seed: int = 1,
    today: date | None = None,
    shop_id: str = DEMO_SHOP_ID,
    now_ms: int | None = None,
) -> list[dict[str, Any]]:
    """The demo reviews as insert_reviews_bulk rows, ascending by created_ms."""
    if reviews < 0 or days < 1:
        raise ValueError("reviews must be >= 0 and days >= 1")
    rng = np.random.default_rng(seed)
    today = today or datetime.now(UTC).date()
    first = today - timedelta(days=days - 1)
    dates = [first + timedelta(days=i) for i in range(days)]
    offsets = np.arange(days)

    # Volume per day: weekday rhythm, a winter high season, slow growth, noise.
    doy = np.array([d.timetuple().tm_yday for d in dates])
    weekday = np.array([d.weekday() for d in dates])
    weight = (
        _WEEKDAY[weekday]
        * (1 + 0.25 * np.cos(2 * np.pi * (doy - 350) / 365.25))
        * (1 + 0.2 * offsets / days)
        * rng.gamma(40, 1 / 40, days)
    )
    sales = _sale_days(first, today)
    extra = np.zeros(days, dtype=np.int64)
    for day, share in zip(sales, _SALE_SHARES, strict=False):
        extra[(day - first).days] = round(reviews * share)
    extra_total = int(extra.sum())
    if extra_total > reviews // 2:  # tiny demos: no sales
        extra[:] = 0
        extra_total = 0
    counts = rng.multinomial(reviews - extra_total, weight / weight.sum()) + extra
    day_of = np.repeat(offsets, counts)
    n = len(day_of)
    on_sale = extra[day_of] > 0

    # Retirements: the kiosk channel and store pickup ended about six months ago.
    retired_after = int(days * 0.5)
    old = day_of < retired_after
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

    # Scores: a latent satisfaction, shifted per segment, then rounded to 1..10.
    channel_effect = np.array([c.effect for c in CHANNELS])[channel]
    category_effect = np.array([c.effect for c in CATEGORIES])[category]
    trend = 0.3 * (day_of / days - 0.5)
    # Delivery trouble for three weeks starting about four months ago, with a quick
    # slide and a week of recovery.
    dip_start = days - int(days * 0.34)
    into = day_of - dip_start
    dip = np.where((into >= 0) & (into < 21), -2.4, 0.0)
    dip = np.where((into >= 0) & (into < 3), -0.8 * (into + 1), dip)
    dip = np.where((into >= 14) & (into < 21), -2.4 * (21 - into) / 8, dip)
    is_delivery = category == [c.code for c in CATEGORIES].index("delivery")
    event = np.where(is_delivery, dip, 0.0)
    sale_effect = np.where(on_sale, -0.4 - 0.6 * is_delivery, 0.0)
    latent = (
        8.2 + channel_effect + category_effect + trend + event + sale_effect + rng.normal(0, 2.1, n)
    )
    rate = np.clip(np.rint(latent), 1, 10).astype(np.int64)

    # Time of day; today's reviews stop at the current time.
    day_ms = np.array([(d - date(1970, 1, 1)).days * DAY_MS for d in dates], dtype=np.int64)
    created = (
        day_ms[day_of] + _pick(rng, list(_HOURS), n) * 3_600_000 + rng.integers(0, 3_600_000, n)
    )
    if now_ms is not None:
        created = np.minimum(created, now_ms - rng.integers(1, 600_000, n))
    order = np.argsort(created, kind="stable")  # ids follow time
    created, channel, category, rate = created[order], channel[order], category[order], rate[order]

    # People: a pool of clients; one review per person, segment and day (the API's
    # replace rule), so collisions are redrawn.
    n_clients = max(50, int(reviews * 0.55))
    clients = _clients(rng, n_clients, shop_id)
    client = rng.integers(0, n_clients, n)
    # Two clients can share an address (john.smith@...): they are then one person.
    _, person_of = np.unique(np.array(clients["identity"]), return_inverse=True)
    created_day = created // DAY_MS
    for _ in range(50):
        person = person_of[client]
        key = ((created_day * 8 + channel) * 8 + category) * (n_clients + 1) + person
        _, first_index = np.unique(key, return_index=True)
        duplicate = np.ones(n, dtype=bool)
        duplicate[first_index] = False
        if not duplicate.any():
            break
        client[duplicate] = rng.integers(0, n_clients, int(duplicate.sum()))

    # Comments: detractors write most; Russian-speaking clients write in Russian.
    group = np.asarray(RATE_GROUP)[rate]  # index into GROUPS
    writes = rng.random(n) < np.array([0.78, 0.58, 0.62])[group]
    russian = clients["russian"][client]
    order_numbers = rng.integers(100_000, 1_000_000, n)
    has_order = rng.random(n) < 0.7
    uniforms = rng.random((n, 4))
    integers = rng.integers(0, 1 << 30, (n, 4))

    rows: list[dict[str, Any]] = []
    channel_codes = [c.code for c in CHANNELS]
    category_codes = [c.code for c in CATEGORIES]
    emails, phones, client_ids = clients["email"], clients["phone"], clients["client_id"]
    identities = clients["identity"]
    for i in range(n):
        cat = category_codes[category[i]]
        person = int(client[i])
        comment = None
        if writes[i]:
            lang = "ru" if russian[i] else "en"
            comment = _comment(lang, GROUPS[group[i]], cat, uniforms[i], integers[i])
        rows.append(
            {
                "created_ms": int(created[i]),
                "channel": channel_codes[channel[i]],
                "category": cat,
                "rate": int(rate[i]),
                "comment": comment,
                "client_id": client_ids[person],
                "email": emails[person],
                "phone": phones[person],
                "identity": identities[person],
                "order_id": f"ORD-{order_numbers[i]}"
                if has_order[i] and cat != "support"
                else None,
            }
        )
    return rows


def create_demo(
    db_path: str | Path,
    reviews: int = 60_000,
    days: int = 365,
    seed: int = 1,
    today: date | None = None,
) -> tuple[str, str]:
    """Create (or recreate) the demo shop with its data; returns (shop_id, secret).

    Without `today`, the period ends now (no review lies in the future); with it, the
    data depend only on the arguments.
    """
    now = None
    if today is None:
        now = datetime.now(UTC)
        today = now.date()
    rows = generate_reviews(
        reviews,
        days,
        seed,
        today,
        now_ms=None if now is None else int(now.timestamp() * 1000),
    )
    secret = demo_secret(seed)
    store = Store(db_path)
    try:
        store.add_shop(DEMO_SHOP_ID, secret, DEMO_SHOP_NAME)
        store.reset_shop(DEMO_SHOP_ID)
        for c in CHANNELS:
            store.add_channel(DEMO_SHOP_ID, c.code, c.name, c.active)
        for c in CATEGORIES:
            store.add_category(DEMO_SHOP_ID, c.code, c.name, c.active, **CATEGORY_TEXTS[c.code])
        store.insert_reviews_bulk(DEMO_SHOP_ID, rows)
    finally:
        store.close()
    return DEMO_SHOP_ID, secret
