"""What the demo shop is made of: its channels and categories with their texts, the
names its customers have, and the rhythm of its reviews over the day and the week.

Declarative tables only; `demo` draws the reviews from them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "CATEGORIES",
    "CHANNELS",
    "DEMO_CATEGORY_TEXTS",
    "DOMAINS_EN",
    "DOMAINS_RU",
    "FIRST_EN",
    "FIRST_RU",
    "HOURS",
    "LAST_EN",
    "LAST_RU",
    "SALE_SHARES",
    "WEEKDAY",
    "Segment",
]


@dataclass(frozen=True, slots=True)
class Segment:
    code: str
    name: str
    active: bool
    share: float  # of reviews on ordinary days
    sale_share: float  # on sale days
    effect: float  # shift of the latent score (rates are about score +- 2)


CHANNELS: tuple[Segment, ...] = (
    Segment("email", "Email survey", True, 0.30, 0.42, 0.0),
    Segment("web", "Website", True, 0.25, 0.25, -0.1),
    Segment("sms", "SMS", True, 0.12, 0.10, -1.0),
    Segment("ios_app", "iOS app", True, 0.18, 0.13, 0.9),
    Segment("android_app", "Android app", True, 0.15, 0.10, 0.4),
    # Retired half a year ago; its reviews remain.
    Segment("kiosk", "In-store kiosk", False, 0.07, 0.0, -0.4),
)

CATEGORIES: tuple[Segment, ...] = (
    Segment("delivery", "Delivery", True, 0.35, 0.33, -0.1),
    Segment("product", "Product quality", True, 0.30, 0.27, 0.5),
    Segment("support", "Customer support", True, 0.15, 0.12, -1.1),
    Segment("checkout", "Checkout & payment", True, 0.20, 0.28, 0.2),
    # Store pickup was discontinued with the kiosks.
    Segment("pickup", "Store pickup", False, 0.09, 0.0, -0.3),
)

DEMO_CATEGORY_TEXTS: dict[str, dict[str, str]] = {
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

FIRST_EN = (
    "john james mary emma olivia liam noah ava sophia lucas mia ethan amelia mason "
    "harper logan ella jack chloe ryan grace leo zoe adam lily owen nora sam kate"
).split()
LAST_EN = (
    "smith johnson brown taylor miller wilson davis clark lewis walker hall young king "
    "wright scott green baker adams nelson hill carter mitchell turner parker evans"
).split()
FIRST_RU = (
    "ivan anna olga dmitry elena sergey maria alexey natalia pavel irina andrey "
    "tatiana nikolay svetlana mikhail ekaterina artem yulia oleg"
).split()
LAST_RU = (
    "ivanov petrova smirnov sokolova kuznetsov popova vasiliev novikova morozov "
    "volkova lebedev kozlova egorov pavlova orlov stepanova"
).split()
DOMAINS_EN = (
    "gmail.com",
    "outlook.com",
    "yahoo.com",
    "icloud.com",
    "proton.me",
    "examplemail.com",
)
DOMAINS_RU = ("mail.ru", "yandex.ru", "gmail.com", "bk.ru")

# Share of reviews on each hour of the (UTC) day: morning and evening peaks.
# fmt: off
HOURS = np.array([
    1, 0.6, 0.4, 0.3, 0.3, 0.5, 1.2, 2.5, 4, 5, 5.5, 5.5,  # 0 to 11 h
    6, 5.5, 5, 4.8, 4.8, 5, 5.5, 6.5, 7, 6, 4, 2,  # 12 to 23 h
])
# fmt: on
# Monday first; people answer surveys less at the weekend.
WEEKDAY = np.array([1.15, 1.10, 1.05, 1.0, 0.95, 0.78, 0.85])
# Extra reviews on each sale day, as a share of all reviews.
SALE_SHARES = (0.038, 0.030, 0.024)
