"""Submit a review: type in one received by hand; it goes to the API like any other."""

from __future__ import annotations

import streamlit as st

from nps_core.contract.errors import NpsApiError
from nps_core.contract.models import group_of
from nps_core.contract.validation import MAX_COMMENT_LENGTH, MAX_FIELD_LENGTH, RATE_MAX, RATE_MIN
from nps_core.present.i18n import gettext as _
from nps_core.present.palette import GROUP_LABELS
from nps_core.present.submit import FIELD_LABELS, comment_prompt, escape_markdown
from nps_core.ui import submit as form
from nps_core.ui.data import get_settings, load_catalog
from nps_core.ui.filters import today_in

settings = get_settings()
st.title(_("Submit a review"))
st.caption(
    _(
        "For a review received by phone, by email or in person. It is sent to the API like "
        "any other review, with the same checks, and shows on the other pages at once."
    )
)

try:
    channels, categories = load_catalog()
except NpsApiError as error:
    st.error(
        _(
            "**The API's channels and categories could not be loaded**, so no review can be "
            "sent. Try again in a minute. The API said: {message}"
        ).format(message=escape_markdown(error.message))
    )
    st.stop()
if not channels or not categories:
    st.warning(
        _(
            "The shop has no active channel or category, and a review needs one of each. "
            "Activate them in the shop's settings."
        )
    )
    st.stop()

did_required = not settings.shop_secret
if did_required:
    st.info(
        _(
            "**No shop secret key is configured.** Without it the API accepts a review only "
            "with a device ID (as the vendor's apps send one), so the Device ID field is "
            "required here, and the review cannot be read back on the other pages. To send "
            "reviews by email or phone alone, and to read them, set `shop_secret` in "
            "`.streamlit/secrets.toml` (or `NPS_SHOP_SECRET`)."
        ),
        icon="🔑",
    )

channel_names = {c.code: c.label for c in channels}
category_by_code = {c.code: c for c in categories}
channel_col, category_col = st.columns(2)
channel_col.selectbox(
    FIELD_LABELS["channel"],
    list(channel_names),
    format_func=channel_names.get,
    key=form.KEY_CHANNEL,
    persist_state="session",
)
category_code = category_col.selectbox(
    FIELD_LABELS["category"],
    list(category_by_code),
    format_func=lambda code: category_by_code[code].label,
    key=form.KEY_CATEGORY,
    persist_state="session",
)
rate = st.segmented_control(
    _("Score: how likely is the customer to recommend us? (1 = not at all, 10 = extremely)"),
    list(range(RATE_MIN, RATE_MAX + 1)),
    key=form.KEY_RATE,
    persist_state="session",
)
form.show_problem("rate")
category = category_by_code.get(category_code)

with st.form("review", border=True, enter_to_submit=False):
    st.text_area(
        escape_markdown(comment_prompt(category, rate)),
        key=form.TEXT_KEYS["comment"],
        max_chars=MAX_COMMENT_LENGTH,
        persist_state="session",
        placeholder=_("The customer's words, as they said them"),
        help=None
        if rate is None
        else _("The category's question for {group}").format(group=GROUP_LABELS[group_of(rate)]),
    )
    form.show_problem("comment")
    st.markdown(_("**Who wrote it** · an email, a phone number or a device ID"))
    for column, (name, kind) in zip(
        st.columns(3), (("email", "email"), ("phone", "phone"), ("did", "default")), strict=True
    ):
        with column:
            st.text_input(
                FIELD_LABELS[name],
                key=form.TEXT_KEYS[name],
                max_chars=MAX_FIELD_LENGTH,
                type=kind,
                validate="",
                persist_state="session",
            )
            form.show_problem(name)
    st.text_input(
        _("Order ID (optional)"),
        key=form.TEXT_KEYS["order_id"],
        max_chars=MAX_FIELD_LENGTH,
        persist_state="session",
    )
    form.show_problem("order_id")
    st.form_submit_button(
        _("Send review"),
        type="primary",
        icon="📨",
        on_click=form.submit,
        args=(
            list(channel_names),
            list(category_by_code),
            did_required,
            today_in(settings.timezone),
        ),
    )

form.show_outcome(category, rate, readable=not did_required)
