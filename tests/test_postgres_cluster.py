"""The tests' PostgreSQL: a real cluster, one database per test, never run as root."""

from __future__ import annotations

import os

from sqlalchemy import create_engine, text

from tests.support.postgres import PgCluster


def _ask(url: str, query: str) -> object:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            return connection.execute(text(query)).scalar_one()
    finally:
        engine.dispose()


def test_each_test_gets_its_own_empty_database(pg_url: str, pg: PgCluster) -> None:
    tables = "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
    assert _ask(pg_url, tables) == 0
    assert _ask(pg_url, "SELECT current_user") == pg.user
    assert int(str(_ask(pg_url, "SELECT current_setting('port')"))) == pg.port


def test_the_cluster_runs_as_an_unprivileged_account(pg_url: str) -> None:
    data = str(_ask(pg_url, "SELECT current_setting('data_directory')"))
    assert os.stat(data).st_uid != 0
