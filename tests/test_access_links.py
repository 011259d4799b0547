"""Signed screen links: canonical form, signature, expiry, revocation, key rotation."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, urlencode

import pytest

from nps_core.access.links import (
    LinkRefused,
    canonical,
    new_link_id,
    sign,
    signature,
    verify,
)

KEY = "k" * 40
NOW = 1_800_000_000.0
PARAMS = {"period": "7d", "channel": "ios_app,android_app", "panels": "today,trend", "kiosk": "1"}


def signed(params: dict[str, str] = PARAMS, *, key: str = KEY, expires: float = NOW + 3600):
    return sign(params, key, link_id="Link-id_0123", expires=int(expires))


def check(pairs, *, key: str = KEY, now: float = NOW, revoked: frozenset[str] = frozenset()):
    return verify(pairs, key, now=now, is_revoked=revoked.__contains__)


def refusal(pairs, **kwargs) -> str:
    with pytest.raises(LinkRefused) as refused:
        check(pairs, **kwargs)
    return refused.value.reason


def test_a_signed_link_verifies_and_gives_the_board_its_parameters() -> None:
    link = check(signed().items())
    assert link.params == PARAMS
    assert link.link_id == "Link-id_0123"
    assert link.expires == int(NOW + 3600)


def test_the_order_of_parameters_does_not_matter() -> None:
    pairs = list(signed().items())
    assert check(reversed(pairs)).params == PARAMS
    assert canonical(pairs) == canonical(reversed(pairs))


@pytest.mark.parametrize(
    "encode",
    [
        lambda q: urlencode(q),  # "," as %2C, spaces as +
        lambda q: urlencode(q, quote_via=quote, safe=","),  # "," kept, spaces as %20
        lambda q: "&".join(f"{k}={v}" for k, v in q.items()),  # not encoded at all
    ],
)
def test_a_link_re_encoded_on_its_way_still_verifies(encode) -> None:
    params = {**PARAMS, "category": "a b,c/d"}
    pairs = parse_qsl(encode(signed(params)), keep_blank_values=True)
    assert check(pairs).params == params


@pytest.mark.parametrize(
    "change",
    [
        {"period": "365d"},  # a changed parameter
        {"channel": "ios_app"},
        {"kiosk": "0"},
        {"expires": str(int(NOW + 10 * 365 * 86400))},  # a longer life
        {"link": "Other-id_0123"},  # another id (dodging a revocation)
        {"theme": "light"},  # an added parameter
    ],
)
def test_a_tampered_link_is_refused(change: dict[str, str]) -> None:
    assert refusal({**signed(), **change}.items()) == "invalid"


def test_a_removed_parameter_is_refused() -> None:
    query = signed()
    del query["panels"]
    assert refusal(query.items()) == "invalid"


def test_a_repeated_parameter_is_refused_even_with_the_signed_value_among_its_copies() -> None:
    pairs = [*signed().items(), ("period", "365d")]
    assert refusal(pairs) == "invalid"
    assert refusal([*signed().items(), ("period", "7d")]) == "invalid"
    with pytest.raises(ValueError, match="more than once"):
        canonical([("a", "1"), ("a", "1")])


def test_a_wrong_signature_or_a_wrong_key_is_refused() -> None:
    query = signed()
    other = signature(query.items(), "x" * 40)
    assert refusal({**query, "sig": other}.items()) == "invalid"
    flipped = query["sig"][:-1] + ("A" if query["sig"][-1] != "A" else "B")
    assert refusal({**query, "sig": flipped}.items()) == "invalid"
    assert refusal(query.items(), key="y" * 40) == "invalid"


def test_a_new_key_revokes_every_link_made_with_the_old_one() -> None:
    links = [sign(PARAMS, KEY, link_id=new_link_id(), expires=int(NOW + 60)) for _ in range(3)]
    for query in links:
        assert check(query.items()).params == PARAMS
        assert refusal(query.items(), key=KEY[::-1] + "z") == "invalid"


@pytest.mark.parametrize(
    "change",
    [{"sig": ""}, {"sig": "short"}, {"expires": "soon"}, {"expires": "-5"}, {"link": "a"}],
)
def test_an_incomplete_link_is_refused(change: dict[str, str]) -> None:
    assert refusal({**signed(), **change}.items()) == "malformed"


def test_a_link_without_its_signature_parts_is_refused() -> None:
    assert refusal(PARAMS.items()) == "malformed"


def test_an_expired_link_is_refused_saying_when_it_expired() -> None:
    query = signed(expires=NOW - 1)
    with pytest.raises(LinkRefused, match="expired on 2027-01-15 07:59 UTC") as refused:
        check(query.items())
    assert refused.value.reason == "expired"
    assert refusal(signed(expires=NOW).items()) == "expired"  # the expiry itself is past


def test_a_revoked_link_is_refused() -> None:
    assert refusal(signed().items(), revoked=frozenset({"Link-id_0123"})) == "revoked"
    assert check(signed().items(), revoked=frozenset({"another-id"})).params == PARAMS


def test_the_board_cannot_use_the_names_the_signature_needs() -> None:
    with pytest.raises(ValueError, match="cannot be named"):
        sign({"sig": "x"}, KEY, link_id="Link-id_0123", expires=1)


def test_refusals_never_echo_the_signature_or_the_key() -> None:
    query = {**signed(), "period": "365d"}
    with pytest.raises(LinkRefused) as refused:
        check(query.items())
    assert query["sig"] not in refused.value.message
    assert KEY not in refused.value.message
