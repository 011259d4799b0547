"""The shop secret appears in no log line, exception text or repr, client or server side.

The secret holds characters that a URL percent-encodes, and a marker that no encoding
changes: finding the marker anywhere means the secret leaked in some form.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from nps_core.contract.errors import ApiUnavailable, BadRequest, NpsApiError
from nps_core.data.client import NpsClient
from nps_core.data.fetch import fetch_reviews
from nps_core.data.settings import load_settings
from nps_core.server.logs import SecretParamFilter, redact_secret_params
from tests.support.databases import ServerDatabases
from tests.support.rows import DAY0, random_rows
from tests.support.servers import ServerFactory, serve
from tests.support.shops import SHOP_ID, seed_shop

MARKER = "ZQ8f3a9cX"
SECRET = f"p@ss/wörd+{MARKER} ="
# Every logger that could see a request: ours, the HTTP stack's, the server's.
LOGGERS = (
    "",
    "nps_core",
    "nps_core.data.client",
    "httpx",
    "httpcore",
    "uvicorn",
    "uvicorn.error",
    "uvicorn.access",
    "uvicorn.asgi",
)
PERIOD = (DAY0, DAY0 + timedelta(days=9))


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=1)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))  # with the traceback of exc_info, if any


@contextmanager
def every_log_line() -> Iterator[list[str]]:
    """Every record of every level, from every logger in LOGGERS, formatted."""
    handler = _Lines()
    levels = {name: logging.getLogger(name).level for name in LOGGERS}
    for name in LOGGERS:
        logging.getLogger(name).setLevel(1)
        logging.getLogger(name).addHandler(handler)
    try:
        yield handler.lines
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
            logging.getLogger(name).removeHandler(handler)


def everything_about(error: BaseException) -> str:
    """str, repr, attributes and the whole traceback, chained exceptions included."""
    return "\n".join(
        [str(error), repr(error), repr(vars(error)), *traceback.format_exception(error)]
    )


@pytest.fixture
def secret_server_factory(
    server_factory: ServerFactory, server_databases: ServerDatabases
) -> ServerFactory:
    """server_factory over a shop whose secret is SECRET (seeded before it looks)."""
    seed_shop(server_databases("api.sqlite3"), random_rows(61, days=10), secret=SECRET).close()
    return server_factory


def test_no_secret_in_logs_errors_or_reprs(secret_server_factory: ServerFactory) -> None:
    server = secret_server_factory()
    faulty = secret_server_factory(fault_rate=1.0, fault_delay=0.4)
    texts: list[str] = []
    with every_log_line() as lines:
        with NpsClient(server.url, SHOP_ID, SECRET) as client:
            result = fetch_reviews(client, *PERIOD)
            assert len(result.frame) > 0
            texts += [repr(client), repr(result), str(vars(result))]
            with pytest.raises(BadRequest) as refused:
                client.create_review(channel="nope", category="product", rate=5, email="a@b.co")
            texts.append(everything_about(refused.value))

        failing = NpsClient(faulty.url, SHOP_ID, SECRET, timeout=0.2, retries=4, backoff=0.01)
        with failing, pytest.raises(NpsApiError) as faults:
            fetch_reviews(failing, *PERIOD)
        texts.append(everything_about(faults.value))

        url = server.url
        server.stop()
        with NpsClient(url, SHOP_ID, SECRET, retries=1, backoff=0.01) as down:
            with pytest.raises(ApiUnavailable) as unreachable:
                fetch_reviews(down, *PERIOD)
            with pytest.raises(ApiUnavailable) as unsent:
                down.create_review(channel="web", category="product", rate=5, email="a@b.co")
        texts += [everything_about(unreachable.value), everything_about(unsent.value)]
        settings = load_settings(
            environ={"NPS_API_URL": url, "NPS_SHOP_ID": SHOP_ID, "NPS_SHOP_SECRET": SECRET}
        )
        texts.append(repr(settings))

    assert any("HTTP Request: GET" in line for line in lines), "httpx did not log"
    assert any("shop_secret=***" in line for line in lines), "nothing to redact was logged"
    leaks = [text for text in [*lines, *texts] if MARKER in text]
    assert leaks == []


def test_in_process_server_logs_pass_the_filter(server_factory: ServerFactory) -> None:
    """start_server keeps the access log off; should a host log uvicorn's records
    anyway, they reach every handler with the secret blanked."""
    server_factory()
    target = f"/nps/reviews?shop_id={SHOP_ID}&shop_secret={quote(SECRET)}"
    with every_log_line() as lines:
        access = logging.getLogger("uvicorn.access")
        access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", target, "1.1", 200)
        logging.getLogger("uvicorn.error").debug("scope %s", {"query_string": target.encode()})
    assert len(lines) >= 2
    assert all("shop_secret=***" in line for line in lines)
    assert not any(MARKER in line for line in lines)


def test_serve_access_log_blanks_the_secret(tmp_path: Path) -> None:
    db = tmp_path / "served.sqlite3"
    seed_shop(db, secret=SECRET).close()
    output = tmp_path / "serve.log"
    with serve(db, output=output) as server:
        auth = {"shop_id": SHOP_ID, "shop_secret": SECRET}
        assert httpx.get(f"{server.url}/nps/reviews", params=auth).status_code == 200
        wrong = {"shop_id": SHOP_ID, "shop_secret": SECRET + "x"}
        assert httpx.get(f"{server.url}/nps/reviews", params=wrong).status_code == 403
        # The parameter's name percent-encoded: the server decodes it, so must the filter.
        encoded = f"{server.url}/nps/reviews?shop_id={SHOP_ID}&shop%5Fsecret={quote(SECRET)}"
        assert httpx.get(encoded).status_code == 200
        # Vendor SDKs may send the create fields, secret included, in the query string.
        fields = {**auth, "channel": "web", "category": "product", "rate": "9", "email": "a@b.co"}
        assert httpx.post(f"{server.url}/nps/create", params=fields).status_code == 200
    log = output.read_text(encoding="utf-8")
    access_lines = [line for line in log.splitlines() if "/nps/" in line]
    assert len(access_lines) == 4, log
    assert all("secret=***" in line for line in access_lines), log
    assert MARKER not in log


@pytest.mark.parametrize(
    "text",
    [
        f"GET /nps/reviews?shop_id=s&shop_secret={quote(SECRET)}&date_from=2024-01-01",
        f"/nps/reviews?SHOP_SECRET={quote(SECRET)}",
        f"/nps/create?shop%5Fsecret%3D{quote(SECRET)}&rate=8",
        f"{{'query_string': b'shop_id=s&shop_secret={quote(SECRET)}'}}",
        f"/nps/reviews?shop_id=s&shop_s%65cret={quote(SECRET)}",
        f"/nps/reviews?%73hop_secret={quote(SECRET)}&shop_id=s",
        f"/nps/reviews?shop_id=s&shop%255Fsecret={quote(SECRET)}",
        f"/nps/reviews?shop_secret=a;{MARKER}&shop_id=s",
        f"/nps/reviews?shop_secret=a'{MARKER}",
        f"/nps/reviews?x=1;shop_secret={MARKER}",
    ],
)
def test_secret_parameter_values_are_blanked(text: str) -> None:
    assert MARKER not in redact_secret_params(text)
    record = logging.LogRecord("uvicorn.access", 20, __file__, 1, "%s %s", ("GET", text), None)
    assert SecretParamFilter().filter(record)
    assert MARKER not in record.getMessage()
    assert len(record.args) == 2  # uvicorn's access formatter unpacks them by position


# A secret with the characters that ended the value in an older, pattern-based filter.
RAW_SECRET = f"k;e'y{MARKER}"


def test_serve_access_log_decodes_names_and_keeps_raw_values_whole(tmp_path: Path) -> None:
    db = tmp_path / "served.sqlite3"
    seed_shop(db, secret=RAW_SECRET).close()
    output = tmp_path / "serve.log"
    with serve(db, output=output) as server:
        base = f"{server.url}/nps/reviews?shop_id={SHOP_ID}"
        for query in (
            f"shop_s%65cret={quote(RAW_SECRET)}",  # names the server decodes
            f"%73hop_secret={quote(RAW_SECRET)}",
            f"shop_secret={RAW_SECRET}",  # a raw ; and ' in the value
        ):
            assert httpx.get(f"{base}&{query}").status_code == 200, query
    log = output.read_text(encoding="utf-8")
    assert len([line for line in log.splitlines() if "/nps/reviews" in line]) == 3, log
    assert MARKER not in log
