"""The wire format of the PersonaClick NPS API: the one list of each object's fields.

Every other place that names these fields (the client, the fetch layer's tables, the
bundled server's parsing, storage, loader and OpenAPI document, the Submit form)
derives its list from here, so a field is added or renamed in one line.
See ``../shared/api/CONTRACT.md`` for where the variants come from.
"""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = [
    "CATEGORY_TEXTS",
    "CREATE_FIELDS",
    "CREATE_IDENTITY_FIELDS",
    "CREATE_TEXT_FIELDS",
    "EARLIEST_REVIEW",
    "LATEST_REVIEW",
    "REVIEW_ALIASES",
    "REVIEW_CONTACT_FIELDS",
    "REVIEW_FIELDS",
]

# A review as GET /nps/reviews returns it, in the vendor's current example's order.
REVIEW_FIELDS: tuple[str, ...] = (
    "id",
    "created_at",
    "channel",
    "category",
    "rate",
    "comment",
    "client_id",
    "email",
    "phone",
)
# Older names still sent by some deployments: current name -> older name.
REVIEW_ALIASES: dict[str, str] = {"rate": "score", "client_id": "client"}
# The times a review's `created_at` may hold (LATEST_REVIEW excluded): four-digit years
# as the API writes them, well inside what a reader's 64-bit nanosecond clock holds
# (1677 to 2262). The bundled server stores no other; a client refuses any other.
EARLIEST_REVIEW = datetime(1900, 1, 1, tzinfo=UTC)
LATEST_REVIEW = datetime(2200, 1, 1, tzinfo=UTC)
# Fields that identify a customer: shown only to those allowed to contact them.
REVIEW_CONTACT_FIELDS: tuple[str, ...] = ("client_id", "email", "phone")

# POST /nps/create's body, in the contract's order. `sid` is the newer name of `seance`.
CREATE_FIELDS: tuple[str, ...] = (
    "shop_id",
    "shop_secret",
    "did",
    "seance",
    "sid",
    "email",
    "phone",
    "loyalty_id",
    "order_id",
    "external_id",
    "channel",
    "category",
    "rate",
    "comment",
)
# Who wrote a review, for the one-review-per-person-and-day rule (in priority order).
CREATE_IDENTITY_FIELDS: tuple[str, ...] = ("did", "email", "phone")
# Create fields that are short texts (everything but the auth pair, rate and comment).
CREATE_TEXT_FIELDS: tuple[str, ...] = tuple(
    name for name in CREATE_FIELDS if name not in ("shop_id", "shop_secret", "rate", "comment")
)

# A category's texts: the question and thank-you text for each group of rates.
CATEGORY_TEXTS: tuple[str, ...] = (
    "promoter_question",
    "promoter_success",
    "passive_question",
    "passive_success",
    "detractor_question",
    "detractor_success",
)
