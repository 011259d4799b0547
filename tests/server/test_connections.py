"""Idle, half-sent and too many connections: the server stays reachable, its log small."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx

from tests.support.servers import ServerFactory, serve
from tests.support.shops import SHOP, write_example_shops


@contextmanager
def idle_sockets(url: str, count: int) -> Iterator[list[socket.socket]]:
    """``count`` connections to ``url`` that send nothing, closed on leaving."""
    host, port = url.removeprefix("http://").split(":")
    with ExitStack() as stack:
        sockets = []
        for _ in range(count):
            sock = stack.enter_context(socket.create_connection((host, int(port)), timeout=5))
            sockets.append(sock)
        yield sockets


def reachable(url: str, within: float = 5.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            answer = httpx.get(f"{url}/nps/channels", params={"shop_id": SHOP}, timeout=2)
            if answer.status_code == 200:
                return True
        except httpx.HTTPError:
            pass
    return False


def closed_by_server(sock: socket.socket, within: float) -> bool:
    """Whether the server closes ``sock`` within ``within`` seconds."""
    sock.settimeout(within)
    try:
        return sock.recv(1024) == b""
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True


def test_300_idle_sockets_with_256_file_handles(tmp_path: Path) -> None:
    db = write_example_shops(tmp_path / "nps.sqlite3")
    log = tmp_path / "serve.log"
    with serve(db, output=log, max_files=256) as server, idle_sockets(server.url, 300):
        assert reachable(server.url), "300 idle sockets made the server unreachable"
        time.sleep(2)
        assert reachable(server.url)
    text = log.read_text(errors="replace")
    assert len(text) < 20_000, f"{len(text):,} bytes of log"
    assert text.count("Traceback") <= 1
    assert text.count("Too many open files") <= 1
    assert "connections open" in text  # said once, not per connection


def test_a_connection_must_send_its_request_in_time(start: ServerFactory) -> None:
    server = start(request_timeout=1.0)
    with idle_sockets(server.url, 2) as (silent, slow):
        slow.sendall(b"GET /nps/channels?shop_id=")  # and never more
        assert closed_by_server(silent, within=3.0)
        assert closed_by_server(slow, within=3.0)
        assert reachable(server.url)


def test_a_slow_body_is_cut_off(start: ServerFactory) -> None:
    server = start(request_timeout=1.0)
    with idle_sockets(server.url, 1) as (sock,):
        sock.sendall(
            b"POST /nps/create HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100\r\n\r\n{"
        )
        assert closed_by_server(sock, within=3.0) or b"HTTP/1.1" in sock.recv(1024)


def test_beyond_the_limit_the_oldest_idle_connection_is_closed(start: ServerFactory) -> None:
    server = start(max_connections=5)
    with idle_sockets(server.url, 10) as sockets:
        started = time.monotonic()
        assert reachable(server.url)
        assert time.monotonic() - started < 1.0
        assert closed_by_server(sockets[0], within=1.0)
