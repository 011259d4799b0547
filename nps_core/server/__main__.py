"""Command line of the bundled NPS server.

    python -m nps_core.server serve --db PATH [--host 127.0.0.1] [--port 8765]
        [--date-to inclusive|exclusive] [--shape array|envelope] [--legacy]
        [--page-limit N] [--day-tz TZ] [--rate-limit N] [--fault-rate F]
    python -m nps_core.server demo --db PATH [--reviews 60000] [--days 365] [--seed 1]
    python -m nps_core.server load --db PATH --shop-id ID FILE
    python -m nps_core.server add-shop --db PATH --shop-id ID --shop-secret SECRET
        [--channel CODE[:NAME]]... [--category CODE[:NAME]]...
    python -m nps_core.server import-shop --db PATH FILE.json

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

`shop_id` and `secret` (or `shop_secret`) are required; `name`, `channels` and
`categories` are optional; a channel or category needs only `code`; `active`
defaults to true. Importing again updates the shop: channels and categories are
matched by code, and texts that are left out keep their stored value.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nps_core.contract.wire import CATEGORY_TEXTS
from nps_core.server.store import Store

__all__ = ["import_shops", "main"]


def _code_name(value: str) -> tuple[str, str | None]:
    code, sep, name = value.partition(":")
    if not code:
        raise argparse.ArgumentTypeError(f"expected CODE or CODE:NAME, got {value!r}")
    return code, (name if sep and name else None)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m nps_core.server", description="PersonaClick-compatible NPS server"
    )
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--db", required=True, type=Path)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--date-to", choices=("inclusive", "exclusive"), default="inclusive")
    serve.add_argument("--shape", choices=("array", "envelope"), default="array")
    serve.add_argument("--legacy", action="store_true", help="reviews in the seed page's form")
    serve.add_argument("--page-limit", type=int, default=1000)
    serve.add_argument("--day-tz", default="UTC", help="time zone of date_from/date_to days")
    serve.add_argument("--rate-limit", type=int, default=None, help="requests per minute per shop")
    serve.add_argument("--fault-rate", type=float, default=0.0, help="share of faulty answers")

    demo = commands.add_parser("demo", help="create the demo shop and its reviews")
    demo.add_argument("--db", required=True, type=Path)
    demo.add_argument("--reviews", type=int, default=60_000)
    demo.add_argument("--days", type=int, default=365)
    demo.add_argument("--seed", type=int, default=1)

    load = commands.add_parser("load", help="import reviews from CSV or JSON Lines")
    load.add_argument("--db", required=True, type=Path)
    load.add_argument("--shop-id", required=True)
    load.add_argument("file", type=Path)

    add = commands.add_parser("add-shop", help="create a shop or add to one")
    add.add_argument("--db", required=True, type=Path)
    add.add_argument("--shop-id", required=True)
    add.add_argument("--shop-secret", required=True)
    add.add_argument("--name", default=None)
    add.add_argument("--channel", action="append", type=_code_name, default=[])
    add.add_argument("--category", action="append", type=_code_name, default=[])

    imp = commands.add_parser("import-shop", help="create or update shops from a JSON file")
    imp.add_argument("--db", required=True, type=Path)
    imp.add_argument("file", type=Path)
    return parser


def import_shops(store: Store, definitions: Any) -> list[str]:
    """Create or update the shops described (see the module docstring); returns their ids."""
    items = definitions if isinstance(definitions, list) else [definitions]
    done: list[str] = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise ValueError(f"shop #{number}: must be a JSON object")
        shop_id = item.get("shop_id")
        secret = item.get("secret", item.get("shop_secret"))
        if not isinstance(shop_id, str) or not shop_id:
            raise ValueError(f"shop #{number}: shop_id must be a non-empty string")
        if not isinstance(secret, str) or not secret:
            raise ValueError(f"shop {shop_id}: secret must be a non-empty string")
        store.add_shop(shop_id, secret, item.get("name"))
        for kind in ("channels", "categories"):
            for entry in item.get(kind) or []:
                if not isinstance(entry, dict) or not isinstance(entry.get("code"), str):
                    raise ValueError(f"shop {shop_id}: each of {kind} needs a string code")
                active = bool(entry.get("active", True))
                if kind == "channels":
                    store.add_channel(shop_id, entry["code"], entry.get("name"), active)
                else:
                    texts = {t: entry[t] for t in CATEGORY_TEXTS if entry.get(t) is not None}
                    store.add_category(shop_id, entry["code"], entry.get("name"), active, **texts)
        done.append(shop_id)
    return done


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from nps_core.server.app import create_app
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
    )
    app = create_app(args.db, options)
    # The access log stays on (operators want it), with shop_secret values blanked.
    uvicorn.run(app, host=args.host, port=args.port, log_level="info", log_config=log_config())
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "serve":
            return _serve(args)
        if args.command == "demo":
            from nps_core.server.demo import create_demo

            shop_id, secret = create_demo(args.db, args.reviews, args.days, args.seed)
            print(f"shop_id={shop_id}")
            print(f"shop_secret={secret}")
            return 0
        if args.command == "load":
            from nps_core.server.loader import load_file

            count = load_file(args.db, args.shop_id, args.file)
            print(f"imported {count} reviews into shop {args.shop_id}")
            return 0
        store = Store(args.db)
        try:
            if args.command == "add-shop":
                store.add_shop(args.shop_id, args.shop_secret, args.name)
                for code, name in args.channel:
                    store.add_channel(args.shop_id, code, name)
                for code, name in args.category:
                    store.add_category(args.shop_id, code, name)
                channels = ", ".join(code for code, _ in args.channel) or "none"
                categories = ", ".join(code for code, _ in args.category) or "none"
                print(f"shop {args.shop_id}: added channels {channels}; categories {categories}")
                return 0
            definitions = json.loads(args.file.read_text(encoding="utf-8"))
            for shop_id in import_shops(store, definitions):
                print(f"imported shop {shop_id}")
            return 0
        finally:
            store.close()
    except (ValueError, OSError) as exc:  # LoadError is a ValueError
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
