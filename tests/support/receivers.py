"""What the alerts tests deliver to: a webhook receiver and an SMTP server, on loopback.

``WebhookReceiver`` is a small threaded ``http.server`` that takes Apprise's ``json://``
posts: it records every request (its ``Idempotency-Key`` and JSON body), can answer the
first ``fail_first`` requests with 500 and can answer slowly (``delay`` seconds after it
has recorded the request, as a slow service would), so a worker can be killed while a
message is in flight. ``MailReceiver`` is aiosmtpd's controller collecting messages.
"""

from __future__ import annotations

import email
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

from tests.support.servers import free_port

__all__ = ["Delivery", "MailReceiver", "WebhookReceiver", "mail_receiver", "webhook_receiver"]


@dataclass(frozen=True)
class Delivery:
    key: str | None
    body: dict[str, Any]
    at: float


@dataclass
class WebhookReceiver:
    port: int = 0
    fail_first: int = 0
    delay: float = 0.0
    deliveries: list[Delivery] = field(default_factory=list)
    requests: int = 0
    times: list[float] = field(default_factory=list)  # of every request, failed ones too
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str = "hook") -> str:
        return f"json://127.0.0.1:{self.port}/{path}"

    def keys(self) -> list[str | None]:
        with self.lock:
            return [d.key for d in self.deliveries]

    def wait_for(self, count: int, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.deliveries) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{len(self.deliveries)} of {count} deliveries arrived")
            time.sleep(0.05)


def _handler(receiver: WebhookReceiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with receiver.lock:
                receiver.requests += 1
                receiver.times.append(time.monotonic())
                failing = receiver.requests <= receiver.fail_first
                if not failing:
                    key = self.headers.get("Idempotency-Key")
                    receiver.deliveries.append(Delivery(key, body, time.monotonic()))
            time.sleep(receiver.delay)
            self.send_response(500 if failing else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def webhook_receiver(fail_first: int = 0, delay: float = 0.0) -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver(fail_first=fail_first, delay=delay)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
    server.daemon_threads = True
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class MailReceiver:
    port: int
    messages: list[Message] = field(default_factory=list)

    def url(self, to: str = "team@example.com") -> str:
        return f"mailto://127.0.0.1:{self.port}?from=digest@example.com&to={to}&mode=insecure"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@contextmanager
def mail_receiver() -> Iterator[MailReceiver]:
    receiver = MailReceiver(free_port())
    controller = Controller(receiver, hostname="127.0.0.1", port=receiver.port)
    controller.start()
    try:
        yield receiver
    finally:
        controller.stop()
