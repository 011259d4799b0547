"""A throwaway PostgreSQL cluster for the tests, started as an unprivileged account.

pytest-postgresql's executor drives Debian's ``pg_ctl``. PostgreSQL refuses to run as
root, and ``make test`` runs as root on CI, so there ``pg_ctl`` runs through ``runuser``
as the ``postgres`` account that Debian's package creates, in a folder that account
owns. The cluster listens on a free loopback port; every test gets a database of its own
(pytest-postgresql's ``DatabaseJanitor``), dropped after it.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

__all__ = ["PgCluster", "find_pg_ctl", "pg_cluster", "pg_database"]

_ACCOUNT = "postgres"  # created by Debian's postgresql-common
_SUPERUSER = "nps"
_names = itertools.count(1)


@dataclass(frozen=True)
class PgCluster:
    host: str
    port: int
    user: str
    version: str

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{dbname}"


def find_pg_ctl() -> str | None:
    """Debian keeps the server's programs off PATH, under /usr/lib/postgresql/N/bin."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=_major, reverse=True)
    return found[0] if found else shutil.which("pg_ctl")


def _major(path: str) -> int:
    parts = Path(path).parts
    return int(parts[-3]) if len(parts) >= 3 and parts[-3].isdigit() else 0


def _require_pg_ctl() -> str:
    pg_ctl = find_pg_ctl()
    if pg_ctl is None:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL is required under CI (make test installs Debian's postgresql)")
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    return pg_ctl


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _workdir() -> tuple[Path, str]:
    """A folder the cluster's account owns, and the program that runs ``pg_ctl`` as it."""
    folder = Path(tempfile.mkdtemp(prefix="nps-pg-"))
    if os.geteuid() != 0:
        return folder, ""
    account = pwd.getpwnam(_ACCOUNT)
    os.chown(folder, account.pw_uid, account.pw_gid)
    return folder, "runuser"


def _wrapper(folder: Path, pg_ctl: str, runner: str) -> str:
    """pytest-postgresql calls one executable; as root it must be ``pg_ctl`` as postgres."""
    if not runner:
        return pg_ctl
    script = folder / "pg_ctl"
    script.write_text(f'#!/bin/sh\nexec runuser -u {_ACCOUNT} -- "{pg_ctl}" "$@"\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return str(script)


@contextmanager
def pg_cluster() -> Iterator[PgCluster]:
    """Start a cluster for the duration of the block; its files go with it."""
    from pytest_postgresql.executors.proc import PostgreSQLExecutor

    pg_ctl = _require_pg_ctl()
    folder, runner = _workdir()
    executor = PostgreSQLExecutor(
        executable=_wrapper(folder, pg_ctl, runner),
        host="127.0.0.1",
        port=_free_port(),
        datadir=str(folder / "data"),
        unixsocketdir=str(folder),
        logfile=str(folder / "postgresql.log"),
        startparams="-w",
        dbname="postgres",
        user=_SUPERUSER,
        # Enough connections for two server replicas and fifty writers at once.
        postgres_options="-c max_connections=300 -c fsync=off",
    )
    try:
        executor.start()
        yield PgCluster("127.0.0.1", executor.port, _SUPERUSER, str(executor.version))
    finally:
        executor.stop()
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def pg_database(cluster: PgCluster) -> Iterator[str]:
    """A new empty database on ``cluster``: its SQLAlchemy URL, dropped afterwards."""
    from pytest_postgresql.janitor import DatabaseJanitor

    name = f"nps_test_{os.getpid()}_{next(_names)}"
    janitor = DatabaseJanitor(
        user=cluster.user,
        host=cluster.host,
        port=cluster.port,
        dbname=name,
    )
    with janitor:
        yield cluster.url(name)
