"""`python -m nps_core.server ...` as a user runs it, on a SQLite file and on PostgreSQL
(by a plain ``postgresql://`` URL, as a user writes it)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from nps_core.server.demo import DEMO_SHOP_ID, demo_secret
from nps_core.server.store import Store
from tests.support.cli import cli
from tests.support.databases import ServerDatabases
from tests.support.servers import serve

CliDb = Callable[[str], str | Path]


@pytest.fixture
def cli_db(server_databases: ServerDatabases) -> CliDb:
    """``cli_db(name)``: a new database as ``--db`` names it: a path, or a plain
    ``postgresql://`` URL (psycopg 3, as the server reads it)."""

    def make(name: str) -> str | Path:
        db = server_databases(name)
        return (
            db.replace("postgresql+psycopg://", "postgresql://", 1) if isinstance(db, str) else db
        )

    return make


def test_demo_prints_credentials(cli_db: CliDb) -> None:
    db = cli_db("demo.sqlite3")
    done = cli("demo", "--db", db, "--reviews", "3000", "--days", "60", "--seed", "7")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [f"shop_id={DEMO_SHOP_ID}", f"shop_secret={demo_secret(7)}"]
    store = Store(db)
    assert store.count_reviews(DEMO_SHOP_ID) == 3000
    store.close()


def test_add_shop_then_load(cli_db: CliDb, tmp_path: Path) -> None:
    db = cli_db("shop.sqlite3")
    done = cli(
        "add-shop",
        "--db",
        db,
        "--shop-id",
        "s1",
        "--shop-secret",
        "k1",
        "--channel",
        "web:Website",
        "--channel",
        "email",
        "--category",
        "delivery:Delivery",
    )
    assert done.returncode == 0, done.stderr
    done = cli(
        "add-shop", "--db", db, "--shop-id", "s1", "--shop-secret", "k1", "--category", "support"
    )
    assert done.returncode == 0, done.stderr
    store = Store(db)
    assert [(c.code, c.name) for c in store.active_channels("s1")] == [
        ("web", "Website"),
        ("email", "email"),
    ]
    assert [c.code for c in store.active_categories("s1")] == ["delivery", "support"]

    good = tmp_path / "good.csv"
    good.write_text(
        "created_at,channel,category,rate\n2024-01-01,web,delivery,9\n2024-01-02,web,delivery,0\n"
    )
    done = cli("load", "--db", db, "--shop-id", "s1", good)
    assert done.returncode == 0, done.stderr
    assert "2" in done.stdout

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "created_at,channel,category,rate\n2024-01-03,web,delivery,9\n2024-01-04,web,delivery,12\n"
    )
    done = cli("load", "--db", db, "--shop-id", "s1", bad)
    assert done.returncode == 2
    assert "line 3" in done.stderr
    assert "rate" in done.stderr
    assert store.count_reviews("s1") == 2
    store.close()


def test_import_shop(cli_db: CliDb, tmp_path: Path) -> None:
    db = cli_db("import.sqlite3")
    definition = {
        "shop_id": "rich",
        "secret": "s3cret",
        "name": "Rich shop",
        "channels": [{"code": "web", "name": "Website"}, {"code": "kiosk", "active": False}],
        "categories": [
            {
                "code": "delivery",
                "name": "Delivery",
                "promoter_question": "Why so happy?",
                "detractor_success": "Sorry!",
            },
            {"code": "old", "active": False},
        ],
    }
    path = tmp_path / "shop.json"
    path.write_text(json.dumps([definition]))
    done = cli("import-shop", "--db", db, path)
    assert done.returncode == 0, done.stderr
    store = Store(db)
    shop = store.get_shop("rich")
    assert shop is not None
    assert (shop.secret, shop.name) == ("s3cret", "Rich shop")
    assert [c.code for c in store.active_channels("rich")] == ["web"]
    (category,) = store.active_categories("rich")
    assert (category.promoter_question, category.detractor_success) == ("Why so happy?", "Sorry!")
    store.close()
    path.write_text(json.dumps({"shop_id": "x"}))
    done = cli("import-shop", "--db", db, path)
    assert done.returncode == 2
    assert "secret" in done.stderr


def test_serve(cli_db: CliDb) -> None:
    db = cli_db("serve.sqlite3")
    assert (
        cli(
            "add-shop", "--db", db, "--shop-id", "s", "--shop-secret", "k", "--channel", "web"
        ).returncode
        == 0
    )
    options = ("--shape", "envelope", "--date-to", "exclusive", "--page-limit", "10")
    options += ("--latency", "20", "--latency-jitter", "0.1", "--max-connections", "50")
    with serve(db, *options, "--day-tz", "Europe/Berlin", "--rate-limit", "100") as server:
        answer = httpx.get(f"{server.url}/nps/channels", params={"shop_id": "s"}, timeout=2)
        assert answer.json()["payload"]["channels"][0]["code"] == "web"


def test_bad_arguments_exit_nonzero(tmp_path: Path) -> None:
    assert cli("serve").returncode != 0
    done = cli("load", "--db", tmp_path / "x.sqlite3", "--shop-id", "s", tmp_path / "missing.csv")
    assert done.returncode == 2
    assert "error" in done.stderr
