"""The command line given what it should refuse: one clear line, exit code 2, nothing
half-done — no traceback, no hang, no shop or review left behind."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect

from nps_core.server.store import Store
from tests.support.cli import cli
from tests.support.servers import free_port

SHOP = {"shop_id": "s1", "secret": "k1", "channels": [{"code": "web"}]}


def refused(done: subprocess.CompletedProcess[str], *words: str) -> str:
    """Exit code 2 and exactly one line on stderr, holding ``words``."""
    assert done.returncode == 2, (done.returncode, done.stderr)
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: ")
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def shops(db: Path) -> list[str]:
    store = Store(db)
    try:
        return [shop.shop_id for shop in store.shops()]
    finally:
        store.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A database holding shop s1 (channel web, category delivery)."""
    path = tmp_path / "shop.sqlite3"
    done = cli("add-shop", "--db", path, "--shop-id", "s1", "--shop-secret", "k1",
               "--channel", "web", "--category", "delivery")  # fmt: skip
    assert done.returncode == 0, done.stderr
    return path


def import_json(db: Path, tmp_path: Path, data: Any) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "shops.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return cli("import-shop", "--db", db, path)


@pytest.mark.parametrize(
    "command",
    [
        ("add-shop", "--shop-id", "s", "--shop-secret", "k"),
        ("load", "--shop-id", "s", "/dev/null"),
        ("demo", "--reviews", "10", "--days", "2"),
        ("serve", "--port", "0"),
    ],
)
def test_a_db_that_is_no_database(tmp_path: Path, command: tuple[str, ...]) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database, just notes\n" * 100)
    before = notes.read_bytes()
    refused(cli(command[0], "--db", notes, *command[1:]), str(notes), "not a database")
    assert notes.read_bytes() == before


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"name": {"first": "x"}}, ("name", "must be a string")),
        ({"name": 5}, ("name", "must be a string")),
        ({"secret": ""}, ("secret", "non-empty")),
        ({"channels": [{"code": "web", "active": "false"}]}, ("active", "true or false")),
        ({"channels": [{"code": "web", "name": ["x"]}]}, ("channels #1", "name")),
        ({"categories": [{"code": "c", "promoter_question": 7}]}, ("promoter_question",)),
    ],
)
def test_import_shop_refuses_wrong_values_and_writes_nothing(
    tmp_path: Path, change: dict[str, Any], words: tuple[str, ...]
) -> None:
    db = tmp_path / "new.sqlite3"
    # A good shop first, the bad one second: the good one must not be written either.
    refused(import_json(db, tmp_path, [SHOP, {**SHOP, "shop_id": "s2", **change}]), *words)
    assert not db.exists() or shops(db) == []


def test_a_failed_import_leaves_an_existing_shop_as_it_was(db: Path, tmp_path: Path) -> None:
    update = {**SHOP, "secret": "new", "channels": [{"code": "sms"}, {"code": 3}]}
    refused(import_json(db, tmp_path, update), "code")
    store = Store(db)
    shop = store.get_shop("s1")
    assert shop is not None
    assert shop.secret == "k1"
    assert [c.code for c in store.active_channels("s1")] == ["web"]
    store.close()


def test_deeply_nested_json(tmp_path: Path) -> None:
    db = tmp_path / "new.sqlite3"
    refused(import_json(db, tmp_path, "[" * 200_000 + "]" * 200_000), "nested too deeply")
    lines = tmp_path / "reviews.jsonl"
    lines.write_text('{"a": ' * 100_000 + "1" + "}" * 100_000 + "\n")
    refused(cli("load", "--db", db, "--shop-id", "s1", lines))


def test_add_shop_refuses_an_empty_secret(tmp_path: Path) -> None:
    db = tmp_path / "new.sqlite3"
    refused(cli("add-shop", "--db", db, "--shop-id", "s", "--shop-secret", ""), "secret")
    assert not db.exists() or shops(db) == []


def test_load_refuses_a_device(db: Path) -> None:
    started = time.monotonic()
    refused(cli("load", "--db", db, "--shop-id", "s1", "/dev/zero", timeout=30), "/dev/zero")
    assert time.monotonic() - started < 20


def test_load_from_a_pipe_with_no_writer_does_not_hang(db: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "reviews.csv"
    os.mkfifo(fifo)
    done = cli("load", "--db", db, "--shop-id", "s1", "--wait", "1", fifo, timeout=30)
    refused(done, "nothing to read")


def test_load_from_a_pipe(db: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "reviews.csv"
    os.mkfifo(fifo)

    def write() -> None:
        time.sleep(0.5)  # the loader waits for its writer
        with open(fifo, "w") as pipe:
            pipe.write("created_at,channel,category,rate\n2024-01-01,web,delivery,9\n")

    writer = threading.Thread(target=write)
    writer.start()
    done = cli("load", "--db", db, "--shop-id", "s1", fifo, timeout=30)
    writer.join()
    assert done.returncode == 0, done.stderr
    assert "imported 1 reviews" in done.stdout


@pytest.mark.parametrize("moment", ["0001-01-01T00:30:00+01:00", "9999-12-31T23:59:59.999Z"])
def test_load_refuses_times_the_api_cannot_write(db: Path, tmp_path: Path, moment: str) -> None:
    path = tmp_path / "reviews.csv"
    path.write_text(
        f"created_at,channel,category,rate\n2024-01-01,web,delivery,9\n{moment},web,delivery,9\n"
    )
    refused(cli("load", "--db", db, "--shop-id", "s1", path), "line 3", "created_at", "1900")
    store = Store(db)
    assert store.count_reviews("s1") == 0
    store.close()


def test_load_into_a_missing_database_creates_none(tmp_path: Path) -> None:
    path = tmp_path / "reviews.csv"
    path.write_text("created_at,channel,category,rate\n2024-01-01,web,delivery,9\n")
    db = tmp_path / "missing.sqlite3"
    refused(cli("load", "--db", db, "--shop-id", "s1", path), "no database")
    assert not db.exists()


# -- a PostgreSQL that cannot be reached or refuses ------------------------------------

PASSWORD = "pw-never-shown-7c1"


def unreachable_url() -> str:
    """A PostgreSQL URL, with a password, of a loopback port where nothing listens."""
    return f"postgresql://nps:{PASSWORD}@127.0.0.1:{free_port()}/nps"


@pytest.mark.parametrize(
    "command",
    [
        ("serve",),
        ("demo", "--reviews", "10"),
        ("add-shop", "--shop-id", "s1", "--shop-secret", "k1"),
        ("load", "--shop-id", "s1", "{csv}"),
        ("import-shop", "{json}"),
    ],
)
def test_unreachable_postgresql_is_one_line(tmp_path: Path, command: tuple[str, ...]) -> None:
    files = {"{csv}": tmp_path / "r.csv", "{json}": tmp_path / "s.json"}
    files["{csv}"].write_text("created_at,channel,category,rate\n2024-01-01,web,delivery,9\n")
    files["{json}"].write_text(json.dumps(SHOP))
    args = [str(files.get(a, a)) for a in command[1:]]
    done = cli(command[0], "--db", unreachable_url(), *args)
    refused(done, "postgresql://nps:***@127.0.0.1", "refused")
    assert PASSWORD not in done.stderr + done.stdout
    assert "Traceback" not in done.stderr


def test_refusing_postgresql_is_one_line(pg_url: str) -> None:
    """A database that does not exist on a running server: said, and exit 2."""
    url = pg_url.rsplit("/", 1)[0].replace("nps@", f"nps:{PASSWORD}@") + "/no_such_database"
    done = cli("add-shop", "--db", url, "--shop-id", "s1", "--shop-secret", "k1")
    refused(done, "no_such_database", "does not exist")
    assert PASSWORD not in done.stderr + done.stdout


def test_load_into_an_empty_postgresql_database_creates_nothing(
    pg_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "reviews.csv"
    path.write_text("created_at,channel,category,rate\n2024-01-01,web,delivery,9\n")
    refused(cli("load", "--db", pg_url, "--shop-id", "s1", path), "no database")
    engine = create_engine(pg_url)
    try:
        with engine.connect() as con:
            assert inspect(con).get_table_names() == []
    finally:
        engine.dispose()
