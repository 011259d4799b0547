"""Command line of the bundled NPS server.

    python -m nps_core.server serve --db DB [--host 127.0.0.1] [--port 8765]
        [--date-to inclusive|exclusive] [--shape array|envelope] [--legacy]
        [--page-limit N] [--day-tz TZ] [--rate-limit N] [--fault-rate F]
        [--latency MS] [--latency-jitter F] [--max-connections N] [--request-timeout S]
    python -m nps_core.server demo --db DB [--reviews 60000] [--days 365] [--seed 1]
        [--peak-day N]
    python -m nps_core.server load --db DB --shop-id ID [--wait S] FILE
    python -m nps_core.server add-shop --db DB --shop-id ID --shop-secret SECRET
        [--channel CODE[:NAME]]... [--category CODE[:NAME]]...
    python -m nps_core.server import-shop --db DB FILE.json

DB is a SQLite file's path or a PostgreSQL URL, ``postgresql://user:password@host/name``
(psycopg 3; ``postgresql+psycopg://`` too). Several ``serve`` processes may share one
PostgreSQL database: the replace rule is the database's own.

`import-shop` reads richer shop definitions: a JSON object, or a list of them, like

    {
      "shop_id": "my-shop",
      "secret": "0123456789abcdef0123456789abcdef",
      "name": "My Shop",
      "channels": [
        {"code": "email", "name": "Email survey"},
        {"code": "kiosk", "name": "In-store kiosk", "active": false}
      ],
      "categories": [
        {
          "code": "delivery",
          "name": "Delivery",
          "active": true,
          "promoter_question": "What did we get right?",
          "promoter_success": "Thank you!",
          "passive_question": "What would have made it perfect?",
          "passive_success": "Thanks for the feedback.",
          "detractor_question": "What went wrong?",
          "detractor_success": "Sorry, we will look into it."
        }
      ]
    }

`shop_id` and `secret` (or `shop_secret`) are required, non-empty strings; `name`,
`channels` and `categories` are optional; a channel or category needs only `code`;
`active` (true or false, nothing else) defaults to true; names and texts are strings.
Importing again updates the shop: channels and categories are matched by code, and
texts that are left out keep their stored value. A file is checked whole and written
in one transaction: one bad value and nothing changes.

Every command that fails says why in one line on stderr and exits with code 2, leaving
the database as it was.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from nps_core.server.database import shown
from nps_core.server.definitions import ShopDefinition, read_definitions
from nps_core.server.inputs import PIPE_WAIT, read_input
from nps_core.server.store import Store

__all__ = ["import_shops", "main"]

# The exit code of every failure (argparse's own, for bad arguments, too).
FAILED = 2


def _code_name(value: str) -> tuple[str, str | None]:
    code, sep, name = value.partition(":")
    if not code:
        raise argparse.ArgumentTypeError(f"expected CODE or CODE:NAME, got {value!r}")
    return code, (name if sep and name else None)


# Every command's database.
_DB: dict[str, Any] = {"required": True, "help": "a SQLite file's path or a PostgreSQL URL"}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m nps_core.server", description="PersonaClick-compatible NPS server"
    )
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--db", **_DB)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--date-to", choices=("inclusive", "exclusive"), default="inclusive")
    serve.add_argument("--shape", choices=("array", "envelope"), default="array")
    serve.add_argument("--legacy", action="store_true", help="reviews in the seed page's form")
    serve.add_argument("--page-limit", type=int, default=1000)
    serve.add_argument("--day-tz", default="UTC", help="time zone of date_from/date_to days")
    serve.add_argument("--rate-limit", type=int, default=None, help="requests per minute per shop")
    serve.add_argument("--fault-rate", type=float, default=0.0, help="share of faulty answers")
    serve.add_argument("--latency", type=float, default=0.0, help="ms each answer waits")
    serve.add_argument("--latency-jitter", type=float, default=0.2, help="±share of the wait")
    serve.add_argument("--max-connections", type=int, default=None, help="open at once")
    serve.add_argument("--request-timeout", type=float, default=10.0, help="s to send a request")

    demo = commands.add_parser("demo", help="create the demo shop and its reviews")
    demo.add_argument("--db", **_DB)
    demo.add_argument("--reviews", type=int, default=60_000)
    demo.add_argument("--days", type=int, default=365)
    demo.add_argument("--seed", type=int, default=1)
    demo.add_argument(
        "--peak-day", type=int, default=None, help="about this many reviews on the busiest day"
    )

    load = commands.add_parser("load", help="import reviews from CSV or JSON Lines")
    load.add_argument("--db", **_DB)
    load.add_argument("--shop-id", required=True)
    load.add_argument("--wait", type=float, default=PIPE_WAIT, help="s to wait for a pipe")
    load.add_argument("file", type=Path)

    add = commands.add_parser("add-shop", help="create a shop or add to one")
    add.add_argument("--db", **_DB)
    add.add_argument("--shop-id", required=True)
    add.add_argument("--shop-secret", required=True)
    add.add_argument("--name", default=None)
    add.add_argument("--channel", action="append", type=_code_name, default=[])
    add.add_argument("--category", action="append", type=_code_name, default=[])

    imp = commands.add_parser("import-shop", help="create or update shops from a JSON file")
    imp.add_argument("--db", **_DB)
    imp.add_argument("file", type=Path)
    return parser


def import_shops(store: Store, definitions: Any) -> list[str]:
    """Create or update the shops described (see the module docstring), all in one
    transaction; returns their ids. ValueError if any value is wrong: nothing written."""
    shops = read_definitions(definitions)
    store.define_shops(shops)
    return [shop.shop_id for shop in shops]


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from nps_core.server.app import create_app
    from nps_core.server.connections import uvicorn_config
    from nps_core.server.logs import log_config
    from nps_core.server.options import ServerOptions

    options = ServerOptions(
        date_to=args.date_to,
        shape=args.shape,
        legacy=args.legacy,
        page_limit=args.page_limit,
        day_tz=args.day_tz,
        rate_limit_per_minute=args.rate_limit,
        fault_rate=args.fault_rate,
        latency_ms=args.latency,
        latency_jitter=args.latency_jitter,
        max_connections=args.max_connections,
        request_timeout=args.request_timeout,
    )
    app = create_app(args.db, options)
    # The access log stays on (operators want it), with shop_secret values blanked.
    config = uvicorn_config(
        app, options, host=args.host, port=args.port, log_level="info", log_config=log_config()
    )
    uvicorn.Server(config).run()
    return 0


def _demo(args: argparse.Namespace) -> int:
    from nps_core.server.demo import create_demo

    shop_id, secret = create_demo(
        args.db, args.reviews, args.days, args.seed, peak_day=args.peak_day
    )
    print(f"shop_id={shop_id}")
    print(f"shop_secret={secret}")
    return 0


def _load(args: argparse.Namespace) -> int:
    from nps_core.server.loader import load_file

    count = load_file(args.db, args.shop_id, args.file, wait=args.wait)
    print(f"imported {count} reviews into shop {args.shop_id}")
    return 0


def _write_shops(db: str, shops: list[ShopDefinition]) -> None:
    store = Store(db)
    try:
        store.define_shops(shops)
    finally:
        store.close()


def _add_shop(args: argparse.Namespace) -> int:
    shops = read_definitions(
        {
            "shop_id": args.shop_id,
            "secret": args.shop_secret,
            "name": args.name,
            "channels": [{"code": code, "name": name} for code, name in args.channel],
            "categories": [{"code": code, "name": name} for code, name in args.category],
        }
    )
    _write_shops(args.db, shops)
    channels = ", ".join(code for code, _ in args.channel) or "none"
    categories = ", ".join(code for code, _ in args.category) or "none"
    print(f"shop {args.shop_id}: added channels {channels}; categories {categories}")
    return 0


def _import_shop(args: argparse.Namespace) -> int:
    text = read_input(args.file).decode("utf-8-sig")
    try:
        data = json.loads(text)
    except RecursionError:
        raise ValueError(f"{args.file}: JSON nested too deeply") from None
    except ValueError as exc:
        raise ValueError(f"{args.file}: not JSON ({exc})") from None
    shops = read_definitions(data)
    _write_shops(args.db, shops)
    for shop in shops:
        print(f"imported shop {shop.shop_id}")
    return 0


_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "serve": _serve,
    "demo": _demo,
    "load": _load,
    "add-shop": _add_shop,
    "import-shop": _import_shop,
}


def _database_error(exc: SQLAlchemyError) -> str:
    """The driver's own message (not SQLAlchemy's, which adds the statement and a link)."""
    cause = getattr(exc, "orig", None) or exc.__cause__ or exc
    return str(cause) or type(cause).__name__


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= 500 else line[:497] + "..."


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except SQLAlchemyError as exc:  # e.g. no SQLite file, a PostgreSQL that refuses
        message = f"{shown(args.db)}: {_database_error(exc)}"
    except (ValueError, OSError, RecursionError, MemoryError) as exc:  # LoadError too
        message = str(exc) or type(exc).__name__
    print(f"error: {_one_line(message)}", file=sys.stderr)
    return FAILED


if __name__ == "__main__":
    sys.exit(main())
